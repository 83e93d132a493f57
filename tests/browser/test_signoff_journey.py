"""The sign-off journey in a real browser (acceptance 5): a draft is submitted, given
officer approval (after a wrong password is refused), commented on by the Chief Finance
Officer and the Monitoring Officer, approved by the Commissioner, and published with
its supporting information redacted (the public version previewed first); an
anonymous visitor then finds it in the public register and checks its PDF against
the SHA-256 shown.

Every page the journey visits is checked with axe.
"""

import hashlib
import io
import re
import uuid

import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from decisions import services
from decisions.models import (
    Decision,
    DecisionStatus,
    PublicationChoice,
    PublicationPart,
    SignOffStep,
)

from ..factories import signing_code
from .conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

EXEMPTION = "FOI Act s43: commercial interests"
PUBLIC_INTEREST = (
    "Publishing the provider's day rates would harm its position in the coming tender; "
    "the public interest is met by publishing the total and the decision."
)
FINANCIAL_COMMENT = "The £9,400 is within the Victims' Services budget for 2016/17."
LEGAL_COMMENT = "The Commissioner has the power to make this grant."
WRONG_PASSWORD = "That is not your password: the signature was not recorded."
REASONING_NEEDED = (
    "Give the public interest reasoning for not publishing “Supporting information” in full."
)


# Helpers ----------------------------------------------------------------------------


def field(scope: Page | Locator, label: str) -> Locator:
    """The form control labelled exactly ``label`` (a required one's label ends in "*")."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$"))


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def status_card(page: Page) -> Locator:
    """The record page's card that says where the record stands and what may be done."""
    return page.locator("section").filter(has=page.locator("#workflow-heading"))


def record_status(page: Page) -> Locator:
    """The heading of the status card: the record's status, as the user reads it."""
    return status_card(page).get_by_role("heading", level=2)


def messages(page: Page) -> Locator:
    return page.get_by_role("status").first


def record_reference(page: Page) -> Locator:
    return page.get_by_text(re.compile(r"^Reference No:"))


def signed_in(page: Page, login, user) -> None:
    """Sign in through the form; the dashboard greets the user."""
    login(user)
    expect(heading(page)).to_have_text("Dashboard")
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(str(user))
    assert_accessible(page)


def sign_out(page: Page) -> None:
    """Through the account menu of the header, as a user would."""
    page.get_by_test_id("signed-in-as").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    assert_accessible(page)


def open_record(page: Page, title: str) -> None:
    """From any page: "Decision records" in the main menu, then the record's title."""
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Decision records", exact=True).click()
    expect(heading(page)).to_have_text("Decision records")
    assert_accessible(page)
    page.get_by_role("table").get_by_role("link", name=title, exact=True).click()
    expect(heading(page)).to_have_text("Decision Record Form")
    expect(page.locator(".record-title")).to_have_text(title)
    assert_accessible(page)


def start_action(page: Page, label: str) -> None:
    """Follow one of the status card's action links to that step's form."""
    status_card(page).get_by_role("link", name=label, exact=True).click()
    expect(heading(page)).to_have_text(label)


def sign(page: Page, label: str, password: str, code: str = "") -> None:
    field(page, "Your password, to sign").fill(password)
    field(page, "Code from your authenticator app").fill(code)
    page.get_by_role("button", name=f"Sign: {label}", exact=True).click()


