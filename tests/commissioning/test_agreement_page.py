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
