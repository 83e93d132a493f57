"""The letters that tell applicants the outcome of a decided round, and the offers they
accept online.

Once the round is decided, staff prepare the letters: an offer for each award whose
allocation is approved (the amount and period from the allocation, the conditions from
the Review Panel, the monitoring returns due as the agreement's schedule will have
them, and the terms to accept), and an outcome letter for each other eligible
application, its feedback drawn from the counted reviews' comments without the
reviewers' names. Staff edit a letter until it is sent; sending fixes its text (its
SHA-256) and e-mails it, as a PDF, to every member of the organisation. A member then
accepts an offer online, naming themselves and their role, for the terms they were
shown (their SHA-256): the acceptance creates the grant agreement, with its monitoring
returns, linked to the allocation.
"""

import hashlib
import re
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.formats import date_format

from commissioning import services as commissioning_services
from commissioning.models import CommissioningRoute, MonitoringFrequency
from decisions import clock
from funding.models import COMMITTED_STATUSES
from jobs.mail import mail_message, send_later
from pcc_grants.models import OrganisationSettings
from pcc_grants.money import format_money
from pcc_grants.pdf import render_pdf
from pcc_grants.roles import EDITORS, Role, has_role
from pcc_grants.transitions import Attempt, Transition, Workflow

from .models import (
    Application,
    ApplicationStatus,
    Declaration,
    GrantRound,
    Letter,
    LetterKind,
    OfferAcceptance,
    Review,
    ReviewStatus,
    RoundStatus,
    Screening,
)

EDITORS_ONLY = "Only the Officer or Chief Finance Officer can write and send letters."
NOT_DECIDED = "The round is {status}: its letters are written once it is decided."
ALREADY_SENT = "This letter was sent on {day}: it cannot be changed."
NOT_A_MEMBER = "Only a member of the organisation that made this application can do this."
NOT_AN_OFFER = "Only an offer letter is accepted."
NOT_SENT = "This offer has not been sent yet."
ALREADY_ACCEPTED = "This offer was accepted on {day} by {name}: it is accepted once."
TERMS_CHANGED = (
    "The terms you accepted are not the terms of this offer: read the terms shown now "
    "and accept them again."
)
NO_ALLOCATION = "The offer's award has no approved allocation: ask the office."
NAME_NEEDED = "Enter your full name."
ROLE_NEEDED = "Enter your role in the organisation, for example chair of trustees."
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _day(value: date | None) -> str:
    return date_format(value, "j F Y") if value else ""


def _ensure_editor(by) -> None:
    if not has_role(by, *EDITORS):
        raise ValidationError(EDITORS_ONLY, code="not_allowed")


def fill(template: str, values: dict[str, str]) -> str:
    """The template with each ``{placeholder}`` it names replaced by its value; an
    unknown one is left as it is typed (no attribute or index look-ups, no errors)."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def letter_text(letter: Letter) -> str:
    """The letter's text as sent and hashed: its body, then an offer's terms."""
    if letter.kind == LetterKind.OFFER:
        return f"{letter.body}\n\nTerms of the offer\n\n{letter.terms}"
    return letter.body


def returns_due(grant_round: GrantRound, start: date, end: date) -> list[date]:
    """The monitoring returns' due dates, as the agreement's schedule will have them:
    a period of the round's frequency from ``start``, each due 30 days after it ends."""
    months = MonitoringFrequency(grant_round.monitoring_frequency).months
    after = timedelta(days=commissioning_services.RETURN_DUE_AFTER_DAYS)
    return [
        period_end + after
        for _, period_end in commissioning_services.return_periods(start, end, months)
    ]


def _contact(application: Application) -> str:
    person = application.submitted_by or application.created_by
    return person.get_full_name() or person.email


def _values(letter: Letter, organisation: OrganisationSettings) -> dict[str, str]:
    application = letter.application
    due = [_day(date.fromisoformat(day)) for day in letter.returns_due]
    return {
        "contact": _contact(application),
        "organisation": application.organisation.name,
        "reference": application.reference,
        "title": application.title,
        "round": application.grant_round.name,
        "amount": format_money(letter.amount),
        "period_start": _day(letter.period_start),
        "period_end": _day(letter.period_end),
        "conditions": letter.conditions.strip() or "None.",
        "returns_due": ", ".join(due) or "none",
        "feedback": letter.feedback.strip(),
        "office": organisation.name,
        "decision_maker": organisation.decision_maker_title,
    }


