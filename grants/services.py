"""Every write to grant rounds and applications, each inside one transaction; every
change of status through the tables in ``workflow``."""

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from commissioning import services as commissioning_services
from commissioning.matching import match_key
from commissioning.models import Provider
from decisions import clock
from funding.models import PlanTheme
from jobs.mail import mail_message, send_later
from pcc_grants.money import format_money, parse_money
from pcc_grants.roles import EDITORS, has_role
from pcc_grants.transitions import Attempt
from pcc_grants.uploads import store_document

from . import workflow
from .models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    CostLine,
    Criterion,
    EligibilityKind,
    EligibilityQuestion,
    EligibilityResponse,
    GrantRound,
    Organisation,
    Question,
    QuestionKind,
    RequiredDocument,
    Response,
    RoundEvent,
    RoundStatus,
    ScoreDescriptor,
    Screening,
)

EDITORS_ONLY = "Only the Officer or Chief Finance Officer can set up and run grant rounds."
DRAFT_ONLY = "The round is {status}: its questions and limits are fixed once it opens."
FROZEN = "This application was {status} on {day}: it cannot be changed."
NOT_A_MEMBER = "Only a member of the organisation that made this application can do this."
ONE_EACH = "{organisation} has already applied to this round ({which})."
REASON_NEEDED = "Say why: the applicant reads this."


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def _ensure_editor(by) -> None:
    if not has_role(by, *EDITORS):
        raise ValidationError(EDITORS_ONLY, code="not_allowed")


# Rounds ---------------------------------------------------------------------------------

ROUND_FIELDS = (
    "funding_stream",
    "name",
    "summary",
    "guidance",
    "budget",
    "opens_at",
    "closes_at",
    "minimum_award",
    "maximum_award",
    "several_applications",
    "score_scale",
    "reviews_required",
    "spread_threshold",
    "monitoring_frequency",
    "reference_prefix",
)


def _unique_slug(name: str, pk: int | None) -> str:
    base = slugify(name)[:90] or "round"
    slug, n = base, 1
    while GrantRound.objects.filter(slug=slug).exclude(pk=pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _replace(grant_round, model, related: str, rows: Iterable[dict] | None) -> None:
    if rows is None:
        return
    getattr(grant_round, related).all().delete()
    for position, row in enumerate(rows, start=1):
        item = model(grant_round=grant_round, position=position, **row)
        item.full_clean(exclude=["grant_round"])
        item.save()


def _save_round(grant_round: GrantRound, parts: dict) -> GrantRound:
    limits = (grant_round.minimum_award, grant_round.maximum_award)
    if None not in limits and limits[1] < limits[0]:
        raise ValidationError({"maximum_award": "The maximum award must be at least the minimum."})
    dates = (grant_round.opens_at, grant_round.closes_at)
    if None not in dates and dates[1] <= dates[0]:
        raise ValidationError({"closes_at": "The round must close after it opens."})
    grant_round.slug = grant_round.slug or _unique_slug(grant_round.name, grant_round.pk)
    grant_round.full_clean(exclude=["created_by"])
    grant_round.save()
    _replace(grant_round, Criterion, "criteria", parts.get("criteria"))
    _replace(grant_round, EligibilityQuestion, "eligibility_questions", parts.get("eligibility"))
    _replace(grant_round, Question, "questions", parts.get("questions"))
    _replace(grant_round, RequiredDocument, "required_documents", parts.get("documents"))
    _replace_descriptors(grant_round, parts.get("score_descriptors"))
    return grant_round


def _replace_descriptors(grant_round: GrantRound, rows: Iterable[dict] | None) -> None:
    if rows is None:
        return
    grant_round.score_descriptors.all().delete()
    for row in rows:
        if not 0 <= row["score"] <= grant_round.score_scale:
            raise ValidationError(
                {
                    "score_descriptors": (
                        f"Score {row['score']} is above the scale, which goes to "
                        f"{grant_round.score_scale}"
                    )
                }
            )
        descriptor = ScoreDescriptor(grant_round=grant_round, **row)
        descriptor.full_clean(exclude=["grant_round"])
        descriptor.save()


PARTS = ("criteria", "eligibility", "questions", "documents", "score_descriptors")


@transaction.atomic
def round_create(*, by, **fields) -> GrantRound:
    """A draft round. ``criteria``, ``eligibility``, ``questions`` and ``documents`` are
    lists of field dicts for each, in order."""
    _ensure_editor(by)
    parts = {part: fields.pop(part) for part in PARTS if part in fields}
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"Not a round field: {', '.join(sorted(unknown))}")
    return _save_round(GrantRound(created_by=by, **fields), parts)


