"""The sign-off workflow: what each role may do, signatures, integrity, budget, e-mail."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from decisions import services, workflow
from decisions.content import content_hash, tampered
from decisions.models import Decision, DecisionStatus, SignOff
from funding.models import AllocationStatus

from ..factories import (
    ALL_PUBLISHED,
    AllocationFactory,
    FundingStreamFactory,
    client_code,
    signing_code,
)

pytestmark = pytest.mark.django_db


def test_the_whole_workflow_with_each_role(draft, people, password, advance):
    allocation = AllocationFactory(
        funding_stream=FundingStreamFactory(
            name="Community Safety Fund", budget=Decimal("150000")
        ),
        amount=Decimal("9400"),
    )
    services.decision_update(decision=draft, by=people["officer"], allocations=[allocation])

    decision = advance(draft, "awaiting_officer_approval")
    assert decision.reference and decision.submitted_hash == content_hash(decision)
    decision = advance(decision, "published")

    decision.refresh_from_db()
    allocation.refresh_from_db()
    assert decision.status == DecisionStatus.PUBLISHED
    assert allocation.status == AllocationStatus.APPROVED
    signoffs = list(decision.signoffs.all())
    assert [(s.step, s.name, s.on_paper) for s in signoffs] == [
        ("officer_approval", str(people["chief_executive"]), False),
        ("decision", str(people["commissioner"]), False),
        ("publication", str(people["monitoring_officer"]), False),
    ]
    assert all(s.content_hash == content_hash(decision) for s in signoffs)
    from pcc_grants.models import OrganisationSettings

    statement = OrganisationSettings.load().decision_maker_statement
    assert signoffs[1].statement == statement
    assert "register of interests is up to date" in statement
    # Comments first: the officer approval follows the advice the implications need.
    assert [e.action for e in decision.events.all()][:4] == [
        "Submit for officer approval",
        "Chief Finance Officer's comments on the financial implications",
        "Monitoring Officer's comments on the legal implications",
        "Give officer approval",
    ]
    assert decision.published_document.sha256


ROLES = [
    "anonymous",
    "officer",
    "cfo",
    "chief_executive",
    "monitoring_officer",
    "commissioner",
    "panel",
    "admin",
]


@pytest.fixture
def records_in_every_state(draft, people, advance, officer):
    """A record in each state the workflow knows."""

    def new(title):
        return services.decision_create(
            by=officer, lead_officer=officer, title=title, executive_summary="S", decision="D"
        )

    records = {"draft": draft}
    for status in ("awaiting_officer_approval", "awaiting_decision", "approved", "published"):
        records[status] = advance(new(status), status)
    rejected = advance(new("rejected"), "awaiting_decision")
    records["rejected"] = services.decision_transition(
        decision=rejected,
        by=people["commissioner"],
        action="reject",
        password="correct horse battery staple",
        code=signing_code(people["commissioner"]),
        comment="Not value for money.",
    )
    return records


def test_the_server_refuses_every_step_the_table_does_not_allow(
    client, people, records_in_every_state, password
):
    """For every record state, step and role (anonymous and panel included), a GET or a
    POST to the step's URL is refused unless the table allows it, and nothing changes."""
    publication = {
        f"{part}_{field}": value
        for part in ("record", "assessment", "details")
        for field, value in (("choice", "publish"),)
    }
    refused = 0
    for state, decision in records_in_every_state.items():
        for action, transition in workflow.TRANSITIONS.items():
            for role in ROLES:
                client.logout()
                user = people.get(role)
                if user:
                    client.force_login(user)
                allowed = user is not None and bool(workflow.check(transition, decision, user))
                if allowed:
                    continue
                url = f"/staff/decisions/{decision.pk}/act/{action}/"
                before = (decision.status, SignOff.objects.count())
                for response in (
                    client.get(url),
                    client.post(url, {"password": password, "comment": "x", **publication}),
                ):
                    if user is None:
                        assert response.status_code == 302
                        assert response.headers["Location"].startswith("/accounts/login/")
                    else:
                        assert response.status_code == 403, (state, action, role)
                decision.refresh_from_db()
                assert (decision.status, SignOff.objects.count()) == before, (state, action, role)
                refused += 1
    assert refused > 250


