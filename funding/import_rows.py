"""What the imports share: the columns, the messages, reading a file into rows and
each row's cells, and the result a page or command reports.

Every error is reported with its row number as a spreadsheet numbers it (the header
is row 1) and its column.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from commissioning.models import Provider
from pcc_grants.forms import TEXT_MAX_LENGTH
from pcc_grants.money import parse_money
from pcc_grants.years import financial_year_label

from .models import Allocation, FinancialYear, FundingSource, FundingStream, PlanTheme
from .spreadsheets import EMPTY_FILE, MAX_ROWS, TOO_MANY_ROWS, read_rows

FUNDING_COLUMNS = (
    "financial_year",
    "name",
    "source",
    "budget",
    "carried_forward",
    "over_allocation_tolerance_percent",
    "ring_fenced",
    "parent",
    "description",
    "crime_and_disorder_reduction",
)
FUNDING_REQUIRED = ("financial_year", "name")

ALLOCATION_COLUMNS = (
    "financial_year",
    "funding_stream",
    "recipient",
    "title",
    "amount",
    "status",
    "period_start",
    "period_end",
    "indicative",
    "theme",
    "route",
    "decision_reference",
    "comments",
    "approved_on",
    "conditions",
    "purpose",
    "crime_reduction_reasons",
)
ALLOCATION_REQUIRED = ("financial_year", "funding_stream", "recipient", "title", "amount")
# Columns an export writes that an import reads past: the system numbers each
# allocation it creates (``A000145``).
ALLOCATION_EXPORT_ONLY = ("reference",)


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# The most characters each text column can keep; other text columns (description,
# comments) have the forms' limit for free text.
COLUMN_MAX_LENGTHS = {
    "name": _max_length(FundingStream, "name"),
    "source": _max_length(FundingSource, "name"),
    "parent": _max_length(FundingStream, "name"),
    "funding_stream": _max_length(FundingStream, "name"),
    "recipient": _max_length(Provider, "name"),
    "title": _max_length(Allocation, "title"),
    "theme": _max_length(PlanTheme, "name"),
    "decision_reference": _max_length(Allocation, "decision_reference"),
}

NO_DATA_ROWS = "The file has a header row but no data."
NUL_CHARACTER = (
    "This cell holds a NUL character (\\x00), which cannot be stored: "
    "remove it and upload the file again."
)
TOO_LONG = "Use at most {limit:,} characters here: this cell has {length:,}."
DUPLICATE_ROW = "This row repeats row {other} exactly: remove one, or tell them apart."
DUPLICATE_STREAM = (
    "The funding stream “{name}” in {year} is already on row {other}: "
    "each stream may appear once in a file."
)
MISSING_COLUMN = "The required column “{column}” is missing."
DUPLICATE_COLUMN = "The column “{column}” appears more than once."
UNKNOWN_COLUMN = "The column “{column}” is not one this import knows; expected: {expected}."
REQUIRED_VALUE = "This column needs a value."
BAD_YEAR = "Enter a financial year such as 2016/17."
BAD_DATE = "Enter a real date such as 2016-04-01 or 01/04/2016."
BAD_YES_NO = "Enter yes or no."
BAD_PERCENT = "Enter a percentage between 0 and 100, such as 10."
BAD_STATUS = "Enter one of: proposed, approved, contracted, withdrawn."
STATUS_NEEDS_A_PERSON = (
    "This row is {status}: it must be imported in the name of someone allowed to make it "
    "{status}. Run the import with --as USERNAME, or import it as proposed."
)
BAD_ROUTE = "Not a commissioning route: enter one of {routes}."
UNKNOWN_STREAM = "There is no funding stream “{name}” in {year}."
UNKNOWN_PARENT = "There is no funding stream “{name}” in {year} to be part of."

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class PlannedRow:
    row: int
    action: str  # "create" or "update"
    summary: str
    amount: Decimal | None = None
    url: str = ""  # the record's page (meaningful once the import is saved)
    note: str = ""  # what to check before confirming, such as a lookalike recipient


@dataclass
class ImportResult:
    kind: str
    planned: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def noted(self) -> list[PlannedRow]:
        return [row for row in self.planned if row.note]

    @property
    def total_amount(self) -> Decimal:
        return sum((row.amount or Decimal("0") for row in self.planned), Decimal("0"))


class _RowInvalid(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors


def _records(
    content: bytes, columns: tuple[str, ...], required: tuple[str, ...]
) -> tuple[list[tuple[int, dict]], list[RowError]]:
    try:
        rows = read_rows(content)
    except ValueError as error:
        return [], [RowError(getattr(error, "row", 1), "", str(error))]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        return [], [RowError(1, "", EMPTY_FILE)]
    header = [name.strip().lower().replace(" ", "_") for name in rows[0]]
    errors = []
    seen = set()
    for name in header:
        if name in seen and name:
            errors.append(RowError(1, name, DUPLICATE_COLUMN.format(column=name)))
        seen.add(name)
    for name in required:
        if name not in header:
            errors.append(RowError(1, name, MISSING_COLUMN.format(column=name)))
    for name in header:
        if name and name not in columns:
            errors.append(
                RowError(1, name, UNKNOWN_COLUMN.format(column=name, expected=", ".join(columns)))
            )
    if len(rows) - 1 > MAX_ROWS:
        errors.append(RowError(1, "", TOO_MANY_ROWS.format(limit=f"{MAX_ROWS:,}")))
    if errors:
        return [], errors
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell for cell in row):
            continue
        records.append(
            (number, {name: (row[i] if i < len(row) else "") for i, name in enumerate(header)})
        )
    if not records:
        return [], [RowError(2, "", NO_DATA_ROWS)]
    return records, []


# Reading cells ----------------------------------------------------------------------


class _Row:
    """One row's values, collecting an error per bad cell."""

    def __init__(self, number: int, values: dict):
        self.number = number
        self.values = values
        self.errors: list[RowError] = []

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.values.get(column, "").strip()
        if "\x00" in value:
            # PostgreSQL cannot store it; SQLite would, and the two would disagree.
            self.error(column, NUL_CHARACTER)
            return ""
        limit = COLUMN_MAX_LENGTHS.get(column, TEXT_MAX_LENGTH)
        if len(value) > limit:
            self.error(column, TOO_LONG.format(limit=limit, length=len(value)))
            return ""
        if required and not value:
            self.error(column, REQUIRED_VALUE)
        return value

    def money(self, column: str, *, required: bool = False, tbd: bool = False):
        value = self.text(column, required=required)
        if not value or (tbd and value.upper() in {"TBD", "TBC"}):
            return None
        try:
            return parse_money(value)
        except ValidationError as error:
            self.error(column, error.messages[0])
            return None

    def year(self, column: str = "financial_year") -> int | None:
        value = self.text(column, required=True)
        if not value:
            return None
        start = FinancialYear.start_year_from_label(value)
        if start is None or not 2000 <= start <= 2100:
            self.error(column, BAD_YEAR)
            return None
        return start

    def day(self, column: str) -> date | None:
        value = self.text(column)
        if not value:
            return None
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(value, pattern).date()
            except ValueError:
                continue
        self.error(column, BAD_DATE)
        return None

    def yes_no(self, column: str) -> bool:
        value = self.text(column).lower()
        if value in YES:
            return True
        if value not in NO:
            self.error(column, BAD_YES_NO)
        return False

    def percent(self, column: str) -> Decimal:
        value = self.text(column).rstrip("%").strip()
        if not value:
            return Decimal("0.00")
        try:
            percent = Decimal(value)
        except InvalidOperation:
            self.error(column, BAD_PERCENT)
            return Decimal("0.00")
        if not percent.is_finite() or not Decimal("0") <= percent <= Decimal("100"):
            self.error(column, BAD_PERCENT)
            return Decimal("0.00")
        return percent.quantize(Decimal("0.01"))

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise _RowInvalid(self.errors)


