"""Bad input through every grant round form, one table of cases, as tests/test_bad_input.py
does it for the rest of the product.

A refused input is answered with a page (200, never a server error) showing the message on
the field, or the row, it concerns; the database (every row of every model of the
project's apps, grants included) and the stored files are as they were.

Unusual but good input (markup, right-to-left scripts, emoji, text like SQL or a
spreadsheet formula) is accepted, kept exactly as typed, escaped on the pages that show
it, and defused in the CSV and XLSX exports.
"""

import csv
import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from grants import applicants, services
from grants.applicants import EMAIL_TAKEN, REGISTERED_BY
from grants.forms_account import PASSWORDS_DIFFER
from grants.models import (
    Application,
    CostLine,
    GrantRound,
    JoinRequest,
    Organisation,
    Response,
    RoundEvent,
)
from grants.services import REASON_NEEDED
from pcc_grants.forms import DATE_OUT_OF_RANGE, FORMSET_MAX_ROWS, FORMSET_TOO_MANY_ROWS
from pcc_grants.models import User
from pcc_grants.money import NEGATIVE, NOT_MONEY, TOO_LARGE, TOO_MANY_PLACES
from pcc_grants.uploads import CONTENT_MISMATCH, TOO_BIG, WRONG_TYPE
from tests.bad_input import files
from tests.bad_input.state import database_state, stored_files
from tests.grants.conftest import PDF, complete_application, make_applicant
from tests.grants.test_round_setup import round_post
from tests.test_bad_input import (
    ARABIC,
    EMPTY_UPLOAD,
    FORMULA,
    HEBREW_AND_EMOJI,
    HUGE,
    MIXED_DIRECTION,
    NOT_A_CHOICE,
    NOT_A_DATE,
    NUL,
    SQLISH,
    TEN_MEGABYTES,
    TOO_LONG,
    Case,
    accepted,
    assert_shown_as_text,
    management,
    markup,
    messages_at,
    page,
    refused,
    ten_megabytes_of_text,
    text_too_long,
)

pytestmark = pytest.mark.django_db

BIG = ten_megabytes_of_text()
# A choice field's message names what was posted; a model choice's does not (NOT_A_CHOICE).
NOT_ONE_OF_THE_CHOICES = "is not one of the available choices."
PASSWORD = "correct horse battery staple"
# More than the 12 digits an amount is kept in, fewer than any amount form refuses.
ELEVEN_DIGIT_POUNDS = "99,999,999,999"
TOO_MANY_ROWS = FORMSET_TOO_MANY_ROWS % {"num": FORMSET_MAX_ROWS}
ABOUT = "about-your-project"


@dataclass
class World:
    client: object
    people: dict
    grant_round: GrantRound
    draft: Application  # Ann's, complete, not submitted
    submitted: Application  # Bo's
    media: Path

    def question(self, kind: str) -> str:
        return f"question_{self.grant_round.questions.get(kind=kind).pk}"

    def eligibility(self, kind: str) -> str:
        return f"eligibility_{self.grant_round.eligibility_questions.get(kind=kind).pk}"


@pytest.fixture
def world(client, settings, officer, applicant, open_round, draft, theme) -> World:
    bo = make_applicant("bo@newfutures.example", "Bo Brown")
    theirs = applicants.organisation_create(by=bo, name="New Futures", charity_number="1099999")
    submitted = services.application_submit(
        application=complete_application(open_round, theirs, bo, theme), by=bo
    )
    return World(
        client=client,
        people={"officer": officer, "applicant": applicant, "bo": bo, "anonymous": None},
        grant_round=open_round,
        draft=draft,
        submitted=submitted,
        media=settings.MEDIA_ROOT,
    )


# What each form is sent when nothing is wrong ------------------------------------------


def register_data(w: World) -> dict:
    return {
        "full_name": "Cara New",
        "email": "cara@westcotes.example",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }


def organisation_data(w: World) -> dict:
    return {
        "name": "Westcotes Street Pastors",
        "organisation_type": "charity",
        "charity_number": "",
        "company_number": "",
        "address": "",
        "postcode": "",
        "job_title": "",
        "next": "",
    }


def section(slug: str) -> Callable:
    return lambda w: reverse("grants_apply:section", args=[w.draft.pk, slug])


