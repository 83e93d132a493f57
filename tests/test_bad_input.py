"""Bad input through every form and import, one table of cases.

A refused input is answered with a message on the field, or the row and column, it
concerns; the answer is a page (200), never a server error; and the database (every
row of every model of the project's apps) and the stored files are as they were.

Unusual but good input (markup, right-to-left scripts, emoji, text that looks like
SQL or a spreadsheet formula) is accepted, stored exactly as typed, and shown as text:
escaped on the page and printed literally in the PDF.
"""

import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from commissioning import services as commissioning_services
from commissioning.models import (
    Agreement,
    AgreementDocument,
    CommissioningRoute,
    MonitoringReturn,
    Provider,
)
from decisions import services as decision_services
from decisions.forms import ALLOCATION_GONE
from decisions.models import Decision
from funding import importers, spreadsheets, workflow
from funding.forms import YEAR_NOT_LISTED
from funding.models import Allocation, FundingStream
from pcc_grants.forms import (
    DATE_OUT_OF_RANGE,
    FORMSET_MAX_ROWS,
    FORMSET_TOO_MANY_ROWS,
    TEXT_MAX_LENGTH,
    TEXT_TOO_LONG,
)
from pcc_grants.money import NEGATIVE, NOT_MONEY, TOO_LARGE, TOO_MANY_PLACES
from pcc_grants.roles import Role
from pcc_grants.uploads import CONTENT_MISMATCH

from .bad_input import files
from .bad_input.state import database_state, stored_files
from .factories import (
    PASSWORD,
    AllocationFactory,
    FinancialYearFactory,
    FundingStreamFactory,
    OrganisationSettingsFactory,
    UserFactory,
    client_code,
)

pytestmark = pytest.mark.django_db

# Django's own messages for what every form field checks.
TOO_LONG = "Ensure this value has at most {limit} characters (it has {length})."
NOT_A_DATE = "Enter a valid date."
NUL = "Null characters are not allowed."
NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."
EMPTY_UPLOAD = "The submitted file is empty."

TEN_MEGABYTES = 10_000_000
HUGE = "1" + "0" * 30  # 10^30 pounds


