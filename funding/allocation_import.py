"""The allocations import, checked in Python and written in bulk.

A file of allocations is what ``services.allocation_create`` would record row by row,
under the same rules and with the same messages, columns and row numbers; but the
streams, recipients and themes it names are looked up once for the file, the streams
are locked once (in primary-key order), the budget rule reads each stream's committed
total once and adds the file's rows to it as it goes, and the status table's roles
and the organisation settings are read once. Only a file with no error is written:
new providers, then the allocations and their history in batches, inside the
caller's transaction, with no savepoint per row.

Each row's status is reached as the service reaches it: recorded proposed, then taken
through the steps of the status table (``workflow.STEPS_TO``), each step's roles and
conditions asked of the table, each leaving a history row as a save would.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse

from commissioning.matching import match_key
from commissioning.models import CommissioningRoute, Provider, normalise_name
from commissioning.selectors import ProviderLookalikes
from commissioning.services import NAME_WITHOUT_LETTERS, provider_get_or_create
from pcc_grants.bulk_insert import insert_history, insert_objects
from pcc_grants.models import OrganisationSettings
from pcc_grants.money import format_money
from pcc_grants.roles import user_roles
from pcc_grants.transitions import NO_SUCH_MODE, ONLINE, ROLES_NEEDED, Attempt, Transition
from pcc_grants.years import financial_year_label

from . import services, workflow
from .budget import check_budget, ensure_open, lock_streams, stream_committed
from .import_rows import (
    BAD_ROUTE,
    BAD_STATUS,
    STATUS_NEEDS_A_PERSON,
    UNKNOWN_STREAM,
    ImportResult,
    PlannedRow,
    ProgressReport,
    RowError,
    _duplicate,
    _Row,
    _service_errors,
)
from .models import Allocation, AllocationStatus, FundingStream, PlanTheme

_STATUSES = frozenset(AllocationStatus.values)
# Rows written in one INSERT (and their history in one more per status step).
WRITE_BATCH = 500
# Names looked up in one query.
LOOKUP_BATCH = 1000
# The foreign keys an allocation's ``full_clean`` would look up row by row: the import
# has found or made each record they name.
_LOOKED_UP = ("funding_stream", "recipient", "theme", "agreement", "decision", "replaces")


@dataclass
class AllocationCells:
    """One row's cells, read; ``row`` holds an error for each bad one."""

    start_year: int | None
    stream_name: str
    recipient_name: str
    title: str
    amount: Decimal | None
    status: str
    period_start: date | None
    period_end: date | None
    indicative: bool
    theme_name: str
    route: str
    decision_reference: str
    comments: str
    approved_on: date | None
    conditions: str
    purpose: str
    crime_reduction_reasons: str


def read_allocation_cells(row: _Row, *, by) -> AllocationCells:
    start_year = row.year()
    stream_name = row.text("funding_stream", required=True)
    # The column is required; a blank value means an unnamed pot.
    recipient_name = row.text("recipient")
    title = row.text("title", required=True)
    amount = row.money("amount", required=True)
    status = row.text("status").lower() or AllocationStatus.PROPOSED
    if status not in _STATUSES:
        row.error("status", BAD_STATUS)
    elif status != AllocationStatus.PROPOSED and by is None:
        # Only the status table says who may approve, contract or withdraw: an import
        # made in nobody's name records proposals only.
        row.error("status", STATUS_NEEDS_A_PERSON.format(status=status))
    period_start = row.day("period_start")
    period_end = row.day("period_end")
    indicative = row.yes_no("indicative")
    theme_name = row.text("theme")
    route_text = row.text("route")
    route = CommissioningRoute.from_text(route_text) if route_text else None
    if route_text and route is None:
        codes = ", ".join(choice.value for choice in CommissioningRoute)
        row.error("route", BAD_ROUTE.format(routes=codes))
    return AllocationCells(
        start_year=start_year,
        stream_name=stream_name,
        recipient_name=recipient_name,
        title=title,
        amount=amount,
        status=status,
        period_start=period_start,
        period_end=period_end,
        indicative=indicative,
        theme_name=theme_name,
        route=route.value if route else "",
        decision_reference=row.text("decision_reference"),
        comments=row.text("comments"),
        approved_on=row.day("approved_on"),
        conditions=row.text("conditions"),
        purpose=row.text("purpose"),
        crime_reduction_reasons=row.text("crime_reduction_reasons"),
    )