def test_the_table_offers_each_step_to_the_right_roles(records_in_every_state, people):
    offered = {
        (state, check.transition.name, role)
        for state, decision in records_in_every_state.items()
        for role, user in people.items()
        for check in workflow.available_actions(decision, user)
        if check
    }
    assert ("draft", "submit", "officer") in offered
    assert ("awaiting_officer_approval", "officer_approve", "chief_executive") in offered
    assert ("awaiting_officer_approval", "officer_approve", "cfo") in offered
    assert ("awaiting_decision", "approve", "commissioner") in offered
    assert ("awaiting_decision", "return", "commissioner") in offered
    assert ("approved", "decide_publication", "monitoring_officer") in offered
    assert ("rejected", "decide_publication", "monitoring_officer") in offered
    assert not {o for o in offered if o[2] in ("panel", "admin")}
    assert not {o for o in offered if o[0] == "published"}


def test_nobody_signs_twice(draft, make_user, advance, password, people):
    both = make_user("Chief Executive", "Commissioner", username="both") if False else None  # noqa: SIM108 - roles are passed as Role values below
    from pcc_grants.roles import Role

    both = make_user(Role.CHIEF_EXECUTIVE, Role.COMMISSIONER, username="deputy")
    decision = advance(draft, "awaiting_officer_approval")
    services.decision_transition(
        decision=decision,
        by=both,
        action="officer_approve",
        password=password,
        code=signing_code(both),
    )
    services.decision_comment_add(decision=decision, by=people["cfo"], kind="financial", text="ok")
    services.decision_comment_add(
        decision=decision, by=people["monitoring_officer"], kind="legal", text="ok"
    )
    verdict = workflow.check(workflow.APPROVE, Decision.objects.get(pk=decision.pk), both)
    assert verdict.reason == "You gave the officer approval: someone else must take the decision."
    with pytest.raises(ValidationError, match="someone else must take the decision"):
        services.decision_transition(
            decision=decision,
            by=both,
            action="approve",
            password=password,
            code=signing_code(both),
        )


def test_signing_needs_the_signers_password(draft, advance, people):
    decision = advance(draft, "awaiting_officer_approval")
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(
            decision=decision,
            by=people["chief_executive"],
            action="officer_approve",
            password="guess",
            code=signing_code(people["chief_executive"]),
        )
    assert refused.value.message_dict["password"] == [workflow.WRONG_PASSWORD]
    assert not SignOff.objects.exists()


def test_the_officer_approval_needs_the_cfo_and_monitoring_officer_comments(
    draft, people, password
):
    """Comments first: at submission the CFO and the Monitoring Officer are asked for
    the comments the implications need; officer approval waits for them."""
    decision = services.decision_transition(decision=draft, by=people["officer"], action="submit")
    chief_executive = people["chief_executive"]
    assert workflow.check(workflow.OFFICER_APPROVE, decision, chief_executive).reason == (
        "The record has financial implications: the Chief Finance Officer must comment first."
    )
    with pytest.raises(ValidationError, match="the Chief Finance Officer must comment first"):
        services.decision_transition(
            decision=decision,
            by=chief_executive,
            action="officer_approve",
            password=password,
            code=signing_code(chief_executive),
        )
    services.decision_comment_add(decision=decision, by=people["cfo"], kind="financial", text="ok")
    assert workflow.check(workflow.OFFICER_APPROVE, decision, chief_executive).reason == (
        "The record has legal implications: the Monitoring Officer must comment first."
    )
    services.decision_comment_add(
        decision=decision, by=people["monitoring_officer"], kind="legal", text="ok"
    )
    assert workflow.check(workflow.OFFICER_APPROVE, decision, chief_executive)
    assert not SignOff.objects.exists()


