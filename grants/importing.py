"""Import of a past or paper round from an Excel workbook, for the office's history
and for rounds run outside the product (docs/grants.md, "Importing a past round").

The workbook has four sheets: ``round`` (rows of ``field, value``), ``criteria``,
``applications`` and ``reviews``. All or nothing: every problem is collected, with its
sheet, its row as the spreadsheet numbers it (the header is row 1) and its column, and
a workbook with any problem saves nothing. A dry run checks everything, makes every
record in a transaction, and rolls it back.

Cells are read with the allocation import's helpers (``funding.importers``): money,
dates (``2016-04-01``, ``01/04/2016`` or an Excel date), financial years and yes/no.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from commissioning.matching import match_key
from commissioning.models import CHARITY_NUMBER, COMPANY_NUMBER
from funding.importers import UNKNOWN_STREAM
from funding.models import FundingStream
from pcc_grants.money import format_money
from pcc_grants.roles import EDITORS, has_role
from pcc_grants.years import financial_year_label

from . import workflow
from .applicants import organisations_like
from .importing_records import (
    ImportPlan,
    ImportProblem,
    PlannedApplication,
    PlannedReview,
    RecordRefused,
    create_round,
    imported_records_user,
)
from .importing_workbook import (
    APPLICATION_COLUMNS,
    APPLICATION_REQUIRED,
    CRITERIA_COLUMNS,
    REVIEW_COLUMNS,
    REVIEW_REQUIRED,
    UNKNOWN_CRITERION,
    _key,
    _records,
    _round_record,
    _RoundRow,
    _SheetRow,
    _whole,
    read_workbook,
)
from .models import Application, GrantRound, Reviewer
from .services import EDITORS_ONLY

RECOMMENDATIONS = {"fund": "fund", "fund in part": "fund_in_part", "do not fund": "do_not_fund"}
HUNDRED = Decimal("100")

ROUND_NAME_USED = "A round named “{name}” is already recorded: give this one another name."
ROUND_SLUG_USED = (
    "A round with the address “{slug}” is already recorded (“{other}”): give this one "
    "another name."
)
NAME_WITHOUT_LETTERS = "Give the round a name with letters or digits in it."
SCALE_RANGE = "The scale runs from 0 to a whole number between 1 and 100, such as 5."
BUDGET_ZERO = "The budget must be more than £0."
MAX_BELOW_MIN = "The maximum award must be at least the minimum award ({minimum})."
MAX_ABOVE_BUDGET = "The maximum award is more than the round's budget ({budget})."
OVER_STREAM = "The round's budget of {budget} is more than the {left} {stream} has available."
CLOSES_BEFORE_OPENS = "The round must close after it opens."
WEIGHT_ZERO = "Enter a weight above 0."
DUPLICATE_CRITERION = "The criterion “{name}” is already on row {other}."
WEIGHTS_NOT_100 = "The criteria's weights add up to {total} %: they must add up to 100 %."
DUPLICATE_REFERENCE = "The reference “{reference}” is already on row {other}."
REFERENCE_RECORDED = "An application numbered “{reference}” is already recorded ({round})."
BAD_NUMBER = "{message}"
UNKNOWN_APPLICATION = "There is no application “{reference}” in the sheet “applications”."
DUPLICATE_REVIEW = "{email} already reviews {reference} on row {other}."
BAD_EMAIL = "Enter an e-mail address, such as name@example.org."
BAD_RECOMMENDATION = "Enter fund, fund in part or do not fund."
RECOMMENDATION_NEEDED = "Enter the recommendation: fund, fund in part or do not fund."
CONFLICT_NO_RECOMMENDATION = (
    "This review declares a conflict of interest: leave the recommendation blank."
)
CONFLICT_NO_SCORES = "This review declares a conflict of interest: leave every score blank."
OWN_ORGANISATION = (
    "The reviewer is from {organisation}, the applicant: enter conflict yes and leave "
    "the scores blank."
)
SCORE_NEEDED = "Enter a score for “{criterion}”: a whole number from 0 to {scale}."
SCORE_NOT_WHOLE = "Score {score} is not a whole number from 0 to {scale}."
SCORE_ABOVE_SCALE = "Score {score} is above the scale of {scale}."


# What each count of an import's summary counts.
KINDS = {
    "rounds": "Rounds",
    "criteria": "Criteria",
    "organisations": "Organisations",
    "providers": "Providers",
    "themes": "Plan themes",
    "applications": "Applications",
    "reviewers": "Reviewers",
    "reviews": "Reviews",
    "scores": "Scores",
}


@dataclass
class ImportSummary:
    problems: list[ImportProblem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    saved: bool = False
    round_name: str = ""
    round_pk: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """What was (or would be) created, one line per kind, for people to read."""
        return [f"{KINDS[kind]}: {count}" for kind, count in self.created.items()]


def _check_round(record: _RoundRow, plan: ImportPlan) -> int | None:
    """The round's fields into ``plan``; its scale, for the reviews' scores."""
    name = record.text("name", required=True)
    start_year = record.year("financial_year")
    stream_name = record.text("funding_stream", required=True)
    budget = record.money("budget", required=True)
    minimum = record.money("minimum_award") or Decimal("0.00")
    maximum = record.money("maximum_award", required=True)
    opens = record.moment("opens")
    closes = record.moment("closes", end_of_day=True)
    scale = record.whole("score_scale")
    if scale is not None and not 1 <= scale <= 100:
        record.error("score_scale", SCALE_RANGE)
        scale = None
    if name:
        slug = slugify(name)[:100]
        same_slug = GrantRound.objects.filter(slug=slug).first() if slug else None
        if not slug:
            record.error("name", NAME_WITHOUT_LETTERS)
        elif GrantRound.objects.filter(name__iexact=name).exists():
            record.error("name", ROUND_NAME_USED.format(name=name))
        elif same_slug is not None:
            record.error("name", ROUND_SLUG_USED.format(slug=slug, other=same_slug.name))
    if start_year is not None and stream_name:
        # Locked, as when a round opens: two imports at once cannot both take the
        # stream's last pounds.
        plan.stream = (
            FundingStream.objects.select_for_update(of=("self",))
            .select_related("financial_year")
            .filter(financial_year__start_year=start_year, name__iexact=stream_name)
            .first()
        )
        if plan.stream is None:
            year = financial_year_label(start_year)
            record.error("funding_stream", UNKNOWN_STREAM.format(name=stream_name, year=year))
    if budget is not None and budget <= 0:
        record.error("budget", BUDGET_ZERO)
        budget = None
    if maximum is not None and maximum < minimum:
        record.error("maximum_award", MAX_BELOW_MIN.format(minimum=format_money(minimum)))
    elif maximum is not None and budget is not None and maximum > budget:
        record.error("maximum_award", MAX_ABOVE_BUDGET.format(budget=format_money(budget)))
    if opens and closes and closes <= opens:
        record.error("closes", CLOSES_BEFORE_OPENS)
    if plan.stream is not None and budget is not None:
        # The budget rule a round opened here meets: the stream can hold it.
        left = workflow.money_left_for(GrantRound(funding_stream=plan.stream, budget=budget))
        if budget > left:
            record.error(
                "budget",
                OVER_STREAM.format(
                    budget=format_money(budget), left=format_money(left), stream=plan.stream
                ),
            )
    plan.round = {
        "name": name,
        "budget": budget,
        "opens_at": opens,
        "closes_at": closes,
        "minimum_award": minimum,
        "maximum_award": maximum,
        "score_scale": scale,
    }
    return scale


def _check_criteria(records, plan: ImportPlan, problems) -> None:
    seen: dict[str, int] = {}
    weights_read = True
    for row in records:
        name = row.text("criterion", required=True)
        found = len(row.errors)
        weight = (
            row.percent("weight_percent") if row.text("weight_percent", required=True) else None
        )
        if weight is not None and len(row.errors) == found and weight <= 0:
            row.error("weight_percent", WEIGHT_ZERO)
        if weight is None or len(row.errors) > found:
            weights_read = False
        if name:
            other = seen.setdefault(_key(name), row.number)
            if other != row.number:
                row.error("criterion", DUPLICATE_CRITERION.format(name=name, other=other))
        plan.criteria.append((row.number, name, weight))
    if records and weights_read:
        total = sum((weight for _, _, weight in plan.criteria), Decimal("0"))
        if total != HUNDRED:
            message = WEIGHTS_NOT_100.format(total=f"{total.normalize():f}")
            problems.append(
                ImportProblem("criteria", records[-1].number, "weight_percent", message)
            )


def _registered_number(row: _SheetRow, column: str, validator) -> str:
    value = row.text(column)
    value = value.upper() if column == "company_number" else value
    if value:
        try:
            validator(value)
        except ValidationError as error:
            row.error(column, error.messages[0])
            return ""
    return value


def _check_applications(records, plan: ImportPlan) -> dict[str, set[str]]:
    """The applications into ``plan``; each reference's organisation keys (what a
    reviewer's organisation is compared with)."""
    seen: dict[str, int] = {}
    keys: dict[str, set[str]] = {}
    for row in records:
        reference = row.text("reference", required=True)
        organisation = row.text("organisation", required=True)
        charity_number = _registered_number(row, "charity_number", CHARITY_NUMBER)
        company_number = _registered_number(row, "company_number", COMPANY_NUMBER)
        title = row.text("title", required=True)
        amount = row.money("amount_requested", required=True)
        theme = row.text("theme")
        submitted_at = row.moment("submitted_at")
        eligible = row.yes("eligible")
        if organisation and not match_key(organisation):
            row.error("organisation", "Give the organisation's name, with letters in it.")
        if reference:
            other = seen.setdefault(reference, row.number)
            recorded = Application.objects.filter(reference=reference).select_related(
                "grant_round"
            )
            if other != row.number:
                row.error(
                    "reference", DUPLICATE_REFERENCE.format(reference=reference, other=other)
                )
            elif recorded.exists():
                which = recorded.first().grant_round.name
                row.error("reference", REFERENCE_RECORDED.format(reference=reference, round=which))
            else:
                keys[reference] = {match_key(organisation)} if organisation else set()
                for _, existing in organisations_like(
                    name=organisation, charity_number=charity_number, company_number=company_number
                ):
                    keys[reference].add(existing.match_key)
        plan.applications.append(
            PlannedApplication(
                row.number,
                reference,
                organisation,
                charity_number,
                company_number,
                title,
                amount,
                theme,
                submitted_at,
                eligible,
            )
        )
    return keys


