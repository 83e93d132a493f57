"""The Decision Record drafted from the Review Panel's recommendations: what it says,
the proposed allocations it links, every refusal with nothing saved; then the record
through the workflow, whose approval approves the allocations and decides the round in
one transaction, or refuses all of it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from commissioning.models import Provider
from decisions.models import Decision, DecisionStatus
from decisions.signals import decision_approved
from funding.models import Allocation
from grants import awarding, panel, workflow
from grants import services as grant_services
from grants.models import Application, GrantRound, Organisation, RoundEvent, RoundStatus
from pcc_grants.roles import Role
from pcc_grants.transitions import Attempt
from tests.grants.panel_data import meet, reviewed_round

pytestmark = pytest.mark.django_db

# Weighted 83, 60 and 40 (see test_panel); requests £9,000, £6,000 and £4,000.
SCORED = [("9000", [5, 4, 3]), ("6000", [3, 3, 3]), ("4000", [2, 2, 2])]


@pytest.fixture
def reviewed(officer, stream):
    return reviewed_round(officer, stream, SCORED)


@pytest.fixture
def grant_round(reviewed):
    return reviewed[0]


@pytest.fixture
def applications(reviewed):
    return reviewed[1]


@pytest.fixture
def meeting(grant_round, officer):
    return meet(grant_round, officer)


def _recommend(meeting, application, by, outcome="award", **changes):
    fields = {"outcome": outcome, "reasons": "Strong evidence of need.", **changes}
    return panel.panel_recommend(meeting=meeting, application=application, by=by, **fields)


@pytest.fixture
def recommended(meeting, applications, officer):
    """The first awarded in full with conditions, the second in part, the third not."""
    first, second, third = applications
    _recommend(meeting, first, officer, conditions="Quarterly monitoring returns")
    _recommend(meeting, second, officer, outcome="award_in_part", amount=Decimal("4500"))
    _recommend(meeting, third, officer, outcome="do_not_award")
    return applications


def _nothing_drafted(grant_round) -> None:
    grant_round.refresh_from_db()
    assert grant_round.decision_id is None
    assert Decision.objects.count() == 0
    assert Allocation.objects.count() == 0
    assert not Application.objects.filter(allocation__isnull=False).exists()


# Refusals ------------------------------------------------------------------------------


def test_a_ranked_application_without_a_recommendation_refuses_the_draft(
    meeting, applications, officer, grant_round
):
    _recommend(meeting, applications[0], officer)
    with pytest.raises(ValidationError) as refused:
        awarding.decision_draft_from_panel(grant_round=grant_round, by=officer)
    second, third = applications[1].reference, applications[2].reference
    assert refused.value.messages == [
        f"Every ranked application needs the panel's recommendation first; {second}, "
        f"{third} have none."
    ]
    _nothing_drafted(grant_round)


def test_no_award_refuses_the_draft(meeting, applications, officer, grant_round):
    for application in applications:
        _recommend(meeting, application, officer, outcome="do_not_award")
    with pytest.raises(ValidationError, match="The panel recommends no award"):
        awarding.decision_draft_from_panel(grant_round=grant_round, by=officer)
    _nothing_drafted(grant_round)


def test_awards_over_the_budget_refuse_the_draft_naming_both_amounts(officer, stream):
    grant_round, made = reviewed_round(
        officer, stream, [("30000", [5, 5, 5]), ("25000", [4, 4, 4])]
    )
    meeting = meet(grant_round, officer)
    for application in made:
        _recommend(meeting, application, officer)
    with pytest.raises(ValidationError) as refused:
        awarding.decision_draft_from_panel(grant_round=grant_round, by=officer)
    assert refused.value.messages == [
        "The awards total £55,000, more than the round's budget of £50,000."
    ]
    _nothing_drafted(grant_round)


def test_only_an_editor_drafts_and_only_once(recommended, grant_round, officer, make_user):
    for role in (Role.CHIEF_EXECUTIVE, Role.COMMISSIONER, Role.MONITORING_OFFICER):
        with pytest.raises(ValidationError, match="Only the Officer or Chief Finance"):
            awarding.decision_draft_from_panel(grant_round=grant_round, by=make_user(role))
    _nothing_drafted(grant_round)

    decision = awarding.decision_draft_from_panel(grant_round=grant_round, by=officer)
    with pytest.raises(ValidationError, match="A decision record is drafted already"):
        awarding.decision_draft_from_panel(grant_round=grant_round, by=officer)
    assert list(Decision.objects.values_list("pk", flat=True)) == [decision.pk]
    assert Allocation.objects.count() == 2


def test_a_round_not_in_review_is_not_drafted(recommended, grant_round, officer):
    grant_services.round_transition(grant_round=grant_round, by=officer, action="cancel")
    with pytest.raises(ValidationError, match="The round is cancelled"):
        awarding.decision_draft_from_panel(grant_round=grant_round, by=officer)
    _nothing_drafted(grant_round)


# The draft ------------------------------------------------------------------------------


def test_the_draft_summarises_the_round_and_lists_each_award(
    recommended, grant_round, officer, stream
):
    first, second, third = recommended
    decision = awarding.decision_draft_from_panel(grant_round=grant_round, by=officer)

    assert decision.status == DecisionStatus.DRAFT
    assert decision.title == "Grant awards: PCC Community Grant 2026/27"
    assert decision.lead_officer == officer and decision.created_by == officer
    summary = decision.executive_summary
    assert "3 applications were received, asking for £19,000 against the £50,000" in summary
    assert "available: 0.4 times the fund." in summary
    assert "3 were eligible and 3 were reviewed" in summary
    assert "(3 reviews)" in summary
    assert "recommends 2 awards totalling £13,500." in summary
    assert f"{first.reference}, Community Project 1, “Project 1”: £9,000" in decision.decision
    assert "Conditions: Quarterly monitoring returns" in decision.decision
    assert (
        f"{second.reference}, Community Project 2, “Project 2”: £4,500 (in part, of £6,000 "
        "requested)" in decision.recommendations
    )
    assert third.reference not in decision.decision
    assert decision.financial_implications
    assert "within the round's budget of £50,000" in decision.financial_details
    assert list(decision.funding_lines.values_list("item", "amount")) == [
        (f"{first.reference} Community Project 1", Decimal("9000")),
        (f"{second.reference} Community Project 2", Decimal("4500")),
    ]
    grant_round.refresh_from_db()
    assert grant_round.decision == decision
    assert RoundEvent.objects.filter(grant_round=grant_round, action="draft_decision").exists()


def test_each_award_is_a_proposed_allocation_linked_to_the_record_and_its_application(
    recommended, grant_round, officer, stream
):
    first, second, third = recommended
    decision = awarding.decision_draft_from_panel(grant_round=grant_round, by=officer)

    allocations = list(decision.allocations.order_by("pk"))
    assert [(a.title, a.amount, a.status) for a in allocations] == [
        (f"{first.reference} Project 1", Decimal("9000"), "proposed"),
        (f"{second.reference} Project 2", Decimal("4500"), "proposed"),
    ]
    award = allocations[0]
    assert award.funding_stream == stream
    assert award.route == "grant_round"
    assert award.conditions == "Quarterly monitoring returns"
    assert award.purpose == "Project 1"
    assert (award.period_start, award.period_end) == (date(2026, 4, 1), date(2027, 3, 31))
    organisation = Organisation.objects.get(name="Community Project 1")
    assert award.recipient == organisation.provider
    assert Provider.objects.filter(name="Community Project 1").count() == 1
    assert [Application.objects.get(pk=a.pk).allocation_id for a in (first, second, third)] == [
        allocations[0].pk,
        allocations[1].pk,
        None,
    ]


def test_a_project_beyond_the_financial_year_is_allocated_within_it(
    recommended, grant_round, officer
):
    first = recommended[0]
    Application.objects.filter(pk=first.pk).update(
        project_start=date(2026, 10, 1), project_end=date(2028, 3, 31)
    )
    awarding.decision_draft_from_panel(grant_round=grant_round, by=officer)
    allocation = Application.objects.get(pk=first.pk).allocation
    assert (allocation.period_start, allocation.period_end) == (
        date(2026, 10, 1),
        date(2027, 3, 31),
    )


def test_the_panel_page_button_drafts_and_goes_to_the_record(
    client, recommended, grant_round, officer
):
    client.force_login(officer)
    response = client.post(reverse("grants:panel_decision", args=[grant_round.pk]))
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == decision.get_absolute_url()
    page = client.get(reverse("grants:panel", args=[grant_round.pk])).content.decode()
    assert "The Decision Record is drafted" in page
    assert "Draft the decision record</button>" not in page


def test_the_button_says_why_a_draft_is_refused(
    client, meeting, applications, grant_round, officer
):
    client.force_login(officer)
    response = client.post(reverse("grants:panel_decision", args=[grant_round.pk]), follow=True)
    assert "Draft the decision record: Every ranked application needs" in response.content.decode()
    _nothing_drafted(grant_round)


# Through the workflow -------------------------------------------------------------------


def test_approving_the_record_approves_the_awards_and_decides_the_round(
    recommended, grant_round, officer, advance, people
):
    decision = awarding.decision_draft_from_panel(grant_round=grant_round, by=officer)
    decision = advance(decision, "awaiting_decision")
    grant_round.refresh_from_db()
    assert grant_round.status == RoundStatus.IN_REVIEW
    check = workflow.ROUND.check(workflow.DECIDE, grant_round, officer)
    assert not check and "is awaiting decision: the round is decided when" in check.reason

    decision = advance(decision, "approved")

    assert decision.status == DecisionStatus.APPROVED
    assert set(decision.allocations.values_list("status", flat=True)) == {"approved"}
    grant_round.refresh_from_db()
    assert grant_round.status == RoundStatus.DECIDED
    event = RoundEvent.objects.get(grant_round=grant_round, action="decide")
    assert event.by == people["commissioner"]
    assert event.reason == f"Decision {decision.reference} approved."
    # The round's page offers no "decide" button: the record decides it.
    assert "decide" not in workflow.ROUND_ACTIONS


def test_a_round_that_cannot_be_decided_refuses_the_approval_and_nothing_is_kept(
    recommended, grant_round, officer, advance
):
    decision = awarding.decision_draft_from_panel(grant_round=grant_round, by=officer)
    decision = advance(decision, "awaiting_decision")
    grant_services.round_transition(grant_round=grant_round, by=officer, action="cancel")

    with pytest.raises(ValidationError) as refused:
        advance(decision, "approved")

    assert refused.value.messages == [
        "PCC Community Grant 2026/27: The round is cancelled: only a round in review is decided."
    ]
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AWAITING_DECISION
    assert decision.decision_date is None
    assert not decision.signoffs.filter(step="decision").exists()
    assert set(decision.allocations.values_list("status", flat=True)) == {"proposed"}
    assert GrantRound.objects.get(pk=grant_round.pk).status == RoundStatus.CANCELLED


def test_a_failing_receiver_rolls_the_whole_approval_back(
    recommended, grant_round, officer, advance
):
    decision = awarding.decision_draft_from_panel(grant_round=grant_round, by=officer)
    decision = advance(decision, "awaiting_decision")

    def broken(sender, **kwargs):
        raise ValidationError("The ledger is unavailable.")

    decision_approved.connect(broken, dispatch_uid="test.broken")
    try:
        with pytest.raises(ValidationError, match="The ledger is unavailable"):
            advance(decision, "approved")
    finally:
        decision_approved.disconnect(dispatch_uid="test.broken")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AWAITING_DECISION
    assert set(decision.allocations.values_list("status", flat=True)) == {"proposed"}
    grant_round.refresh_from_db()
    assert grant_round.status == RoundStatus.IN_REVIEW
    assert not RoundEvent.objects.filter(action="decide").exists()


def test_the_decide_step_wants_the_rounds_own_approved_record(
    recommended, grant_round, officer, make_user
):
    check = workflow.ROUND.check(workflow.DECIDE, grant_round, officer)
    assert not check and check.reason == "No decision record awards this round's grants yet."
    decision = awarding.decision_draft_from_panel(grant_round=grant_round, by=officer)
    other = Decision(pk=decision.pk + 1000, title="Another", status=DecisionStatus.APPROVED)
    attempt = Attempt(by=make_user(Role.COMMISSIONER), mode="decision", given={"decision": other})
    grant_round.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        workflow.ROUND.perform(workflow.DECIDE, grant_round, attempt)
    assert refused.value.messages == [
        "Decision draft “Grant awards: PCC Community Grant 2026/27” is draft: the round is "
        "decided when the Commissioner approves it."
    ]
    assert GrantRound.objects.get(pk=grant_round.pk).status == RoundStatus.IN_REVIEW


def test_an_approval_signed_on_paper_decides_the_round_too(
    recommended, grant_round, officer, advance, people, password
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from decisions.services import decision_transition
    from decisions.signing import PaperSignature
    from tests.factories import signing_code

    decision = awarding.decision_draft_from_panel(grant_round=grant_round, by=officer)
    decision = advance(decision, "awaiting_decision")
    recorder = people["monitoring_officer"]
    decision_transition(
        decision=decision,
        by=recorder,
        action="approve",
        password=password,
        code=signing_code(recorder, "approve"),
        paper=PaperSignature(
            name="",
            title="",
            signed_on=timezone.localdate(),
            scan=SimpleUploadedFile("signed.pdf", b"%PDF-1.7\n%%EOF\n"),
            signer=people["commissioner"],
        ),
    )
    assert set(decision.allocations.values_list("status", flat=True)) == {"approved"}
    grant_round.refresh_from_db()
    assert grant_round.status == RoundStatus.DECIDED
    assert RoundEvent.objects.get(grant_round=grant_round, action="decide").by == recorder
