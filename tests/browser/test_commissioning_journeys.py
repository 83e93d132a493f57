"""Commissioning journeys in a real browser: providers, agreements (a single tender
action among them), their documents and monitoring returns, the contracts register
and the overdue returns.

Every page a journey visits is checked with axe.
"""

import csv
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from commissioning import services
from commissioning.models import (
    Agreement,
    AgreementDocument,
    CommissioningRoute,
    MonitoringReturn,
    Provider,
    Rag,
    SingleTenderGround,
)

from .conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

CONTRACT_COLUMNS = [
    "reference",
    "title",
    "description",
    "supplier",
    "registration_number",
    "vcse",
    "sme",
    "value",
    "start",
    "end",
    "review_date",
    "procurement_route",
]


# Helpers ----------------------------------------------------------------------------


def open_commissioning_menu(page: Page, item: str) -> None:
    """Follow an entry of the "Commissioning" dropdown of the main menu."""
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Commissioning", exact=True).click()
    nav.get_by_role("link", name=item, exact=True).click()


def field(scope: Page | Locator, label: str) -> Locator:
    """The form control labelled exactly ``label`` (a required one's label ends in "*")."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$"))


def detail(page: Page, term: str) -> Locator:
    """The value shown against ``term`` in a details list (``<dt>``/``<dd>``)."""
    return (
        page.get_by_role("term")
        .filter(has_text=re.compile(rf"^\s*{re.escape(term)}\s*$"))
        .locator("xpath=following-sibling::dd[1]")
    )


def field_error(page: Page, message: str) -> Locator:
    """The message beside its field (the error summary at the top repeats it)."""
    return page.locator(".invalid-feedback").get_by_text(message, exact=True)


def body_rows(table: Locator) -> Locator:
    return table.locator("tbody").get_by_role("row")


def returns_table(page: Page) -> Locator:
    return page.get_by_role("table", name="Monitoring returns")


def today() -> date:
    return timezone.localdate()


def make_provider(name: str, **fields) -> Provider:
    return services.provider_create(by=None, name=name, **fields)


def make_agreement(reference: str, provider: Provider, value: str, **overrides) -> Agreement:
    fields = {
        "reference": reference,
        "provider": provider,
        "route": CommissioningRoute.GRANT,
        "title": f"Service {reference}",
        "total_value": Decimal(value),
        "start_date": date(2017, 4, 1),
        "end_date": date(2018, 3, 31),
    }
    fields.update(overrides)
    return services.agreement_create(by=None, **fields)


@pytest.fixture
def harbour(organisation):
    return make_provider(
        "Harbour Support Services",
        provider_type="charity",
        charity_number="1123456",
        postcode="DH1 5UL",
        is_vcse=True,
    )


@pytest.fixture
def agreement(harbour):
    """A grant to Harbour from April 2017 to March 2018, with two returns a year."""
    return make_agreement(
        "VS/2017/03",
        harbour,
        "29065",
        title="Domestic abuse outreach",
        monitoring_frequency="twice_yearly",
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# 1. Providers -----------------------------------------------------------------------


def fill_provider(page: Page, name: str) -> None:
    # The provider's own fields come before the contacts, whose first is also "Name".
    field(page, "Name").first.fill(name)
    field(page, "Type").select_option(label="Charity")
    field(page, "Charity number").fill("1123456")
    field(page, "Address").fill("Old Elvet\nDurham")
    field(page, "Postcode").fill("dh1 5ul")
    field(page, "VCSE").check()


def test_officer_creates_a_provider_and_a_duplicate_charity_number_is_refused(
    page, login, organisation, officer
):
    login(officer)
    open_commissioning_menu(page, "Providers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Providers")
    assert_accessible(page)

    page.get_by_role("link", name="Add a provider").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a provider")
    assert_accessible(page)
    fill_provider(page, "Harbour Support Services")
    contacts = page.get_by_role("group", name="Contacts")
    field(contacts, "Name").fill("Jane Lowes")
    field(contacts, "Role").fill("Service manager")
    field(contacts, "Email").fill("jane.lowes@example.org")
    field(contacts, "Phone").fill("0191 384 7777")
    page.get_by_role("button", name="Save provider").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Harbour Support Services")
    expect(page.get_by_role("status").first).to_contain_text(
        "Provider “Harbour Support Services” saved."
    )
    expect(detail(page, "Type")).to_have_text("Charity")
    expect(detail(page, "Organisation identifier")).to_have_text("GB-CHC-1123456")
    expect(detail(page, "Charity number")).to_have_text("1123456")
    expect(detail(page, "Address")).to_contain_text("DH1 5UL")
    expect(detail(page, "VCSE / SME")).to_have_text("VCSE · Not SME")
    expect(page.get_by_role("listitem").filter(has_text="Jane Lowes")).to_contain_text(
        "Jane Lowes, Service manager · jane.lowes@example.org · 0191 384 7777"
    )
    assert_accessible(page)

    provider = Provider.objects.get()
    assert provider.name == "Harbour Support Services"
    assert provider.provider_type == "charity"
    assert provider.charity_number == "1123456"
    assert provider.org_id == "GB-CHC-1123456"
    assert provider.postcode == "DH1 5UL"
    assert provider.is_vcse is True
    assert list(provider.contacts.values_list("name", "role", "email")) == [
        ("Jane Lowes", "Service manager", "jane.lowes@example.org")
    ]

    # A second provider with the same charity number.
    open_commissioning_menu(page, "Providers")
    page.get_by_role("link", name="Add a provider").click()
    fill_provider(page, "Harbour Support (Durham)")
    page.get_by_role("button", name="Save provider").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add a provider")
    expect(
        field_error(
            page,
            "A provider with charity number 1123456 already exists: Harbour Support Services.",
        )
    ).to_be_visible()
    expect(field(page, "Charity number")).to_have_value("1123456")
    assert_accessible(page)
    assert list(Provider.objects.values_list("name", flat=True)) == ["Harbour Support Services"]


# 2. Agreements ----------------------------------------------------------------------


def test_a_single_tender_action_needs_its_ground_and_justification_before_it_is_saved(
    page, login, officer, harbour
):
    login(officer)
    open_commissioning_menu(page, "Agreements")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreements")
    assert_accessible(page)

    page.get_by_role("link", name="Add an agreement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an agreement")
    assert_accessible(page)
    field(page, "Reference").fill("VS/2017/03")
    field(page, "Provider").select_option(label="Harbour Support Services")
    field(page, "Commissioning route").select_option(label="Single tender action")
    field(page, "Title").fill("Domestic abuse outreach")
    field(page, "Total value").fill("£29,065")
    field(page, "Start").fill("2017-04-01")
    field(page, "End").fill("2018-03-31")
    field(page, "Monitoring frequency").select_option(label="Twice yearly")
    page.get_by_role("button", name="Save agreement").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add an agreement")
    expect(
        field_error(
            page,
            "A single tender action needs one of the two grounds: only one supplier can do "
            "the work for technical reasons, or continuity with an existing supplier.",
        )
    ).to_be_visible()
    expect(
        field_error(
            page,
            "A single tender action needs a justification: the evidence for the ground chosen.",
        )
    ).to_be_visible()
    # What was typed is kept.
    expect(field(page, "Total value")).to_have_value("£29,065")
    expect(field(page, "Start")).to_have_value("2017-04-01")
    assert_accessible(page)
    assert not Agreement.objects.exists()

    page.get_by_role(
        "radio", name="Continuity of supply with an existing contractor or supplier"
    ).check()
    field(page, "Single tender justification").fill(
        "Harbour has run the outreach since 2014; changing supplier mid-year would break "
        "support to 40 victims."
    )
    page.get_by_role("button", name="Save agreement").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Domestic abuse outreach")
    expect(page.get_by_role("heading", level=1)).to_contain_text("VS/2017/03")
    expect(page.get_by_role("status").first).to_contain_text("Agreement VS/2017/03 saved.")
    expect(detail(page, "Provider")).to_have_text("Harbour Support Services")
    expect(detail(page, "Route")).to_have_text("Single tender action")
    expect(detail(page, "Single tender ground")).to_have_text(
        "Continuity of supply with an existing contractor or supplier"
    )
    expect(detail(page, "Justification")).to_have_text(
        "Harbour has run the outreach since 2014; changing supplier mid-year would break "
        "support to 40 victims."
    )
    expect(detail(page, "Total value")).to_have_text("£29,065")
    expect(detail(page, "Dates")).to_have_text("1 April 2017 to 31 March 2018")
    expect(detail(page, "Monitoring")).to_have_text("Twice yearly")
    rows = body_rows(returns_table(page))
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("1 April 2017 – 30 September 2017")
    expect(rows.nth(1)).to_contain_text("1 October 2017 – 31 March 2018")
    assert_accessible(page)

    agreement = Agreement.objects.get()
    assert agreement.reference == "VS/2017/03"
    assert agreement.route == CommissioningRoute.SINGLE_TENDER
    assert agreement.single_tender_ground == SingleTenderGround.CONTINUITY
    assert agreement.total_value == Decimal("29065.00")
    assert (agreement.start_date, agreement.end_date) == (date(2017, 4, 1), date(2018, 3, 31))
    assert list(agreement.returns.values_list("period_start", "period_end", "due_date")) == [
        (date(2017, 4, 1), date(2017, 9, 30), date(2017, 10, 30)),
        (date(2017, 10, 1), date(2018, 3, 31), date(2018, 4, 30)),
    ]


# 3. Documents -----------------------------------------------------------------------


def test_officer_uploads_a_pdf_downloads_it_and_a_disguised_file_is_refused(
    page, login, officer, agreement, media, tmp_path
):
    signed = tmp_path / "Signed grant agreement.pdf"
    signed.write_bytes(PDF)
    disguised = tmp_path / "notes.pdf"
    disguised.write_bytes(b"<html>hi</html>")

    login(officer)
    page.goto(agreement.get_absolute_url())
    documents = page.get_by_role("region", name="Documents")
    expect(documents).to_contain_text("No documents yet.")
    assert_accessible(page)

    page.get_by_label("Add a document").set_input_files(signed)
    page.get_by_role("button", name="Upload", exact=True).click()

    expect(page.get_by_role("status").first).to_contain_text(
        "“Signed grant agreement.pdf” uploaded."
    )
    link = documents.get_by_role("link", name="Signed grant agreement.pdf")
    expect(link).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "Signed grant agreement.pdf"
    with open(download.path(), "rb") as file:
        assert file.read() == PDF

    page.get_by_label("Add a document").set_input_files(disguised)
    page.get_by_role("button", name="Upload", exact=True).click()

    expect(page.get_by_role("status").first).to_contain_text(
        "The file's content is not what its name says (.pdf): it was refused."
    )
    expect(documents.get_by_role("listitem")).to_have_count(1)
    expect(documents.get_by_role("link", name="notes.pdf")).to_have_count(0)
    assert_accessible(page)

    document = AgreementDocument.objects.get()
    assert document.original_name == "Signed grant agreement.pdf"
    assert [path for path in media.rglob("*") if path.is_file()] == [media / document.file.name]


# 4. Monitoring returns --------------------------------------------------------------


def test_officer_records_a_monitoring_return_from_the_agreement_page(
    page, login, officer, agreement
):
    login(officer)
    page.goto(agreement.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="Record the return for Apr 2017").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring return")
    expect(page.get_by_role("main")).to_contain_text(
        "Domestic abuse outreach (Harbour Support Services), "
        "for 1 April 2017 to 30 September 2017; due 30 October 2017."
    )
    assert_accessible(page)
    field(page, "Received date").fill("2017-10-20")
    field(page, "Spend to date").fill("£14,500")
    field(page, "RAG rating").select_option(label="Amber")
    field(page, "Narrative").fill("Recruitment of the second outreach worker was delayed.")
    measures = page.get_by_role("group", name="Outputs and outcomes")
    field(measures, "Output or outcome").first.fill("Victims supported")
    field(measures, "Value").first.fill("120")
    field(measures, "Target").first.fill("150")
    page.get_by_role("button", name="Record the return").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Domestic abuse outreach")
    expect(page.get_by_role("status").first).to_contain_text("Monitoring return recorded.")
    first, second = body_rows(returns_table(page)).all()
    expect(first.get_by_role("cell")).to_have_text(
        [
            "1 April 2017 – 30 September 2017",
            "30 October 2017",
            "20 October 2017",
            "£14,500",
            "Amber",
            "View the return for Apr 2017",
        ]
    )
    expect(second).to_contain_text("Overdue")
    expect(second.get_by_role("link", name="Record the return for Oct 2017")).to_be_visible()
    assert_accessible(page)

    recorded = MonitoringReturn.objects.get(agreement=agreement, period_start=date(2017, 4, 1))
    assert recorded.received_date == date(2017, 10, 20)
    assert recorded.spend_to_date == Decimal("14500.00")
    assert recorded.rag == Rag.AMBER
    assert recorded.recorded_by == officer
    assert list(recorded.measures.values_list("metric", "value", "target")) == [
        ("Victims supported", Decimal("120.00"), Decimal("150.00"))
    ]


# 5. The contracts register ----------------------------------------------------------


def test_the_contracts_register_filters_by_value_and_downloads_the_rows_shown(
    page, login, officer, harbour
):
    council = make_provider("Durham County Council", local_authority_code="DUR")
    make_agreement("C-1", harbour, "29065", title="Domestic abuse outreach")
    make_agreement("C-2", council, "10000", title="Street pastors")  # £10,000 is not over
    make_agreement(
        "C-3",
        council,
        "10000.01",
        title="Neighbourhood wardens",
        review_date=date(2017, 10, 1),
        route=CommissioningRoute.CONTRACT,
    )
    make_agreement("C-4", harbour, "9400", title="Restorative justice")

    login(officer)
    open_commissioning_menu(page, "Contracts register")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contracts register")
    table = page.get_by_role("table", name="Contracts register")
    expect(body_rows(table)).to_have_count(4)
    assert_accessible(page)

    field(page, "Value").select_option(label="Over £10,000")
    page.get_by_role("button", name="Show").click()

    expect(page).to_have_url(re.compile(r"band=over"))
    expect(body_rows(table)).to_have_count(2)
    expect(body_rows(table).nth(0).get_by_role("cell")).to_have_text(
        [
            "C-1",
            "Domestic abuse outreach",
            "Harbour Support Services",
            "1123456",
            "Yes",
            "No",
            "£29,065",
            "1 April 2017",
            "31 March 2018",
            "—",
            "Grant agreement",
        ]
    )
    expect(body_rows(table).nth(1)).to_contain_text("Neighbourhood wardens")
    expect(body_rows(table).nth(1)).to_contain_text("£10,000.01")
    expect(page.get_by_text("2 agreements, worth")).to_contain_text("£39,065.01")
    expect(field(page, "Value")).to_have_value("over")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this list as CSV").click()
    download = download_info.value
    assert download.suggested_filename == "contracts-register-over-10000.csv"
    with open(download.path(), encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file))

    assert header == CONTRACT_COLUMNS
    assert rows == [
        [
            "C-1",
            "Domestic abuse outreach",
            "",
            "Harbour Support Services",
            "1123456",
            "yes",
            "no",
            "29065.00",
            "2017-04-01",
            "2018-03-31",
            "",
            "Grant agreement",
        ],
        [
            "C-3",
            "Neighbourhood wardens",
            "",
            "Durham County Council",
            "DUR",
            "no",
            "no",
            "10000.01",
            "2017-04-01",
            "2018-03-31",
            "2017-10-01",
            "Competitive contract",
        ],
    ]


# 6. Overdue monitoring returns ------------------------------------------------------


def test_an_overdue_return_is_listed_on_its_page_and_on_the_dashboard(
    page, login, officer, harbour
):
    late = make_agreement(
        "VS/2017/05", harbour, "12000", title="Hate crime advocacy", monitoring_frequency="annual"
    )
    received = make_agreement(
        "VS/2017/06", harbour, "8000", title="Stalking advocacy", monitoring_frequency="annual"
    )
    services.monitoring_return_record(
        monitoring_return=received.returns.get(),
        by=officer,
        received_date=date(2018, 4, 20),
        spend_to_date=Decimal("8000"),
        rag=Rag.GREEN,
        narrative="",
    )
    current = make_agreement(
        "VS/NOW/01",
        harbour,
        "5000",
        title="Youth outreach",
        monitoring_frequency="quarterly",
        start_date=today() - timedelta(days=10),
        end_date=today() + timedelta(days=365),
    )
    assert not current.returns.filter(due_date__lt=today()).exists()

    login(officer)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    panel = page.get_by_role("region", name="Overdue monitoring returns (1)")
    expect(panel.get_by_role("listitem")).to_have_count(1)
    expect(panel.get_by_role("listitem")).to_have_text(
        "VS/2017/05 Harbour Support Services: Apr 2017 – Mar 2018, due 30 April 2018"
    )
    assert_accessible(page)

    open_commissioning_menu(page, "Overdue monitoring returns")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overdue monitoring returns")
    expect(page.get_by_role("status").first).to_contain_text("1 return overdue on")
    rows = body_rows(returns_table(page))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("VS/2017/05 · Harbour Support Services")
    expect(rows.first).to_contain_text("1 April 2017 – 31 March 2018")
    expect(rows.first).to_contain_text("30 April 2018")
    expect(rows.first).to_contain_text("Overdue")
    assert_accessible(page)

    rows.first.get_by_role("link", name="VS/2017/05").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hate crime advocacy")
    expect(body_rows(returns_table(page)).first).to_contain_text("Overdue")
    assert_accessible(page)
    assert late.returns.get().received_date is None
