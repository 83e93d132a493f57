"""A decision record's allocations are chosen from the proposed allocations, found
by stream and by name, with no reference typed; the funding lines start as them."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.models import Decision

from ..factories import AllocationFactory, FinancialYearFactory, FundingStreamFactory
from .choosing import NEW, record

pytestmark = pytest.mark.django_db


def offered(page: str) -> str:
    """The part of the page listing the allocations that can be ticked."""
    return page[page.index("Find proposed allocations") : page.index("Funding breakdown")]


def test_the_form_offers_only_proposed_allocations_held_by_no_record(
    officer_client, victims, mentors, draft
):
    AllocationFactory(funding_stream=victims, title="Approved already", approved=True)
    AllocationFactory(funding_stream=victims, title="Withdrawn one", withdrawn=True)
    AllocationFactory(funding_stream=victims, title="Held by a draft", decision=draft)
    closed = FinancialYearFactory(start_year=2014, is_closed=True)
    AllocationFactory(funding_stream=FundingStreamFactory(financial_year=closed), title="Old")
    page = offered(officer_client.get(NEW).text)
    assert f'name="allocations" value="{mentors.pk}"' in page
    assert "Darlington Peer Mentors CIC: Community Peer Mentors" in page
    for title in ("Approved already", "Withdrawn one", "Held by a draft", "Old"):
        assert title not in page


def test_find_narrows_by_stream_and_by_name_and_saves_nothing(
    officer_client, officer, victims, mentors, refuge
):
    other = AllocationFactory(title="Burglary prevention")
    response = officer_client.post(
        NEW, record(officer, find_allocations="1", **{"find-stream": victims.pk})
    )
    page = offered(response.text)
    assert mentors.title in page and refuge.title in page and other.title not in page
    page = offered(
        officer_client.post(
            NEW, record(officer, find_allocations="1", **{"find-text": "harb"})
        ).text
    )
    assert refuge.title in page and mentors.title not in page
    page = offered(
        officer_client.post(
            NEW, record(officer, find_allocations="1", **{"find-text": mentors.reference})
        ).text
    )
    assert mentors.title in page and refuge.title not in page
    assert 'value="Victims&#x27; services 2016/17"' in response.text  # what was typed stays
    assert not Decision.objects.exists()


def test_ticked_allocations_start_the_funding_lines_and_are_saved_with_the_record(
    officer_client, officer, mentors, refuge
):
    shown = officer_client.post(
        NEW, record(officer, add_allocations="1", allocations=[mentors.pk, refuge.pk])
    ).text
    chosen = shown[shown.index("Allocations this decision approves") :]
    chosen = chosen[: chosen.index("Find proposed allocations")]
    assert f'value="{mentors.pk}" id="allocation-{mentors.pk}" checked' in chosen
    assert 'value="Darlington Peer Mentors CIC: Community Peer Mentors"' in shown
    assert 'value="9,400.00"' in shown and 'value="12,500.50"' in shown
    assert "£21,900.50" in shown  # the total of the lines started
    assert f'name="lined" value="{mentors.pk}"' in shown
    assert not Decision.objects.exists()

    # The officer saves what the page shows: the two lines, changed or not, and the
    # two allocations, and no second copy of either line.
    response = officer_client.post(
        NEW,
        record(
            officer,
            allocations=[mentors.pk, refuge.pk],
            lined=[mentors.pk, refuge.pk],
            **{
                "lines-TOTAL_FORMS": "2",
                "lines-0-item": "Darlington Peer Mentors CIC: Community Peer Mentors",
                "lines-0-amount": "9400.00",
                "lines-1-item": "Harbour Refuge: Refuge support",
                "lines-1-amount": "12000",
            },
        ),
    )
    decision = Decision.objects.get()
    assert response.headers["Location"] == decision.get_absolute_url()
    assert set(decision.allocations.all()) == {mentors, refuge}
    assert [(line.item, line.amount) for line in decision.funding_lines.all()] == [
        ("Darlington Peer Mentors CIC: Community Peer Mentors", Decimal("9400.00")),
        ("Harbour Refuge: Refuge support", Decimal("12000.00")),
    ]


def test_ticked_and_saved_at_once_the_lines_start_as_the_allocations(
    officer_client, officer, mentors
):
    officer_client.post(NEW, record(officer, allocations=[mentors.pk]))
    decision = Decision.objects.get()
    assert list(decision.allocations.all()) == [mentors]
    assert [(line.item, line.amount) for line in decision.funding_lines.all()] == [
        ("Darlington Peer Mentors CIC: Community Peer Mentors", Decimal("9400.00"))
    ]


def test_lines_the_officer_typed_are_not_added_to(officer_client, officer, mentors):
    officer_client.post(
        NEW,
        record(
            officer,
            allocations=[mentors.pk],
            **{"lines-0-item": "Mentoring", "lines-0-amount": "9400"},
        ),
    )
    decision = Decision.objects.get()
    assert [line.item for line in decision.funding_lines.all()] == ["Mentoring"]


def test_a_line_removed_on_purpose_does_not_come_back(officer_client, officer, mentors):
    page = officer_client.post(
        NEW,
        record(
            officer,
            add_line="1",
            allocations=[mentors.pk],
            lined=[mentors.pk],
            **{"lines-0-item": "", "lines-0-amount": ""},
        ),
    ).text
    assert "Community Peer Mentors" not in page[page.index("Funding breakdown") :]


def test_an_allocation_page_link_starts_a_record_with_it(officer_client, mentors, refuge):
    page = officer_client.get(NEW, {"allocation": [mentors.pk, "x", "99999999"]}).text
    assert f'value="{mentors.pk}" id="allocation-{mentors.pk}" checked' in page
    assert 'value="Darlington Peer Mentors CIC: Community Peer Mentors"' in page
    assert f'value="{refuge.pk}" id="allocation-{refuge.pk}" data-item' in page  # offered


def test_editing_shows_the_linked_allocations_and_unticking_unlinks(
    officer_client, officer, mentors, refuge
):
    officer_client.post(NEW, record(officer, allocations=[mentors.pk, refuge.pk]))
    decision = Decision.objects.get()
    edit = f"/staff/decisions/{decision.pk}/edit/"
    page = officer_client.get(edit).text
    assert f'id="allocation-{mentors.pk}" checked' in page
    assert f'id="allocation-{refuge.pk}" checked' in page
    lines = {
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "2",
        "lines-0-item": "Darlington Peer Mentors CIC: Community Peer Mentors",
        "lines-0-amount": "9400",
        "lines-1-item": "Harbour Refuge: Refuge support",
        "lines-1-amount": "12500.50",
        "lines-1-DELETE": "on",
    }
    officer_client.post(
        edit, record(officer, allocations=[mentors.pk], lined=[mentors.pk, refuge.pk], **lines)
    )
    assert list(decision.allocations.all()) == [mentors]
    refuge.refresh_from_db()
    assert refuge.decision is None


def test_an_allocation_taken_meanwhile_is_named(officer_client, officer, mentors, draft):
    mentors.decision = draft
    mentors.save()
    response = officer_client.post(NEW, record(officer, allocations=[mentors.pk]))
    assert response.status_code == 200
    assert mentors.reference in response.text
    assert Decision.objects.count() == 1  # the draft only


def test_the_form_takes_the_same_queries_with_few_and_many_allocations(officer_client, victims):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert officer_client.get(NEW).status_code == 200
        return len(captured)

    AllocationFactory.create_batch(2, funding_stream=victims)
    few = queries()
    AllocationFactory.create_batch(40, funding_stream=victims)
    assert queries() == few


def test_a_proposed_allocation_page_offers_to_draft_its_decision_record(
    officer_client, mentors, victims
):
    link = f'href="/staff/decisions/new/?allocation={mentors.pk}"'
    assert link in officer_client.get(mentors.get_absolute_url()).text
    approved = AllocationFactory(funding_stream=victims, approved=True)
    page = officer_client.get(approved.get_absolute_url()).text
    assert "Draft a decision record to approve it" not in page