def _render(letter: Letter, organisation: OrganisationSettings) -> None:
    """Fill the letter's body (and an offer's terms, with their hash) from the
    organisation's templates."""
    values = _values(letter, organisation)
    if letter.kind == LetterKind.OFFER:
        letter.body = fill(organisation.offer_letter_template, values)
        letter.terms = fill(organisation.offer_terms_template, values)
        letter.terms_sha256 = sha256(letter.terms)
    else:
        letter.body = fill(organisation.outcome_letter_template, values)


def feedback_from(reviews) -> str:
    """The counted reviews' comments, overall and per criterion, each review numbered
    and none named: what staff edit into an outcome letter's feedback."""
    parts = []
    number = 0
    for review in reviews:
        lines = []
        if review.comment.strip():
            lines.append(review.comment.strip())
        for score in review.scores.all():
            if score.comment.strip():
                lines.append(f"{score.criterion.name}: {score.comment.strip()}")
        if lines:
            number += 1
            parts.append(f"Reviewer {number}:\n" + "\n".join(lines))
    return "\n\n".join(parts)


def _counted_reviews():
    return Prefetch(
        "reviews",
        queryset=Review.objects.filter(status=ReviewStatus.SUBMITTED)
        .exclude(declaration=Declaration.CONFLICT)
        .prefetch_related("scores__criterion")
        .order_by("submitted_at", "pk"),
        to_attr="counted_reviews",
    )


@transaction.atomic
def letters_prepare(*, grant_round: GrantRound, by) -> list[Letter]:
    """Write the letters of a decided round that are not written yet: an offer for each
    award whose allocation is approved, an outcome letter for each other eligible
    application. Never a second letter of a kind; returns the letters written."""
    _ensure_editor(by)
    grant_round = GrantRound.objects.select_for_update().get(pk=grant_round.pk)
    if grant_round.status != RoundStatus.DECIDED:
        raise ValidationError(
            NOT_DECIDED.format(status=grant_round.get_status_display().lower()),
            code="not_decided",
        )
    organisation = OrganisationSettings.load()
    applications = (
        grant_round.applications.filter(status=ApplicationStatus.SUBMITTED)
        .exclude(screening=Screening.INELIGIBLE)
        .select_related(
            "organisation", "submitted_by", "created_by", "allocation", "panel_recommendation"
        )
        .prefetch_related("letters", _counted_reviews())
        .order_by("reference", "pk")
    )
    written = []
    for application in applications:
        application.grant_round = grant_round
        kinds = {letter.kind for letter in application.letters.all()}
        recommendation = getattr(application, "panel_recommendation", None)
        allocation = application.allocation
        if recommendation is not None and recommendation.awards:
            if allocation is None or allocation.status not in COMMITTED_STATUSES:
                continue  # not (or no longer) approved: no offer to make
            if LetterKind.OFFER in kinds:
                continue
            letter = Letter(
                application=application,
                kind=LetterKind.OFFER,
                amount=allocation.amount,
                period_start=allocation.period_start,
                period_end=allocation.period_end,
                conditions=recommendation.conditions.strip(),
                returns_due=[
                    day.isoformat()
                    for day in returns_due(
                        grant_round, allocation.period_start, allocation.period_end
                    )
                ],
                created_by=by,
            )
        else:
            if LetterKind.OUTCOME in kinds:
                continue
            letter = Letter(
                application=application,
                kind=LetterKind.OUTCOME,
                feedback=feedback_from(application.counted_reviews),
                created_by=by,
            )
        _render(letter, organisation)
        letter.save()
        written.append(letter)
    return written


letters_prepare.alters_data = True


def _lock(letter: Letter) -> Letter:
    return (
        Letter.objects.select_for_update(of=("self",))
        .select_related(
            "application__grant_round",
            "application__organisation",
            "application__submitted_by",
            "application__created_by",
            "application__allocation",
        )
        .get(pk=letter.pk)
    )


def _ensure_unsent(letter: Letter) -> None:
    if letter.is_sent:
        raise ValidationError(ALREADY_SENT.format(day=_day(letter.sent_at.date())), code="sent")