FORMS = {
    "register": (lambda w: reverse("grants_public:register"), register_data),
    "organisation": (lambda w: reverse("grants_apply:organisation_new"), organisation_data),
    "join": (
        lambda w: reverse("grants_apply:organisation_join", args=[w.draft.organisation_id]),
        lambda w: {"job_title": "Volunteer", "message": "I run the Tuesday sessions."},
    ),
    "eligibility": (
        section("eligibility"),
        lambda w: {w.eligibility("confirm"): "on", w.eligibility("yes_no"): "no"},
    ),
    "project": (
        section("project"),
        lambda w: {
            "title": "Domestic abuse helpline",
            "project_start": "2026-04-01",
            "project_end": "2027-03-31",
            "theme": "",
        },
    ),
    "about": (
        section(ABOUT),
        lambda w: {w.question("text"): "Weekly drop-in sessions.", w.question("number"): "120"},
    ),
    "delivery": (
        section("delivery"),
        lambda w: {w.question("date"): "2026-05-01", w.question("money"): "2000"},
    ),
    "budget": (
        section("budget"),
        lambda w: {
            "amount_requested": "9,000",
            **management("lines", 2),
            "lines-0-item": "Helpline worker",
            "lines-0-amount": "8,000",
            "lines-1-item": "Phones",
            "lines-1-amount": "1,000",
        },
    ),
    "round": (
        lambda w: reverse("grants:round_new"),
        lambda w: round_post(w.grant_round.funding_stream),
    ),
    "extend": (
        lambda w: reverse("grants:round_extend", args=[w.grant_round.pk]),
        lambda w: {"closes_on": "2099-07-31", "closes_time": "17:00", "reason": "Snow."},
    ),
    "screen": (
        lambda w: reverse("grants:application_screen", args=[w.submitted.pk]),
        lambda w: {"outcome": "eligible", "reason": ""},
    ),
}


def post(form: str, changes: Callable | None = None, **static) -> Callable:
    """Post ``form`` with its good data, changed as given (``changes`` for fields whose
    names hold a primary key)."""
    url, data = FORMS[form]

    def send(w: World):
        return w.client.post(url(w), {**data(w), **static, **(changes(w) if changes else {})})

    return send


def answer(form: str, kind: str, value: str) -> Callable:
    return post(form, lambda w: {w.question(kind): value})


def upload(name: str, content: bytes, document: int = 0) -> Callable:
    def send(w: World):
        wanted = list(w.grant_round.required_documents.all())[document]
        return w.client.post(
            section("documents")(w),
            {
                "required_document": wanted.pk,
                f"document_{wanted.pk}-file": SimpleUploadedFile(name, content),
            },
        )

    return send


def shown_at(response, where) -> list[str]:
    """``messages_at``, and two places of grant round pages: ``document.0.file`` (the
    upload form of the round's first document) and ``criteria.__all__`` or
    ``questions.1.text`` (a list of the round's page, by its prefix)."""
    name, *rest = where.split(".")
    if name == "document":
        return list(response.context["rows"][int(rest[0])][2].errors.get(rest[1], []))
    formsets = {f.prefix: f for f in (response.context.get("formsets") or [])}
    if name in formsets:
        formset = formsets[name]
        if rest == ["__all__"]:
            return list(formset.non_form_errors())
        return list(formset.forms[int(rest[0])].errors.get(rest[1], []))
    return messages_at(response, where)


def on(kind: str) -> Callable:
    """Where the message of an eligibility question of ``kind`` must be."""
    return lambda w: f"form.{w.eligibility(kind)}"


def on_question(kind: str) -> Callable:
    return lambda w: f"form.{w.question(kind)}"


# Checks for good input ---------------------------------------------------------------


def assert_shown(text: str, value: str) -> None:
    """Shown as typed: escaped if it holds markup, exactly if it does not."""
    if html.escape(value) == value:
        assert value in text, value
    else:
        assert_shown_as_text(text, value)


def as_user(w: World, who: str) -> None:
    w.client.force_login(w.people[who])


def register_markup_kept(w: World, response) -> None:
    user = User.objects.get(username="cara@westcotes.example")
    assert user.get_full_name() == markup("rn")
    verified = applicants.applicant_verify(token=applicants.verification_token(user))
    organisation = applicants.organisation_create(by=verified, name="Westcotes")
    w.client.force_login(verified)
    assert_shown_as_text(page(w, organisation.get_absolute_url()), markup("rn"))


def register_unicode_kept(w: World, response) -> None:
    assert User.objects.get(username="cara@westcotes.example").get_full_name() == ARABIC


ORGANISATION_MARKUP = {"name": markup("on"), "address": markup("oa"), "job_title": markup("oj")}