def _score(row: _SheetRow, column: str, criterion: str, scale: int | None, conflict: bool):
    text = row.text(column)
    if conflict:
        if text:
            row.error(column, CONFLICT_NO_SCORES)
        return None
    if not text:
        row.error(column, SCORE_NEEDED.format(criterion=criterion, scale=scale or "the scale"))
        return None
    score = _whole(text)
    if score is None or score < 0:
        row.error(column, SCORE_NOT_WHOLE.format(score=text, scale=scale or "the scale"))
        return None
    if scale is not None and score > scale:
        row.error(column, SCORE_ABOVE_SCALE.format(score=score, scale=scale))
        return None
    return score


def _check_reviews(records, plan: ImportPlan, organisation_keys, scale) -> None:
    criteria = {_key(name): name for _, name, _ in plan.criteria if name}
    seen: dict[tuple[str, str], int] = {}
    known_reviewers: dict[str, str] = {}
    listed = {planned.reference for planned in plan.applications}
    for row in records:
        reference = row.text("application", required=True)
        email = row.text("reviewer_email", required=True).lower()
        name = row.text("reviewer_name", required=True)
        organisation = row.text("reviewer_organisation")
        conflict = row.yes("conflict", required=False)
        recommendation = " ".join(row.text("recommendation").lower().split())
        comment = row.text("comment")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.error("reviewer_email", BAD_EMAIL)
                email = ""
        if reference and reference not in listed:
            row.error("application", UNKNOWN_APPLICATION.format(reference=reference))
        if reference and email:
            other = seen.setdefault((reference, email), row.number)
            if other != row.number:
                message = DUPLICATE_REVIEW.format(email=email, reference=reference, other=other)
                row.error("reviewer_email", message)
        scores = {}
        for column, criterion in criteria.items():
            score = _score(row, column, criterion, scale, conflict)
            if score is not None:
                scores[criterion] = score
        if conflict and recommendation:
            row.error("recommendation", CONFLICT_NO_RECOMMENDATION)
        elif not conflict and not recommendation:
            row.error("recommendation", RECOMMENDATION_NEEDED)
        elif not conflict and recommendation not in RECOMMENDATIONS:
            row.error("recommendation", BAD_RECOMMENDATION)
        if email and not organisation:
            if email not in known_reviewers:
                reviewer = Reviewer.objects.filter(user__email__iexact=email).first()
                known_reviewers[email] = reviewer.organisation if reviewer else ""
            organisation = known_reviewers[email]
        own = bool(organisation) and match_key(organisation) in organisation_keys.get(
            reference, ()
        )
        if own and not conflict:
            row.error("conflict", OWN_ORGANISATION.format(organisation=organisation))
        plan.reviews.append(
            PlannedReview(
                row.number,
                reference,
                email,
                name,
                organisation,
                conflict,
                own,
                RECOMMENDATIONS.get(recommendation, ""),
                comment,
                scores,
            )
        )


