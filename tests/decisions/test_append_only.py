"""On PostgreSQL the database itself refuses to change what was signed: sign-offs
and audit events are append-only, a void signature stays void, and a published
record's content cannot be updated, whatever path reaches the database."""

import pytest
from django.db import IntegrityError, InternalError, transaction

from decisions.models import Decision, DecisionEvent, SignOff

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]

REFUSED = (InternalError, IntegrityError)


@pytest.fixture
def published(draft, advance, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return advance(draft, "published")


def _refused(statement) -> None:
    with pytest.raises(REFUSED, match="Cannot"), transaction.atomic():
        statement()


def test_a_sign_off_cannot_be_updated_or_deleted_in_the_database(published):
    signoff = SignOff.objects.filter(decision=published).first()
    _refused(lambda: SignOff.objects.filter(pk=signoff.pk).update(name="Someone else"))
    _refused(lambda: SignOff.objects.filter(pk=signoff.pk).update(content_hash="0" * 64))
    _refused(lambda: SignOff.objects.filter(pk=signoff.pk).delete())
    signoff.refresh_from_db()
    assert signoff.name != "Someone else" and not signoff.void


def test_a_void_sign_off_stays_void(draft, advance, people):
    from decisions import services

    decision = advance(draft, "awaiting_decision")
    services.decision_transition(
        decision=decision, by=people["commissioner"], action="return", comment="Add the costs."
    )
    signoff = SignOff.objects.get(decision=decision)
    assert signoff.void  # voiding is the one update a sign-off takes
    _refused(lambda: SignOff.objects.filter(pk=signoff.pk).update(void=False))
    signoff.refresh_from_db()
    assert signoff.void


def test_the_audit_trail_cannot_be_rewritten(published):
    event = DecisionEvent.objects.filter(decision=published).first()
    _refused(lambda: DecisionEvent.objects.filter(pk=event.pk).update(comment="Nothing."))
    _refused(lambda: DecisionEvent.objects.filter(decision=published).delete())
    assert DecisionEvent.objects.filter(decision=published).count() >= 4


def test_a_published_records_content_cannot_be_updated(published):
    original = published.decision
    _refused(lambda: Decision.objects.filter(pk=published.pk).update(decision="Agree £94,000."))
    _refused(lambda: Decision.objects.filter(pk=published.pk).update(title="Another title"))
    published.refresh_from_db()
    assert published.decision == original
    # What is not content (when it was last touched) may still be written.
    Decision.objects.filter(pk=published.pk).update(updated_at=published.updated_at)


def test_a_published_snapshot_cannot_be_changed_or_deleted_in_the_database(published):
    from decisions.models import PublishedSnapshot

    snapshot = PublishedSnapshot.objects.get(decision=published)
    _refused(lambda: PublishedSnapshot.objects.filter(pk=snapshot.pk).update(title="Other"))
    _refused(lambda: PublishedSnapshot.objects.filter(pk=snapshot.pk).delete())
    assert PublishedSnapshot.objects.get(pk=snapshot.pk).title == published.title
