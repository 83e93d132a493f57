"""The agreement's page: the allocations it delivers, and the boxes an editor ticks to
say which of the provider's allocations it delivers."""

from datetime import date
from decimal import Decimal

import pytest

from commissioning import services
from commissioning.models import CommissioningRoute
from pcc_grants.roles import Role

from ..factories import AllocationFactory, FinancialYearFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(db):
    provider = services.provider_get_or_create(name="Harbour Trust")
    return services.agreement_create(
        by=None,
        reference="VS-1",
        provider=provider,
        route=CommissioningRoute.GRANT,
        title="Victim support",
        total_value=Decimal("9400"),
        start_date=date(2017, 4, 1),
        end_date=date(2018, 3, 31),
        monitoring_frequency="quarterly",
    )


@pytest.fixture
def allocations(agreement):
    """Delivered by it, free to be, withdrawn, and delivered by another agreement."""
    stream = FundingStreamFactory(
        name="Victims & Witnesses", financial_year=FinancialYearFactory(start_year=2017)
    )
    older = FundingStreamFactory(
        name="Community Safety", financial_year=FinancialYearFactory(start_year=2016)
    )
    other = services.agreement_create(
        by=None,
        reference="VS-2",
        provider=agreement.provider,
        route=CommissioningRoute.GRANT,
        title="Other",
        total_value=Decimal("10"),
        start_date=date(2017, 4, 1),
        end_date=date(2018, 3, 31),
    )

    def make(title, stream=stream, **fields):
        return AllocationFactory(
            funding_stream=stream, recipient=agreement.provider, title=title, **fields
        )

    return {
        "delivered": make("Advocates <ISVA>", agreement=agreement, amount=Decimal("9400.50"),
                          status="approved"),
        "free": make("Refuge places", stream=older, amount=Decimal("1200")),
        "withdrawn": make("Closed scheme", status="withdrawn"),
        "elsewhere": make("Someone else's", agreement=other),
    }  # fmt: skip


def test_an_editor_ticks_the_allocations_the_agreement_delivers(
    officer_client, agreement, allocations
):
    page = officer_client.get(f"/commissioning/agreements/{agreement.pk}/").content.decode()
    delivered, free = allocations["delivered"], allocations["free"]
    assert (
        f'<input class="form-check-input" type="checkbox" name="allocations" '
        f'value="{delivered.pk}" id="allocation-{delivered.pk}" checked>'
    ) in page
    assert (
        f'<label class="form-check-label" for="allocation-{delivered.pk}">{delivered.reference} '
        "Advocates &lt;ISVA&gt; · Victims &amp; Witnesses (2017/18) · £9,400.50 (approved)"
        "</label>"
    ) in page
    assert f'value="{free.pk}" id="allocation-{free.pk}">' in page
    assert (
        f"{free.reference} Refuge places · Community Safety (2016/17) · £1,200 (proposed)"
    ) in page
    # The newest year first; neither the withdrawn one nor another agreement's.
    assert page.index(delivered.reference) < page.index(free.reference)
    assert "Closed scheme" not in page and "Someone else" not in page


def test_a_reader_who_may_not_change_them_sees_the_list_without_boxes(
    client, make_user, agreement, allocations
):
    client.force_login(make_user(Role.COMMISSIONER))
    page = client.get(f"/commissioning/agreements/{agreement.pk}/").content.decode()
    delivered = allocations["delivered"]
    assert 'name="allocations"' not in page
    assert (
        f'<li><a href="/funding/allocations/{delivered.pk}/">{delivered.reference} '
        "Advocates &lt;ISVA&gt;</a>: £9,400.50</li>"
    ) in page
    assert "Refuge places" not in page


def test_each_return_shows_its_period_due_date_receipt_spend_and_rating(officer_client, agreement):
    first, second = agreement.returns.order_by("due_date")[:2]
    first.received_date, first.spend_to_date, first.rag = (
        date(2017, 10, 20), Decimal("14500.50"), "amber"
    )  # fmt: skip
    first.save()
    url = f"/commissioning/agreements/{agreement.pk}/"
    page = officer_client.get(url).content.decode()
    assert (
        '<td class="text-nowrap">1 April 2017 – 30 June 2017</td>\n'
        f'      <td class="text-nowrap">{first.due_date:%-d %B %Y}</td>\n'
        '      <td class="text-nowrap">20 October 2017</td>\n'
        '      <td class="money">£14,500.50</td>\n'
        "      <td>Amber</td>\n"
        f'      <td><a href="/commissioning/returns/{first.pk}/">View<span '
        'class="visually-hidden"> the return for Apr 2017</span></a></td>'
    ) in page
    assert (
        f'<td class="text-nowrap">{second.due_date:%-d %B %Y} <span class="badge '
        'text-bg-danger">Overdue</span></td>\n'
        '      <td class="text-nowrap">—</td>\n'
        '      <td class="money">—</td>\n'
        "      <td>—</td>\n"
        f'      <td><a href="/commissioning/returns/{second.pk}/">Record<span '
        'class="visually-hidden"> the return for Jul 2017</span></a></td>'
    ) in page
    # The overdue list names each return's agreement and provider.
    listed = officer_client.get("/commissioning/returns/").content.decode()
    assert (
        f'<td><a href="/commissioning/agreements/{agreement.pk}/">VS-1</a> · Harbour Trust</td>'
    ) in listed
    assert f'href="/commissioning/returns/{first.pk}/"' not in listed


def test_the_agreements_list_and_the_providers_page_draw_each_agreement(officer_client, agreement):
    line = (
        f'<td><a href="/commissioning/agreements/{agreement.pk}/">VS-1</a></td>'
        "<td>Victim support</td>\n"
        "      {provider}<td>Grant agreement</td><td "
        'class="text-nowrap">1 April 2017</td><td class="text-nowrap">31 March 2018</td>\n'
        '      <td>Active</td><td class="money">£9,400</td>'
    )
    listed = officer_client.get("/commissioning/agreements/?q=victim").content.decode()
    provider = agreement.provider
    named = f'<td><a href="/commissioning/providers/{provider.pk}/">Harbour Trust</a></td>'
    assert line.format(provider=named + "\n      ") in listed
    assert "1 agreement, worth <strong>£9,400</strong>." in listed
    page = officer_client.get(f"/commissioning/providers/{provider.pk}/").content.decode()
    assert line.format(provider="\n      ") in page