def ten_megabytes_of_text() -> str:
    sentence = "The service exceeded its targets this quarter. "
    return (sentence * (TEN_MEGABYTES // len(sentence) + 1))[:TEN_MEGABYTES]


def text_too_long(length: int) -> str:
    return TEXT_TOO_LONG.format(limit=TEXT_MAX_LENGTH, length=length)


def markup(tag: str) -> str:
    """Markup typed into a field: harmless as text, a script if ever rendered raw."""
    return f"<script>alert({tag})</script><b>{tag}</b>"


# The world every case starts from -------------------------------------------------


@dataclass
class World:
    client: object
    people: dict
    stream: FundingStream
    allocation: Allocation
    provider: Provider
    agreement: Agreement
    monitoring_return: MonitoringReturn
    decision: Decision
    media: Path


@pytest.fixture
def world(db, client, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    OrganisationSettingsFactory()
    people = {
        "officer": UserFactory(
            roles=[Role.OFFICER], username="officer", first_name="Charles", last_name="Oakley"
        ),
        "cfo": UserFactory(roles=[Role.CHIEF_FINANCE_OFFICER], username="cfo"),
        "chief_executive": UserFactory(roles=[Role.CHIEF_EXECUTIVE], username="chief.executive"),
    }
    stream = FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2016),
        name="Victims' Services",
        budget=Decimal("300000"),
    )
    provider = commissioning_services.provider_get_or_create(name="Victim Support")
    allocation = AllocationFactory(
        funding_stream=stream, recipient=provider, title="Referral service", amount=Decimal("9400")
    )
    agreement = commissioning_services.agreement_create(
        by=people["officer"],
        reference="VS-1",
        provider=provider,
        route=CommissioningRoute.GRANT,
        title="Victims' referral service",
        total_value=Decimal("29065"),
        start_date=date(2016, 4, 1),
        end_date=date(2017, 3, 31),
        monitoring_frequency="quarterly",
    )
    decision = decision_services.decision_create(
        by=people["officer"],
        lead_officer=people["officer"],
        title="Extending Community Peer Mentors",
        executive_summary="The project in Darlington has achieved successful outcomes.",
        decision="Agree the allocation of £9,400.",
    )
    return World(
        client=client,
        people=people,
        stream=stream,
        allocation=allocation,
        provider=provider,
        agreement=agreement,
        monitoring_return=agreement.returns.order_by("period_start").first(),
        decision=decision,
        media=settings.MEDIA_ROOT,
    )


def submit_decision(w: World) -> None:
    decision_services.decision_transition(
        decision=w.decision, by=w.people["officer"], action="submit"
    )


# What each form is sent when nothing is wrong ------------------------------------


def management(prefix: str, total: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def stream_data(w: World) -> dict:
    return {
        "financial_year": "2016/17",
        "name": "Restorative Justice",
        "source": "Ministry of Justice",
        "budget": "50,000",
        "carried_forward": "",
        "over_allocation_tolerance_percent": "",
        "parent": "",
        "previous": "",
        "description": "",
    }


def allocation_data(w: World) -> dict:
    return {
        "funding_stream": w.stream.pk,
        "title": "Peer mentors",
        "description": "",
        "amount": "9,400",
        "recipient_name": "Darlington Borough Council",
        "theme_name": "",
        "period_start": "",
        "period_end": "",
        "route": "",
        "replaces": "",
        "decision_reference": "",
        "comments": "",
    }


def provider_data(w: World) -> dict:
    return {
        "name": "Embrace Child Victims of Crime",
        "provider_type": "charity",
        "charity_number": "",
        "company_number": "",
        "local_authority_code": "",
        "address": "",
        "postcode": "",
        "is_active": "on",
        **management("contacts", 1),
        "contacts-0-name": "",
        "contacts-0-role": "",
        "contacts-0-email": "",
        "contacts-0-phone": "",
    }


def agreement_data(w: World) -> dict:
    return {
        "reference": "VS-2",
        "provider": w.provider.pk,
        "route": "grant",
        "title": "Helpline",
        "description": "",
        "total_value": "12,000",
        "annual_value": "",
        "start_date": "2017-04-01",
        "end_date": "2018-03-31",
        "review_date": "",
        "status": "active",
        "match_funding": "",
        "co_funders": "",
        "monitoring_frequency": "quarterly",
        "single_tender_ground": "",
        "single_tender_justification": "",
        **management("partners", 2),
    }


def return_data(w: World) -> dict:
    return {
        "received_date": "2016-07-20",
        "spend_to_date": "5,000",
        "rag": "green",
        "narrative": "On track.",
        **management("measures", 1),
        "measures-0-metric": "",
        "measures-0-value": "",
        "measures-0-target": "",
    }


def decision_data(w: World) -> dict:
    return {
        "category": "commissioner",
        "title": "Victims' hub",
        "executive_summary": "A hub for victims.",
        "recommendations": "",
        "decision": "Agree.",
        "lead_officer": w.people["officer"].pk,
        "officers_present": "",
        "contractor_details": "",
        "date_received": "",
        "key_discussion_points": "",
        **{
            f"{key}_details": ""
            for key in ("financial", "legal", "equality", "human_rights", "sustainability", "risk")
        },
        "supporting_information": "",
        **management("lines", 1),
        "lines-0-item": "",
        "lines-0-amount": "",
    }


def paper_data(w: World) -> dict:
    return {
        "name": "Jane Doe",
        "title": "Chief Executive",
        "signed_on": "2016-09-01",
        "scan": SimpleUploadedFile("signed.pdf", files.PDF),
        "comment": "",
        "password": PASSWORD,  # the recording officer's own
        "code": client_code(w.client),
    }


# How a case sends its input --------------------------------------------------------

FORMS = {
    "stream": (lambda w: "/funding/streams/new/", stream_data),
    "allocation": (lambda w: "/funding/allocations/new/", allocation_data),
    "provider": (lambda w: "/commissioning/providers/new/", provider_data),
    "agreement": (lambda w: "/commissioning/agreements/new/", agreement_data),
    "return": (lambda w: f"/commissioning/returns/{w.monitoring_return.pk}/", return_data),
    "decision": (lambda w: reverse("decisions:create"), decision_data),
    "paper": (
        lambda w: reverse("decisions:paper", args=[w.decision.pk, "officer_approve"]),
        paper_data,
    ),
    "return_for_changes": (
        lambda w: reverse("decisions:act", args=[w.decision.pk, "return"]),
        lambda w: {"comment": "Please add the costs."},
    ),
}


def post(form: str, **changes) -> Callable:
    """Post ``form`` with its good data, changed as given."""
    url, data = FORMS[form]

    def send(w: World):
        return w.client.post(url(w), {**data(w), **changes})

    return send


def upload_document(name: str, content: bytes) -> Callable:
    def send(w: World):
        return w.client.post(
            f"/commissioning/agreements/{w.agreement.pk}/documents/",
            {"file": SimpleUploadedFile(name, content)},
            follow=True,
        )

    return send


ALLOCATION_HEADER = ",".join(importers.ALLOCATION_COLUMNS)
FUNDING_HEADER = ",".join(importers.FUNDING_COLUMNS)
GOOD_ALLOCATION = "2016/17,Victims' Services,Victim Support,Helpline,9400,,,,,,,,"


def allocations_csv(*lines: str) -> bytes:
    return "\n".join([ALLOCATION_HEADER, *lines, ""]).encode()


def funding_csv(*lines: str) -> bytes:
    return "\n".join([FUNDING_HEADER, *lines, ""]).encode()


def import_file(content: bytes, name: str = "allocations.csv", kind: str = "allocations"):
    def send(w: World):
        upload = SimpleUploadedFile(name, content)
        return w.client.post("/funding/import/", {"kind": kind, "file": upload}, follow=True)

    return send


def import_and_confirm(content: bytes, name: str = "allocations.csv", kind: str = "allocations"):
    def send(w: World):
        preview = import_file(content, name, kind)(w)
        assert "No problems found" in preview.content.decode(), preview.context["result"]
        return w.client.post(
            "/funding/import/confirm/", {"job": preview.context["job"].pk}, follow=True
        )

    return send


def command(name: str, content: bytes) -> Callable:
    """Run an import command on a file; its refusal is read like a page."""

    def send(w: World):
        path = w.media.parent / "upload.csv"
        path.write_bytes(content)
        stderr = io.StringIO()
        with pytest.raises(CommandError) as refused:
            call_command(name, str(path), stdout=io.StringIO(), stderr=stderr)
        text = f"{stderr.getvalue()}\n{refused.value}"
        return SimpleNamespace(status_code=200, content=html.escape(text).encode(), text=text)

    return send


# Where the message must be ---------------------------------------------------------


def messages_at(response, where: str) -> list[str]:
    """The messages a response shows at ``where``:

    - ``form.title``: on the field of the page's form; ``lines.0.amount``: on a
      field of a form of a formset; ``form.__all__``: above the form;
    - ``row 3.amount``: an import's problem on that row and column (``row 3.`` for
      the row as a whole);
    - ``messages``: the messages shown after a redirect; ``stderr``: a command's.
    """
    if where == "stderr":
        return response.text.splitlines()
    if where == "messages":
        return [str(message) for message in response.context["messages"]]
    if where.startswith("row "):
        row, _, column = where.removeprefix("row ").partition(".")
        # An import's report, as its job keeps it.
        return [
            error["message"]
            for error in response.context["result"]["errors"]
            if error["row"] == int(row) and error["column"] == column
        ]
    name, *index, field = where.split(".")
    form = response.context[name]
    if index:
        form = form.forms[int(index[0])]
    elif field == "__all__" and hasattr(form, "non_form_errors"):
        return list(form.non_form_errors())
    return list(form.errors.get(field, []))


# The cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    send: Callable
    says: tuple[str, ...] = ()  # what the page must say at ``where``
    where: str = ""
    user: str = "officer"
    prepare: Callable | None = None  # run before the database is read
    accepted: Callable | None = None  # for good input: what must then hold
    max_queries: int | None = None  # refused within this many queries, whatever the size

    def __str__(self) -> str:
        return self.id


def refused(id, send, where, *says, **options) -> Case:
    return Case(id=id, send=send, says=says, where=where, **options)


def accepted(id, send, check, **options) -> Case:
    return Case(id=id, send=send, accepted=check, **options)


# Checks for good input ------------------------------------------------------------


def page(w: World, url: str) -> str:
    response = w.client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def assert_shown_as_text(text: str, *typed: str) -> None:
    for value in typed:
        assert html.escape(value) in text, value
        assert value not in text, f"{value!r} is rendered as markup"


def pdf_text(w: World, url: str) -> str:
    response = w.client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def assert_printed_as_text(text: str, *typed: str) -> None:
    for value in typed:
        assert re.sub(r"\s+", "", value) in text, value


STREAM_MARKUP = {"name": markup("sn"), "source": markup("ss"), "description": markup("sd")}


def stream_markup_kept(w: World, response) -> None:
    stream = FundingStream.objects.get(name=STREAM_MARKUP["name"])
    assert (stream.source.name, stream.description) == (
        STREAM_MARKUP["source"],
        STREAM_MARKUP["description"],
    )
    assert_shown_as_text(page(w, stream.get_absolute_url()), *STREAM_MARKUP.values())
    assert_shown_as_text(page(w, "/funding/"), STREAM_MARKUP["name"])
    assert_printed_as_text(pdf_text(w, "/funding/position/2016-17.pdf"), STREAM_MARKUP["name"])


SQLISH = "Robert'); DROP TABLE funding_allocation;--"


def stream_sqlish_kept(w: World, response) -> None:
    stream = FundingStream.objects.get(name=SQLISH)
    assert stream.source.name == "' OR '1'='1"
    assert_shown_as_text(page(w, stream.get_absolute_url()), SQLISH)


ALLOCATION_MARKUP = {
    "title": markup("at"),
    "description": markup("ad"),
    "recipient_name": markup("ar"),
    "theme_name": markup("ah"),
    "decision_reference": markup("ax"),
    "comments": markup("ac"),
}


def allocation_markup_kept(w: World, response) -> None:
    allocation = Allocation.objects.get(title=ALLOCATION_MARKUP["title"])
    assert (
        allocation.description,
        allocation.recipient.name,
        allocation.theme.name,
        allocation.decision_reference,
        allocation.comments,
    ) == tuple(ALLOCATION_MARKUP[name] for name in list(ALLOCATION_MARKUP)[1:])
    assert_shown_as_text(page(w, allocation.get_absolute_url()), *ALLOCATION_MARKUP.values())
    assert_shown_as_text(
        page(w, "/funding/allocations/"),
        ALLOCATION_MARKUP["title"],
        ALLOCATION_MARKUP["recipient_name"],
    )


ARABIC = "جمعية دعم ضحايا الجريمة"
HEBREW_AND_EMOJI = "תמיכה בנפגעי עבירה 🕊️ 👩🏽‍⚕️ ٣٤٥"
MIXED_DIRECTION = "Café Ünïcödé \u202eevil\u202c — naïve 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"


def allocation_unicode_kept(w: World, response) -> None:
    allocation = Allocation.objects.get(title=HEBREW_AND_EMOJI)
    assert allocation.recipient.name == ARABIC
    assert allocation.comments == MIXED_DIRECTION
    text = page(w, allocation.get_absolute_url())
    for value in (ARABIC, HEBREW_AND_EMOJI, MIXED_DIRECTION):
        assert value in text


def allocation_sqlish_kept(w: World, response) -> None:
    assert Allocation.objects.filter(title=SQLISH).count() == 1
    assert Allocation.objects.count() == 2
    assert_shown_as_text(page(w, "/funding/allocations/"), SQLISH)


PROVIDER_MARKUP = {"name": markup("pn"), "address": markup("pa")}


def provider_markup_kept(w: World, response) -> None:
    provider = Provider.objects.get(name=PROVIDER_MARKUP["name"])
    assert provider.address == PROVIDER_MARKUP["address"]
    assert_shown_as_text(page(w, provider.get_absolute_url()), *PROVIDER_MARKUP.values())


def provider_unicode_kept(w: World, response) -> None:
    provider = Provider.objects.get(name=ARABIC)
    assert provider.address == HEBREW_AND_EMOJI
    assert ARABIC in page(w, "/commissioning/providers/")


AGREEMENT_MARKUP = {
    "reference": "<b>r</b><script>x()</script>",
    "title": markup("gt"),
    "description": markup("gd"),
    "co_funders": markup("gc"),
    "single_tender_justification": markup("gj"),
}


def agreement_markup_kept(w: World, response) -> None:
    agreement = Agreement.objects.get(reference=AGREEMENT_MARKUP["reference"])
    for name, value in AGREEMENT_MARKUP.items():
        assert getattr(agreement, name) == value
    assert_shown_as_text(page(w, agreement.get_absolute_url()), *AGREEMENT_MARKUP.values())


BREAKOUT = "</textarea><script>alert(1)</script>"


def return_narrative_kept(w: World, response) -> None:
    monitoring_return = MonitoringReturn.objects.get(pk=w.monitoring_return.pk)
    assert monitoring_return.narrative == BREAKOUT
    assert_shown_as_text(page(w, monitoring_return.get_absolute_url()), BREAKOUT)


DOCUMENT_NAME = "<img src=x onerror=alert(1)>.pdf"


def document_name_kept(w: World, response) -> None:
    document = AgreementDocument.objects.get()
    assert document.original_name == DOCUMENT_NAME
    assert_shown_as_text(response.content.decode(), DOCUMENT_NAME)


DECISION_MARKUP = {
    "title": markup("dt"),
    "executive_summary": markup("ds"),
    "recommendations": markup("dr"),
    "decision": markup("dd"),
    "officers_present": markup("do"),
    "contractor_details": markup("dc"),
    "key_discussion_points": markup("dk"),
    "financial_details": markup("df"),
    "supporting_information": markup("di"),
}
LINE_MARKUP = markup("dl")


def decision_markup_kept(w: World, response) -> None:
    decision = Decision.objects.get(title=DECISION_MARKUP["title"])
    for name, value in DECISION_MARKUP.items():
        assert getattr(decision, name) == value
    assert decision.funding_lines.get().item == LINE_MARKUP
    typed = [*DECISION_MARKUP.values(), LINE_MARKUP]
    assert_shown_as_text(page(w, decision.get_absolute_url()), *typed)
    assert_printed_as_text(pdf_text(w, reverse("decisions:pdf", args=[decision.pk])), *typed)


def decision_unicode_kept(w: World, response) -> None:
    decision = Decision.objects.get(title=ARABIC)
    assert (decision.executive_summary, decision.decision) == (HEBREW_AND_EMOJI, MIXED_DIRECTION)
    text = page(w, decision.get_absolute_url())
    assert ARABIC in text and HEBREW_AND_EMOJI in text


FORMULA = "=CMD|' /C calc'!A0"


def formula_kept_and_defused_on_export(w: World, response) -> None:
    allocation = Allocation.objects.get(title=FORMULA)
    assert allocation.comments == "@SUM(1+1)*cmd|' /C calc'!A0"
    exported = w.client.get("/funding/allocations/?download=csv").getvalue().decode()
    assert "'=CMD|' /C calc'!A0" in exported
    assert "'@SUM(1+1)" in exported


def imported_unicode_kept(w: World, response) -> None:
    allocation = Allocation.objects.get(title=HEBREW_AND_EMOJI)
    assert allocation.recipient.name == ARABIC
    assert allocation.comments == MIXED_DIRECTION


def imported_markup_kept(w: World, response) -> None:
    allocation = Allocation.objects.get(title=markup("it"))
    assert allocation.recipient.name == markup("ir")
    assert_shown_as_text(page(w, "/funding/allocations/"), markup("it"), markup("ir"))


# The table ---------------------------------------------------------------------------

BIG = ten_megabytes_of_text()
LONG_ROW_NOTE = "A long note. " * 400  # pushes the next row past the first 4 KB


CASES = [
    # Funding streams ------------------------------------------------------------------
    refused("stream-budget-10^30-pounds", post("stream", budget=HUGE), "form.budget", TOO_LARGE),
    refused("stream-budget-negative", post("stream", budget="-500"), "form.budget", NEGATIVE),
    refused(
        "stream-budget-fraction-of-a-penny",
        post("stream", budget="£1.001"),
        "form.budget",
        TOO_MANY_PLACES,
    ),
    refused(
        "stream-carried-forward-nan",
        post("stream", carried_forward="NaN"),
        "form.carried_forward",
        NOT_MONEY,
    ),
    refused(
        "stream-year-0",
        post("stream", financial_year="0000/01"),
        "form.financial_year",
        YEAR_NOT_LISTED,
    ),
    refused(
        "stream-year-10000",
        post("stream", financial_year="10000/01"),
        "form.financial_year",
        YEAR_NOT_LISTED,
    ),
    refused(
        "stream-financial-year-that-does-not-exist",
        post("stream", financial_year="2016/18"),
        "form.financial_year",
        YEAR_NOT_LISTED,
    ),
    refused(
        "stream-name-over-long",
        post("stream", name="N" * 201),
        "form.name",
        TOO_LONG.format(limit=200, length=201),
    ),
    refused(
        "stream-source-over-long",
        post("stream", source="S" * 151),
        "form.source",
        TOO_LONG.format(limit=150, length=151),
    ),
    refused("stream-name-nul-byte", post("stream", name="Victims\x00 fund"), "form.name", NUL),
    refused(
        "stream-description-10-megabytes",
        post("stream", description=BIG),
        "form.description",
        text_too_long(TEN_MEGABYTES),
    ),
    refused(
        "stream-tolerance-1000-percent",
        post("stream", over_allocation_tolerance_percent="1000"),
        "form.over_allocation_tolerance_percent",
        "Ensure this value is less than or equal to 100.",
        user="cfo",
    ),
    accepted(
        "stream-markup-in-every-text-field",
        post("stream", **STREAM_MARKUP),
        stream_markup_kept,
    ),
    accepted(
        "stream-sql-ish-name",
        post("stream", name=SQLISH, source="' OR '1'='1"),
        stream_sqlish_kept,
    ),
    # Allocations ----------------------------------------------------------------------
    refused(
        "allocation-amount-10^30-pounds", post("allocation", amount=HUGE), "form.amount", TOO_LARGE
    ),
    refused(
        "allocation-amount-29-digits-and-pence",
        post("allocation", amount="12345678901234567890123456789.001"),
        "form.amount",
        TOO_LARGE,
    ),
    refused(
        "allocation-amount-negative", post("allocation", amount="-9,400"), "form.amount", NEGATIVE
    ),
    refused(
        "allocation-amount-fraction-of-a-penny",
        post("allocation", amount="£1.001"),
        "form.amount",
        TOO_MANY_PLACES,
    ),
    refused(
        "allocation-amount-formula",
        post("allocation", amount="=1+1"),
        "form.amount",
        NOT_MONEY,
    ),
    refused(
        "allocation-31-february",
        post("allocation", period_start="2017-02-31"),
        "form.period_start",
        NOT_A_DATE,
    ),
    refused(
        "allocation-year-0",
        post("allocation", period_start="0000-04-01"),
        "form.period_start",
        NOT_A_DATE,
    ),
    refused(
        "allocation-year-10000",
        post("allocation", period_end="10000-03-31"),
        "form.period_end",
        NOT_A_DATE,
    ),
    refused(
        "allocation-year-1",
        post("allocation", period_start="0001-04-01"),
        "form.period_start",
        DATE_OUT_OF_RANGE,
    ),
    refused(
        "allocation-title-over-long",
        post("allocation", title="T" * 256),
        "form.title",
        TOO_LONG.format(limit=255, length=256),
    ),
    refused(
        "allocation-decision-reference-over-long",
        post("allocation", decision_reference="R" * 51),
        "form.decision_reference",
        TOO_LONG.format(limit=50, length=51),
    ),
    refused(
        "allocation-recipient-over-long",
        post("allocation", recipient_name="R" * 256),
        "form.recipient_name",
        TOO_LONG.format(limit=255, length=256),
    ),
    refused(
        "allocation-title-nul-byte", post("allocation", title="Peer\x00mentors"), "form.title", NUL
    ),
    refused(
        "allocation-recipient-nul-byte",
        post("allocation", recipient_name="Victim\x00Support"),
        "form.recipient_name",
        NUL,
    ),
    refused(
        "allocation-comments-10-megabytes",
        post("allocation", comments=BIG),
        "form.comments",
        text_too_long(TEN_MEGABYTES),
    ),
    refused(
        "allocation-unknown-stream",
        post("allocation", funding_stream="999999"),
        "form.funding_stream",
        NOT_A_CHOICE,
    ),
    refused(
        "allocation-stream-sql-ish",
        post("allocation", funding_stream="1 OR 1=1"),
        "form.funding_stream",
        NOT_A_CHOICE,
    ),
    accepted(
        "allocation-markup-in-every-text-field",
        post("allocation", **ALLOCATION_MARKUP),
        allocation_markup_kept,
    ),
    accepted(
        "allocation-arabic-hebrew-emoji-and-bidi-controls",
        post(
            "allocation",
            recipient_name=ARABIC,
            title=HEBREW_AND_EMOJI,
            comments=MIXED_DIRECTION,
        ),
        allocation_unicode_kept,
    ),
    accepted("allocation-sql-ish-title", post("allocation", title=SQLISH), allocation_sqlish_kept),
    # Providers ------------------------------------------------------------------------
    refused(
        "provider-name-over-long",
        post("provider", name="P" * 256),
        "form.name",
        TOO_LONG.format(limit=255, length=256),
    ),
    refused(
        "provider-charity-number-sql-ish",
        post("provider", charity_number="1';--"),
        "form.charity_number",
        "Enter a charity number such as 1123456, SC012345 or NIC100002.",
    ),
    refused(
        "provider-postcode-nul-byte", post("provider", postcode="DH1\x005UL"), "form.postcode", NUL
    ),
    refused(
        "provider-address-10-megabytes",
        post("provider", address=BIG),
        "form.address",
        text_too_long(TEN_MEGABYTES),
    ),
    refused(
        "provider-contact-email-markup",
        post("provider", **{"contacts-0-name": "Ann", "contacts-0-email": "<script>@x"}),
        "contacts.0.email",
        "Enter a valid email address.",
    ),
    refused(
        "provider-contact-phone-over-long",
        post("provider", **{"contacts-0-name": "Ann", "contacts-0-phone": "0" * 31}),
        "contacts.0.phone",
        TOO_LONG.format(limit=30, length=31),
    ),
    accepted(
        "provider-markup-in-name-and-address",
        post("provider", **PROVIDER_MARKUP),
        provider_markup_kept,
    ),
    accepted(
        "provider-arabic-name",
        post("provider", name=ARABIC, address=HEBREW_AND_EMOJI),
        provider_unicode_kept,
    ),
    # Agreements -----------------------------------------------------------------------
    refused(
        "agreement-total-10^30-pounds",
        post("agreement", total_value=HUGE),
        "form.total_value",
        TOO_LARGE,
    ),
    refused(
        "agreement-annual-value-negative",
        post("agreement", annual_value="-1"),
        "form.annual_value",
        NEGATIVE,
    ),
    refused(
        "agreement-31-february",
        post("agreement", start_date="2017-02-31"),
        "form.start_date",
        NOT_A_DATE,
    ),
    refused(
        "agreement-year-1-start",
        post("agreement", start_date="0001-01-01"),
        "form.start_date",
        DATE_OUT_OF_RANGE,
    ),
    refused(
        "agreement-year-9999-end-with-monthly-returns",
        post("agreement", end_date="9999-12-31", monitoring_frequency="monthly"),
        "form.end_date",
        DATE_OUT_OF_RANGE,
        max_queries=20,
    ),
    refused(
        "agreement-reference-over-long",
        post("agreement", reference="R" * 51),
        "form.reference",
        TOO_LONG.format(limit=50, length=51),
    ),
    refused(
        "agreement-justification-10-megabytes",
        post(
            "agreement",
            route="single_tender",
            single_tender_ground="only_supplier",
            single_tender_justification=BIG,
        ),
        "form.single_tender_justification",
        text_too_long(TEN_MEGABYTES),
    ),
    refused(
        "agreement-partner-fraction-of-a-penny",
        post(
            "agreement",
            route="pooled",
            **{"partners-0-name": "Durham County Council", "partners-0-contribution": "1.001"},
        ),
        "partners.0.contribution",
        TOO_MANY_PLACES,
    ),
    accepted(
        "agreement-markup-in-every-text-field",
        post(
            "agreement",
            route="single_tender",
            single_tender_ground="only_supplier",
            **AGREEMENT_MARKUP,
        ),
        agreement_markup_kept,
    ),
    # Monitoring returns ---------------------------------------------------------------
    refused(
        "return-spend-10^30-pounds",
        post("return", spend_to_date=HUGE),
        "form.spend_to_date",
        TOO_LARGE,
    ),
    refused(
        "return-received-31-february",
        post("return", received_date="2017-02-31"),
        "form.received_date",
        NOT_A_DATE,
    ),
    refused(
        "return-narrative-10-megabytes",
        post("return", narrative=BIG),
        "form.narrative",
        text_too_long(TEN_MEGABYTES),
    ),
    refused(
        "return-measure-value-10^30",
        post("return", **{"measures-0-metric": "Victims supported", "measures-0-value": HUGE}),
        "measures.0.value",
        "Ensure that there are no more than 14 digits in total.",
    ),
    refused(
        "return-measure-metric-over-long",
        post("return", **{"measures-0-metric": "M" * 201, "measures-0-value": "3"}),
        "measures.0.metric",
        TOO_LONG.format(limit=200, length=201),
    ),
    accepted(
        "return-narrative-closing-its-textarea",
        post("return", narrative=BREAKOUT),
        return_narrative_kept,
    ),
    # Agreement documents --------------------------------------------------------------
    refused(
        "document-png-renamed-pdf",
        upload_document("agreement.pdf", files.PNG),
        "messages",
        "agreement.pdf: " + CONTENT_MISMATCH.format(extension=".pdf"),
    ),
    refused(
        "document-exe-renamed-pdf",
        upload_document("agreement.pdf", files.EXE),
        "messages",
        "agreement.pdf: " + CONTENT_MISMATCH.format(extension=".pdf"),
    ),
    refused(
        "document-html-renamed-docx",
        upload_document("agreement.docx", files.HTML),
        "messages",
        "agreement.docx: " + CONTENT_MISMATCH.format(extension=".docx"),
    ),
    refused("document-empty-pdf", upload_document("agreement.pdf", b""), "messages", EMPTY_UPLOAD),
    accepted(
        "document-name-with-markup", upload_document(DOCUMENT_NAME, files.PDF), document_name_kept
    ),
    # Decision records -----------------------------------------------------------------
    refused(
        "decision-title-over-long",
        post("decision", title="T" * 256),
        "form.title",
        TOO_LONG.format(limit=255, length=256),
    ),
    refused(
        "decision-summary-10-megabytes",
        post("decision", executive_summary=BIG),
        "form.executive_summary",
        text_too_long(TEN_MEGABYTES),
    ),
    refused(
        "decision-summary-nul-byte",
        post("decision", executive_summary="Summary\x00"),
        "form.executive_summary",
        NUL,
    ),
    refused(
        "decision-line-10^30-pounds",
        post("decision", **{"lines-0-item": "Helpline", "lines-0-amount": HUGE}),
        "lines.0.amount",
        TOO_LARGE,
    ),
    refused(
        "decision-line-fraction-of-a-penny",
        post("decision", **{"lines-0-item": "Helpline", "lines-0-amount": "1.001"}),
        "lines.0.amount",
        TOO_MANY_PLACES,
    ),
    refused(
        "decision-line-item-over-long",
        post("decision", **{"lines-0-item": "I" * 501, "lines-0-amount": "1"}),
        "lines.0.item",
        TOO_LONG.format(limit=500, length=501),
    ),
    refused(
        "decision-date-received-30-february",
        post("decision", date_received="2016-02-30"),
        "form.date_received",
        NOT_A_DATE,
    ),
    refused(
        "decision-date-received-year-1",
        post("decision", date_received="0001-01-01"),
        "form.date_received",
        DATE_OUT_OF_RANGE,
    ),
    refused(
        "decision-allocation-sql-ish",
        post("decision", allocations="1'; DROP TABLE decisions_decision;--"),
        "form.allocations",
        ALLOCATION_GONE,
    ),
    refused(
        "decision-allocation-beyond-any-integer",
        post("decision", allocations="99999999999999999999999"),
        "form.allocations",
        ALLOCATION_GONE,
    ),
    refused(
        "decision-allocation-superscript-digit",
        post("decision", allocations="²"),
        "form.allocations",
        ALLOCATION_GONE,
    ),
    refused(
        "decision-allocation-that-does-not-exist",
        post("decision", allocations="987654"),
        "form.allocations",
        ALLOCATION_GONE,
    ),
    *(
        refused(
            f"{form}-100000-{prefix}",
            post(form, **{f"{prefix}-TOTAL_FORMS": "100000"}),
            f"{prefix}.__all__",
            FORMSET_TOO_MANY_ROWS % {"num": FORMSET_MAX_ROWS},
            max_queries=20,
        )
        for form, prefix in (
            ("provider", "contacts"),
            ("agreement", "partners"),
            ("return", "measures"),
        )
    ),
    refused(
        "decision-100000-funding-lines",
        post("decision", **{"lines-TOTAL_FORMS": "100000"}),
        "lines.__all__",
        FORMSET_TOO_MANY_ROWS % {"num": FORMSET_MAX_ROWS},
        max_queries=20,
    ),
    accepted(
        "decision-markup-in-every-text-field-page-and-pdf",
        post(
            "decision",
            financial_implications="on",
            **DECISION_MARKUP,
            **{"lines-0-item": LINE_MARKUP, "lines-0-amount": "9,400"},
        ),
        decision_markup_kept,
    ),
    accepted(
        "decision-arabic-hebrew-emoji",
        post(
            "decision", title=ARABIC, executive_summary=HEBREW_AND_EMOJI, decision=MIXED_DIRECTION
        ),
        decision_unicode_kept,
    ),
    # Signatures and workflow steps ----------------------------------------------------
    refused(
        "paper-signature-scan-png-renamed-pdf",
        post("paper", scan=SimpleUploadedFile("signed.pdf", files.PNG)),
        "form.scan",
        CONTENT_MISMATCH.format(extension=".pdf"),
        user="chief_executive",
        prepare=submit_decision,
    ),
    refused(
        "paper-signature-signed-in-9999",
        post("paper", signed_on="9999-12-31"),
        "form.signed_on",
        DATE_OUT_OF_RANGE,
        user="chief_executive",
        prepare=submit_decision,
    ),
    refused(
        "paper-signature-signer-nul-byte",
        post("paper", name="Jane\x00Doe"),
        "form.name",
        NUL,
        user="chief_executive",
        prepare=submit_decision,
    ),
    refused(
        "return-for-changes-reason-10-megabytes",
        post("return_for_changes", comment=BIG),
        "form.comment",
        text_too_long(TEN_MEGABYTES),
        user="chief_executive",
        prepare=submit_decision,
    ),
    # Imports in the browser -----------------------------------------------------------
    refused(
        "import-pdf-renamed-csv",
        import_file(files.PDF, "allocations.csv"),
        "row 1.",
        spreadsheets.LOOKS_LIKE.format(kind="a PDF document"),
    ),
    refused(
        "import-png-renamed-xlsx",
        import_file(files.PNG, "allocations.xlsx"),
        "row 1.",
        spreadsheets.LOOKS_LIKE.format(kind="a PNG image"),
    ),
    refused(
        "import-exe-renamed-csv",
        import_file(files.EXE, "allocations.csv"),
        "row 1.",
        spreadsheets.LOOKS_LIKE.format(kind="a Windows program"),
    ),
    refused(
        "import-old-xls-renamed-xlsx",
        import_file(files.OLD_XLS, "allocations.xlsx"),
        "row 1.",
        spreadsheets.OLD_EXCEL,
    ),
    refused(
        "import-zip-bomb-xlsx-300-megabytes",
        import_file(files.zip_bomb_xlsx(), "allocations.xlsx"),
        "row 1.",
        spreadsheets.WORKBOOK_TOO_BIG,
        max_queries=20,
    ),
    refused(
        "import-zip-bomb-xlsx-declaring-4-kilobytes",
        import_file(files.lying_zip_bomb_xlsx(), "allocations.xlsx"),
        "row 1.",
        spreadsheets.NOT_READABLE,
        max_queries=20,
    ),
    refused(
        "import-xlsx-declaring-a-million-rows-of-16384-columns",
        import_file(
            files.sparse_sheet_xlsx(list(importers.ALLOCATION_COLUMNS)), "allocations.xlsx"
        ),
        "row 1.",
        spreadsheets.TOO_MANY_ROWS.format(limit=f"{spreadsheets.MAX_ROWS:,}"),
        max_queries=20,
    ),
    refused(
        "import-utf16-csv",
        import_file(allocations_csv(GOOD_ALLOCATION).decode().encode("utf-16")),
        "row 1.",
        spreadsheets.UTF16,
    ),
    refused(
        "import-latin1-pound-sign",
        import_file(
            allocations_csv(GOOD_ALLOCATION, GOOD_ALLOCATION.replace("9400", "£9500"))
            .decode()
            .encode("latin-1")
        ),
        "row 3.",
        spreadsheets.NOT_UTF8.format(row=3),
    ),
    refused(
        "import-formula-in-amount",
        import_file(allocations_csv(GOOD_ALLOCATION.replace("9400", "=SUM(A1:A9)"))),
        "row 2.amount",
        NOT_MONEY,
    ),
    refused("import-empty-file", import_file(b""), "form.file", EMPTY_UPLOAD),
    refused(
        "import-blank-lines-only", import_file(b" \r\n\r\n  \n"), "row 1.", spreadsheets.EMPTY_FILE
    ),
    refused(
        "import-header-only", import_file(allocations_csv()), "row 2.", importers.NO_DATA_ROWS
    ),
    refused(
        "import-duplicate-rows",
        import_file(allocations_csv(GOOD_ALLOCATION, GOOD_ALLOCATION)),
        "row 3.",
        importers.DUPLICATE_ROW.format(other=2),
    ),
    refused(
        "import-same-stream-twice-with-two-budgets",
        import_file(
            funding_csv("2017/18,Victims,,1000,,,,,", "2017/18,VICTIMS,,2000,,,,,"),
            "funding.csv",
            "funding",
        ),
        "row 3.name",
        importers.DUPLICATE_STREAM.format(name="VICTIMS", year="2017/18", other=2),
    ),
    refused(
        "import-unknown-stream",
        import_file(allocations_csv(GOOD_ALLOCATION.replace("Victims' Services", "Nowhere"))),
        "row 2.funding_stream",
        importers.UNKNOWN_STREAM.format(name="Nowhere", year="2016/17"),
    ),
    refused(
        "import-sql-ish-stream",
        import_file(allocations_csv(GOOD_ALLOCATION.replace("Victims' Services", "x' OR '1'='1"))),
        "row 2.funding_stream",
        importers.UNKNOWN_STREAM.format(name="x' OR '1'='1", year="2016/17"),
    ),
    refused(
        "import-unknown-parent",
        import_file(
            funding_csv("2016/17,Child,,100,,,,No Such Parent,"), "funding.csv", "funding"
        ),
        "row 2.parent",
        importers.UNKNOWN_PARENT.format(name="No Such Parent", year="2016/17"),
    ),
    refused(
        "import-new-recipient-in-a-file-with-a-bad-row",
        import_file(
            allocations_csv(
                GOOD_ALLOCATION.replace("Victim Support", "A Brand New Charity"),
                GOOD_ALLOCATION.replace("9400", "-1"),
            )
        ),
        "row 3.amount",
        NEGATIVE,
    ),
    refused(
        "import-nul-byte-after-the-first-4-kilobytes",
        import_file(
            allocations_csv(
                GOOD_ALLOCATION + LONG_ROW_NOTE,
                GOOD_ALLOCATION.replace("Helpline", "Outreach") + "bad\x00note",
            )
        ),
        "row 3.comments",
        importers.NUL_CHARACTER,
    ),
    refused(
        "import-amount-10^30-pounds",
        import_file(allocations_csv(GOOD_ALLOCATION.replace("9400", HUGE))),
        "row 2.amount",
        TOO_LARGE,
    ),
    refused(
        "import-amount-fraction-of-a-penny",
        import_file(allocations_csv(GOOD_ALLOCATION.replace("9400", "1.001"))),
        "row 2.amount",
        TOO_MANY_PLACES,
    ),
    refused(
        "import-31-february",
        import_file(allocations_csv(GOOD_ALLOCATION.replace(",,,,,,,,", ",,2017-02-31,,,,,,"))),
        "row 2.period_start",
        importers.BAD_DATE,
    ),
    refused(
        "import-year-0",
        import_file(allocations_csv(GOOD_ALLOCATION.replace(",,,,,,,,", ",,0000-04-01,,,,,,"))),
        "row 2.period_start",
        importers.BAD_DATE,
    ),
    refused(
        "import-financial-year-that-does-not-exist",
        import_file(allocations_csv(GOOD_ALLOCATION.replace("2016/17", "2016/18"))),
        "row 2.financial_year",
        importers.BAD_YEAR,
    ),
    refused(
        "import-title-over-long",
        import_file(allocations_csv(GOOD_ALLOCATION.replace("Helpline", "T" * 256))),
        "row 2.title",
        importers.TOO_LONG.format(limit=255, length=256),
    ),
    refused(
        "import-theme-over-long",
        import_file(
            allocations_csv(GOOD_ALLOCATION.replace(",,,,,,,,", ",,,,," + "H" * 201 + ",,,"))
        ),
        "row 2.theme",
        importers.TOO_LONG.format(limit=200, length=201),
    ),
    refused(
        "import-source-over-long",
        import_file(
            funding_csv("2016/17,Victims," + "S" * 151 + ",1000,,,,,"), "funding.csv", "funding"
        ),
        "row 2.source",
        importers.TOO_LONG.format(limit=150, length=151),
    ),
    accepted(
        "import-formula-injection-stored-as-text-and-defused-on-export",
        import_and_confirm(
            allocations_csv(
                GOOD_ALLOCATION.replace("Helpline", f'"{FORMULA}"')
                + "\"@SUM(1+1)*cmd|' /C calc'!A0\""
            )
        ),
        formula_kept_and_defused_on_export,
    ),
    accepted(
        "import-arabic-hebrew-emoji-xlsx",
        import_and_confirm(
            files.xlsx(
                [
                    list(importers.ALLOCATION_COLUMNS),
                    [
                        "2016/17",
                        "Victims' Services",
                        ARABIC,
                        HEBREW_AND_EMOJI,
                        9400,
                        *[""] * 7,
                        MIXED_DIRECTION,
                    ],
                ]
            ),
            "allocations.xlsx",
        ),
        imported_unicode_kept,
    ),
    accepted(
        "import-markup-csv",
        import_and_confirm(
            allocations_csv(
                GOOD_ALLOCATION.replace("Victim Support", markup("ir")).replace(
                    "Helpline", markup("it")
                )
            )
        ),
        imported_markup_kept,
    ),
    # Money is committed by a decision or a direct approval: never by an officer's file
    refused(
        "import-approved-row-by-an-officer",
        import_file(allocations_csv(GOOD_ALLOCATION.replace("9400,,", "9400,approved,"))),
        "row 2.status",
        workflow.DIRECT_APPROVAL_ROLES.format(roles=Role.CHIEF_FINANCE_OFFICER.label),
    ),
    refused(
        "import-contracted-row-by-an-officer",
        import_file(allocations_csv(GOOD_ALLOCATION.replace("9400,,", "9400,contracted,"))),
        "row 2.status",
        workflow.DIRECT_APPROVAL_ROLES.format(roles=Role.CHIEF_FINANCE_OFFICER.label),
    ),
    # Imports by command ---------------------------------------------------------------
    refused(
        "command-approved-row-in-nobodys-name",
        command(
            "import_allocations",
            allocations_csv(GOOD_ALLOCATION.replace("9400,,", "9400,approved,")),
        ),
        "stderr",
        "row 2, column status: " + importers.STATUS_NEEDS_A_PERSON.format(status="approved"),
    ),
    refused(
        "command-empty-file",
        command("import_allocations", b""),
        "stderr",
        "row 1: " + spreadsheets.EMPTY_FILE,
    ),
    refused(
        "command-latin1-pound-sign",
        command(
            "import_funding", funding_csv("2016/17,Victims,,£1000,,,,,").decode().encode("cp1252")
        ),
        "stderr",
        "row 2: " + spreadsheets.NOT_UTF8.format(row=2),
    ),
]


def test_the_table_has_at_least_forty_cases_with_distinct_names():
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input(world, case):
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
    assert response.status_code in (200, 400), response.status_code
    text = response.content.decode()
    shown = messages_at(response, case.where)
    for message in case.says:
        assert any(message in line for line in shown), (message, shown)
        assert html.escape(message) in text, message
    assert (database_state(), stored_files(world.media)) == before


FORMS_WITH_FREE_TEXT = [
    "/funding/streams/new/",
    "/funding/allocations/new/",
    "/commissioning/providers/new/",
    "/commissioning/agreements/new/",
    "/staff/decisions/new/",
]


@pytest.mark.parametrize("url", FORMS_WITH_FREE_TEXT)
def test_every_textarea_tells_the_browser_its_limit(world, url):
    world.client.force_login(world.people["officer"])
    text = page(world, url)
    textareas = re.findall(r"<textarea[^>]*>", text)
    assert textareas
    for textarea in textareas:
        assert f'maxlength="{TEXT_MAX_LENGTH}"' in textarea, textarea
