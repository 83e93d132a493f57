"""The sections of a round's application, asked one at a time, and how far an
application has got with each: the task list of its overview page.

The order is fixed: eligibility, the project, then one section for each section the
round's questions name (in question order), then the amount and its costs, then the
documents. A round without eligibility questions or documents has no such section.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from pcc_grants.money import format_money
from pcc_grants.transitions import Attempt

from . import services, submission, workflow
from .models import Application, GrantRound, Question, QuestionKind

ELIGIBILITY = "eligibility"
PROJECT = "project"
QUESTIONS = "questions"
BUDGET = "budget"
DOCUMENTS = "documents"
# Slugs a section of questions never takes: the fixed sections', and the addresses
# beside the sections' (``applications/<pk>/check/`` would hide a section "Check").
RESERVED = frozenset({ELIGIBILITY, PROJECT, BUDGET, DOCUMENTS, "check", "withdraw"})

COMPLETED = "Completed"
NOT_STARTED = "Not started"
IN_PROGRESS = "In progress"
HAS_A_PROBLEM = "Has a problem"


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    kind: str
    # What ``submission.application_problems`` files the section's problems under: the
    # fixed sections' own word, or the name of a section of questions.
    key: str
    questions: tuple[Question, ...] = field(default=(), compare=False)


def _question_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:60] or "questions"
    slug, n = base, 1
    while slug in taken or slug in RESERVED:
        n += 1
        slug = f"{base}-{n}"
    return slug


def round_sections(grant_round: GrantRound) -> list[Section]:
    """The sections of the round's application, in the order they are asked."""
    sections = []
    if grant_round.eligibility_questions.exists():
        sections.append(Section(ELIGIBILITY, "Eligibility", ELIGIBILITY, ELIGIBILITY))
    sections.append(Section(PROJECT, "Your project", PROJECT, PROJECT))
    by_name: dict[str, list[Question]] = {}
    for question in grant_round.questions.all():
        by_name.setdefault(question.section, []).append(question)
    taken: set[str] = set()
    for name, questions in by_name.items():
        slug = _question_slug(name, taken)
        taken.add(slug)
        sections.append(Section(slug, name, QUESTIONS, name, tuple(questions)))
    sections.append(Section(BUDGET, "Amount and costs", BUDGET, BUDGET))
    if grant_round.required_documents.exists():
        sections.append(Section(DOCUMENTS, "Documents", DOCUMENTS, DOCUMENTS))
    return sections


def section_named(sections: list[Section], slug: str) -> Section | None:
    return next((section for section in sections if section.slug == slug), None)


def section_after(sections: list[Section], section: Section) -> Section | None:
    index = sections.index(section)
    return sections[index + 1] if index + 1 < len(sections) else None


def section_for_problem(sections: list[Section], key: str) -> Section | None:
    return next((section for section in sections if section.key == key), None)


def _started(application: Application, section: Section) -> bool:
    """Whether anything of the section has been saved."""
    if section.kind == ELIGIBILITY:
        return application.eligibility_responses.exists()
    if section.kind == PROJECT:
        return bool(
            application.title.strip()
            or application.project_start
            or application.project_end
            or application.theme_id
        )
    if section.kind == QUESTIONS:
        return (
            application.responses.filter(question__in=section.questions).exclude(value="").exists()
        )
    if section.kind == BUDGET:
        return application.amount_requested is not None or application.cost_lines.exists()
    return application.documents.exists()


def _answered_wrongly(application: Application, section: Section) -> bool:
    """Whether something saved in the section stops submission, rather than only
    something still to give: an answer that excludes, an amount outside the round's
    limits, cost lines that do not add up to it."""
    if section.kind == ELIGIBILITY:
        return any(
            response.question.excludes(response.answer)
            for response in application.eligibility_responses.select_related("question")
        )
    if section.kind == BUDGET and application.amount_requested is not None:
        grant_round = application.grant_round
        amount = application.amount_requested
        lines = list(application.cost_lines.all())
        total = sum((line.amount for line in lines), Decimal("0"))
        return not grant_round.minimum_award <= amount <= grant_round.maximum_award or (
            bool(lines) and total != amount
        )
    return False


