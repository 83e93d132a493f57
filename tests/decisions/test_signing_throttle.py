"""Every signature re-asks the password through the sign-in throttle: wrong signing
passwords count against the same limit as failed sign-ins. Reported: 30 wrong
guesses, then the right one, succeeded."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from decisions import workflow
from decisions.models import Decision, DecisionStatus, SignOff

from ..factories import client_code, signing_code

pytestmark = pytest.mark.django_db


def _approve(client, decision, password):
    return client.post(
        f"/staff/decisions/{decision.pk}/act/officer_approve/",
        {"password": password, "comment": "", "code": client_code(client)},
    )


def test_wrong_signing_passwords_pause_signing_until_the_cool_off_ends(
    draft, advance, people, password, client, settings
):
    decision = advance(draft, "awaiting_officer_approval")
    client.force_login(people["chief_executive"])
    for guess in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _approve(client, decision, f"guess {guess}")
        assert response.status_code == 200
        assert workflow.WRONG_PASSWORD in response.content.decode()
    paused = _approve(client, decision, "one guess too many")
    assert paused.status_code == 429
    assert "signing are paused for 15 minutes" in " ".join(paused.content.decode().split())

    # The right password does not sign while the pause lasts.
    again = _approve(client, decision, password)
    assert again.status_code == 429
    assert not SignOff.objects.exists()
    assert Decision.objects.get(pk=decision.pk).status == (
        DecisionStatus.AWAITING_OFFICER_APPROVAL
    )

    # Once the cool-off has passed, the right password signs.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    signed = _approve(client, decision, password)
    assert signed.status_code == 302
    assert SignOff.objects.get().signer == people["chief_executive"]


def test_a_signature_from_a_script_is_throttled_too(draft, advance, people, password, settings):
    from django.core.exceptions import ValidationError

    from decisions import services

    decision = advance(draft, "awaiting_officer_approval")
    chief_executive = people["chief_executive"]
    for guess in range(settings.AXES_FAILURE_LIMIT):
        with pytest.raises(ValidationError):
            services.decision_transition(
                decision=decision,
                by=chief_executive,
                action="officer_approve",
                password=f"wrong guess {guess}",
                code=signing_code(chief_executive),
            )
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(
            decision=decision,
            by=chief_executive,
            action="officer_approve",
            password=password,
            code=signing_code(chief_executive),
        )
    assert refused.value.message_dict["password"] == [workflow.SIGNING_PAUSED]
    assert not SignOff.objects.exists()
