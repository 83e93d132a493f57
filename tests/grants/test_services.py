"""The services behind the pages: a round opens only when it is ready, a complete
application submits once and is frozen, the close is the server's clock."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grants import services
from grants.models import ApplicationStatus, GrantRound, RoundStatus, canonical_sha256


def test_a_complete_application_is_numbered_frozen_and_hashed(
    draft, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.application_submit(application=draft, by=applicant)

    assert submitted.status == ApplicationStatus.SUBMITTED
    assert submitted.reference == f"PCCG-{timezone.localtime(draft.grant_round.opens_at).year}-001"
    assert submitted.content_sha256 == canonical_sha256(submitted.content)
    assert submitted.content["amount_requested"] == "9000.00"
    assert submitted.organisation.provider.name == "Living Without Abuse"
    assert [m.subject for m in mailoutbox] == [f"Application {submitted.reference} received"]


def test_a_round_does_not_open_until_its_weights_add_up_to_100(officer, stream):
    grant_round = services.round_create(
        by=officer,
        funding_stream=stream,
        name="Round",
        guidance="Guidance",
        budget=Decimal("1000"),
        maximum_award=Decimal("500"),
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=1),
        criteria=[{"name": "Need", "weight_percent": Decimal("60")}],
    )
    with pytest.raises(ValidationError, match="add up to 60 %, not 100 %"):
        services.round_transition(grant_round=grant_round, by=officer, action="open")
    assert GrantRound.objects.get().status == RoundStatus.DRAFT
