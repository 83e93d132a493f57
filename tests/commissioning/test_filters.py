from datetime import date
from decimal import Decimal

import pytest

from commissioning.filters import AgreementFilter
from commissioning.models import Agreement, AgreementStatus, CommissioningRoute, Provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreements(db):
    harbour = Provider.objects.create(name="Harbour Trust", normalised_name="harbour trust")
    other = Provider.objects.create(name="Safe Steps", normalised_name="safe steps")

    def agreement(reference, provider, route, status, title):
        return Agreement.objects.create(
            reference=reference,
            provider=provider,
            route=route,
            status=status,
            title=title,
            total_value=Decimal("1000"),
            start_date=date(2017, 4, 1),
            end_date=date(2018, 3, 31),
        )

    agreement("VS-1", harbour, CommissioningRoute.GRANT, AgreementStatus.ACTIVE, "Victims' hub")
    agreement("VS-2", other, CommissioningRoute.CONTRACT, AgreementStatus.ACTIVE, "Advocacy")
    agreement("RJ-1", other, CommissioningRoute.GRANT, AgreementStatus.ENDED, "Justice")


def references(data) -> set[str]:
    filterset = AgreementFilter(data, queryset=Agreement.objects.for_list())
    return {agreement.reference for agreement in filterset.qs}


def test_each_filter_narrows_the_list(agreements):
    assert references({"route": "grant"}) == {"VS-1", "RJ-1"}
    assert references({"status": "ended"}) == {"RJ-1"}
    assert references({"route": "grant", "status": "active"}) == {"VS-1"}
    assert references({"q": "vs-"}) == {"VS-1", "VS-2"}
    assert references({"q": "advocacy"}) == {"VS-2"}
    assert references({"q": "harbour"}) == {"VS-1"}
    assert references({"q": " Har\x00bour "}) == {"VS-1"}


@pytest.mark.parametrize("data", [{"route": "bogus"}, {"status": "²"}, {"q": "\x00 "}])
def test_a_value_that_cannot_be_read_filters_nothing_and_is_no_error(agreements, data):
    filterset = AgreementFilter(data, queryset=Agreement.objects.for_list())
    assert {agreement.reference for agreement in filterset.qs} == {"VS-1", "VS-2", "RJ-1"}
    assert filterset.form.errors == {}


def test_the_page_shows_the_filters_applied(officer_client, agreements):
    page = officer_client.get("/commissioning/agreements/?route=grant&q=hub").content.decode()
    assert '<option value="grant" selected>Grant agreement</option>' in page
    assert '<input type="text" name="q" value="hub"' in page
    assert "1 agreement, worth" in page