round_create.alters_data = True


@transaction.atomic
def round_update(*, grant_round: GrantRound, by, **changes) -> GrantRound:
    _ensure_editor(by)
    grant_round = GrantRound.objects.select_for_update().get(pk=grant_round.pk)
    if grant_round.status != RoundStatus.DRAFT:
        raise ValidationError(DRAFT_ONLY.format(status=grant_round.get_status_display().lower()))
    parts = {part: changes.pop(part) for part in PARTS if part in changes}
    unknown = set(changes) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"Not a round field: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(grant_round, field, value)
    return _save_round(grant_round, parts)


round_update.alters_data = True


@transaction.atomic
def round_transition(*, grant_round: GrantRound, by, action: str, reason: str = "") -> GrantRound:
    """Open, close, start the review of, decide or cancel a round."""
    grant_round = (
        GrantRound.objects.select_for_update()
        .select_related("funding_stream__financial_year")
        .get(pk=grant_round.pk)
    )
    transition = workflow.ROUND.get(action)
    if transition is None:
        raise ValidationError("No such step.", code="not_allowed")
    if transition is workflow.OPEN:
        # Two rounds opening at once on one stream must not both take its last pounds.
        type(grant_round.funding_stream).objects.select_for_update().get(
            pk=grant_round.funding_stream_id
        )
    workflow.ROUND.perform(transition, grant_round, Attempt(by=by, comment=reason))
    RoundEvent.objects.create(
        grant_round=grant_round, action=action, label=transition.label, by=by, reason=reason
    )
    return grant_round


round_transition.alters_data = True


def _people_applying(grant_round: GrantRound) -> list[str]:
    return sorted(
        set(
            grant_round.applications.exclude(status=ApplicationStatus.WITHDRAWN)
            .values_list("organisation__memberships__user__email", flat=True)
            .distinct()
        )
        - {None, ""}
    )


@transaction.atomic
def round_extend(*, grant_round: GrantRound, by, closes_at, reason: str) -> GrantRound:
    """Move an open round's closing time later, with the reason kept and everyone
    whose organisation is applying told by e-mail."""
    _ensure_editor(by)
    grant_round = GrantRound.objects.select_for_update().get(pk=grant_round.pk)
    if grant_round.status != RoundStatus.OPEN:
        raise ValidationError("Only an open round's closing time can be extended.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the round is extended."})
    if closes_at is None or closes_at <= grant_round.closes_at:
        present = _when(grant_round.closes_at)
        raise ValidationError({"closes_at": f"Choose a time after the present close, {present}."})
    before = grant_round.closes_at
    grant_round.closes_at = closes_at
    grant_round.save(update_fields=["closes_at", "updated_at"])
    RoundEvent.objects.create(
        grant_round=grant_round,
        action="extend",
        label="Closing time extended",
        by=by,
        reason=reason.strip(),
        closes_before=before,
        closes_after=closes_at,
    )
    subject = f"{grant_round.name} now closes at {_when(closes_at)}"
    body = (
        f"The closing time of {grant_round.name} has moved from {_when(before)} to "
        f"{_when(closes_at)}.\n\nWhy: {reason.strip()}\n\n"
        f"{settings.SITE_URL}{grant_round.get_public_url()}\n"
    )
    emails = _people_applying(grant_round)
    send_later(
        [mail_message(subject, body, [email]) for email in emails],
        title=f"E-mail: {subject}",
        by=by,
    )
    return grant_round


round_extend.alters_data = True


# Applications ---------------------------------------------------------------------------


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("grant_round", "organisation")
        .get(pk=application.pk)
    )


def _ensure_member(application: Application, by) -> None:
    if not application.organisation.memberships.filter(user=by).exists():
        raise ValidationError(NOT_A_MEMBER, code="not_allowed")


def _ensure_changeable(application: Application, by) -> None:
    _ensure_member(application, by)
    if application.is_frozen:
        moment = application.submitted_at or application.updated_at
        raise ValidationError(
            FROZEN.format(
                status=application.get_status_display().lower(),
                day=date_format(timezone.localtime(moment), "j F Y"),
            ),
            code="frozen",
        )
    reason = workflow.before_the_close(application, Attempt(by=by))
    if reason:
        raise ValidationError(reason, code="closed")