def find_stream(
    row: _Row, cells: AllocationCells, streams: dict[tuple[int, str], FundingStream | None]
) -> FundingStream | None:
    """The stream the row names, looked up once per name (``streams`` keeps them);
    an error on the row when there is none."""
    if cells.start_year is None or not cells.stream_name:
        return None
    key = (cells.start_year, cells.stream_name.lower())
    if key not in streams:
        streams[key] = (
            FundingStream.objects.select_related("financial_year")
            .filter(financial_year__start_year=cells.start_year, name__iexact=cells.stream_name)
            .first()
        )
    stream = streams[key]
    if stream is None:
        label = financial_year_label(cells.start_year)
        row.error("funding_stream", UNKNOWN_STREAM.format(name=cells.stream_name, year=label))
    return stream


def summary(stream: FundingStream, recipient_name: str, title: str, status_label: str) -> str:
    return (
        f"{stream.financial_year.label} · {stream.name} → {recipient_name}: {title} "
        f"({status_label})"
    )


# Which steps of the status table the bulk path can take without saving in between:
# every effect is one it knows, and none runs after a save.
def bulk_supported() -> bool:
    known = {workflow.within_budget, workflow.date_the_approval}
    return all(
        set(step.effects) <= known and not step.then and not step.requirements
        for steps in workflow.STEPS_TO.values()
        for step in steps
    )


@dataclass
class _Accepted:
    """A row that passed every check, to be written."""

    number: int
    cells: AllocationCells
    stream: FundingStream
    allocation: Allocation
    # The status and approval day after each save the service would make.
    states: list[tuple[str, date | None]]
    recipient_key: str
    note: str


