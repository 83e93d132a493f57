"""The funding register's filters: a provider found by part of its name, not chosen
from a list of every provider, and a search over each allocation's words."""

from decimal import Decimal

import pytest
from django.utils.html import escape

from ..factories import (
    AllocationFactory,
    FinancialYearFactory,
    FundingStreamFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def stream(db):
    return FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2016), name="Victims", budget=10**6
    )


def listed(client, query: str) -> str:
    return client.get(f"/funding/allocations/?{query}").content.decode()


def test_the_provider_box_finds_allocations_by_part_of_the_providers_name(officer_client, stream):
    trust = ProviderFactory(name="Durham Women's Trust")
    council = ProviderFactory(name="Darlington Borough Council")
    AllocationFactory(funding_stream=stream, recipient=trust, title="Refuge places")
    AllocationFactory(funding_stream=stream, recipient=council, title="Street lighting")

    page = listed(officer_client, "provider=women")
    assert "Refuge places" in page
    assert "Street lighting" not in page
    assert escape("to providers named “women”: 1 allocation") in page


def test_the_register_offers_no_list_of_every_provider(officer_client, stream):
    for number in range(30):
        ProviderFactory(name=f"Listed Nowhere {number}")
    page = listed(officer_client, "")
    assert "Listed Nowhere" not in page
    assert 'name="provider"' in page


def test_a_link_naming_a_provider_by_its_key_still_filters_and_names_it(officer_client, stream):
    trust = ProviderFactory(name="Durham Women's Trust")
    AllocationFactory(funding_stream=stream, recipient=trust, title="Refuge places")
    AllocationFactory(funding_stream=stream, title="Street lighting")

    page = listed(officer_client, f"recipient={trust.pk}")
    assert "Refuge places" in page
    assert "Street lighting" not in page
    assert escape("to Durham Women's Trust: 1 allocation") in page
    # Kept when the form is sent again with other filters.
    assert f'type="hidden" name="recipient" value="{trust.pk}"' in page


def test_the_search_finds_a_word_in_any_of_an_allocations_texts(officer_client, stream):
    trust = ProviderFactory(name="Harbour Trust")
    AllocationFactory(funding_stream=stream, title="Peer mentors", recipient=trust)
    AllocationFactory(funding_stream=stream, title="Refuge", description="harbour side")
    AllocationFactory(funding_stream=stream, title="Outreach", comments="See HARBOUR plan")
    AllocationFactory(funding_stream=stream, title="Ferry", decision_reference="HARB-2016")
    AllocationFactory(funding_stream=stream, title="Unrelated", amount=Decimal("5"))

    page = listed(officer_client, "q=harb")
    for title in ("Peer mentors", "Refuge", "Outreach", "Ferry"):
        assert title in page, title
    assert "Unrelated" not in page
    assert "matching “harb”: 4 allocations" in page.replace("&ldquo;", "“")


def test_a_word_is_not_found_across_the_end_of_one_text_and_the_start_of_the_next(
    officer_client, stream
):
    # The four texts are searched as one, a space apart: no word of a search holds one.
    AllocationFactory(funding_stream=stream, title="Night", description="shelter", comments="x")
    AllocationFactory(funding_stream=stream, title="Day centre", decision_reference="NIGHT-1")

    assert "Night" not in listed(officer_client, "q=nightshelter")
    assert "Night" not in listed(officer_client, "q=shelterx")
    page = listed(officer_client, "q=night+shelter")
    assert "Night" in page and "Day centre" not in page
    assert "Day centre" in listed(officer_client, "q=night-1")


def test_every_word_of_a_search_must_match(officer_client, stream):
    trust = ProviderFactory(name="Harbour Trust")
    AllocationFactory(funding_stream=stream, title="Peer mentors", recipient=trust)
    AllocationFactory(funding_stream=stream, title="Peer support")

    page = listed(officer_client, "q=peer+harbour")
    assert "Peer mentors" in page
    assert "Peer support" not in page


def test_the_year_and_stream_lists_offer_every_one_and_show_the_chosen_ones(
    officer_client, stream
):
    other = FundingStreamFactory(financial_year=stream.financial_year, name="Community Safety")
    year = stream.financial_year
    page = listed(officer_client, f"year={year.pk}&stream={other.pk}")
    assert f'<option value="{year.pk}" selected>{year.label}</option>' in page
    assert f'<option value="{other.pk}" selected>Community Safety ({year.label})</option>' in page
    assert f'<option value="{stream.pk}">Victims ({year.label})</option>' in page


def test_a_year_lists_the_allocations_of_its_streams_only(officer_client, stream):
    later = FundingStreamFactory(financial_year=FinancialYearFactory(start_year=2017))
    empty = FinancialYearFactory(start_year=2018)  # a year with no stream yet
    AllocationFactory(funding_stream=stream, title="Refuge", amount=Decimal("100"))
    AllocationFactory(funding_stream=later, title="Outreach", amount=Decimal("40"))

    page = listed(officer_client, f"year={stream.financial_year.pk}")
    assert "Refuge" in page and "Outreach" not in page
    assert "2016/17, all streams: 1 allocation, totalling <strong>£100</strong>" in page
    page = listed(officer_client, f"year={later.financial_year.pk}&stream={stream.pk}")
    assert "No allocations." in page
    page = listed(officer_client, f"year={empty.pk}")
    assert "2018/19, all streams: 0 allocations, totalling <strong>£0</strong>" in page