@transaction.atomic
def letter_update(
    *,
    letter: Letter,
    by,
    body: str | None = None,
    feedback: str | None = None,
    conditions: str | None = None,
) -> Letter:
    """Change a letter before it is sent. A change of feedback (or of an offer's
    conditions) writes the body again from the template, unless a body is given too;
    an offer's terms, and their hash, follow its conditions."""
    _ensure_editor(by)
    letter = _lock(letter)
    _ensure_unsent(letter)
    changed = False
    if feedback is not None and feedback.strip() != letter.feedback:
        if letter.kind != LetterKind.OUTCOME:
            raise ValidationError({"feedback": "Only an outcome letter has feedback."})
        letter.feedback = feedback.strip()
        changed = True
    if conditions is not None and conditions.strip() != letter.conditions:
        if letter.kind != LetterKind.OFFER:
            raise ValidationError({"conditions": "Only an offer letter has conditions."})
        letter.conditions = conditions.strip()
        changed = True
    if changed:
        _render(letter, OrganisationSettings.load())
    if body is not None:
        if not body.strip():
            raise ValidationError({"body": "Write the letter: its text cannot be empty."})
        letter.body = body.strip()
    letter.save()
    return letter


letter_update.alters_data = True


def letter_pdf(letter: Letter) -> bytes:
    """The letter as a tagged PDF: the office's letterhead, the reference, the date
    sent, the text and, for an offer, the returns due and the terms."""
    return render_pdf("grants/letters/letter_pdf.html", letter_context(letter))


def letter_context(letter: Letter) -> dict:
    return {
        "letter": letter,
        "application": letter.application,
        "returns_due": [date.fromisoformat(day) for day in letter.returns_due],
        "is_offer": letter.kind == LetterKind.OFFER,
    }


def letter_filename(letter: Letter) -> str:
    kind = "offer" if letter.kind == LetterKind.OFFER else "outcome"
    return f"{letter.application.reference}-{kind}-letter"


def _email_letter(letter_pk: int) -> None:
    letter = Letter.objects.select_related(
        "application__grant_round", "application__organisation"
    ).get(pk=letter_pk)
    application = letter.application
    emails = sorted(
        set(application.organisation.memberships.values_list("user__email", flat=True))
        - {None, ""}
    )
    if not emails:
        return
    pdf = letter_pdf(letter)
    subject = f"{application.grant_round.name}: {application.reference}, the outcome"
    page = settings.SITE_URL + reverse("grants_apply:letter", args=[letter.pk])
    action = (
        "To accept the offer, sign in and accept it online: "
        if letter.kind == LetterKind.OFFER
        else "You can read it in your account too: "
    )
    body = (
        f"{letter_text(letter)}\n\n{action}{page}\n\n"
        f"Fingerprint of this letter (SHA-256): {letter.sha256}\n"
    )
    attachment = (f"{letter_filename(letter)}.pdf", pdf, "application/pdf")
    send_later(
        [mail_message(subject, body, [email], [attachment]) for email in emails],
        title=f"E-mail: {subject}",
    )


# Sending and accepting, as a table (``pcc_grants.transitions``): a letter is not sent,
# sent, or (an offer) accepted; each step checks its roles and conditions every time.

UNSENT, SENT, ACCEPTED = "not sent", "sent", "accepted"


def letter_stage(letter: Letter) -> str:
    if not letter.is_sent:
        return UNSENT
    if letter.kind == LetterKind.OFFER and OfferAcceptance.objects.filter(letter=letter).exists():
        return ACCEPTED
    return SENT


def _written(letter: Letter, attempt: Attempt) -> str | None:
    return None if letter.body.strip() else "Write the letter before sending it."


def _fix(letter: Letter, attempt: Attempt) -> None:
    letter.sha256 = sha256(letter_text(letter))
    letter.sent_at = clock.now()


def _e_mail_on_commit(letter: Letter, attempt: Attempt) -> None:
    pk = letter.pk
    transaction.on_commit(lambda: _email_letter(pk))


def _member(letter: Letter, attempt: Attempt) -> str | None:
    members = letter.application.organisation.memberships
    return None if members.filter(user=attempt.by).exists() else NOT_A_MEMBER


def _an_offer(letter: Letter, attempt: Attempt) -> str | None:
    return None if letter.kind == LetterKind.OFFER else NOT_AN_OFFER


def _sent(letter: Letter, attempt: Attempt) -> str | None:
    return None if letter.is_sent else NOT_SENT


def _not_accepted(letter: Letter, attempt: Attempt) -> str | None:
    earlier = OfferAcceptance.objects.filter(letter=letter).first()
    if earlier is None:
        return None
    return ALREADY_ACCEPTED.format(day=_day(earlier.accepted_on), name=earlier.name)


