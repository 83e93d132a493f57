"""Nobody signs a decision alone: the author cannot approve or decide their own
record, and one person signs at most one step of a record, whatever roles they hold.
Each test first tries what was reported as possible."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from decisions import services, workflow
from decisions.models import Decision, DecisionStatus, SignOff
from decisions.tasks import tasks_for
from pcc_grants.roles import Role

from ..factories import signing_code

pytestmark = pytest.mark.django_db


def _record_by(author, **fields):
    return services.decision_create(
        by=author,
        lead_officer=author,
        title="Night-time economy patrols",
        executive_summary="Patrols in the town centre.",
        decision="Agree £5,000.",
        lines=[("Patrols", Decimal("5000"))],
        **fields,
    )


def test_the_cfo_cannot_approve_a_record_they_drafted_and_submitted(
    make_user, organisation, password, client
):
    cfo = make_user(Role.CHIEF_FINANCE_OFFICER, username="cfo")
    decision = _record_by(cfo)
    decision = services.decision_transition(decision=decision, by=cfo, action="submit")
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(
            decision=decision,
            by=cfo,
            action="officer_approve",
            password=password,
        )
    assert refused.value.messages == [workflow.AUTHOR_CANNOT_APPROVE]
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AWAITING_OFFICER_APPROVAL
    assert not SignOff.objects.exists()
    # The page says why, and the step's URL refuses it too.
    client.force_login(cfo)
    page = client.get(f"/staff/decisions/{decision.pk}/").content.decode()
    assert workflow.AUTHOR_CANNOT_APPROVE.replace("'", "&#x27;") in page
    response = client.post(
        f"/staff/decisions/{decision.pk}/act/officer_approve/", {"password": password}
    )
    assert response.status_code == 403
    assert not SignOff.objects.exists()


def test_the_author_cannot_take_the_decision_on_their_own_record(
    make_user, organisation, people, password
):
    # A deputy who drafts a record and also holds the Commissioner's role.
    deputy = make_user(Role.OFFICER, Role.COMMISSIONER, username="deputy")
    decision = _record_by(deputy)
    decision = services.decision_transition(decision=decision, by=deputy, action="submit")
    decision = services.decision_transition(
        decision=decision,
        by=people["chief_executive"],
        action="officer_approve",
        password=password,
        code=signing_code(people["chief_executive"]),
    )
    for action in ("approve", "reject"):
        with pytest.raises(ValidationError) as refused:
            services.decision_transition(
                decision=decision,
                by=deputy,
                action=action,
                password=password,
                code=signing_code(deputy),
                comment="No.",
            )
        assert refused.value.messages == [workflow.AUTHOR_CANNOT_DECIDE]
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.AWAITING_DECISION
    assert SignOff.objects.count() == 1
    assert tasks_for(deputy) == []


def test_one_person_signs_at_most_one_step_of_a_record(
    draft, advance, make_user, people, password
):
    # Someone who is both the Commissioner and the Monitoring Officer approves, then
    # tries to decide the publication of the same record.
    both = make_user(Role.COMMISSIONER, Role.MONITORING_OFFICER, username="both")
    decision = advance(draft, "awaiting_decision")
    services.decision_comment_add(decision=decision, by=people["cfo"], kind="financial", text="ok")
    services.decision_comment_add(
        decision=decision, by=people["monitoring_officer"], kind="legal", text="ok"
    )
    decision = services.decision_transition(
        decision=decision, by=both, action="approve", password=password, code=signing_code(both)
    )
    expected = workflow.SIGNED_ALREADY.format(step="decision")
    assert workflow.check(workflow.DECIDE_PUBLICATION, decision, both).reason == expected
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(
            decision=decision,
            by=both,
            action="decide_publication",
            password=password,
            code=signing_code(both),
            publication={},
        )
    assert refused.value.messages == [expected]
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.APPROVED
    assert [task for task, _ in tasks_for(both)] == []
    # Someone else may.
    assert workflow.check(workflow.DECIDE_PUBLICATION, decision, people["monitoring_officer"])
