"""The round summary for the Review Panel, as a page and as a PDF: each stage of the
round (received, eligible, reviewed, recommended, awarded) as a count and an amount,
by theme with totals, and the over-subscription ratio, on a round worked out by hand."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from funding import services as funding_services
from grants import views_moderation
from grants.models import (
    Application,
    ApplicationStatus,
    PanelMeeting,
    PanelOutcome,
    PanelRecommendation,
    ReviewStatus,
    Screening,
)
from pcc_grants.pdf import StaticOnlyFetcher, render_pdf
from pcc_grants.roles import Role
from tests.factories import AllocationFactory, UserFactory

from .moderation_data import (
    bulk_reviewed_applications,
    make_application,
    make_review,
    make_reviewer,
    make_round,
)

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def cells(html: str, first: str) -> list[str]:
    """The text of each cell of the table row whose first cell is ``first``."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        found = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        if found and found[0] == first:
            return found[1:]
    raise AssertionError(f"No row starts with {first!r}")


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="cfo", roles=[Role.CHIEF_FINANCE_OFFICER]))
    return client


@pytest.fixture
def decided_round(db):
    """Budget £955. Reducing reoffending: G-001 (£400, reviewed, recommended in full,
    its allocation approved) and G-002 (£600.50, reviewed, recommended in part at £300,
    its allocation only proposed), and a withdrawn G-006 (£5,000). Protecting
    vulnerable people: G-003 (£100, reviewed, not recommended) and G-004 (£250, its
    only review still being scored). No theme: G-005 (£999, screened out)."""
    reoffending = funding_services.plan_theme_get_or_create(name="Reducing reoffending")
    vulnerable = funding_services.plan_theme_get_or_create(name="Protecting vulnerable people")
    grant_round = make_round(budget="955", name="Safer Streets 2026")
    g1 = make_application(grant_round, "G-001", "400", theme=reoffending)
    g2 = make_application(grant_round, "G-002", "600.50", theme=reoffending)
    g3 = make_application(grant_round, "G-003", "100", theme=vulnerable)
    g4 = make_application(grant_round, "G-004", "250", theme=vulnerable)
    make_application(grant_round, "G-005", "999", screening=Screening.INELIGIBLE)
    make_application(
        grant_round, "G-006", "5000", theme=reoffending, status=ApplicationStatus.WITHDRAWN
    )
    for application in (g1, g2, g3):
        make_review(application, (4, 4, 4))
    make_review(g4, (4, 4, 4), status=ReviewStatus.IN_PROGRESS)
    meeting = PanelMeeting.objects.create(grant_round=grant_round, held_on=date(2026, 9, 1))
    for application, outcome, amount in (
        (g1, PanelOutcome.AWARD, None),
        (g2, PanelOutcome.AWARD_IN_PART, Decimal("300")),
        (g3, PanelOutcome.DO_NOT_AWARD, None),
    ):
        PanelRecommendation.objects.create(
            meeting=meeting,
            application=application,
            outcome=outcome,
            amount=amount,
            reasons="Scored well." if amount else "The panel's reasons.",
        )
    stream = grant_round.funding_stream
    for application, status in ((g1, "approved"), (g2, "proposed")):
        allocation = AllocationFactory(
            funding_stream=stream, amount=application.amount_requested, status=status
        )
        if application == g2:
            allocation.amount = Decimal("300")
            allocation.save()
        Application.objects.filter(pk=application.pk).update(allocation=allocation)
    return grant_round


# Received, eligible, reviewed, recommended, awarded: each a number, then an amount.
REOFFENDING = ["2", "£1,000.50", "2", "£1,000.50", "2", "£1,000.50", "2", "£700", "1", "£400"]
VULNERABLE = ["2", "£350", "2", "£350", "1", "£100", "0", "£0", "0", "£0"]
NO_THEME = ["1", "£999", "0", "£0", "0", "£0", "0", "£0", "0", "£0"]
TOTAL = ["5", "£2,349.50", "4", "£1,350.50", "3", "£1,100.50", "2", "£700", "1", "£400"]
# £2,349.50 requested ÷ £955 = 2.4602… → 2.46
RATIO = "Requested £2,349.50 against a budget of £955: 2.46 times the budget."


def test_the_summary_counts_and_adds_up_each_stage_by_theme(staff_client, decided_round):
    response = staff_client.get(reverse("grants:round_summary", args=[decided_round.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert cells(html, "Reducing reoffending") == REOFFENDING
    assert cells(html, "Protecting vulnerable people") == VULNERABLE
    assert cells(html, "No theme") == NO_THEME
    assert cells(html, "Total") == TOTAL
    assert RATIO in html
    # Themes by name, the applications without one last.
    assert html.index("Protecting vulnerable") < html.index("Reducing reoffending")
    assert html.index("Reducing reoffending") < html.index("No theme</th>")
    assert reverse("grants:round_summary_pdf", args=[decided_round.pk]) in html


def test_the_pdf_says_what_the_page_says(staff_client, decided_round):
    response = staff_client.get(reverse("grants:round_summary_pdf", args=[decided_round.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Round summary: Safer Streets 2026" in text
    assert RATIO in text
    assert "Reducing reoffending " + " ".join(REOFFENDING) in text
    assert "Total " + " ".join(TOTAL) in text
    assert "Protecting vulnerable people" in text and "No theme" in text
    root = PdfReader(io.BytesIO(response.content)).trailer["/Root"]
    assert root["/Lang"] == "en-GB" and "/StructTreeRoot" in root  # tagged, for readers


def test_the_pdf_is_made_offline_from_the_projects_own_style_sheet(decided_round):
    fetcher = StaticOnlyFetcher()
    render_pdf(
        "grants/moderation/summary_pdf.html",
        views_moderation.summary_context(decided_round),
        fetcher=fetcher,
    )
    assert fetcher.refused == []
    assert [url.rsplit("/", 1)[-1] for url in fetcher.served] == ["pdf.css"]


def test_panel_members_reviewers_and_applicants_read_neither(client, decided_round):
    for number, role in enumerate((Role.PANEL_MEMBER, Role.REVIEWER, Role.APPLICANT)):
        client.force_login(UserFactory(username=f"outsider-{number}", roles=[role]))
        for name in ("grants:round_summary", "grants:round_summary_pdf"):
            response = client.get(reverse(name, args=[decided_round.pk]))
            assert response.status_code == 403
            assert b"Reducing reoffending" not in response.content


def test_the_summary_asks_as_many_queries_at_300_applications_as_at_30(staff_client):
    grant_round = make_round(budget="100000")
    reviewers = [make_reviewer() for _ in range(2)]
    url = reverse("grants:round_summary", args=[grant_round.pk])
    bulk_reviewed_applications(grant_round, reviewers, 30)
    staff_client.get(url)
    with CaptureQueriesContext(connection) as at_30:
        assert cells(staff_client.get(url).content.decode(), "Total")[0] == "30"
    bulk_reviewed_applications(grant_round, reviewers, 270, start=31)
    with CaptureQueriesContext(connection) as at_300:
        assert cells(staff_client.get(url).content.decode(), "Total")[0] == "300"
    assert len(at_300) == len(at_30)