def _service_errors(number: int, error: ValidationError, *, default_column: str) -> list[RowError]:
    if hasattr(error, "error_dict"):
        found = []
        for name, messages in error.message_dict.items():
            column = default_column if name == NON_FIELD_ERRORS else name
            found.extend(RowError(number, column, message) for message in messages)
        return found
    return [RowError(number, default_column, message) for message in error.messages]


def _duplicate(kind: str, number: int, values: dict, seen: dict) -> RowError | None:
    """The error for a row that repeats an earlier one of the file, or None.

    Two identical allocation rows are one grant typed twice far more often than two
    grants that nothing tells apart; a stream named twice would be created by one row
    and silently overwritten by the other.
    """
    if kind == "allocations":
        key = tuple(value.strip().casefold() for value in values.values())
        other = seen.setdefault(key, number)
        if other != number:
            return RowError(number, "", DUPLICATE_ROW.format(other=other))
        return None
    start_year = FinancialYear.start_year_from_label(values.get("financial_year", ""))
    name = " ".join(values.get("name", "").split())
    if start_year is None or not name:
        return None
    other = seen.setdefault((start_year, name.casefold()), number)
    if other != number:
        year = financial_year_label(start_year)
        return RowError(number, "name", DUPLICATE_STREAM.format(name=name, year=year, other=other))
    return None


# Progress ---------------------------------------------------------------------------

# ``progress(done, total)``: how far an import has gone, for a progress bar.
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 500


class ProgressReport:
    """Calls ``progress(done, total)`` at least every ``PROGRESS_EVERY`` steps and when
    the last step is done; does nothing without a ``progress``."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress = progress
        self.total = total
        self.done = 0
        self.reported: int | None = None

    def _report(self) -> None:
        self.reported = self.done
        self.progress(self.done, self.total)

    def advance(self, steps: int = 1) -> None:
        self.done = min(self.done + steps, self.total)
        if self.progress is not None and (
            self.done == self.total or self.done - (self.reported or 0) >= PROGRESS_EVERY
        ):
            self._report()

    def checkpoint(self) -> None:
        """A phase has ended: say how far it got."""
        if self.progress is not None and self.reported != self.done:
            self._report()

    def finish(self) -> None:
        """Every step is done (those left were not needed: a refused file, a dry run)."""
        self.done = self.total
        if self.progress is not None and self.reported != self.total:
            self._report()