def publication_part(page: Page, label: str) -> Locator:
    """The fieldset of one part in the publication decision."""
    return (
        page.locator("fieldset")
        .filter(has=page.locator("legend", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")))
        .first
    )


def signed_on(decision: Decision, step: str) -> str:
    """The date a step was signed, as the pages show it ("10 August 2016")."""
    signoff = decision.signoffs.get(step=step, void=False)
    return date_format(timezone.localtime(signoff.signed_at), "j F Y")


def one_line(text: str) -> str:
    return " ".join(text.split())


def random_part(secret: str) -> str:
    """The random hex of the secret sentence: found even if the PDF splits its words."""
    return re.search(r"[0-9a-f]{32}", secret).group()


# The journey ------------------------------------------------------------------------


def test_a_record_is_signed_off_published_redacted_and_its_pdf_matches_its_hash(
    page,
    login,
    password,
    settings,
    tmp_path,
    draft,
    people,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    secret = f"The provider's confidential day rate is £415 (tender {uuid.uuid4().hex})."
    services.decision_update(
        decision=draft,
        by=people["officer"],
        supporting_information=f"Background to the tender.\n\n{secret}",
    )
    title = draft.title

    # 1. The officer submits the draft for officer approval: no signature is asked.
    page.goto("/accounts/login/")
    expect(heading(page)).to_have_text("Sign in")
    assert_accessible(page)
    signed_in(page, login, people["officer"])
    open_record(page, title)
    expect(record_status(page)).to_have_text("Draft")
    expect(page.get_by_text(secret)).to_be_visible()
    start_action(page, "Submit for officer approval")
    expect(page.get_by_label(re.compile("Your password"))).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Submit for officer approval", exact=True).click()

    expect(messages(page)).to_contain_text("Submit for officer approval: done.")
    expect(record_status(page)).to_have_text("Awaiting officer approval")
    reference = Decision.objects.get(pk=draft.pk).reference
    assert re.fullmatch(r"\d{3}-\d{4}", reference)
    expect(record_reference(page)).to_have_text(f"Reference No: {reference}")
    assert_accessible(page)
    sign_out(page)

    # 2. Comments first: the Chief Finance Officer and the Monitoring Officer record
    # the comments the implications call for; the record says it waits for them.
    for who, label, text in (
        (
            "cfo",
            "Chief Finance Officer's comments on the financial implications",
            FINANCIAL_COMMENT,
        ),
        (
            "monitoring_officer",
            "Monitoring Officer's comments on the legal implications",
            LEGAL_COMMENT,
        ),
    ):
        signed_in(page, login, people[who])
        open_record(page, title)
        expect(status_card(page)).to_contain_text("Waiting for")
        comment_form = status_card(page).locator("form").filter(has=page.get_by_label(label))
        comment_form.get_by_label(label).fill(text)
        comment_form.get_by_role("button", name="Record the comment").click()
        expect(messages(page)).to_contain_text("Comment recorded.")
        expect(page.get_by_role("heading", name=label, level=3)).to_be_visible()
        expect(page.get_by_text(text, exact=True).first).to_be_visible()
        assert_accessible(page)
        sign_out(page)

    # 3. The Chief Executive gives officer approval: a wrong password is refused.
    signed_in(page, login, people["chief_executive"])
    open_record(page, title)
    expect(record_status(page)).to_have_text("Awaiting officer approval")
    start_action(page, "Give officer approval")
    signing = page.get_by_role("heading", name="What you are signing").locator("xpath=..")
    expect(signing).to_contain_text("I am satisfied that this is an appropriate request.")
    expect(page.get_by_text(f"{reference}: {title}")).to_be_visible()
    assert_accessible(page)

    sign(page, "Give officer approval", "not my password at all")
    expect(heading(page)).to_have_text("Give officer approval")
    expect(page.get_by_text(WRONG_PASSWORD).first).to_be_visible()
    expect(field(page, "Your password, to sign")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=reference).click()
    expect(record_status(page)).to_have_text("Awaiting officer approval")
    assert_accessible(page)
    assert not Decision.objects.get(pk=draft.pk).signoffs.exists()

    start_action(page, "Give officer approval")
    sign(page, "Give officer approval", password, signing_code(people["chief_executive"]))
    expect(messages(page)).to_contain_text("Give officer approval: done.")
    expect(record_status(page)).to_have_text("Awaiting decision")
    assert_accessible(page)
    sign_out(page)

    # 4. The Commissioner finds the record in "My tasks" and approves it.
    signed_in(page, login, people["commissioner"])
    tasks = page.get_by_role("region", name="My tasks")
    task = tasks.get_by_role("listitem").filter(has_text=title)
    expect(task).to_contain_text("awaiting decision: approve the decision", ignore_case=True)
    assert_accessible(page)
    task.get_by_role("link", name=f"{reference}: {title}").click()
    expect(record_status(page)).to_have_text("Awaiting decision")
    assert_accessible(page)
    start_action(page, "Approve the decision")
    expect(page.get_by_text("I agree. My register of interests is up to date.")).to_be_visible()
    assert_accessible(page)
    sign(page, "Approve the decision", password, signing_code(people["commissioner"]))
    expect(messages(page)).to_contain_text("Approve the decision: done.")
    expect(record_status(page)).to_have_text("Approved")
    assert_accessible(page)
    sign_out(page)

    # 5. The Monitoring Officer decides publication: the supporting information
    # redacted, previewed, then signed.
    signed_in(page, login, people["monitoring_officer"])
    open_record(page, title)
    start_action(page, "Decide publication")
    sections = [
        "The record of the decision",
        "Financial implications",
        "Legal implications",
        "Chief Finance Officer's comments on the financial implications",
        "Monitoring Officer's comments on the legal implications",
        "Supporting information",
        "Funding breakdown",
    ]
    for label in sections:
        part = publication_part(page, label)
        expect(part.get_by_role("radio", name="Publish", exact=True)).to_be_checked()
        expect(part).to_contain_text("Covers:")
    assert_accessible(page)

    details_part = publication_part(page, "Supporting information")
    details_part.get_by_role("radio", name="Publish redacted", exact=True).check()
    field(details_part, "Exemption").select_option(label=EXEMPTION)
    page.get_by_role("button", name="Preview the public version").click()

    expect(heading(page)).to_have_text("Decide publication")
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary.get_by_role("link", name=REASONING_NEEDED)).to_be_visible()
    expect(summary).to_be_focused()
    details_part = publication_part(page, "Supporting information")
    expect(details_part.get_by_text(REASONING_NEEDED)).to_be_visible()
    expect(field(details_part, "Public interest reasoning")).to_have_attribute(
        "aria-invalid", "true"
    )
    # What was chosen is kept.
    expect(details_part.get_by_role("radio", name="Publish redacted", exact=True)).to_be_checked()
    expect(field(details_part, "Exemption").locator("option:checked")).to_have_text(EXEMPTION)
    assert_accessible(page)
    assert Decision.objects.get(pk=draft.pk).status == DecisionStatus.APPROVED

    field(details_part, "Public interest reasoning").fill(PUBLIC_INTEREST)
    page.get_by_role("button", name="Preview the public version").click()
    # The page's heading, then the record's own, as the public page shows it.
    expect(heading(page)).to_have_text(
        ["Check the public version before you publish", "Decision Record Form"]
    )
    preview = page.get_by_test_id("public-version")
    expect(preview).not_to_contain_text(secret)
    expect(preview.get_by_role("note")).to_contain_text(
        "Supporting information: published with this content removed."
    )
    signing = page.get_by_role("region", name="Sign and publish")
    expect(signing).to_contain_text("I have determined what may be published.")
    assert_accessible(page)
    assert Decision.objects.get(pk=draft.pk).status == DecisionStatus.APPROVED

    sign(page, "Decide publication", password, signing_code(people["monitoring_officer"]))
    expect(messages(page)).to_contain_text("Decide publication: done.")
    expect(record_status(page)).to_have_text("Published")
    assert_accessible(page)
    sign_out(page)

    decision = Decision.objects.get(pk=draft.pk)
    assert decision.status == DecisionStatus.PUBLISHED
    choices = dict(decision.publication_decisions.values_list("part", "choice"))
    assert choices == {
        PublicationPart.RECORD: PublicationChoice.PUBLISH,
        PublicationPart.FINANCIAL: PublicationChoice.PUBLISH,
        PublicationPart.LEGAL: PublicationChoice.PUBLISH,
        PublicationPart.FINANCIAL_COMMENT: PublicationChoice.PUBLISH,
        PublicationPart.LEGAL_COMMENT: PublicationChoice.PUBLISH,
        PublicationPart.SUPPORTING_INFORMATION: PublicationChoice.REDACT,
        PublicationPart.FUNDING_LINES: PublicationChoice.PUBLISH,
    }

    # 6. An anonymous visitor finds the record in the public register.
    page.context.clear_cookies()
    page.goto("/decisions/")
    expect(heading(page)).to_have_text("Decision register")
    assert_accessible(page)
    page.get_by_label("Search", exact=True).fill("Auckland")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]q=Auckland"))
    register = page.get_by_role("table")
    expect(register.locator("tbody").get_by_role("row")).to_have_count(1)
    expect(register.get_by_role("caption")).to_have_text("1 decision")
    assert_accessible(page)
    register.get_by_role("link", name=title, exact=True).click()

    expect(page).to_have_url(re.compile(rf"/decisions/{re.escape(decision.slug)}/$"))
    expect(page.locator(".record-title")).to_have_text(title)
    signed_record = page.get_by_role("region", name="The signed record")
    expect(signed_record.get_by_role("listitem")).to_have_text(
        [
            f"{step.label}: {people[who]}, {office}, {signed_on(decision, step)} "
            "(signed electronically)"
            for step, who, office in (
                (SignOffStep.OFFICER_APPROVAL, "chief_executive", "Chief Executive"),
                (SignOffStep.DECISION, "commissioner", "Police and Crime Commissioner"),
                (SignOffStep.PUBLICATION, "monitoring_officer", "Monitoring Officer"),
            )
        ]
    )
    sha = page.get_by_text(re.compile(r"SHA-256 of the PDF:")).locator("code")
    expect(sha).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    shown_hash = sha.inner_text().strip()

    # The supporting information is replaced by the grounds; the secret is nowhere.
    expect(page.get_by_text(secret)).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(secret)
    withheld = page.get_by_role("note").filter(has_text="Supporting information")
    expect(withheld).to_contain_text(
        "Supporting information: published with this content removed."
    )
    expect(withheld).to_contain_text(f"Grounds: {EXEMPTION}")
    expect(withheld).to_contain_text(f"Public interest: {PUBLIC_INTEREST}")
    # What was published is still there.
    expect(page.get_by_text(FINANCIAL_COMMENT)).to_be_visible()
    expect(page.get_by_text(LEGAL_COMMENT)).to_be_visible()
    assert_accessible(page)

    # The PDF behind "Download the PDF" is the one whose hash is shown.
    download = signed_record.get_by_role("link", name="Download the PDF")
    response = page.request.get(download.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == shown_hash
    text = one_line("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages))
    assert title in text
    assert reference in text
    assert one_line(secret) not in text
    assert random_part(secret) not in text.replace(" ", "")
    assert EXEMPTION in text