class _Checker:
    """What ``allocation_create`` checks for a row, with what it reads from the database
    read once for the file."""

    def __init__(self, *, by, locked: dict[int, FundingStream]):
        self.by = by
        self.held = user_roles(by)
        self.locked = locked
        self._roles: dict[str, frozenset | None] = {}
        self._settings: OrganisationSettings | None = None
        self._committed: dict[int, Decimal] = {}
        self.providers: dict[str, Provider] = {}
        self._keys: dict[str, str] = {}
        self.conditions = {workflow.within_delegated_limit: self._within_delegated_limit}
        self.effects = {workflow.within_budget: self._within_budget}

    @property
    def settings(self) -> OrganisationSettings:
        if self._settings is None:
            self._settings = OrganisationSettings.load()
        return self._settings

    def key(self, name: str) -> str:
        """The name's match key, worked out once a name: it is the slow part of reading
        one. ``provider_get_or_create`` refuses a name without one."""
        if name not in self._keys:
            self._keys[name] = match_key(name)
        return self._keys[name]

    def find_providers(self, names: list[str]) -> None:
        """The providers recorded under any of these names (as ``naming.recipient_named``
        matches them: by normalised name), read once."""
        wanted = sorted({normalise_name(name) for name in set(names) if self.key(name)})
        for start in range(0, len(wanted), LOOKUP_BATCH):
            found = Provider.objects.filter(
                normalised_name__in=wanted[start : start + LOOKUP_BATCH]
            )
            self.providers.update((provider.normalised_name, provider) for provider in found)

    def recipient(self, name: str) -> tuple[str, str]:
        """The recipient's normalised name and the name it is shown by; a name that
        shows nothing is refused as ``provider_get_or_create`` refuses it."""
        if not name:
            return "", "Unnamed pot"
        if not self.key(name):
            raise ValidationError({"recipient": [NAME_WITHOUT_LETTERS]})
        key = normalise_name(name)
        known = self.providers.get(key)
        return key, known.name if known else " ".join(name.split())

    def accept_recipient(self, key: str, name: str) -> None:
        """The row is kept: a recipient new to the database is recorded by its first
        such row, under that row's spelling."""
        if key and key not in self.providers:
            self.providers[key] = Provider(name=" ".join(name.split()))

    def allocation(self, cells: AllocationCells, stream: FundingStream) -> tuple[Allocation, list]:
        stream = self.locked[stream.pk]
        ensure_open(stream.financial_year)
        allocation = Allocation(
            funding_stream=stream,
            title=cells.title.strip(),
            amount=cells.amount,
            period_start=cells.period_start,
            period_end=cells.period_end,
            indicative=cells.indicative,
            status=AllocationStatus.PROPOSED,
            route=cells.route,
            decision_reference=cells.decision_reference,
            comments=cells.comments,
            conditions=cells.conditions,
            purpose=cells.purpose,
            crime_reduction_reasons=cells.crime_reduction_reasons,
            approved_on=cells.approved_on,
        )
        services._validate_period(allocation, stream.financial_year)
        services._validate_approval_day(allocation)
        # ``full_clean`` without its queries: the records the foreign keys name exist,
        # there is no unique field, and the checks above keep the check constraints.
        allocation.clean_fields(exclude=_LOOKED_UP)
        allocation.clean()
        states = [(allocation.status, allocation.approved_on)]
        for step in workflow.STEPS_TO[cells.status]:
            try:
                self._perform(step, allocation, Attempt(by=self.by, given={"stream": stream}))
            except ValidationError as error:
                if error.code == "not_allowed":
                    raise ValidationError(
                        {"status": error.messages}, code="not_allowed"
                    ) from error
                raise
            states.append((allocation.status, allocation.approved_on))
        return allocation, states

    def accept(self, allocation: Allocation) -> None:
        if allocation.is_committed:
            stream = allocation.funding_stream
            self._committed[stream.pk] = self.committed(stream) + allocation.amount

    def committed(self, stream: FundingStream) -> Decimal:
        """What the stream has committed, with the file's rows kept so far."""
        if stream.pk not in self._committed:
            self._committed[stream.pk] = stream_committed(stream)
        return self._committed[stream.pk]

    # The status table, as ``Workflow.perform`` takes it, on a record not yet saved.

    def _roles_for(self, transition: Transition) -> frozenset | None:
        if transition.name not in self._roles:
            self._roles[transition.name] = transition.roles_for(ONLINE)
        return self._roles[transition.name]

    def _refusal(self, transition: Transition, allocation: Allocation, attempt) -> str | None:
        allowed = self._roles_for(transition)
        if allowed is None:
            return NO_SUCH_MODE.format(label=transition.label)
        if allocation.status not in transition.sources:
            return transition.wrong_state.format(status=allocation.get_status_display().lower())
        if not allowed:
            return transition.nobody
        if not self.held & allowed:
            refusal = transition.mode_refusals.get(ONLINE, ROLES_NEEDED)
            return refusal.format(roles=" or ".join(sorted(role.label for role in allowed)))
        for condition in transition.conditions_for(ONLINE):
            reason = self.conditions.get(condition, condition)(allocation, attempt)
            if reason:
                return reason
        return None

    def _perform(self, transition: Transition, allocation: Allocation, attempt: Attempt) -> None:
        attempt.transition = transition
        reason = self._refusal(transition, allocation, attempt)
        if reason:
            raise ValidationError(reason, code="not_allowed")
        attempt.before = allocation.status
        if transition.target is not None:
            allocation.status = transition.target
        for effect in transition.effects:
            self.effects.get(effect, effect)(allocation, attempt)

    def _within_delegated_limit(self, allocation: Allocation, attempt: Attempt) -> str | None:
        limit = self.settings.delegated_approval_limit
        if limit is not None and allocation.amount > limit:
            return workflow.OVER_DELEGATED_LIMIT.format(
                amount=format_money(allocation.amount), limit=format_money(limit)
            )
        return None

    def _within_budget(self, allocation: Allocation, attempt: Attempt) -> None:
        stream = attempt.given["stream"]
        check_budget(stream, committed=self.committed(stream) + allocation.amount)


