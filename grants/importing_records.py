"""What an imported round makes, once its workbook is checked (``grants.importing``):
the round and its criteria, the organisations (linked to the office's providers), the
applications, the reviewers and their reviews. Called inside the import's transaction."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from commissioning.matching import match_key
from commissioning.models import Provider, ProviderType
from decisions import clock
from funding.models import FundingStream, PlanTheme
from funding.services import plan_theme_get_or_create
from pcc_grants.roles import STAFF_ROLES, Role, has_role

from .applicants import organisations_like
from .models import (
    Application,
    ApplicationStatus,
    Criterion,
    Declaration,
    GrantRound,
    Organisation,
    ReferenceCounter,
    Review,
    Reviewer,
    ReviewEvent,
    ReviewStatus,
    RoundEvent,
    RoundStatus,
    Score,
    Screening,
    canonical_sha256,
    review_content,
)
from .services import _provider_for

# Who an import is recorded as made by, when nobody is named: an account that cannot
# sign in and holds no role.
IMPORTED_RECORDS = "imported-records"
INELIGIBLE_REASON = "Found ineligible when the round was run, before it was imported."
CONFLICT_NATURE = "A conflict of interest declared when the round was run."
# PREFIX-YEAR-NNN, as the product numbers applications.
REFERENCE = re.compile(r"^([A-Za-z0-9]{1,10})-(\d{4})-(\d{1,6})$")


@dataclass(frozen=True)
class ImportProblem:
    """One problem of the workbook: its sheet, its row (the header is row 1; None for
    a missing sheet), its column (blank for the whole row) and what to do."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = [f"sheet '{self.sheet}'"] if self.sheet else []
        where += [f"row {self.row}"] if self.row else []
        where += [f"column '{self.column}'"] if self.column else []
        return ", ".join(where) + (": " if where else "") + self.message