@transaction.atomic
def application_start(*, by, grant_round: GrantRound, organisation: Organisation) -> Application:
    grant_round = GrantRound.objects.select_for_update().get(pk=grant_round.pk)
    if not organisation.memberships.filter(user=by).exists():
        raise ValidationError(f"You are not a member of {organisation}.", code="not_allowed")
    if grant_round.status != RoundStatus.OPEN or clock.now() >= grant_round.closes_at:
        raise ValidationError("This round is not open for applications.", code="closed")
    if clock.now() < grant_round.opens_at:
        raise ValidationError(f"This round opens at {_when(grant_round.opens_at)}.")
    if not grant_round.several_applications:
        existing = (
            grant_round.applications.filter(organisation=organisation)
            .exclude(status=ApplicationStatus.WITHDRAWN)
            .first()
        )
        if existing is not None:
            raise ValidationError(
                ONE_EACH.format(
                    organisation=organisation,
                    which=existing.reference or "a draft in progress, in your account",
                ),
                code="one_each",
            )
    return Application.objects.create(
        grant_round=grant_round, organisation=organisation, created_by=by
    )


application_start.alters_data = True


def _word_count(text: str) -> int:
    return len(text.split())


def check_response(question: Question, value: str) -> str:
    """The answer as it is kept; ValidationError naming the question if it is not one."""
    value = (value or "").strip()
    if not value:
        return ""
    where = f"“{question.text}”"
    if question.kind == QuestionKind.TEXT:
        if question.word_limit and _word_count(value) > question.word_limit:
            raise ValidationError(
                f"{where}: {_word_count(value)} words, more than the "
                f"{question.word_limit} allowed."
            )
    elif question.kind == QuestionKind.MONEY:
        try:
            value = str(parse_money(value))
        except ValidationError as error:
            raise ValidationError(f"{where}: {error.messages[0]}") from error
    elif question.kind == QuestionKind.NUMBER:
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation as error:
            raise ValidationError(f"{where}: enter a number, like 25.") from error
        # copy_abs, not abs(): abs() rounds to the context, and 1e1000000 overflows it.
        if not number.is_finite() or number.copy_abs() >= 10**12:
            raise ValidationError(f"{where}: enter a number, like 25.")
        value = str(number)
    elif question.kind == QuestionKind.DATE:
        try:
            value = datetime.date.fromisoformat(value).isoformat()
        except ValueError as error:
            raise ValidationError(f"{where}: enter a date, like 2026-04-01.") from error
    elif question.kind == QuestionKind.THEME and not PlanTheme.objects.filter(name=value).exists():
        raise ValidationError(f"{where}: choose one of the plan's themes.")
    return value