def organisation_markup_kept(w: World, response) -> None:
    organisation = Organisation.objects.get(name=ORGANISATION_MARKUP["name"])
    assert organisation.address == ORGANISATION_MARKUP["address"]
    assert organisation.memberships.get().job_title == ORGANISATION_MARKUP["job_title"]
    assert_shown_as_text(page(w, organisation.get_absolute_url()), *ORGANISATION_MARKUP.values())
    assert_shown_as_text(page(w, reverse("grants_apply:account")), ORGANISATION_MARKUP["name"])


def organisation_unicode_kept(w: World, response) -> None:
    organisation = Organisation.objects.get(name=ARABIC)
    assert organisation.address == HEBREW_AND_EMOJI
    text = page(w, organisation.get_absolute_url())
    assert ARABIC in text and HEBREW_AND_EMOJI in text


def organisation_sqlish_kept(w: World, response) -> None:
    organisation = Organisation.objects.get(name=SQLISH)
    assert Organisation.objects.count() == 3
    assert_shown_as_text(page(w, organisation.get_absolute_url()), SQLISH)


def join_markup_kept(w: World, response) -> None:
    request = JoinRequest.objects.get(user=w.people["bo"])
    assert (request.job_title, request.message) == (markup("jt"), markup("jm"))
    as_user(w, "applicant")
    text = page(w, w.draft.organisation.get_absolute_url())
    assert_shown_as_text(text, markup("jt"), markup("jm"))