class RecordRefused(Exception):
    """A record the services refused while the import made it."""

    def __init__(self, problem: ImportProblem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class PlannedApplication:
    row: int
    reference: str
    organisation: str
    charity_number: str
    company_number: str
    title: str
    amount: Decimal
    theme: str
    submitted_at: datetime
    eligible: bool

    def content(self) -> dict:
        """The canonical JSON of what the row gave."""
        return {
            "imported": True,
            "reference": self.reference,
            "organisation": {
                "name": self.organisation,
                "charity_number": self.charity_number,
                "company_number": self.company_number,
            },
            "title": self.title,
            "amount_requested": f"{self.amount:f}",
            "theme": self.theme,
            "submitted_at": self.submitted_at.isoformat(),
            "eligible": self.eligible,
        }


@dataclass
class PlannedReview:
    row: int
    reference: str
    email: str
    name: str
    organisation: str
    conflict: bool
    own_organisation: bool
    recommendation: str
    comment: str
    scores: dict[str, int] = field(default_factory=dict)  # criterion name -> score


@dataclass
class ImportPlan:
    stream: FundingStream | None = None
    round: dict = field(default_factory=dict)
    criteria: list[tuple[int, str, Decimal]] = field(default_factory=list)
    applications: list[PlannedApplication] = field(default_factory=list)
    reviews: list[PlannedReview] = field(default_factory=list)


def imported_records_user():
    """The account imports are made by when nobody is named: inactive, no password,
    no role; made the first time it is needed."""
    user, created = get_user_model().objects.get_or_create(
        username=IMPORTED_RECORDS,
        defaults={"first_name": "Imported", "last_name": "records", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _reference_prefix(references: list[str]) -> str:
    prefixes = {match[1] for match in map(REFERENCE.match, references) if match}
    if len(prefixes) == 1 and all(REFERENCE.match(reference) for reference in references):
        return prefixes.pop()
    return GrantRound._meta.get_field("reference_prefix").default


def _keep_counters_ahead(references: list[str]) -> None:
    """A round numbered in the product later must not give an imported number again."""
    highest: dict[tuple[str, int], int] = {}
    for match in filter(None, map(REFERENCE.match, references)):
        key = (match[1], int(match[2]))
        highest[key] = max(highest.get(key, 0), int(match[3]))
    for (prefix, year), last in highest.items():
        counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(
            prefix=prefix, year=year
        )
        if counter.last < last:
            counter.last = last
            counter.save(update_fields=["last"])


def _organisation(planned: PlannedApplication, *, by, counts: dict) -> Organisation:
    """The organisation the row names (by charity number, company number or name),
    or a new one; linked to the office's provider record either way."""
    found = organisations_like(
        name=planned.organisation,
        charity_number=planned.charity_number,
        company_number=planned.company_number,
    )
    if found:
        organisation = found[0][1]
    else:
        kind = ProviderType.CHARITY
        if planned.company_number and not planned.charity_number:
            kind = ProviderType.COMPANY
        organisation = Organisation(
            name=planned.organisation,
            match_key=match_key(planned.organisation),
            organisation_type=kind,
            charity_number=planned.charity_number,
            company_number=planned.company_number,
            created_by=by,
        )
        organisation.full_clean(exclude=["provider", "created_by", "match_key"])
        organisation.save()
        counts["organisations"] += 1
    if organisation.provider_id is None:
        providers_before = Provider.objects.count()
        organisation.provider = _provider_for(organisation)
        organisation.save(update_fields=["provider"])
        counts["providers"] += Provider.objects.count() - providers_before
    return organisation


def _theme(name: str, counts: dict, themes: dict) -> PlanTheme | None:
    if not name:
        return None
    key = name.casefold()
    if key not in themes:
        existed = PlanTheme.objects.filter(name__iexact=name).exists()
        themes[key] = plan_theme_get_or_create(name=name)
        counts["themes"] += 0 if existed else 1
    return themes[key]


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.strip().rpartition(" ")
    return (first, last) if first else (last, "")


def _reviewer(planned: PlannedReview, counts: dict) -> Reviewer:
    """The reviewer with the row's e-mail address (any case), or a new external
    reviewer: an account with no password, in the Reviewer role."""
    found = Reviewer.objects.select_related("user").filter(user__email__iexact=planned.email)
    reviewer = found.first()
    if reviewer is not None:
        return reviewer
    users = get_user_model().objects
    user = users.filter(email__iexact=planned.email).order_by("pk").first()
    if user is None:
        first, last = _split_name(planned.name)
        username = planned.email
        if users.filter(username__iexact=username).exists():
            username = f"{planned.email}-{users.count() + 1}"
        user = users.create(
            username=username, email=planned.email, first_name=first[:150], last_name=last[:150]
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=Role.REVIEWER.value)[0])
    reviewer = Reviewer.objects.create(
        user=user,
        organisation=planned.organisation,
        organisation_key=match_key(planned.organisation) if planned.organisation else "",
        external=not has_role(user, *STAFF_ROLES),
    )
    counts["reviewers"] += 1
    return reviewer


def _review(planned: PlannedReview, application, reviewer, criteria: dict, *, by) -> Review:
    review = Review.objects.create(
        application=application,
        reviewer=reviewer,
        status=ReviewStatus.CONFLICTED if planned.conflict else ReviewStatus.SUBMITTED,
        assigned_by=by,
        declaration=Declaration.CONFLICT if planned.conflict else Declaration.NO_CONFLICT,
        conflict_nature=(planned.comment or CONFLICT_NATURE) if planned.conflict else "",
        automatic_conflict=planned.conflict and planned.own_organisation,
        recommendation=planned.recommendation,
        comment="" if planned.conflict else planned.comment,
        imported=True,
    )
    scores = Score.objects.bulk_create(
        Score(review=review, criterion=criteria[name], score=score)
        for name, score in planned.scores.items()
    )
    review.content = review_content(review, scores)
    review.content_sha256 = canonical_sha256(review.content)
    review.save(update_fields=["content", "content_sha256"])
    ReviewEvent.objects.create(
        review=review,
        action="import",
        label="Imported",
        by=by,
        content_sha256=review.content_sha256,
    )
    return review


def create_round(
    plan: ImportPlan, *, by, source: str = "", progress=None
) -> tuple[GrantRound, dict]:
    """Make every record of a checked workbook, in ``by``'s name; the counts of each
    kind made. Raises ``RecordRefused`` naming the row a service refused.
    ``progress(done, total)``, if given, is told of each application and review row
    made."""
    rows = len(plan.applications) + len(plan.reviews)

    def made(done: int) -> None:
        if progress is not None:
            progress(done, rows)

    made(0)
    counts = dict.fromkeys(
        (
            "rounds",
            "criteria",
            "organisations",
            "providers",
            "themes",
            "applications",
            "reviewers",
            "reviews",
            "scores",
        ),
        0,
    )
    references = [planned.reference for planned in plan.applications]
    fields = plan.round
    grant_round = GrantRound(
        funding_stream=plan.stream,
        slug=slugify(fields["name"])[:100],
        reference_prefix=_reference_prefix(references),
        status=RoundStatus.IN_REVIEW,
        imported=True,
        created_by=by,
        **fields,
    )
    grant_round.full_clean(exclude=["created_by", "decision"])
    grant_round.save()
    counts["rounds"] = 1
    RoundEvent.objects.create(
        grant_round=grant_round,
        action="import",
        label="Imported",
        by=by,
        reason=f"Imported from {source}." if source else "Imported from a workbook.",
    )
    criteria = {}
    for position, (_, name, weight) in enumerate(plan.criteria, start=1):
        criteria[name] = Criterion.objects.create(
            grant_round=grant_round, position=position, name=name, weight_percent=weight
        )
    counts["criteria"] = len(criteria)

    themes: dict = {}
    applications = {}
    now = clock.now()
    for planned in plan.applications:
        try:
            organisation = _organisation(planned, by=by, counts=counts)
        except ValidationError as error:
            message = " ".join(error.messages)
            raise RecordRefused(
                ImportProblem("applications", planned.row, "organisation", message)
            ) from error
        content = planned.content()
        applications[planned.reference] = Application.objects.create(
            grant_round=grant_round,
            organisation=organisation,
            reference=planned.reference,
            title=planned.title,
            amount_requested=planned.amount,
            theme=_theme(planned.theme, counts, themes),
            status=ApplicationStatus.SUBMITTED,
            created_by=by,
            submitted_at=planned.submitted_at,
            content=content,
            content_sha256=canonical_sha256(content),
            screening=Screening.ELIGIBLE if planned.eligible else Screening.INELIGIBLE,
            screening_reason="" if planned.eligible else INELIGIBLE_REASON,
            screened_by=by,
            screened_at=now,
            imported=True,
        )
        made(len(applications))
    counts["applications"] = len(applications)
    _keep_counters_ahead(references)

    for planned in plan.reviews:
        reviewer = _reviewer(planned, counts)
        _review(planned, applications[planned.reference], reviewer, criteria, by=by)
        counts["reviews"] += 1
        counts["scores"] += len(planned.scores)
        made(len(applications) + counts["reviews"])
    return grant_round, counts