@transaction.atomic
def application_save(
    *,
    application: Application,
    by,
    eligibility: dict | None = None,
    responses: dict | None = None,
    lines: Iterable[tuple[str, Decimal]] | None = None,
    **fields,
) -> Application:
    """Save what the applicant gave, in any section, as a draft: nothing is required
    until submission, but what is given must be what its question asks for."""
    application = _lock(application)
    _ensure_changeable(application, by)
    allowed = {"title", "amount_requested", "project_start", "project_end", "theme"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Not an application field: {', '.join(sorted(unknown))}")
    for field, value in fields.items():
        setattr(application, field, value)
    if application.amount_requested is not None and application.amount_requested <= 0:
        raise ValidationError({"amount_requested": "Ask for an amount above £0."})
    start, end = application.project_start, application.project_end
    if start and end and end < start:
        raise ValidationError({"project_end": "The project must end after it starts."})
    application.full_clean(exclude=["grant_round", "organisation", "created_by"])
    application.save()
    grant_round = application.grant_round
    if eligibility is not None:
        questions = {q.pk: q for q in grant_round.eligibility_questions.all()}
        for pk, answer in eligibility.items():
            question = questions.get(int(pk))
            valid = (
                {"confirmed"}
                if question and question.kind == EligibilityKind.CONFIRM
                else {
                    "yes",
                    "no",
                }
            )
            if question is None or (answer and answer not in valid):
                raise ValidationError("That is not an answer to this round's questions.")
            EligibilityResponse.objects.filter(application=application, question=question).delete()
            if answer:
                EligibilityResponse.objects.create(
                    application=application, question=question, answer=answer
                )
    if responses is not None:
        questions = {q.pk: q for q in grant_round.questions.all()}
        for pk, value in responses.items():
            question = questions.get(int(pk))
            if question is None:
                raise ValidationError("That is not one of this round's questions.")
            Response.objects.update_or_create(
                application=application,
                question=question,
                defaults={"value": check_response(question, value)},
            )
    if lines is not None:
        application.cost_lines.all().delete()
        for position, (item, amount) in enumerate(lines, start=1):
            line = CostLine(application=application, position=position, item=item, amount=amount)
            line.full_clean(exclude=["application"])
            line.save()
    return application


application_save.alters_data = True


@transaction.atomic
def application_document_add(
    *, application: Application, by, required_document: RequiredDocument, upload
) -> ApplicationDocument:
    application = _lock(application)
    _ensure_changeable(application, by)
    if required_document.grant_round_id != application.grant_round_id:
        raise ValidationError("That is not a document this round asks for.")
    # The file replaced leaves storage once the new one is kept, not before.
    replaced = list(application.documents.filter(required_document=required_document))
    for old in replaced:
        old.delete()
    document = ApplicationDocument(
        application=application, required_document=required_document, uploaded_by=by
    )
    document = store_document(document, upload)
    for old in replaced:
        transaction.on_commit(partial(old.file.storage.delete, old.file.name))
    return document


application_document_add.alters_data = True


@transaction.atomic
def application_document_remove(*, document: ApplicationDocument, by) -> None:
    application = _lock(document.application)
    _ensure_changeable(application, by)
    document.file.delete(save=False)
    document.delete()


application_document_remove.alters_data = True


def _provider_for(organisation: Organisation) -> Provider:
    """The office's record of the organisation: the one with its registered number or
    name, or a new one."""
    numbers = {
        "charity_number": organisation.charity_number,
        "company_number": organisation.company_number,
    }
    for field, value in numbers.items():
        if value:
            found = Provider.objects.filter(**{field: value}).first()
            if found:
                return found
    found = Provider.objects.filter(match_key=match_key(organisation.name)).first()
    if found:
        return found
    return commissioning_services.provider_create(
        by=None,
        name=organisation.name,
        provider_type=organisation.organisation_type,
        address=organisation.address,
        **{field: value for field, value in numbers.items() if value},
    )


@transaction.atomic
def application_submit(*, application: Application, by) -> Application:
    """Submit a complete application before the close: numbered, frozen and hashed;
    its organisation linked to a Provider; the applicant told by e-mail."""
    GrantRound.objects.select_for_update().get(pk=application.grant_round_id)
    application = _lock(application)
    workflow.APPLICATION.perform(workflow.SUBMIT, application, Attempt(by=by))
    organisation = Organisation.objects.select_for_update().get(pk=application.organisation_id)
    if organisation.provider_id is None:
        organisation.provider = _provider_for(organisation)
        organisation.save(update_fields=["provider"])
    application.organisation = organisation
    grant_round = application.grant_round
    subject = f"Application {application.reference} received"
    body = (
        f"Thank you: {organisation.name}'s application “{application.title}” to "
        f"{grant_round.name} was received on {_when(application.submitted_at)}.\n\n"
        f"Its reference is {application.reference}. It asks for "
        f"{format_money(application.amount_requested)}. The round closes at "
        f"{_when(grant_round.closes_at)}; you can see its progress in your account:\n"
        f"{settings.SITE_URL}{application.get_absolute_url()}\n\n"
        f"Fingerprint of what was submitted (SHA-256): {application.content_sha256}\n"
    )
    email = by.email
    send_later([mail_message(subject, body, [email])], title=f"E-mail: {subject}", by=by)
    return application


application_submit.alters_data = True


@transaction.atomic
def application_withdraw(*, application: Application, by) -> Application:
    application = _lock(application)
    return workflow.APPLICATION.perform(workflow.WITHDRAW, application, Attempt(by=by))


application_withdraw.alters_data = True


@transaction.atomic
def application_screen(
    *, application: Application, by, eligible: bool, reason: str = ""
) -> Application:
    """Staff record whether a submitted application is eligible, with a reason the
    applicant reads when it is not."""
    _ensure_editor(by)
    application = _lock(application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError("Only a submitted application is screened.")
    if application.grant_round.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
        raise ValidationError("Screening ends when the review starts.")
    if not eligible and not reason.strip():
        raise ValidationError({"reason": REASON_NEEDED})
    application.screening = Screening.ELIGIBLE if eligible else Screening.INELIGIBLE
    application.screening_reason = reason.strip()
    application.screened_by = by
    application.screened_at = clock.now()
    application.save(
        update_fields=[
            "screening",
            "screening_reason",
            "screened_by",
            "screened_at",
            "updated_at",
        ]
    )
    return application


application_screen.alters_data = True
