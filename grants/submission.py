"""What an application must hold to be submitted, and what submitting it freezes:
the checks the check-your-answers page lists and submission refuses, the content
whose SHA-256 is kept, and the reference it is given."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from decisions import clock
from pcc_grants.money import format_money
from pcc_grants.transitions import Attempt

from .models import Application, GrantRound, ReferenceCounter, canonical_sha256


def _quoted(text: str) -> str:
    """“Text” and a full stop, unless the text ends its own sentence."""
    return f"“{text}”" + ("" if text.rstrip().endswith((".", "?", "!")) else ".")


def application_problems(application: Application) -> list[tuple[str, str]]:
    """What stops the application being submitted, each as (section, message naming
    the question): the check-your-answers page lists them, submission refuses them."""
    grant_round = application.grant_round
    problems: list[tuple[str, str]] = []
    given = {r.question_id: r.answer for r in application.eligibility_responses.all()}
    for question in grant_round.eligibility_questions.all():
        answer = given.get(question.pk, "")
        if not answer:
            problems.append(("eligibility", f"Answer {_quoted(question.text)}"))
        elif question.excludes(answer):
            problems.append(
                (
                    "eligibility",
                    f"“{question.text}”: your answer ({answer}) means the organisation "
                    "cannot apply to this round.",
                )
            )
    if not application.title.strip():
        problems.append(("project", "Give the project a title."))
    if not application.project_start or not application.project_end:
        problems.append(("project", "Give the project's start and end dates."))
    answers = {r.question_id: r.value for r in application.responses.all()}
    for question in grant_round.questions.all():
        if question.required and not answers.get(question.pk, "").strip():
            problems.append((question.section, f"Answer {_quoted(question.text)}"))
    amount = application.amount_requested
    if amount is None:
        problems.append(("budget", "Say how much you are asking for."))
    else:
        if amount > grant_round.maximum_award:
            problems.append(
                (
                    "budget",
                    f"“Amount requested”: {format_money(amount)} is more than the "
                    f"round's maximum award of {format_money(grant_round.maximum_award)}.",
                )
            )
        if amount < grant_round.minimum_award:
            problems.append(
                (
                    "budget",
                    f"“Amount requested”: {format_money(amount)} is less than the "
                    f"round's minimum award of {format_money(grant_round.minimum_award)}.",
                )
            )
        lines = list(application.cost_lines.all())
        total = sum((line.amount for line in lines), Decimal("0"))
        if not lines:
            problems.append(("budget", "Break the cost down into lines."))
        elif total != amount:
            problems.append(
                (
                    "budget",
                    f"“Cost breakdown”: the lines add up to {format_money(total)}, not the "
                    f"{format_money(amount)} requested.",
                )
            )
    uploaded = {d.required_document_id for d in application.documents.all()}
    for document in grant_round.required_documents.all():
        if document.required and document.pk not in uploaded:
            problems.append(("documents", f"Upload {_quoted(document.name)}"))
    return problems


def application_content(application: Application) -> dict:
    """Everything submitted, as the JSON whose SHA-256 freezes it."""
    grant_round = application.grant_round
    eligibility = {r.question_id: r.answer for r in application.eligibility_responses.all()}
    answers = {r.question_id: r.value for r in application.responses.all()}
    return {
        "reference": application.reference,
        "round": {"slug": grant_round.slug, "name": grant_round.name},
        "organisation": {
            "name": application.organisation.name,
            "charity_number": application.organisation.charity_number,
            "company_number": application.organisation.company_number,
        },
        "title": application.title,
        "amount_requested": str(application.amount_requested),
        "project_start": application.project_start.isoformat(),
        "project_end": application.project_end.isoformat(),
        "theme": application.theme.name if application.theme else "",
        "eligibility": [
            {"question": q.text, "answer": eligibility.get(q.pk, "")}
            for q in grant_round.eligibility_questions.all()
        ],
        "answers": [
            {"section": q.section, "question": q.text, "answer": answers.get(q.pk, "")}
            for q in grant_round.questions.all()
        ],
        "costs": [
            {"item": line.item, "amount": str(line.amount)}
            for line in application.cost_lines.all()
        ],
        "documents": [
            {"for": d.required_document.name, "name": d.original_name, "sha256": d.sha256}
            for d in application.documents.select_related("required_document").order_by("pk")
        ],
        "submitted_at": application.submitted_at.isoformat(),
        "submitted_by": application.submitted_by.email,
    }


def next_reference(grant_round: GrantRound) -> str:
    year = timezone.localtime(grant_round.opens_at).year
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(
        prefix=grant_round.reference_prefix, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{grant_round.reference_prefix}-{year}-{counter.last:03d}"


def complete(application: Application, attempt: Attempt) -> None:
    problems = application_problems(application)
    if problems:
        raise ValidationError([message for _, message in problems], code="incomplete")


def freeze(application: Application, attempt: Attempt) -> None:
    application.submitted_at = clock.now()
    application.submitted_by = attempt.by
    application.reference = next_reference(application.grant_round)
    application.content = application_content(application)
    application.content_sha256 = canonical_sha256(application.content)


def mark_withdrawn(application: Application, attempt: Attempt) -> None:
    application.withdrawn_at = clock.now()
