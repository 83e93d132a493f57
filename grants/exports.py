"""A round's applications as one table: a row per submitted or withdrawn application,
a column per eligibility question and per application question. The same few
queries however many applications there are."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch, Sum
from django.utils import timezone

from pcc_grants.money import PENNY

from .models import (
    Application,
    EligibilityResponse,
    GrantRound,
    QuestionKind,
    Response,
)
from .selectors import STAFF_STATUSES

FIXED_COLUMNS = [
    "Reference",
    "Organisation",
    "Charity number",
    "Company number",
    "Project title",
    "Amount requested",
    "Project start",
    "Project end",
    "Theme",
    "Status",
    "Submitted at",
    "Screening",
    "Screening reason",
    "SHA-256",
]
ELIGIBILITY_ANSWERS = {"confirmed": "Confirmed", "yes": "Yes", "no": "No"}


def _answer_cell(kind: str, value: str):
    """A money answer as money, a date as a date: a spreadsheet can add and sort them."""
    if not value:
        return ""
    try:
        if kind == QuestionKind.MONEY:
            return Decimal(value)
        if kind == QuestionKind.DATE:
            return datetime.date.fromisoformat(value)
    except (InvalidOperation, ValueError):
        return value
    return value


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def application_rows(grant_round: GrantRound) -> list[list]:
    eligibility_questions = list(grant_round.eligibility_questions.all())
    questions = list(grant_round.questions.all())
    applications = (
        Application.objects.filter(grant_round=grant_round, status__in=STAFF_STATUSES)
        .select_related("organisation", "theme")
        .annotate(cost_total=Sum("cost_lines__amount"))
        .prefetch_related(
            Prefetch(
                "eligibility_responses",
                queryset=EligibilityResponse.objects.only("application", "question", "answer"),
            ),
            Prefetch(
                "responses", queryset=Response.objects.only("application", "question", "value")
            ),
        )
        .order_by("reference", "pk")
    )
    header = (
        FIXED_COLUMNS
        + [question.text for question in eligibility_questions]
        + [question.text for question in questions]
        + ["Cost total"]
    )
    rows = [header]
    for application in applications:
        organisation = application.organisation
        eligibility = {r.question_id: r.answer for r in application.eligibility_responses.all()}
        answers = {r.question_id: r.value for r in application.responses.all()}
        rows.append(
            [
                application.reference,
                organisation.name,
                organisation.charity_number,
                organisation.company_number,
                application.title,
                application.amount_requested,
                application.project_start,
                application.project_end,
                application.theme.name if application.theme else "",
                application.get_status_display(),
                _moment(application.submitted_at),
                application.get_screening_display(),
                application.screening_reason,
                application.content_sha256,
            ]
            + [
                ELIGIBILITY_ANSWERS.get(eligibility.get(q.pk, ""), "")
                for q in eligibility_questions
            ]
            + [_answer_cell(q.kind, answers.get(q.pk, "")) for q in questions]
            + [(application.cost_total or Decimal("0")).quantize(PENNY)]
        )
    return rows