def submit_and_export(w: World) -> tuple[str, str, list]:
    """Ann's draft submitted; what staff then read of it: the application page, the
    round page and the two exports (the XLSX as rows of values)."""
    w.draft = services.application_submit(application=w.draft, by=w.people["applicant"])
    as_user(w, "officer")
    staff_page = page(w, reverse("grants:application", args=[w.draft.pk]))
    round_page = page(w, w.grant_round.get_absolute_url())
    exported = w.client.get(reverse("grants:round_export", args=[w.grant_round.pk, "csv"]))
    workbook = w.client.get(reverse("grants:round_export", args=[w.grant_round.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert list(csv.reader(io.StringIO(exported.content.decode())))[0] == rows[0]
    return staff_page, round_page, [exported.content.decode(), rows]


def answer_kept(value: str) -> Callable:
    def check(w: World, response) -> None:
        question = w.grant_round.questions.get(kind="text")
        assert Response.objects.get(application=w.draft, question=question).value == value
        assert_shown(page(w, reverse("grants_apply:check", args=[w.draft.pk])), value)
        staff_page, _, (exported, rows) = submit_and_export(w)
        assert_shown(staff_page, value)
        row = next(row for row in rows if row[0] == w.draft.reference)
        if value.startswith("="):
            assert "'" + value in exported
            assert "'" + value in row
        else:
            assert value in exported and value in row

    return check


def title_kept(value: str) -> Callable:
    def check(w: World, response) -> None:
        assert Application.objects.get(pk=w.draft.pk).title == value
        assert_shown_as_text(page(w, w.draft.get_absolute_url()), value)
        staff_page, round_page, (exported, rows) = submit_and_export(w)
        assert_shown_as_text(staff_page, value)
        assert_shown_as_text(round_page, value)
        row = next(row for row in rows if row[0] == w.draft.reference)
        assert ("'" + value if value.startswith("=") else value) in row
        assert ("'" + value if value.startswith("=") else value) in exported

    return check


def cost_line_kept(w: World, response) -> None:
    assert CostLine.objects.filter(application=w.draft, item=markup("cl")).count() == 1
    assert_shown_as_text(page(w, reverse("grants_apply:check", args=[w.draft.pk])), markup("cl"))
    staff_page, _, _ = submit_and_export(w)
    assert_shown_as_text(staff_page, markup("cl"))


DOCUMENT_NAME = "<img src=x onerror=alert(1)>.pdf"


def document_name_kept(w: World, response) -> None:
    document = w.draft.documents.get(original_name=DOCUMENT_NAME)
    assert document.original_name == DOCUMENT_NAME
    assert_shown_as_text(page(w, section("documents")(w)), DOCUMENT_NAME)


ROUND_MARKUP = {
    "name": markup("rn"),
    "summary": markup("rs"),
    "guidance": markup("rg"),
    "criteria-0-name": markup("rc"),
    "eligibility-0-text": markup("re"),
    "questions-0-text": markup("rq"),
    "documents-0-name": markup("rd"),
}


def round_markup_kept(w: World, response) -> None:
    grant_round = GrantRound.objects.get(name=ROUND_MARKUP["name"])
    assert (grant_round.summary, grant_round.guidance) == (
        ROUND_MARKUP["summary"],
        ROUND_MARKUP["guidance"],
    )
    assert grant_round.criteria.first().name == ROUND_MARKUP["criteria-0-name"]
    assert grant_round.questions.get().text == ROUND_MARKUP["questions-0-text"]
    typed = list(ROUND_MARKUP.values())
    assert_shown_as_text(page(w, reverse("grants:round_edit", args=[grant_round.pk])), *typed)
    assert_shown_as_text(page(w, grant_round.get_absolute_url()), ROUND_MARKUP["name"])
    services.round_transition(grant_round=grant_round, by=w.people["officer"], action="open")
    w.client.logout()
    public = page(w, grant_round.get_public_url())
    assert_shown_as_text(public, *(v for k, v in ROUND_MARKUP.items() if "questions" not in k))


def round_unicode_kept(w: World, response) -> None:
    grant_round = GrantRound.objects.get(name=ARABIC)
    assert grant_round.guidance == HEBREW_AND_EMOJI
    assert grant_round.summary == MIXED_DIRECTION
    text = page(w, grant_round.get_absolute_url())
    assert ARABIC in text


def extend_reason_kept(w: World, response) -> None:
    event = RoundEvent.objects.get(grant_round=w.grant_round, action="extend")
    assert event.reason == markup("xr")
    assert_shown_as_text(page(w, w.grant_round.get_absolute_url()), markup("xr"))


def screening_reason_kept(w: World, response) -> None:
    w.submitted.refresh_from_db()
    assert w.submitted.screening_reason == FORMULA
    assert_shown_as_text(page(w, w.submitted.get_staff_url()), FORMULA)
    exported = w.client.get(reverse("grants:round_export", args=[w.grant_round.pk, "csv"]))
    assert "'" + FORMULA in exported.content.decode()
    as_user(w, "bo")
    assert_shown_as_text(page(w, w.submitted.get_absolute_url()), FORMULA)


def screening_markup_kept(w: World, response) -> None:
    w.submitted.refresh_from_db()
    assert w.submitted.screening_reason == markup("sr")
    assert_shown_as_text(page(w, w.submitted.get_staff_url()), markup("sr"))
    as_user(w, "bo")
    assert_shown_as_text(page(w, w.submitted.get_absolute_url()), markup("sr"))


# The table -----------------------------------------------------------------------------

TEXT_QUESTION = "“What will the project do?”"
NUMBER_QUESTION = "“How many people will it reach?”"
DATE_QUESTION = "“When will the first session run?”"
MONEY_QUESTION = "“What other funding have you secured?”"
YES_NO_QUESTION = "“Does the project duplicate a service the council already funds?”"
FIFTY_ONE_WORDS = " ".join(["word"] * 51)

CASES = [
    # Registering -------------------------------------------------------------------------
    refused(
        "register-email-not-an-address",
        post("register", email="cara at westcotes"),
        "form.email",
        "Enter a valid email address.",
        user="anonymous",
    ),
    refused(
        "register-email-taken-in-other-capitals",
        post("register", email="ANN@LivingWithoutAbuse.example"),
        "form.email",
        EMAIL_TAKEN,
        user="anonymous",
    ),
    refused(
        "register-email-nul-byte",
        post("register", email="cara\x00@westcotes.example"),
        "form.email",
        NUL,
        user="anonymous",
    ),
    refused(
        "register-name-over-long",
        post("register", full_name="N" * 301),
        "form.full_name",
        TOO_LONG.format(limit=300, length=301),
        user="anonymous",
    ),
    refused(
        "register-passwords-differ",
        post("register", password2=PASSWORD + "!"),
        "form.password2",
        PASSWORDS_DIFFER,
        user="anonymous",
    ),
    refused(
        "register-common-password",
        post("register", password1="password", password2="password"),
        "form.password1",
        "This password is too common.",
        user="anonymous",
    ),
    refused(
        "register-password-of-5000-characters",
        post("register", password1="p" * 5000, password2="p" * 5000),
        "form.password1",
        TOO_LONG.format(limit=4096, length=5000),
        user="anonymous",
    ),
    accepted(
        "register-markup-name",
        post("register", full_name=markup("rn")),
        register_markup_kept,
        user="anonymous",
    ),
    accepted(
        "register-arabic-name",
        post("register", full_name=ARABIC),
        register_unicode_kept,
        user="anonymous",
    ),
    # A new organisation ------------------------------------------------------------------
    refused(
        "organisation-name-over-long",
        post("organisation", name="N" * 256),
        "form.name",
        TOO_LONG.format(limit=255, length=256),
        user="applicant",
    ),
    refused(
        "organisation-name-nul-byte",
        post("organisation", name="Street\x00Pastors"),
        "form.name",
        NUL,
        user="applicant",
    ),
    refused(
        "organisation-name-registered-in-other-capitals",
        post("organisation", name="LIVING without  abuse"),
        "form.name",
        REGISTERED_BY["name"].format(organisation="Living Without Abuse"),
        user="applicant",
    ),
    refused(
        "organisation-charity-number-registered",
        post("organisation", charity_number="1099999"),
        "form.charity_number",
        REGISTERED_BY["charity_number"].format(organisation="New Futures"),
        user="applicant",
    ),
    refused(
        "organisation-charity-number-not-one",
        post("organisation", charity_number="12-AB"),
        "form.charity_number",
        "Enter a charity number such as 1123456, SC012345 or NIC100002.",
        user="applicant",
    ),
    refused(
        "organisation-company-number-not-one",
        post("organisation", company_number="X1"),
        "form.company_number",
        "Enter a Companies House number of 8 characters, such as 01234567 or SC123456.",
        user="applicant",
    ),
    refused(
        "organisation-type-not-a-choice",
        post("organisation", organisation_type="bank"),
        "form.organisation_type",
        "Select a valid choice. bank " + NOT_ONE_OF_THE_CHOICES,
        user="applicant",
    ),
    refused(
        "organisation-address-10-megabytes",
        post("organisation", address=BIG),
        "form.address",
        text_too_long(TEN_MEGABYTES),
        user="applicant",
    ),
    refused(
        "organisation-postcode-over-long",
        post("organisation", postcode="LE1 1AA LE1"),
        "form.postcode",
        TOO_LONG.format(limit=8, length=11),
        user="applicant",
    ),
    accepted(
        "organisation-markup-in-every-field",
        post("organisation", **ORGANISATION_MARKUP),
        organisation_markup_kept,
        user="applicant",
    ),
    accepted(
        "organisation-arabic-hebrew-emoji",
        post("organisation", name=ARABIC, address=HEBREW_AND_EMOJI),
        organisation_unicode_kept,
        user="applicant",
    ),
    accepted(
        "organisation-sql-ish-name",
        post("organisation", name=SQLISH),
        organisation_sqlish_kept,
        user="applicant",
    ),
    # Asking to join ----------------------------------------------------------------------
    refused(
        "join-message-over-long",
        post("join", message="M" * 2001),
        "form.message",
        TOO_LONG.format(limit=2000, length=2001),
        user="bo",
    ),
    refused(
        "join-job-title-over-long",
        post("join", job_title="J" * 101),
        "form.job_title",
        TOO_LONG.format(limit=100, length=101),
        user="bo",
    ),
    refused(
        "join-message-nul-byte", post("join", message="Hi\x00"), "form.message", NUL, user="bo"
    ),
    accepted(
        "join-markup-in-the-title-and-message",
        post("join", job_title=markup("jt"), message=markup("jm")),
        join_markup_kept,
        user="bo",
    ),
    # Eligibility -------------------------------------------------------------------------
    refused(
        "eligibility-maybe",
        post("eligibility", lambda w: {w.eligibility("yes_no"): "maybe"}),
        on("yes_no"),
        f"{YES_NO_QUESTION}: answer yes or no.",
        user="applicant",
    ),
    # The project -------------------------------------------------------------------------
    refused(
        "project-title-over-long",
        post("project", title="T" * 201),
        "form.title",
        TOO_LONG.format(limit=200, length=201),
        user="applicant",
    ),
    refused(
        "project-title-nul-byte",
        post("project", title="Help\x00line"),
        "form.title",
        NUL,
        user="applicant",
    ),
    refused(
        "project-start-30-february",
        post("project", project_start="2026-02-30"),
        "form.project_start",
        NOT_A_DATE,
        user="applicant",
    ),
    refused(
        "project-end-in-9999",
        post("project", project_end="9999-12-31"),
        "form.project_end",
        DATE_OUT_OF_RANGE,
        user="applicant",
    ),
    refused(
        "project-ends-before-it-starts",
        post("project", project_end="2026-03-31"),
        "form.project_end",
        "The project must end after it starts.",
        user="applicant",
    ),
    refused(
        "project-theme-that-does-not-exist",
        post("project", theme="987654"),
        "form.theme",
        NOT_A_CHOICE,
        user="applicant",
    ),
    accepted(
        "project-markup-title-page-round-page-and-exports",
        post("project", title=markup("pt")),
        title_kept(markup("pt")),
        user="applicant",
    ),
    accepted(
        "project-formula-title-defused-in-the-exports",
        post("project", title=FORMULA),
        title_kept(FORMULA),
        user="applicant",
    ),
    # A section of questions --------------------------------------------------------------
    refused(
        "question-text-over-its-word-limit",
        answer("about", "text", FIFTY_ONE_WORDS),
        on_question("text"),
        f"{TEXT_QUESTION}: 51 words, more than the 50 allowed.",
        user="applicant",
    ),
    refused(
        "question-text-10-megabytes",
        answer("about", "text", BIG),
        on_question("text"),
        text_too_long(TEN_MEGABYTES),
        user="applicant",
    ),
    refused(
        "question-text-without-a-word-limit-10-megabytes",
        answer("about", "text", BIG),
        on_question("text"),
        text_too_long(TEN_MEGABYTES),
        user="applicant",
        prepare=lambda w: w.grant_round.questions.filter(kind="text").update(word_limit=None),
    ),
    refused(
        "question-text-nul-byte",
        answer("about", "text", "Drop\x00in"),
        on_question("text"),
        NUL,
        user="applicant",
    ),
    *(
        refused(
            f"question-number-{name}",
            answer("about", "number", value),
            on_question("number"),
            f"{NUMBER_QUESTION}: enter a number, like 25.",
            user="applicant",
        )
        for name, value in (
            ("in-words", "twelve"),
            ("nan", "NaN"),
            ("infinity", "-Infinity"),
            ("10^30", HUGE),
            ("exponent-of-a-million", "1e1000000"),
        )
    ),
    refused(
        "question-date-month-13",
        answer("delivery", "date", "2026-13-01"),
        on_question("date"),
        f"{DATE_QUESTION}: enter a date, like 2026-04-01.",
        user="applicant",
    ),
    refused(
        "question-date-year-1",
        answer("delivery", "date", "0001-01-01"),
        on_question("date"),
        DATE_OUT_OF_RANGE,
        user="applicant",
    ),
    *(
        refused(
            f"question-money-{name}",
            answer("delivery", "money", value),
            on_question("money"),
            f"{MONEY_QUESTION}: {message}",
            user="applicant",
        )
        for name, value, message in (
            ("negative", "-5", NEGATIVE),
            ("10^30", HUGE, TOO_LARGE),
            ("fraction-of-a-penny", "1.001", TOO_MANY_PLACES),
            ("formula", "=SUM(A1:A9)", NOT_MONEY),
        )
    ),
    accepted(
        "question-markup-answer-check-page-staff-page-and-exports",
        answer("about", "text", markup("qa")),
        answer_kept(markup("qa")),
        user="applicant",
    ),
    accepted(
        "question-formula-answer-defused-in-the-exports",
        answer("about", "text", FORMULA),
        answer_kept(FORMULA),
        user="applicant",
    ),
    accepted(
        "question-right-to-left-and-emoji-answer",
        answer("about", "text", f"{HEBREW_AND_EMOJI} {MIXED_DIRECTION}"),
        answer_kept(f"{HEBREW_AND_EMOJI} {MIXED_DIRECTION}"),
        user="applicant",
    ),
    # The budget --------------------------------------------------------------------------
    *(
        refused(
            f"budget-amount-{name}",
            post("budget", amount_requested=value),
            "form.amount_requested",
            message,
            user="applicant",
        )
        for name, value, message in (
            ("negative", "-9000", NEGATIVE),
            ("10^30", HUGE, TOO_LARGE),
            ("eleven-digits", ELEVEN_DIGIT_POUNDS, TOO_LARGE),
            ("zero", "0", "Ask for an amount above £0."),
        )
    ),
    *(
        refused(
            f"budget-cost-line-{name}",
            post("budget", **{"lines-1-amount": value}),
            "lines.1.amount",
            message,
            user="applicant",
        )
        for name, value, message in (
            ("negative", "-1000", NEGATIVE),
            ("10^30", HUGE, TOO_LARGE),
            ("eleven-digits", ELEVEN_DIGIT_POUNDS, TOO_LARGE),
            ("zero", "0", "Enter a cost above £0."),
            ("formula", "=1+1", NOT_MONEY),
        )
    ),
    refused(
        "budget-cost-line-item-over-long",
        post("budget", **{"lines-0-item": "I" * 201}),
        "lines.0.item",
        TOO_LONG.format(limit=200, length=201),
        user="applicant",
    ),
    refused(
        "budget-100000-cost-lines-claimed",
        post("budget", **{"lines-TOTAL_FORMS": "100000"}),
        "lines.__all__",
        TOO_MANY_ROWS,
        user="applicant",
        max_queries=20,
    ),
    refused(
        "budget-101-cost-lines-filled",
        post(
            "budget",
            lambda w: {
                **management("lines", 101),
                **{f"lines-{n}-item": f"Item {n}" for n in range(101)},
                **{f"lines-{n}-amount": "1" for n in range(101)},
            },
        ),
        "lines.__all__",
        TOO_MANY_ROWS,
        user="applicant",
        max_queries=20,
    ),
    accepted(
        "budget-markup-cost-line",
        post("budget", **{"lines-1-item": markup("cl")}),
        cost_line_kept,
        user="applicant",
    ),
    # Documents ---------------------------------------------------------------------------
    refused(
        "document-png-renamed-pdf",
        upload("accounts.pdf", files.PNG),
        "document.0.file",
        "“Latest accounts”: " + CONTENT_MISMATCH.format(extension=".pdf"),
        user="applicant",
    ),
    refused(
        "document-html-renamed-pdf",
        upload("accounts.pdf", files.HTML, document=1),
        "document.1.file",
        "“Safeguarding policy”: " + CONTENT_MISMATCH.format(extension=".pdf"),
        user="applicant",
    ),
    refused(
        "document-windows-program",
        upload("accounts.exe", files.EXE),
        "document.0.file",
        "“Latest accounts”: " + WRONG_TYPE,
        user="applicant",
    ),
    refused(
        "document-empty",
        upload("accounts.pdf", b""),
        "document.0.file",
        EMPTY_UPLOAD,
        user="applicant",
    ),
    refused(
        "document-over-10-megabytes",
        upload("accounts.pdf", PDF + b"0" * (10 * 1024 * 1024)),
        "document.0.file",
        "“Latest accounts”: " + TOO_BIG.format(limit=10),
        user="applicant",
    ),
    accepted(
        "document-markup-name",
        upload(DOCUMENT_NAME, PDF),
        document_name_kept,
        user="applicant",
    ),
]

STAFF_CASES = [
    # Setting up a round ------------------------------------------------------------------
    *(
        refused(
            f"round-weight-{name}",
            post("round", **{"criteria-1-weight_percent": value}),
            "criteria.1.weight_percent",
            message,
            max_queries=20,
        )
        for name, value, message in (
            ("in-words", "forty", "Criterion 2: enter the weight as a number of per cent"),
            ("nan", "NaN", "Criterion 2: enter the weight as a number of per cent"),
            ("infinity", "Infinity", "Criterion 2: enter the weight as a number of per cent"),
            ("exponent-of-a-billion", "1e999999999", "Criterion 2: enter a weight of at most"),
            ("negative", "-35", "Criterion 2: enter a weight above 0 %"),
        )
    ),
    *(
        refused(
            f"round-100000-{prefix}-rows",
            post("round", **{f"{prefix}-TOTAL_FORMS": "100000"}),
            f"{prefix}.__all__",
            TOO_MANY_ROWS,
            max_queries=20,
        )
        for prefix in ("criteria", "eligibility", "questions", "documents")
    ),
    refused(
        "round-closes-before-it-opens",
        post("round", closes_on="2026-03-31"),
        "form.closes_on",
        "The round must close after it opens",
    ),
    refused(
        "round-maximum-below-the-minimum",
        post("round", minimum_award="5,000", maximum_award="1,000"),
        "form.maximum_award",
        "The maximum award must be at least the minimum",
    ),
    refused(
        "round-budget-10^30",
        post("round", budget=HUGE),
        "form.budget",
        TOO_LARGE,
    ),
    refused(
        "round-budget-eleven-digits",
        post("round", budget=ELEVEN_DIGIT_POUNDS),
        "form.budget",
        TOO_LARGE,
    ),
    refused(
        "round-opens-in-year-1",
        post("round", opens_on="0001-01-01"),
        "form.opens_on",
        DATE_OUT_OF_RANGE,
    ),
    refused(
        "round-guidance-10-megabytes",
        post("round", guidance=BIG),
        "form.guidance",
        text_too_long(TEN_MEGABYTES),
    ),
    refused(
        "round-name-nul-byte",
        post("round", name="Round\x00"),
        "form.name",
        NUL,
    ),
    refused(
        "round-word-limit-in-words",
        post("round", **{"questions-0-word_limit": "ten"}),
        "questions.0.word_limit",
        "Question 1: enter the word limit as a whole number, like 250",
    ),
    refused(
        "round-question-kind-not-a-choice",
        post("round", **{"questions-0-kind": "essay"}),
        "questions.0.kind",
        "Question 1: choose the kind of answer",
    ),
    accepted(
        "round-markup-in-every-list-and-field-staff-and-public-pages",
        post("round", **ROUND_MARKUP),
        round_markup_kept,
    ),
    accepted(
        "round-arabic-hebrew-emoji",
        post("round", name=ARABIC, guidance=HEBREW_AND_EMOJI, summary=MIXED_DIRECTION),
        round_unicode_kept,
    ),
    # Extending the close -----------------------------------------------------------------
    refused(
        "extend-to-an-earlier-time",
        post("extend", closes_on="2026-01-01"),
        "form.closes_on",
        "Choose a time after the present close",
    ),
    refused(
        "extend-without-a-reason",
        post("extend", reason="   "),
        "form.reason",
        "Enter why the round is extended",
    ),
    refused(
        "extend-to-9999",
        post("extend", closes_on="9999-12-31"),
        "form.closes_on",
        DATE_OUT_OF_RANGE,
    ),
    refused(
        "extend-to-25-o-clock",
        post("extend", closes_time="25:00"),
        "form.closes_time",
        "Enter the closing time as hours and minutes, like 17:00",
    ),
    refused(
        "extend-reason-10-megabytes",
        post("extend", reason=BIG),
        "form.reason",
        text_too_long(TEN_MEGABYTES),
    ),
    accepted("extend-markup-reason", post("extend", reason=markup("xr")), extend_reason_kept),
    # Screening ---------------------------------------------------------------------------
    refused(
        "screen-ineligible-without-a-reason",
        post("screen", outcome="ineligible", reason=" "),
        "form.reason",
        REASON_NEEDED,
    ),
    refused(
        "screen-outcome-not-a-choice",
        post("screen", outcome="maybe"),
        "form.outcome",
        "Select a valid choice. maybe " + NOT_ONE_OF_THE_CHOICES,
    ),
    refused(
        "screen-reason-10-megabytes",
        post("screen", outcome="ineligible", reason=BIG),
        "form.reason",
        text_too_long(TEN_MEGABYTES),
    ),
    accepted(
        "screen-formula-reason-defused-in-the-export",
        post("screen", outcome="ineligible", reason=FORMULA),
        screening_reason_kept,
    ),
    accepted(
        "screen-markup-reason-staff-and-applicant-pages",
        post("screen", outcome="ineligible", reason=markup("sr")),
        screening_markup_kept,
    ),
]

ALL_CASES = CASES + STAFF_CASES


def test_the_table_has_a_case_for_every_grants_form_and_distinct_names():
    assert len({case.id for case in ALL_CASES}) == len(ALL_CASES)
    prefixes = {case.id.split("-")[0] for case in ALL_CASES}
    assert prefixes >= {
        "register",
        "organisation",
        "join",
        "eligibility",
        "project",
        "question",
        "budget",
        "document",
        "round",
        "extend",
        "screen",
    }


@pytest.mark.parametrize("case", ALL_CASES, ids=str)
def test_bad_input(world: World, case: Case):
    if world.people[case.user] is None:
        world.client.logout()
    else:
        world.client.force_login(world.people[case.user])
    if case.prepare:
        case.prepare(world)
    before = (database_state(), stored_files(world.media))

    with CaptureQueriesContext(connection) as queries:
        response = case.send(world)

    if case.max_queries is not None:
        # Refused before the rows are worked through: a bounded number of queries,
        # however many rows, lines or cells the input claims.
        assert len(queries) <= case.max_queries, f"{len(queries)} queries"
    if case.accepted:
        assert response.status_code in (200, 302), response.status_code
        case.accepted(world, response)
        return
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    where = case.where(world) if callable(case.where) else case.where
    shown = shown_at(response, where)
    for message in case.says:
        assert any(message in line for line in shown), (message, shown)
        assert html.escape(message) in text, message
    assert (database_state(), stored_files(world.media)) == before