def _approved_allocation(letter: Letter, attempt: Attempt) -> str | None:
    allocation = letter.application.allocation
    ok = allocation is not None and allocation.status in COMMITTED_STATUSES
    return None if ok else NO_ALLOCATION


def _acceptance_given(letter: Letter, attempt: Attempt) -> None:
    given = attempt.given
    errors = {}
    if not given["name"].strip():
        errors["name"] = [NAME_NEEDED]
    if not given["role"].strip():
        errors["role"] = [ROLE_NEEDED]
    if given["terms_sha256"] != letter.terms_sha256:
        errors["terms_sha256"] = [TERMS_CHANGED]
    if errors:
        raise ValidationError(errors)


def _agreement(letter: Letter, attempt: Attempt) -> None:
    """The grant agreement, with its monitoring returns, delivering the allocation; and
    the acceptance that made it."""
    application = letter.application
    allocation = application.allocation
    grant_round = application.grant_round
    name, role = attempt.given["name"].strip(), attempt.given["role"].strip()
    today = clock.today()
    agreement = commissioning_services.agreement_create(
        by=attempt.by,
        reference=application.reference,
        provider=allocation.recipient,
        route=CommissioningRoute.GRANT,
        title=application.title or allocation.title,
        description=(
            f"A grant from {grant_round.name}, offered by letter and accepted online by "
            f"{name} ({role}) on {_day(today)}."
        ),
        total_value=letter.amount,
        start_date=letter.period_start,
        end_date=letter.period_end,
        monitoring_frequency=grant_round.monitoring_frequency,
    )
    commissioning_services.agreement_set_allocations(
        agreement=agreement, allocations=[allocation], by=attempt.by
    )
    attempt.given["acceptance"] = OfferAcceptance.objects.create(
        letter=letter,
        name=name,
        role=role,
        accepted_on=today,
        terms_sha256=attempt.given["terms_sha256"],
        by=attempt.by,
        agreement=agreement,
    )


SEND = Transition(
    name="send",
    label="Send the letter",
    sources=(UNSENT,),
    target=SENT,
    roles=EDITORS,
    conditions=(_written,),
    effects=(_fix,),
    then=(_e_mail_on_commit,),
    wrong_state="This letter is {status} already: a sent letter cannot be changed.",
)
ACCEPT = Transition(
    name="accept",
    label="Accept the offer",
    # Every stage, so that each refusal says why in its own words (the conditions).
    sources=(UNSENT, SENT, ACCEPTED),
    target=ACCEPTED,
    roles=frozenset({Role.APPLICANT}),
    conditions=(_member, _an_offer, _sent, _not_accepted, _approved_allocation),
    requirements=(_acceptance_given,),
    effects=(_agreement,),
)
LETTER = Workflow([SEND, ACCEPT], state="stage")


def _staged(letter: Letter) -> Letter:
    letter.stage = letter_stage(letter)
    return letter


@transaction.atomic
def letter_send(*, letter: Letter, by) -> Letter:
    """Send the letter: its text is fixed and hashed, and it is e-mailed, as a PDF, to
    every member of the applicant organisation once the transaction commits."""
    letter = _staged(_lock(letter))
    return LETTER.perform(SEND, letter, Attempt(by=by))


letter_send.alters_data = True


@transaction.atomic
def letters_send_all(*, grant_round: GrantRound, by) -> list[Letter]:
    """Send every letter of the round not sent yet."""
    _ensure_editor(by)
    unsent = Letter.objects.filter(
        application__grant_round=grant_round, sent_at__isnull=True
    ).order_by("application__reference", "kind", "pk")
    return [letter_send(letter=letter, by=by) for letter in unsent]


letters_send_all.alters_data = True


@transaction.atomic
def offer_accept(
    *, letter: Letter, by, name: str, role: str, terms_sha256: str
) -> OfferAcceptance:
    """Accept a sent offer for the applicant organisation, once, for the terms shown
    (``terms_sha256``): creates the grant agreement with its monitoring returns, linked
    to the award's allocation."""
    letter = _staged(_lock(letter))
    attempt = Attempt(by=by, given={"name": name, "role": role, "terms_sha256": terms_sha256})
    LETTER.perform(ACCEPT, letter, attempt)
    return attempt.given["acceptance"]


offer_accept.alters_data = True