def task_list(
    application: Application, sections: list[Section], problems: list[tuple[str, str]]
) -> list[tuple[Section, str]]:
    """Each section with its status: Completed, Not started, In progress or Has a
    problem. Complete means that no problem of ``problems`` (as
    ``submission.application_problems`` gives them) is the section's."""
    keys = {key for key, _ in problems}
    rows = []
    for section in sections:
        if section.key not in keys:
            status = COMPLETED
        elif not _started(application, section):
            status = NOT_STARTED
        elif _answered_wrongly(application, section):
            status = HAS_A_PROBLEM
        else:
            status = IN_PROGRESS
        rows.append((section, status))
    return rows


def problems_by_section(
    application: Application, sections: list[Section]
) -> list[tuple[Section | None, str]]:
    """What stops submission, each with the section where it is put right."""
    return [
        (section_for_problem(sections, key), message)
        for key, message in submission.application_problems(application)
    ]


def change_refusal(application: Application, by) -> str | None:
    """Why the application cannot be changed now (submitted or withdrawn, or its round
    closed), as the services refuse it; None while it can. ``by`` is a member."""
    if application.is_frozen:
        moment = application.submitted_at or application.updated_at
        return services.FROZEN.format(
            status=application.get_status_display().lower(),
            day=date_format(timezone.localtime(moment), "j F Y"),
        )
    return workflow.before_the_close(application, Attempt(by=by))


# What the check-your-answers page shows --------------------------------------------------

NOT_ANSWERED = "Not answered"
ELIGIBILITY_ANSWERS = {"confirmed": "Confirmed", "yes": "Yes", "no": "No"}


@dataclass
class Answered:
    """A section's answers as the applicant reads them back: (question, answer) rows;
    for the budget its lines and their total, for documents the files uploaded."""

    section: Section
    rows: list[tuple[str, str]]
    lines: list = field(default_factory=list)
    total: Decimal | None = None
    documents: list = field(default_factory=list)


def _shown(question: Question, value: str) -> str:
    if not value:
        return NOT_ANSWERED
    if question.kind == QuestionKind.MONEY:
        return format_money(Decimal(value))
    if question.kind == QuestionKind.DATE:
        return date_format(datetime.date.fromisoformat(value), "j F Y")
    return value


def _day(value) -> str:
    return date_format(value, "j F Y") if value else NOT_ANSWERED


def application_answers(application: Application, sections: list[Section]) -> list[Answered]:
    grant_round = application.grant_round
    eligibility = {r.question_id: r.answer for r in application.eligibility_responses.all()}
    responses = {r.question_id: r.value for r in application.responses.all()}
    answered = []
    for section in sections:
        if section.kind == ELIGIBILITY:
            rows = [
                (q.text, ELIGIBILITY_ANSWERS.get(eligibility.get(q.pk, ""), NOT_ANSWERED))
                for q in grant_round.eligibility_questions.all()
            ]
            answered.append(Answered(section, rows))
        elif section.kind == PROJECT:
            rows = [
                ("Project title", application.title or NOT_ANSWERED),
                ("Start date", _day(application.project_start)),
                ("End date", _day(application.project_end)),
                ("Plan theme", str(application.theme) if application.theme else NOT_ANSWERED),
            ]
            answered.append(Answered(section, rows))
        elif section.kind == QUESTIONS:
            rows = [(q.text, _shown(q, responses.get(q.pk, ""))) for q in section.questions]
            answered.append(Answered(section, rows))
        elif section.kind == BUDGET:
            amount = application.amount_requested
            lines = list(application.cost_lines.all())
            rows = [("Amount requested", format_money(amount) if amount else NOT_ANSWERED)]
            total = sum((line.amount for line in lines), Decimal("0"))
            answered.append(Answered(section, rows, lines=lines, total=total))
        else:
            uploaded = {d.required_document_id: d for d in application.documents.all()}
            documents = [(d, uploaded.get(d.pk)) for d in grant_round.required_documents.all()]
            answered.append(Answered(section, [], documents=documents))
    return answered
