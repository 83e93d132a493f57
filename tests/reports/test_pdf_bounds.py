"""Every report PDF and the Decision Record PDF fit their pages: no text falls outside
a page, every column of the HTML table is printed, and a warning reads as a sentence."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest

from decisions import services as decision_services
from funding.models import PlanTheme
from pcc_grants import pdf
from pcc_grants.roles import Role

from .. import pdf_layout
from ..factories import AllocationFactory, FinancialYearFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db

OVER_BUDGET = "Over budget by £25,000, within the 10% tolerance."


@pytest.fixture
def made_from(monkeypatch):
    """The HTML each PDF was made from, in the order they were made."""
    sources = []
    html_to_pdf = pdf.html_to_pdf

    def recording(html, **kwargs):
        sources.append(html)
        return html_to_pdf(html, **kwargs)

    monkeypatch.setattr(pdf, "html_to_pdf", recording)
    return sources


@pytest.fixture
def panel_year(db):
    """2016/17 beside 2015/16, as the panel sees it: budgets changed on last year, a
    stream over budget within its tolerance, a sub-stream, a budget to be determined,
    long names and descriptions."""
    last_year = FinancialYearFactory(start_year=2015)
    year = FinancialYearFactory(start_year=2016)
    victims_before = FundingStreamFactory(
        financial_year=last_year, name="Victims' Services", budget=Decimal("500000")
    )
    safety_before = FundingStreamFactory(
        financial_year=last_year, name="Community Safety Fund", budget=Decimal("1300000")
    )
    victims = FundingStreamFactory(
        financial_year=year,
        name="Victims' Services",
        budget=Decimal("525000"),
        previous=victims_before,
        over_allocation_tolerance_percent=Decimal("10"),
        description="Support for victims of crime to cope and recover, commissioned "
        "from local providers under the Ministry of Justice grant.",
    )
    safety = FundingStreamFactory(
        financial_year=year,
        name="Community Safety Fund",
        budget=Decimal("1235000"),
        carried_forward=Decimal("27150"),
        previous=safety_before,
    )
    youth = FundingStreamFactory(
        financial_year=year,
        name="Youth Diversion and Early Intervention Programme",
        budget=Decimal("160000"),
        parent=safety,
    )
    FundingStreamFactory(financial_year=year, name="Violence Reduction Unit", budget=None)
    victims_first = PlanTheme.objects.create(name="Putting victims and witnesses first")
    reoffending = PlanTheme.objects.create(name="Reducing reoffending")
    AllocationFactory(
        funding_stream=victims,
        title="Independent Sexual Violence Advisers across County Durham and Darlington",
        description="Two full-time advisers, with out-of-hours cover, for 2016/17.",
        recipient__name="Rape and Sexual Abuse Counselling Centre Darlington and Durham",
        amount=Decimal("550000"),
        theme=victims_first,
        approved=True,
    )
    AllocationFactory(
        funding_stream=safety,
        title="Community Peer Mentors Project, Bishop Auckland",
        recipient__name="Durham Tees Valley Community Rehabilitation Company",
        amount=Decimal("1009400.50"),
        theme=reoffending,
    )  # proposed: the published record below approves it
    AllocationFactory(funding_stream=youth, title="Diversionary sport", amount=Decimal("45000"))
    return year


@pytest.fixture
def published(draft, people, advance, panel_year, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    allocation = panel_year.streams.get(name="Community Safety Fund").allocations.get()
    decision_services.decision_update(
        decision=draft, by=people["officer"], allocations=[allocation]
    )
    return advance(draft, "published")


def _downloaded(response) -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content) if response.streaming else response.content


def _panel(client, request):
    client.force_login(request.getfixturevalue("make_user")(Role.PANEL_MEMBER))
    return client


def funding_position(client, request) -> bytes:
    year = request.getfixturevalue("panel_year")
    return _downloaded(_panel(client, request).get(f"/funding/position/{year.slug}.pdf"))


def commissioning_activity(client, request) -> bytes:
    year = request.getfixturevalue("panel_year")
    return _downloaded(_panel(client, request).get(f"/reports/commissioning/{year.slug}.pdf"))


def grants_by_theme(client, request) -> bytes:
    year = request.getfixturevalue("panel_year")
    url = f"/reports/grants-by-theme/{year.slug}/?format=pdf"
    return _downloaded(_panel(client, request).get(url))


def decisions_report(client, request) -> bytes:
    request.getfixturevalue("published")
    return _downloaded(_panel(client, request).get("/reports/decisions/?format=pdf"))


def decision_record(client, request) -> bytes:
    """The office's own copy of a draft, with its DRAFT mark."""
    draft = request.getfixturevalue("draft")
    client.force_login(request.getfixturevalue("officer"))
    return _downloaded(client.get(f"/staff/decisions/{draft.pk}/record.pdf"))


def published_decision_record(client, request) -> bytes:
    """The sealed record the public downloads, as stored when it was published."""
    decision = request.getfixturevalue("published")
    return _downloaded(client.get(f"/decisions/{decision.slug}.pdf"))


DOCUMENTS = [
    funding_position,
    commissioning_activity,
    grants_by_theme,
    decisions_report,
    decision_record,
    published_decision_record,
]


@pytest.fixture(params=DOCUMENTS, ids=lambda fetch: fetch.__name__)
def printed(request, client, made_from):
    """The text of a PDF as a reader downloads it, and the HTML it was made from."""
    runs = pdf_layout.read(request.param(client, request))
    return runs, made_from[-1]


class _ColumnHeaders(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headers: list[str] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        if tag == "th" and ("scope", "col") in attrs:
            self._open = True
            self.headers.append("")

    def handle_endtag(self, tag):
        if tag == "th":
            self._open = False

    def handle_data(self, data):
        if self._open:
            self.headers[-1] += data


def column_headers(html: str) -> list[str]:
    parser = _ColumnHeaders()
    parser.feed(html)
    return [" ".join(header.split()) for header in parser.headers]


def test_no_text_falls_outside_the_page(printed):
    runs, _ = printed
    outside = [str(run) for run in runs if run.text.strip() and not run.inside]
    assert not outside, "Text outside its page:\n" + "\n".join(outside)


def test_every_column_of_the_html_table_is_printed(printed):
    runs, html = printed
    headers = column_headers(html)
    assert headers  # each document prints at least one table
    text = " ".join(" ".join(run.text for run in runs if run.inside).split())
    missing = [header for header in headers if header not in text]
    assert not missing, f"Columns of the HTML table not on the PDF's pages: {missing}"


@pytest.mark.parametrize(
    "fetch", [funding_position, commissioning_activity], ids=lambda fetch: fetch.__name__
)
def test_the_over_budget_warning_reads_as_one_line(client, request, fetch):
    lines = pdf_layout.lines(
        [run for run in pdf_layout.read(fetch(client, request)) if run.inside]
    )
    near = [line for line in lines if {"budget", "tolerance."} & set(line.split())]
    assert any(OVER_BUDGET in line for line in lines), (
        f"{OVER_BUDGET!r} is not one line of the PDF; the lines with its words: {near}"
    )