def import_allocations(
    records: list[tuple[int, dict]], *, by, dry_run: bool, report: ProgressReport
) -> ImportResult:
    """Check every row, then, if none has an error and this is no dry run, write them
    all. The caller holds the transaction. ``report`` counts two steps a row: checked,
    then written."""
    result = ImportResult(kind="allocations")
    seen: dict = {}
    streams: dict = {}
    read: list[RowError | tuple[_Row, AllocationCells, FundingStream | None]] = []
    for number, values in records:
        duplicate = _duplicate("allocations", number, values, seen)
        if duplicate is not None:
            read.append(duplicate)
            continue
        row = _Row(number, values)
        cells = read_allocation_cells(row, by=by)
        read.append((row, cells, find_stream(row, cells, streams)))

    checker = _Checker(
        by=by, locked=lock_streams(*(stream.pk for stream in streams.values() if stream))
    )
    checker.find_providers(
        [entry[1].recipient_name for entry in read if not isinstance(entry, RowError)]
    )
    lookalikes = ProviderLookalikes()
    accepted: list[_Accepted] = []
    for entry in read:
        report.advance()
        if isinstance(entry, RowError):
            result.errors.append(entry)
            continue
        row, cells, stream = entry
        if row.errors:
            result.errors.extend(row.errors)
            continue
        note = lookalikes.note(cells.recipient_name)
        try:
            key, shown = checker.recipient(cells.recipient_name)
            allocation, states = checker.allocation(cells, stream)
        except ValidationError as error:
            result.errors.extend(_service_errors(row.number, error, default_column="amount"))
            continue
        checker.accept_recipient(key, cells.recipient_name)
        checker.accept(allocation)
        accepted.append(_Accepted(row.number, cells, stream, allocation, states, key, note))
        result.planned.append(
            PlannedRow(
                row.number,
                "create",
                summary(stream, shown, cells.title, allocation.get_status_display().lower()),
                allocation.amount,
                note=note,
            )
        )
    if result.errors or dry_run:
        report.finish()
        return result
    report.checkpoint()
    _write(accepted, by=by, checker=checker, report=report)
    # Each record's address, reversed once for the whole file.
    marker = 9_999_999_999
    address = reverse("funding:allocation_detail", args=[marker])
    result.planned = [
        PlannedRow(
            planned.row,
            planned.action,
            planned.summary,
            planned.amount,
            address.replace(str(marker), str(kept.allocation.pk)),
            planned.note,
        )
        for planned, kept in zip(result.planned, accepted, strict=True)
    ]
    report.finish()
    return result


import_allocations.alters_data = True


# Writing --------------------------------------------------------------------------


def _themes(accepted: list[_Accepted]) -> dict[str, PlanTheme]:
    """Each theme named, found or recorded as ``naming.theme_named`` does, once per
    spelling, in the order the rows name them."""
    themes: dict[str, PlanTheme] = {}
    for kept in accepted:
        name = kept.cells.theme_name
        if name.strip() and name not in themes:
            themes[name] = services.plan_theme_get_or_create(name=name)
    return themes


def _record_providers(providers: dict[str, Provider], *, prefix: str, key) -> None:
    """Record the providers not yet saved, as ``provider_get_or_create`` would: in one
    insert, unless another import has just recorded one of the names, when each is
    found or recorded on its own."""
    new = {key: provider for key, provider in providers.items() if provider.pk is None}
    if not new:
        return
    for provider in new.values():
        provider.normalised_name = normalise_name(provider.name)
        provider.match_key = key(provider.name)
    try:
        with transaction.atomic():
            insert_objects(list(new.values()))
    except IntegrityError:
        for key, provider in new.items():
            providers[key] = provider_get_or_create(name=provider.name)
        return
    pks = [provider.pk for provider in new.values()]
    for start in range(0, len(pks), LOOKUP_BATCH):
        # What ``Provider.identifier`` gives a provider with no registered number.
        Provider.objects.filter(pk__in=pks[start : start + LOOKUP_BATCH]).update(
            org_id=Concat(Value(f"{prefix}-provider-"), Cast("pk", output_field=CharField()))
        )
    for provider in new.values():
        provider.org_id = f"{prefix}-provider-{provider.pk}"


def _write(
    accepted: list[_Accepted],
    *,
    by,
    checker: _Checker,
    report: ProgressReport,
) -> None:
    themes = _themes(accepted)
    providers = checker.providers
    _record_providers(providers, prefix=checker.settings.open_data_prefix, key=checker.key)
    for start in range(0, len(accepted), WRITE_BATCH):
        batch = accepted[start : start + WRITE_BATCH]
        for kept in batch:
            allocation = kept.allocation
            allocation.recipient = providers[kept.recipient_key] if kept.recipient_key else None
            allocation.theme = themes.get(kept.cells.theme_name)
            allocation._history_user = by
        insert_objects([kept.allocation for kept in batch])
        _write_history(batch, by=by)
        report.advance(len(batch))


def _write_history(batch: list[_Accepted], *, by) -> None:
    """The history rows the service's saves leave: one as the allocation is recorded
    (proposed), then one for each status step, each with the status and approval day
    it had then."""
    steps = max(len(kept.states) for kept in batch)
    for step in range(steps):
        taking = [kept for kept in batch if len(kept.states) > step]
        for kept in taking:
            kept.allocation.status, kept.allocation.approved_on = kept.states[step]
        insert_history([kept.allocation for kept in taking], update=step > 0, default_user=by)
    for kept in batch:
        kept.allocation.status, kept.allocation.approved_on = kept.states[-1]
