"""The forward plan: a draft flagged by staff, with the month its decision is expected
and a summary for the public, is listed on the public page of decisions expected until
it is decided; only the title, the month, the category and that summary show."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions import services
from decisions.models import Decision

from .test_views import form_data

pytestmark = pytest.mark.django_db

PLAN_SUMMARY = "Funding for a new service supporting young victims of exploitation."


def plan(decision, **fields):
    return services.decision_update(
        decision=decision,
        by=decision.created_by,
        forward_plan=True,
        expected_decision_month=fields.pop("month", date(2027, 3, 1)),
        forward_plan_summary=fields.pop("summary", PLAN_SUMMARY),
        **fields,
    )


def expected(client) -> str:
    response = client.get("/decisions/expected/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_officer_puts_a_draft_on_the_forward_plan(officer_client, officer, client):
    response = officer_client.post(
        "/staff/decisions/new/",
        form_data(
            officer,
            forward_plan="on",
            expected_decision_month="2027-03",
            forward_plan_summary=PLAN_SUMMARY,
        ),
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.forward_plan and decision.expected_decision_month == date(2027, 3, 1)
    client.logout()
    page = expected(client)
    assert decision.title in page
    assert "March 2027" in page
    assert PLAN_SUMMARY in page
    assert "Decision of the Commissioner" in page
    # The draft's own content is not public.
    assert decision.executive_summary not in page
    assert "Within the 2016/17 budget limits" not in page
    # The register links to it.
    assert 'href="/decisions/expected/"' in client.get("/decisions/").content.decode()


@pytest.mark.parametrize("typed", ["March 2027", "03/2027", "2027-03-17"])
def test_the_month_may_be_typed_as_people_write_it(officer_client, officer, typed):
    officer_client.post(
        "/staff/decisions/new/",
        form_data(
            officer,
            forward_plan="on",
            expected_decision_month=typed,
            forward_plan_summary=PLAN_SUMMARY,
        ),
    )
    assert Decision.objects.get().expected_decision_month == date(2027, 3, 1)


def test_the_forward_plan_needs_a_month_and_a_public_summary(officer_client, officer):
    page = officer_client.post(
        "/staff/decisions/new/", form_data(officer, forward_plan="on")
    ).content.decode()
    assert "There is a problem" in page
    assert "Enter the month the decision is expected, for example 2027-03" in page
    assert "Write a short summary the public may read" in page
    assert not Decision.objects.exists()
    page = officer_client.post(
        "/staff/decisions/new/",
        form_data(
            officer,
            forward_plan="on",
            expected_decision_month="13/2027",
            forward_plan_summary=PLAN_SUMMARY,
        ),
    ).content.decode()
    assert "Enter the month as a year and a month, for example 2027-03." in page
    assert not Decision.objects.exists()


def test_a_record_leaves_the_forward_plan_once_decided(client, draft, advance):
    assert draft.title not in expected(client)  # not flagged
    decision = plan(draft)
    assert draft.title in expected(client)
    decision = advance(decision, "awaiting_decision")
    assert draft.title in expected(client)  # submitted, not yet decided
    advance(decision, "approved")
    assert draft.title not in expected(client)
    assert "No decisions are expected at present." in expected(client)


def test_the_forward_plan_lists_the_soonest_first(client, draft, officer):
    later = services.decision_create(
        by=officer,
        lead_officer=officer,
        title="Later decision",
        executive_summary="S",
        decision="D",
        forward_plan=True,
        expected_decision_month=date(2027, 9, 1),
        forward_plan_summary="Later.",
    )
    plan(draft, month=date(2027, 1, 1))
    page = expected(client)
    assert page.index(draft.title) < page.index(later.title)


def test_the_forward_plan_query_count_does_not_grow(client, officer):
    counts = []
    for size in (5, 200):
        Decision.objects.all().delete()
        Decision.objects.bulk_create(
            Decision(
                title=f"Expected decision {n}",
                executive_summary="S",
                decision="D",
                lead_officer=officer,
                created_by=officer,
                forward_plan=True,
                expected_decision_month=date(2027, 1 + n % 12, 1),
                forward_plan_summary="Public summary.",
            )
            for n in range(size)
        )
        client.get("/decisions/expected/")
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/decisions/expected/?page=2")
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert counts[1] <= 10


def test_the_staff_page_says_the_record_is_on_the_forward_plan(officer_client, draft):
    plan(draft)
    page = officer_client.get(f"/staff/decisions/{draft.pk}/").content.decode()
    assert "On the public" in page and "expected March 2027" in page
