from datetime import UTC, date, datetime

import pytest

from decisions.filters import DecisionFilter
from decisions.models import Decision, DecisionCategory, DecisionStatus
from pcc_grants.roles import Role

pytestmark = pytest.mark.django_db


def record(officer, title, *, started=2016, decided=None, **fields) -> Decision:
    decision = Decision.objects.create(
        title=title,
        executive_summary=fields.pop("summary", "Summary"),
        decision="Agreed",
        lead_officer=officer,
        created_by=officer,
        decision_date=decided,
        **fields,
    )
    Decision.objects.filter(pk=decision.pk).update(created_at=datetime(started, 6, 1, tzinfo=UTC))
    return decision


@pytest.fixture
def records(officer, make_user):
    other = make_user(Role.OFFICER, first_name="Dana", last_name="Hart")
    return {
        "mentors": record(officer, "Community Peer Mentors", started=2016),
        "decided": record(
            other,
            "Restorative justice",
            started=2016,
            decided=date(2017, 5, 1),
            status=DecisionStatus.APPROVED,
            reference="034-2017",
            category=DecisionCategory.DELEGATED,
        ),
        "summary": record(other, "Victims' hub", started=2017, summary="Bishop Auckland"),
        "other": other,
    }


def titles(data) -> set[str]:
    filterset = DecisionFilter(data, queryset=Decision.objects.for_list())
    return {decision.title for decision in filterset.qs}


ALL = {"Community Peer Mentors", "Restorative justice", "Victims' hub"}


def test_each_filter_narrows_the_list(records):
    assert titles({"status": "approved"}) == {"Restorative justice"}
    assert titles({"category": "delegated"}) == {"Restorative justice"}
    assert titles({"lead_officer": str(records["other"].pk)}) == {
        "Restorative justice",
        "Victims' hub",
    }
    assert titles({"q": "034-2017"}) == {"Restorative justice"}
    assert titles({"q": "peer"}) == {"Community Peer Mentors"}
    assert titles({"q": "bishop"}) == {"Victims' hub"}


def test_the_year_is_the_year_decided_or_for_an_undecided_record_the_year_started(records):
    assert titles({"year": "2016"}) == {"Community Peer Mentors"}
    assert titles({"year": "2017"}) == {"Restorative justice", "Victims' hub"}


@pytest.mark.parametrize(
    "data",
    [
        {"year": "²"},
        {"year": "0"},
        {"year": "99999"},
        {"lead_officer": "²"},
        {"lead_officer": "99999999999999999999999"},
        {"status": "bogus"},
        {"category": "<b>"},
        {"q": "\x00"},
    ],
)
def test_a_value_that_cannot_be_read_filters_nothing_and_is_no_error(records, data):
    filterset = DecisionFilter(data, queryset=Decision.objects.for_list())
    assert {decision.title for decision in filterset.qs} == ALL
    assert filterset.form.errors == {}


def test_a_search_ignores_nul_bytes_and_surrounding_spaces(records):
    assert titles({"q": "  Pe\x00er  "}) == {"Community Peer Mentors"}


def test_a_lead_officer_who_leads_nothing_lists_nothing(records, make_user):
    nobody = make_user(Role.OFFICER)
    assert titles({"lead_officer": str(nobody.pk)}) == set()


def test_the_page_shows_the_filters_applied(officer_client, records):
    other = records["other"].pk
    page = officer_client.get(
        f"/staff/decisions/?year=2017&lead_officer={other}&status=approved&q=%20justice%00"
    ).content.decode()
    assert '<input type="text" name="year" value="2017"' in page
    assert f'<option value="{other}" selected>Dana Hart</option>' in page
    assert '<option value="approved" selected>Approved</option>' in page
    assert '<input type="text" name="q" value="justice"' in page
    assert "1 decision record<" in page


def test_the_year_box_is_empty_when_its_value_is_ignored(officer_client, records):
    page = officer_client.get("/staff/decisions/?year=²").content.decode()
    assert '<input type="text" name="year" class="form-control"' in page
    assert "3 decision records<" in page
