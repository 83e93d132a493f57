"""Publication section by section in a real browser: the Monitoring Officer redacts the
legal implications only (after an exemption left on "Publish" is refused), sees the
public version exactly as it will be published, the page and its PDF, then signs it
with the password; an anonymous visitor then reads every other section, the grounds
in place of the redacted one, and finds the redacted text in neither the page nor
the PDF.

Every page the journey visits is checked with axe.
"""

import hashlib
import io
import re
import uuid

import pytest
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from decisions import services
from decisions.models import Decision, DecisionStatus, PublishedSnapshot

from ..factories import signing_code
from .conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

EXEMPTION = "FOI Act s42: legal professional privilege"
PUBLIC_INTEREST = (
    "Legal advice to the Commissioner is privileged; the decision and its other "
    "implications are published in full."
)
FINANCIAL = "The allocation of £9,400 is within the 2016/17 budget limits."
SUPPORTING = "The pilot in Darlington reached 140 young people in its first year."
GROUNDS_WITH_PUBLISH = (
    "“Funding breakdown” is set to “Publish”, but you gave grounds for withholding it: "
    "choose “Publish redacted” or “Do not publish”, or remove the exemption and legislation."
)


def field(scope: Page | Locator, label: str) -> Locator:
    """The form control labelled exactly ``label`` (a required one's label ends in "*")."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$"))


def section(page: Page, label: str) -> Locator:
    """The fieldset of one section in the publication decision."""
    return (
        page.locator("fieldset")
        .filter(has=page.locator("legend", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")))
        .first
    )


def status_card(page: Page) -> Locator:
    return page.locator("section").filter(has=page.locator("#workflow-heading"))


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def test_one_implication_is_redacted_previewed_signed_and_never_public(
    page, login, password, settings, tmp_path, draft, people, advance
):
    settings.MEDIA_ROOT = tmp_path / "media"
    advice = f"Counsel advises the grant could be challenged (opinion {uuid.uuid4().hex})."
    services.decision_update(
        decision=draft,
        by=people["officer"],
        legal_details=advice,
        supporting_information=SUPPORTING,
    )
    decision = advance(draft, "approved")
    secret = re.search(r"[0-9a-f]{32}", advice).group()

    # The Monitoring Officer opens the record and the publication decision.
    login(people["monitoring_officer"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    page.goto(f"/staff/decisions/{decision.pk}/")
    expect(page.get_by_text(advice)).to_be_visible()  # staff read everything
    assert_accessible(page)
    status_card(page).get_by_role("link", name="Decide publication", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide publication")
    legal = section(page, "Legal implications")
    expect(legal).to_contain_text("Covers: The details given")
    assert_accessible(page)

    # An exemption left on "Publish" is refused, naming the section.
    funding = section(page, "Funding breakdown")
    field(funding, "Exemption").select_option(label="FOI Act s43: commercial interests")
    page.get_by_role("button", name="Preview the public version").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary.get_by_role("link", name=GROUNDS_WITH_PUBLISH)).to_be_visible()
    expect(section(page, "Funding breakdown").get_by_text(GROUNDS_WITH_PUBLISH)).to_be_visible()
    assert_accessible(page)
    field(section(page, "Funding breakdown"), "Exemption").select_option(label="None")

    # The legal implications only: published redacted, with the grounds.
    legal = section(page, "Legal implications")
    legal.get_by_role("radio", name="Publish redacted", exact=True).check()
    field(legal, "Exemption").select_option(label=EXEMPTION)
    field(legal, "Public interest reasoning").fill(PUBLIC_INTEREST)
    page.get_by_role("button", name="Preview the public version").click()

    # The public version, before anything is stored.
    expect(page.get_by_role("heading", level=1).first).to_have_text(
        "Check the public version before you publish"
    )
    preview = page.get_by_test_id("public-version")
    expect(preview).not_to_contain_text(advice)
    note = preview.get_by_role("note")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("Legal implications: published with this content removed.")
    expect(note).to_contain_text(f"Grounds: {EXEMPTION}")
    for shown in (FINANCIAL, SUPPORTING, "Affordable.", "Lawful.", "Support Coordinator"):
        expect(preview).to_contain_text(shown)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the preview PDF").click()
    preview_pdf = pdf_text(download.value.path().read_bytes())
    assert secret not in preview_pdf.replace(" ", "")
    assert EXEMPTION in preview_pdf and SUPPORTING in preview_pdf
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.APPROVED
    assert not PublishedSnapshot.objects.exists()

    # Signed with the password: published as previewed.
    field(page, "Your password, to sign").fill(password)
    field(page, "Code from your authenticator app").fill(
        signing_code(people["monitoring_officer"])
    )
    page.get_by_role("button", name="Sign: Decide publication", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(
        "The record is in the public register, as you previewed it."
    )
    choices = page.get_by_role("region", name="Publication, section by section")
    row = choices.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Legal implications", exact=True)
    )
    expect(row).to_contain_text("Publish redacted")
    expect(row).to_contain_text(EXEMPTION)
    assert_accessible(page)

    # An anonymous visitor reads the published record.
    page.context.clear_cookies()
    slug = Decision.objects.get(pk=decision.pk).slug
    page.goto("/decisions/")
    assert_accessible(page)
    page.get_by_role("table").get_by_role("link", name=decision.title, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/decisions/{re.escape(slug)}/$"))
    body = page.locator("body")
    expect(body).not_to_contain_text(secret)
    assert secret not in page.content()
    note = page.get_by_role("note")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("Legal implications: published with this content removed.")
    expect(note).to_contain_text(f"Grounds: {EXEMPTION}")
    expect(note).to_contain_text(f"Public interest: {PUBLIC_INTEREST}")
    for shown in (FINANCIAL, SUPPORTING, "Affordable.", "Lawful.", "Support Coordinator"):
        expect(body).to_contain_text(shown)
    assert_accessible(page)

    signed_record = page.get_by_role("region", name="The signed record")
    shown_hash = signed_record.locator("code").inner_text().strip()
    response = page.request.get(
        signed_record.get_by_role("link", name="Download the PDF").get_attribute("href")
    )
    assert response.ok
    assert hashlib.sha256(response.body()).hexdigest() == shown_hash
    published_pdf = pdf_text(response.body())
    assert secret not in published_pdf.replace(" ", "")
    assert "Legal implications: published with this content removed." in published_pdf
    assert EXEMPTION in published_pdf
    assert FINANCIAL in published_pdf and SUPPORTING in published_pdf