def test_return_voids_signatures_and_comments_and_reopens_the_draft(
    draft, advance, people, password
):
    decision = advance(draft, "awaiting_decision")
    services.decision_comment_add(decision=decision, by=people["cfo"], kind="financial", text="ok")
    returned = services.decision_transition(
        decision=decision, by=people["commissioner"], action="return", comment="Add the costs."
    )
    assert returned.status == DecisionStatus.DRAFT
    signoff = SignOff.objects.get()
    assert (signoff.void, signoff.void_reason) == (True, "Add the costs.")
    assert returned.comments.count() == 3
    assert all(comment.void for comment in returned.comments.all())
    with pytest.raises(ValueError, match="cannot be changed"):
        signoff.name = "Someone else"
        signoff.save()
    with pytest.raises(ValueError, match="never deleted"):
        signoff.delete()
    services.decision_update(decision=returned, by=people["officer"], title="Costed")
    again = advance(returned, "awaiting_officer_approval")
    assert again.reference == decision.reference  # never a new number


def test_return_needs_a_reason(draft, advance, people):
    decision = advance(draft, "awaiting_officer_approval")
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(decision=decision, by=people["cfo"], action="return")
    assert refused.value.message_dict["comment"] == [workflow.REASON_NEEDED]


def test_content_changed_behind_the_apps_back_shows_and_blocks(
    draft, advance, people, password, client
):
    decision = advance(draft, "awaiting_decision")
    Decision.objects.filter(pk=decision.pk).update(decision="Agree £94,000 instead.")
    client.force_login(people["commissioner"])
    page = client.get(f"/staff/decisions/{decision.pk}/").content.decode()
    assert "Content changed after it was signed." in page
    assert tampered(Decision.objects.get(pk=decision.pk))
    response = client.post(
        f"/staff/decisions/{decision.pk}/act/approve/", {"password": password, "comment": ""}
    )
    assert response.status_code == 403
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.AWAITING_DECISION


def test_a_funding_line_changed_behind_the_apps_back_is_detected(draft, advance):
    decision = advance(draft, "awaiting_officer_approval")
    line = decision.funding_lines.first()
    type(line).objects.filter(pk=line.pk).update(amount=Decimal("99999"))
    assert tampered(Decision.objects.get(pk=decision.pk))


def test_approval_that_breaks_the_budget_is_refused_and_nothing_changes(
    draft, advance, people, password
):
    stream = FundingStreamFactory(name="Victims' Services", budget=Decimal("5000"))
    allocation = AllocationFactory(funding_stream=stream, amount=Decimal("9400"))
    services.decision_update(decision=draft, by=people["officer"], allocations=[allocation])
    decision = advance(draft, "awaiting_decision")
    services.decision_comment_add(decision=decision, by=people["cfo"], kind="financial", text="ok")
    services.decision_comment_add(
        decision=decision, by=people["monitoring_officer"], kind="legal", text="ok"
    )
    signoffs_before = SignOff.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(
            decision=decision,
            by=people["commissioner"],
            action="approve",
            password=password,
            code=signing_code(people["commissioner"]),
        )
    assert refused.value.messages == [
        "Victims' Services cannot commit £9,400: it allows £5,000, so this is £4,400 too much."
    ]
    decision.refresh_from_db()
    allocation.refresh_from_db()
    assert decision.status == DecisionStatus.AWAITING_DECISION
    assert allocation.status == AllocationStatus.PROPOSED
    assert SignOff.objects.count() == signoffs_before


def test_whoever_can_act_next_is_emailed(
    draft, advance, people, django_capture_on_commit_callbacks
):
    for person in people.values():
        person.email = f"{person.username}@example.org"
        person.save()
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decision_transition(
            decision=draft, by=people["officer"], action="submit"
        )
    recipients = sorted(to for message in mail.outbox for to in message.to)
    # At submission the CFO and the Monitoring Officer are asked for their comments;
    # nobody can give officer approval yet.
    assert recipients == ["cfo@example.org", "monitoring.officer@example.org"]
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    reference = decision.reference
    assert subjects["cfo@example.org"] == (
        f"Decision {reference} awaits you: chief finance officer's comments on the "
        "financial implications"
    )
    # Once both comments are in, whoever may give the officer approval is told.
    mail.outbox.clear()
    services.decision_comment_add(decision=decision, by=people["cfo"], kind="financial", text="ok")
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_comment_add(
            decision=decision, by=people["monitoring_officer"], kind="legal", text="ok"
        )
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "chief.executive@example.org": f"Decision {reference} awaits you: give officer approval",
        "cfo@example.org": f"Decision {reference} awaits you: give officer approval",
    }


