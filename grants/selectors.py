"""Reads for the staff's grant round pages: each counted and summed in the database,
so that a page asks the same number of questions of it however many applications a
round holds."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from pcc_grants.money import format_money

from .models import (
    Application,
    ApplicationStatus,
    GrantRound,
    JoinRequest,
    JoinStatus,
    RoundEvent,
    Screening,
)

SUBMITTED = Q(applications__status=ApplicationStatus.SUBMITTED)
# What staff see of a round's applications: drafts are the applicant's until submitted.
STAFF_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN)
TENTH = Decimal("0.1")


def rounds_for_staff() -> QuerySet[GrantRound]:
    """Every round, newest first (a draft without dates at the top), with its
    submitted applications counted and their requests summed."""
    return (
        GrantRound.objects.select_related("funding_stream__financial_year")
        .annotate(
            submitted_count=Count("applications", filter=SUBMITTED),
            requested_total=Sum("applications__amount_requested", filter=SUBMITTED),
        )
        .order_by(F("opens_at").desc(nulls_first=True), "-pk")
    )


@dataclass(frozen=True)
class RoundSummary:
    submitted: int
    eligible: int
    ineligible: int
    not_screened: int
    withdrawn: int
    drafts: int
    requested: Decimal
    budget: Decimal

    @property
    def ratio(self) -> Decimal | None:
        """The requests over the fund, to one decimal place (3.2 times)."""
        if not self.budget:
            return None
        return (self.requested / self.budget).quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def sentence(self) -> str:
        """ "Requests total £311,000: 3.2 times the fund of £96,000"."""
        if not self.submitted:
            fund = format_money(self.budget)
            return f"No application has been submitted yet. The fund is {fund}."
        return (
            f"Requests total {format_money(self.requested)}: {self.ratio} times the fund of "
            f"{format_money(self.budget)}"
        )


def round_summary(grant_round: GrantRound) -> RoundSummary:
    """The round's applications counted by status and screening, in one query."""
    submitted = Q(status=ApplicationStatus.SUBMITTED)
    totals = grant_round.applications.aggregate(
        submitted=Count("pk", filter=submitted),
        eligible=Count("pk", filter=submitted & Q(screening=Screening.ELIGIBLE)),
        ineligible=Count("pk", filter=submitted & Q(screening=Screening.INELIGIBLE)),
        not_screened=Count("pk", filter=submitted & Q(screening=Screening.NOT_SCREENED)),
        withdrawn=Count("pk", filter=Q(status=ApplicationStatus.WITHDRAWN)),
        drafts=Count("pk", filter=Q(status=ApplicationStatus.DRAFT)),
        requested=Sum("amount_requested", filter=submitted),
    )
    return RoundSummary(
        submitted=totals["submitted"],
        eligible=totals["eligible"],
        ineligible=totals["ineligible"],
        not_screened=totals["not_screened"],
        withdrawn=totals["withdrawn"],
        drafts=totals["drafts"],
        requested=totals["requested"] or Decimal("0"),
        budget=grant_round.budget,
    )


def round_applications(
    grant_round: GrantRound, *, status: str = "", screening: str | None = None
) -> QuerySet[Application]:
    """The round's submitted and withdrawn applications, by reference, with what the
    table shows of each joined; ``status`` and ``screening`` narrow them."""
    applications = grant_round.applications.filter(status__in=STAFF_STATUSES)
    if status:
        applications = applications.filter(status=status)
    if screening is not None:
        applications = applications.filter(status=ApplicationStatus.SUBMITTED, screening=screening)
    return applications.select_related("organisation", "theme").order_by("reference", "pk")


def round_events(grant_round: GrantRound) -> QuerySet[RoundEvent]:
    return grant_round.events.select_related("by").order_by("at", "pk")


def application_for_staff(pk: int) -> Application | None:
    """A submitted or withdrawn application with its round and organisation; None for
    a draft (it is the applicant's until submitted) or one that does not exist."""
    return (
        Application.objects.filter(status__in=STAFF_STATUSES)
        .select_related(
            "grant_round__funding_stream__financial_year",
            "organisation",
            "theme",
            "submitted_by",
            "screened_by",
        )
        .filter(pk=pk)
        .first()
    )


def pending_join_requests() -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(status=JoinStatus.PENDING)
        .select_related("user", "organisation")
        .order_by("requested_at", "pk")
    )


@dataclass(frozen=True)
class Weights:
    total: Decimal
    message: str

    @property
    def complete(self) -> bool:
        return self.total == HUNDRED


HUNDRED = Decimal("100")


def weights_summary(total: Decimal | None) -> Weights:
    """The criteria's weights added up, and what that means for opening the round."""
    if total is None:
        return Weights(Decimal("0"), "Some weights are not numbers yet, so no total is shown.")
    shown = f"{total.normalize():f} %"
    if total == HUNDRED:
        return Weights(total, f"The weights add up to {shown}.")
    return Weights(
        total,
        f"The weights add up to {shown}, not 100 %: the round cannot open until they do.",
    )
