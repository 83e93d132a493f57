"""What the public and an applicant read of grant rounds: the rounds open and to come,
one round as the public sees it, and an applicant's organisations and applications."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from decisions import clock

from .models import (
    Application,
    GrantRound,
    JoinRequest,
    JoinStatus,
    Membership,
    Organisation,
    RoundStatus,
)

# A draft is the office's work in progress and a cancelled round never ran: the
# public sees neither.
PUBLIC_STATUSES = (
    RoundStatus.OPEN,
    RoundStatus.CLOSED,
    RoundStatus.IN_REVIEW,
    RoundStatus.DECIDED,
)


def _time_and_day(moment: datetime) -> tuple[str, str]:
    local = timezone.localtime(moment)
    if local.hour == 0 and local.minute == 0:
        time = "midnight"
    elif local.hour == 12 and local.minute == 0:
        time = "midday"
    else:
        hour = local.hour % 12 or 12
        minutes = f":{local.minute:02d}" if local.minute else ""
        time = f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"
    return time, date_format(local, "l j F Y")


def moment_words(moment: datetime | None) -> str:
    """A moment as GOV.UK writes one, in Europe/London: "5pm, Friday 16 January 2027"
    ("5:30pm", "midday", "midnight")."""
    if moment is None:
        return ""
    time, day = _time_and_day(moment)
    return f"{time}, {day}"


def day_and_time_words(moment: datetime | None) -> str:
    """The same moment read as a day first: "Friday 16 January 2027 at 5pm"."""
    if moment is None:
        return ""
    time, day = _time_and_day(moment)
    return f"{day} at {time}"


def is_open(grant_round: GrantRound, now: datetime | None = None) -> bool:
    """Taking applications now: open, past its opening time and before its closing."""
    now = now or clock.now()
    return (
        grant_round.status == RoundStatus.OPEN
        and grant_round.opens_at is not None
        and grant_round.closes_at is not None
        and grant_round.opens_at <= now < grant_round.closes_at
    )


def is_upcoming(grant_round: GrantRound, now: datetime | None = None) -> bool:
    now = now or clock.now()
    return grant_round.status == RoundStatus.OPEN and (
        grant_round.opens_at is not None and grant_round.opens_at > now
    )


def is_closed(grant_round: GrantRound, now: datetime | None = None) -> bool:
    """Past taking applications: closed by the office, or past its closing time."""
    now = now or clock.now()
    if grant_round.status != RoundStatus.OPEN:
        return True
    return grant_round.closes_at is not None and grant_round.closes_at <= now


def rounds_open(now: datetime | None = None) -> QuerySet[GrantRound]:
    """Rounds taking applications now, the soonest to close first."""
    now = now or clock.now()
    return GrantRound.objects.filter(
        status=RoundStatus.OPEN, opens_at__lte=now, closes_at__gt=now
    ).order_by("closes_at", "name")


def rounds_upcoming(now: datetime | None = None) -> QuerySet[GrantRound]:
    """Rounds the office has opened whose opening time is still to come."""
    now = now or clock.now()
    return GrantRound.objects.filter(
        status=RoundStatus.OPEN, opens_at__gt=now, closes_at__gt=now
    ).order_by("opens_at", "name")


def public_round(slug: str) -> GrantRound | None:
    """The round at ``slug`` with all the public reads of it, or None for a draft, a
    cancelled round or no round at all."""
    return (
        GrantRound.objects.filter(slug=slug, status__in=PUBLIC_STATUSES)
        .prefetch_related("eligibility_questions", "criteria", "required_documents")
        .first()
    )


# An applicant's account ----------------------------------------------------------------


def organisations_of(user) -> QuerySet[Organisation]:
    """The organisations ``user`` is a member of, each with its members (and their
    users) and the requests to join it that wait for an answer."""
    return (
        Organisation.objects.filter(
            pk__in=Membership.objects.filter(user=user).values("organisation")
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("user"),
                to_attr="members",
            ),
            Prefetch(
                "join_requests",
                queryset=JoinRequest.objects.filter(status=JoinStatus.PENDING).select_related(
                    "user"
                ),
                to_attr="waiting",
            ),
        )
        .order_by("name")
    )


def join_requests_made_by(user) -> QuerySet[JoinRequest]:
    """The requests ``user`` made that wait for an answer."""
    return (
        JoinRequest.objects.filter(user=user, status=JoinStatus.PENDING)
        .select_related("organisation")
        .order_by("requested_at", "pk")
    )


def applications_of(user) -> QuerySet[Application]:
    """Every application of every organisation ``user`` is a member of, newest first."""
    return (
        Application.objects.filter(
            organisation__in=Membership.objects.filter(user=user).values("organisation")
        )
        .select_related("grant_round", "organisation")
        .order_by("-created_at", "-pk")
    )


def organisation_of(user, pk: int) -> Organisation | None:
    """Organisation ``pk`` with its members and waiting requests when ``user`` is one
    of its members; None otherwise, so a page of another organisation is not found."""
    return organisations_of(user).filter(pk=pk).first()