def test_the_dashboard_lists_what_awaits_me(draft, advance, people, client):
    decision = services.decision_transition(decision=draft, by=people["officer"], action="submit")
    client.force_login(people["cfo"])
    page = client.get("/").content.decode()
    assert decision.reference in page
    assert "chief finance officer&#x27;s comments on the financial implications" in page
    client.force_login(people["panel"])
    assert decision.reference not in client.get("/").content.decode()
    # A task appears only when the person can act on it now: not yet the approval.
    client.force_login(people["chief_executive"])
    assert decision.reference not in client.get("/").content.decode()
    record = client.get(f"/staff/decisions/{decision.pk}/").content.decode()
    assert "Waiting for the Chief Finance Officer: chief finance officer&#x27;s comments" in record
    services.decision_comment_add(decision=decision, by=people["cfo"], kind="financial", text="ok")
    services.decision_comment_add(
        decision=decision, by=people["monitoring_officer"], kind="legal", text="ok"
    )
    page = client.get("/").content.decode()
    assert decision.reference in page and "give officer approval" in page


def test_a_step_signed_on_paper_is_recorded_and_shown(
    draft, advance, people, client, settings, tmp_path, password
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    decision = advance(draft, "awaiting_officer_approval")
    client.force_login(people["monitoring_officer"])
    response = client.post(
        f"/staff/decisions/{decision.pk}/paper/officer_approve/",
        {
            "name": "Jo Whitfield",
            "title": "Chief Executive",
            "signed_on": "2016-08-10",
            "scan": SimpleUploadedFile("signed.pdf", b"%PDF-1.7\n%%EOF\n"),
            "password": password,  # the recording officer's own
            "code": client_code(client),
        },
    )
    assert response.status_code == 302
    signoff = SignOff.objects.get()
    assert (signoff.on_paper, signoff.name, signoff.signer) == (True, "Jo Whitfield", None)
    assert signoff.recorded_by == people["monitoring_officer"]
    page = client.get(f"/staff/decisions/{decision.pk}/").content.decode()
    assert "10 August 2016 · signed on paper" in page
    recorder = people["monitoring_officer"]
    assert (
        f"Recorded by {recorder} on behalf of Jo Whitfield, signed on paper on 10 August 2016"
        in page
    )


def test_only_authorised_officers_record_paper_signatures(draft, advance, people, client):
    decision = advance(draft, "awaiting_officer_approval")
    client.force_login(people["officer"])
    assert client.get(f"/staff/decisions/{decision.pk}/paper/officer_approve/").status_code == 403


def test_publication_grounds_are_required_when_not_publishing(draft, advance, people, password):
    decision = advance(draft, "approved")
    choices = dict(ALL_PUBLISHED, legal={"choice": "redact"})
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(
            decision=decision,
            by=people["monitoring_officer"],
            action="decide_publication",
            password=password,
            code=signing_code(people["monitoring_officer"]),
            publication=choices,
        )
    assert set(refused.value.message_dict) == {"legal_legislation", "legal_public_interest"}
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.APPROVED


def test_someone_with_two_roles_gets_one_message(
    draft, advance, make_user, people, django_capture_on_commit_callbacks
):
    from pcc_grants.roles import Role

    both = make_user(
        Role.CHIEF_FINANCE_OFFICER,
        Role.MONITORING_OFFICER,
        username="s151",
        email="s151@example.org",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_transition(decision=draft, by=people["officer"], action="submit")
    mine = [message for message in mail.outbox if message.to == [both.email]]
    assert len(mine) == 1
    assert "monitoring officer's comments on the legal implications" in mine[0].subject
    assert "chief finance officer's comments on the financial implications" in mine[0].subject


def test_links_in_the_e_mails_use_the_sites_address(
    draft, people, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://grants.example.org"
    people["cfo"].email = "cfo@example.org"
    people["cfo"].save()
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decision_transition(
            decision=draft, by=people["officer"], action="submit"
        )
    (message,) = [m for m in mail.outbox if m.to == ["cfo@example.org"]]
    assert f"https://grants.example.org/staff/decisions/{decision.pk}/" in message.body
