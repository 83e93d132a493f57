"""Reference numbers: allocated once, at first submission, never reused (DESIGN §2)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pcc_grants.models import OrganisationSettings

from . import clock
from .models import Decision, DecisionCategory, ReferenceCounter, reference_slug

REFERENCE_TAKEN = "The reference {reference} is already in use."
REFERENCE_GIVEN = "This record already has its reference, {reference}: it is never changed."


def _counter(series: str, year: int) -> ReferenceCounter:
    """The series' counter for the year, locked; created on first use."""
    counter = ReferenceCounter.objects.select_for_update().filter(series=series, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(series=series, year=year)
        except IntegrityError:
            pass  # another transaction created it first: lock theirs below
        counter = ReferenceCounter.objects.select_for_update().get(series=series, year=year)
    return counter


@transaction.atomic
def decision_reference_allocate(*, decision: Decision, reference: str = "") -> Decision:
    """Give the record its reference, once: the next number of its series this year.

    ``reference`` records a number given outside the system (a record signed on
    paper). The counter row is locked, so records submitted at the same moment
    get distinct, consecutive numbers; a number once given is never reused.
    """
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.reference:
        raise ValidationError(REFERENCE_GIVEN.format(reference=decision.reference))
    if not reference:
        settings = OrganisationSettings.load()
        pattern = (
            settings.delegated_reference_pattern
            if decision.category == DecisionCategory.DELEGATED
            else settings.decision_reference_pattern
        )
        year = clock.today().year
        counter = _counter(decision.category, year)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        reference = pattern.format(seq=counter.last_number, year=year, yy=f"{year % 100:02d}")
    if Decision.objects.filter(reference=reference).exists():
        raise ValidationError(REFERENCE_TAKEN.format(reference=reference))
    decision.reference = reference
    decision.slug = reference_slug(reference)
    decision.save(update_fields=["reference", "slug", "updated_at"])
    return decision


decision_reference_allocate.alters_data = True
