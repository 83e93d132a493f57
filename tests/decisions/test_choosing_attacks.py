"""Tampered posts to the decision record form: what it links, who may post it, and
that its redisplay buttons save nothing and show nothing to those who may not draft."""

import pytest

from decisions.models import Decision
from funding.models import Allocation

from ..factories import (
    AllocationFactory,
    FinancialYearFactory,
    FundingStreamFactory,
    ProviderFactory,
)
from . import choosing

pytestmark = pytest.mark.django_db

NEW = choosing.NEW


def record(officer, **fields) -> dict:
    return choosing.record(
        officer, **{"lines-0-item": "Mentoring", "lines-0-amount": "9400", **fields}
    )


@pytest.mark.parametrize("role", ["Panel member", "Commissioner", "Reviewer", "Chief Executive"])
@pytest.mark.parametrize("button", ["find_allocations", "add_allocations", "add_line", None])
def test_only_drafters_reach_the_form_and_its_buttons(
    client, make_user, officer, mentors, role, button
):
    client.force_login(make_user(role))
    extra = {button: "1"} if button else {}
    response = client.post(NEW, record(officer, allocations=[mentors.pk], **extra))
    assert response.status_code == 403
    assert mentors.title not in response.text
    response = client.get(NEW, {"allocation": mentors.pk})
    assert response.status_code == 403
    assert mentors.title not in response.text
    assert not Decision.objects.exists()


@pytest.mark.parametrize("button", ["find_allocations", "add_allocations", "add_line"])
def test_redisplay_buttons_save_nothing(officer_client, officer, draft, mentors, button):
    edit = f"/staff/decisions/{draft.pk}/edit/"
    lines_before = list(draft.funding_lines.values_list("item", "amount"))
    response = officer_client.post(
        edit, record(officer, allocations=[mentors.pk], **{button: "1"})
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    mentors.refresh_from_db()
    assert mentors.decision is None
    assert draft.title != "Victims' services 2016/17"
    assert list(draft.funding_lines.values_list("item", "amount")) == lines_before
    assert Decision.objects.count() == 1


def test_a_withdrawn_allocation_is_refused(officer_client, officer, victims):
    withdrawn = AllocationFactory(funding_stream=victims, withdrawn=True)
    response = officer_client.post(NEW, record(officer, allocations=[withdrawn.pk]))
    assert response.status_code == 200
    assert "is withdrawn" in response.text
    assert not Decision.objects.exists()


@pytest.mark.parametrize("status", ["approved", "contracted"])
def test_an_allocation_approved_without_a_record_is_not_linked(
    officer_client, officer, victims, status
):
    approved = AllocationFactory(funding_stream=victims, status=status)
    response = officer_client.post(NEW, record(officer, allocations=[approved.pk]))
    assert response.status_code == 200
    assert f"{approved.reference} is {status} already" in response.text
    assert not Decision.objects.exists()
    approved.refresh_from_db()
    assert approved.decision is None


def test_an_allocation_in_a_closed_year_is_refused_and_nothing_is_half_saved(
    officer_client, officer, draft
):
    closed = FundingStreamFactory(financial_year=FinancialYearFactory(start_year=2014))
    old = AllocationFactory(funding_stream=closed)
    closed.financial_year.is_closed = True
    closed.financial_year.save()
    lines_before = list(draft.funding_lines.values_list("item", "amount"))
    response = officer_client.post(
        f"/staff/decisions/{draft.pk}/edit/", record(officer, allocations=[old.pk])
    )
    assert response.status_code == 200
    assert "closed" in response.text
    draft.refresh_from_db()
    assert draft.title != "Victims' services 2016/17"
    assert list(draft.funding_lines.values_list("item", "amount")) == lines_before
    old.refresh_from_db()
    assert old.decision is None


def test_an_allocation_held_by_another_record_is_refused_on_edit(
    officer_client, officer, draft, mentors
):
    other = Decision.objects.create(
        title="Another", created_by=officer, lead_officer=officer, category="commissioner"
    )
    mentors.decision = other
    mentors.save()
    response = officer_client.post(
        f"/staff/decisions/{draft.pk}/edit/", record(officer, allocations=[mentors.pk])
    )
    assert response.status_code == 200
    assert "already part of decision" in response.text
    mentors.refresh_from_db()
    assert mentors.decision == other


def test_a_submitted_record_cannot_be_edited_or_redisplayed(
    client, people, advance, draft, mentors
):
    submitted = advance(draft, "awaiting_officer_approval")
    client.force_login(people["officer"])
    edit = f"/staff/decisions/{submitted.pk}/edit/"
    for extra in ({}, {"add_allocations": "1"}, {"find_allocations": "1"}):
        response = client.post(edit, record(people["officer"], allocations=[mentors.pk], **extra))
        assert response.status_code == 403
    mentors.refresh_from_db()
    assert mentors.decision is None


@pytest.mark.parametrize(
    "values",
    [
        ["x", "-1", "0", "1.5", "²", "99999999999999999999999", ""],
        [str(pk) for pk in range(1, 450)],
    ],
)
@pytest.mark.parametrize("button", ["add_allocations", None])
def test_odd_or_many_allocation_numbers_are_refused_calmly(
    officer_client, officer, mentors, values, button
):
    extra = {button: "1"} if button else {}
    response = officer_client.post(NEW, record(officer, allocations=values, lined=values, **extra))
    assert response.status_code == 200
    assert not Decision.objects.exists()


def test_duplicates_link_once(officer_client, officer, mentors):
    response = officer_client.post(
        NEW, record(officer, allocations=[mentors.pk, mentors.pk, str(mentors.pk)])
    )
    assert response.status_code == 302
    assert list(Decision.objects.get().allocations.all()) == [mentors]


def test_markup_in_names_and_titles_is_text(officer_client, officer, victims):
    markup = AllocationFactory(
        funding_stream=victims,
        recipient=ProviderFactory(name='"><script>alert(1)</script>'),
        title="<img src=x onerror=alert(2)>",
    )
    for page in (
        officer_client.get(NEW).text,
        officer_client.get(NEW, {"allocation": markup.pk}).text,
        officer_client.post(
            NEW, record(officer, allocations=[markup.pk], add_allocations="1")
        ).text,
    ):
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
        assert '"><script' not in page


def test_a_refused_save_leaves_allocations_unlinked(officer_client, officer, mentors, victims):
    withdrawn = AllocationFactory(funding_stream=victims, withdrawn=True)
    officer_client.post(NEW, record(officer, allocations=[mentors.pk, withdrawn.pk]))
    assert not Decision.objects.exists()
    assert not Allocation.objects.filter(decision__isnull=False).exists()
