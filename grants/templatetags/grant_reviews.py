"""The "Reviews" block of the staff application page: each reviewer, their review's
status and, once submitted, its weighted score."""

from django import template
from django.db.models import Prefetch

from ..models import Review, ReviewStatus, Score
from ..ranking import to_decimal, weighted_score

register = template.Library()


@register.inclusion_tag("grants/staff/_reviews.html")
def application_reviews(application):
    grant_round = application.grant_round
    weights = {c.pk: c.weight_percent for c in grant_round.criteria.all()}
    reviews = (
        Review.objects.filter(application=application)
        .select_related("reviewer__user")
        .prefetch_related(
            Prefetch("scores", queryset=Score.objects.only("review", "criterion", "score"))
        )
        .order_by("assigned_at", "pk")
    )
    rows = []
    for review in reviews:
        score = None
        if review.status == ReviewStatus.SUBMITTED and weights:
            given = {s.criterion_id: s.score for s in review.scores.all()}
            score = to_decimal(weighted_score(given, weights, grant_round.score_scale))
        rows.append({"review": review, "weighted_score": score})
    return {
        "rows": rows,
        "needs_replacement": any(row["review"].status == ReviewStatus.CONFLICTED for row in rows),
    }
