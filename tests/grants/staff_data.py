"""Many submitted applications made fast, straight into the tables (not through the
services), for the staff pages' counts, sums and query counts."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from commissioning.matching import match_key
from grants.models import (
    Application,
    ApplicationStatus,
    CostLine,
    EligibilityResponse,
    Organisation,
    Response,
)


def submitted_applications(grant_round, by, amounts, *, start: int = 1) -> list[Application]:
    """One submitted application per amount, each from an organisation of its own,
    with an answer to every question and one cost line."""
    names = [f"Community Project {n}" for n in range(start, start + len(amounts))]
    organisations = Organisation.objects.bulk_create(
        Organisation(name=name, match_key=match_key(name), charity_number=f"{1100000 + n}")
        for n, name in enumerate(names, start=start)
    )
    year = timezone.localtime(grant_round.opens_at).year
    submitted_at = timezone.now() - timedelta(hours=1)
    applications = Application.objects.bulk_create(
        Application(
            grant_round=grant_round,
            organisation=organisation,
            reference=f"{grant_round.reference_prefix}-{year}-{n:04d}",
            title=f"Project {n}",
            amount_requested=Decimal(amount),
            project_start=date(2026, 4, 1),
            project_end=date(2027, 3, 31),
            status=ApplicationStatus.SUBMITTED,
            created_by=by,
            submitted_by=by,
            submitted_at=submitted_at,
            content={"reference": n},
            content_sha256=f"{n:064x}",
        )
        for n, (organisation, amount) in enumerate(
            zip(organisations, amounts, strict=True), start=start
        )
    )
    questions = list(grant_round.questions.all())
    eligibility = list(grant_round.eligibility_questions.all())
    Response.objects.bulk_create(
        Response(application=a, question=q, value=f"Answer {a.pk}-{q.pk}")
        for a in applications
        for q in questions
        if q.kind == "text"
    )
    EligibilityResponse.objects.bulk_create(
        EligibilityResponse(
            application=a, question=q, answer="confirmed" if q.kind == "confirm" else "no"
        )
        for a in applications
        for q in eligibility
    )
    CostLine.objects.bulk_create(
        CostLine(application=a, position=1, item="Staff", amount=a.amount_requested)
        for a in applications
    )
    return applications