# Running an import ------------------------------------------------------------------


def _check(content: bytes, problems: list[ImportProblem]) -> ImportPlan:
    plan = ImportPlan()
    try:
        sheets = read_workbook(content)
    except ValueError as error:
        problems.append(ImportProblem("", None, "", str(error)))
        return plan
    scale = None
    record = _round_record(sheets, problems)
    if record is not None:
        scale = _check_round(record, plan)
    criteria = _records(sheets, problems, "criteria", CRITERIA_COLUMNS, CRITERIA_COLUMNS)
    if criteria:
        _check_criteria(criteria, plan, problems)
    applications = _records(
        sheets, problems, "applications", APPLICATION_COLUMNS, APPLICATION_REQUIRED
    )
    keys = _check_applications(applications, plan) if applications else {}
    scored = tuple(_key(name) for _, name, _ in plan.criteria if name)
    reviews = _records(
        sheets,
        problems,
        "reviews",
        REVIEW_COLUMNS + scored,
        REVIEW_REQUIRED + scored,
        unknown_message=UNKNOWN_CRITERION,
    )
    if reviews:
        _check_reviews(reviews, plan, keys, scale)
    return plan


def round_import(
    *, content: bytes, by=None, dry_run: bool = False, source: str = "", progress=None
) -> ImportSummary:
    """Import a past or paper round from an XLSX workbook, all or nothing, in ``by``'s
    name: someone who sets up and runs rounds, or the "imported-records" account when
    nobody is named. Every problem is listed; with any, or on a dry run, nothing is
    saved. ``source`` names the file in the round's history; ``progress(done, total)``
    is told of the application and review rows as they are made."""
    summary = ImportSummary(dry_run=dry_run)
    if by is not None and not has_role(by, *EDITORS):
        summary.problems.append(ImportProblem("", None, "", EDITORS_ONLY))
        return summary
    with transaction.atomic():
        plan = _check(content, summary.problems)
        if not summary.problems:
            try:
                grant_round, counts = create_round(
                    plan, by=by or imported_records_user(), source=source, progress=progress
                )
            except RecordRefused as refused:
                summary.problems.append(refused.problem)
            else:
                summary.created = counts
                summary.round_name = grant_round.name
                summary.round_pk = None if dry_run else grant_round.pk
        if summary.problems or dry_run:
            transaction.set_rollback(True)
        else:
            summary.saved = True
    return summary


round_import.alters_data = True
