"""Reading an imported round's workbook (``grants.importing``): each sheet's rows as
text, and each row's cells with the allocation import's readers (``funding.importers``),
every problem kept with its sheet, row and column."""

import io
import zipfile
from datetime import datetime, time
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from funding.importers import MISSING_COLUMN, REQUIRED_VALUE, TOO_LONG, YES, _Row
from funding.spreadsheets import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_UNCOMPRESSED,
    TOO_MANY_ROWS,
    WORKBOOK_TOO_BIG,
    _cell_text,
    _is_empty,
)

from .importing_records import ImportProblem

SHEETS = ("round", "criteria", "applications", "reviews")
ROUND_FIELDS = (
    "name",
    "funding_stream",
    "financial_year",
    "budget",
    "opens",
    "closes",
    "minimum_award",
    "maximum_award",
    "score_scale",
)
ROUND_OPTIONAL = ("minimum_award",)

# The most characters each text column can keep (the fields they are saved in).
LIMITS = {
    "name": 200,
    "criterion": 200,
    "reference": 30,
    "organisation": 255,
    "title": 200,
    "theme": 150,
    "reviewer_email": 254,
    "reviewer_name": 300,
    "reviewer_organisation": 255,
}

NOT_A_WORKBOOK = (
    "The file is not an Excel workbook (.xlsx), so it cannot be read: save it as an "
    "Excel workbook and upload that."
)
MISSING_SHEET = "The workbook has no sheet “{sheet}”: it needs the sheets {sheets}."
EMPTY_SHEET = "The sheet is empty: it needs a header row and at least one row."
NO_ROWS = "The sheet has a header row but no rows."
DUPLICATE_COLUMN = "The column “{column}” appears more than once."
UNKNOWN_COLUMN = "The column “{column}” is not one this sheet has; expected: {expected}."
UNKNOWN_CRITERION = (
    "The column “{column}” is not a criterion of the sheet “criteria” (nor one of "
    "{expected}): name each score column as its criterion."
)
MISSING_CRITERION = "The column for the criterion “{criterion}” is missing."
MISSING_FIELD = "The field “{field}” is missing: add a row with “{field}” and its value."
UNKNOWN_FIELD = "“{field}” is not a field of a round; the fields are {fields}."
DUPLICATE_FIELD = "The field “{field}” is already on row {other}."
REQUIRED = "{field}: this field needs a value."
NOT_A_WHOLE_NUMBER = "Enter a whole number, such as 5."
YES_OR_NO = "Enter yes or no."


def _key(text: str) -> str:
    """A column or criterion name as compared: any case, spaces as underscores."""
    return "_".join(str(text).casefold().split())


# Reading the workbook ---------------------------------------------------------------


def _cell(value) -> str:
    # An Excel date-time keeps its time (a submission's moment); a date is a date.
    if isinstance(value, datetime) and value.time() != time(0):
        return value.strftime("%Y-%m-%d %H:%M")
    return _cell_text(value)


def _read_sheet(sheet) -> list[list[str]]:
    """A sheet's rows as text, read as the allocation import reads one: at most
    ``MAX_COLUMNS`` columns, empty rows kept only when data follows them."""
    rows: list[list[str]] = []
    empty_rows = 0
    width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
    for number, row in enumerate(sheet.iter_rows(values_only=True, max_col=width), start=1):
        if _is_empty(row):
            empty_rows += 1
            continue
        if number - 1 > MAX_ROWS:
            raise ValueError(TOO_MANY_ROWS.format(limit=f"{MAX_ROWS:,}"))
        rows.extend([] for _ in range(empty_rows))
        empty_rows = 0
        rows.append([_cell(cell) for cell in row])
    return rows


def read_workbook(content: bytes) -> dict[str, list[list[str]]]:
    """Each sheet's rows as text, by its name in lower case; ValueError if the file
    is not a workbook that can be read."""
    from openpyxl import load_workbook

    if not content.startswith(b"PK\x03\x04"):
        raise ValueError(NOT_A_WORKBOOK)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
                raise ValueError(WORKBOOK_TOO_BIG)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except ValueError:
        raise
    except Exception as error:  # noqa: BLE001 - any unreadable workbook is one message
        raise ValueError(NOT_A_WORKBOOK) from error
    try:
        sheets: dict[str, list[list[str]]] = {}
        for sheet in workbook.worksheets:
            sheets.setdefault(sheet.title.strip().lower(), _read_sheet(sheet))
    except ValueError:
        raise
    except Exception as error:  # noqa: BLE001
        raise ValueError(NOT_A_WORKBOOK) from error
    finally:
        workbook.close()
    return sheets


class _SheetRow(_Row):
    """One row of a sheet: the allocation import's cell readers, each problem kept
    with the sheet's name."""

    def __init__(self, sheet: str, number: int, values: dict, problems: list):
        super().__init__(number, values)
        self.sheet = sheet
        self.problems = problems

    def error(self, column: str, message: str) -> None:
        super().error(column, message)
        self.problems.append(ImportProblem(self.sheet, self.number, column, message))

    def text(self, column: str, *, required: bool = False) -> str:
        value = super().text(column, required=required)
        limit = LIMITS.get(column)
        if limit and len(value) > limit:
            self.error(column, TOO_LONG.format(limit=limit, length=len(value)))
            return ""
        return value

    def moment(self, column: str, *, end_of_day: bool = False) -> datetime | None:
        """A date (the day's start, or its end) or a date and time, Europe/London."""
        value = self.text(column, required=True)
        if not value:
            return None
        for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"):
            try:
                return timezone.make_aware(datetime.strptime(value, pattern))
            except ValueError:
                continue
        day = self.day(column)
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time(23, 59) if end_of_day else time()))

    def whole(self, column: str) -> int | None:
        value = self.text(column, required=True)
        if not value:
            return None
        number = _whole(value)
        if number is None:
            self.error(column, NOT_A_WHOLE_NUMBER)
        return number

    def yes(self, column: str, *, required: bool = True) -> bool:
        """Yes or no; left blank (where that is allowed), no."""
        value = self.text(column, required=required).lower()
        if value and value not in YES and value not in {"no", "n", "false", "0"}:
            self.error(column, YES_OR_NO)
        return value in YES


class _RoundRow(_SheetRow):
    """The ``round`` sheet as one record: each field's problem is on the row of that
    field, in its ``value`` column."""

    def __init__(self, values: dict, rows: dict, problems: list):
        super().__init__("round", 1, values, problems)
        self.rows = rows

    def error(self, column: str, message: str) -> None:
        self.errors.append(message)
        if message == REQUIRED_VALUE:
            message = REQUIRED.format(field=column)
        else:
            message = f"{column}: {message}"
        self.problems.append(ImportProblem("round", self.rows[column], "value", message))


def _whole(text: str) -> int | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)


def _records(sheets, problems, sheet: str, known, required, *, unknown_message=UNKNOWN_COLUMN):
    """The sheet's rows with a value, by column; None when the sheet cannot be read."""
    rows = sheets.get(sheet)
    if rows is None:
        sheets_named = ", ".join(f"“{name}”" for name in SHEETS)
        problems.append(
            ImportProblem(sheet, None, "", MISSING_SHEET.format(sheet=sheet, sheets=sheets_named))
        )
        return None
    if not rows:
        problems.append(ImportProblem(sheet, 1, "", EMPTY_SHEET))
        return None
    header = [_key(cell) for cell in rows[0]]
    found = len(problems)
    for name in required:
        if name not in header:
            problems.append(ImportProblem(sheet, 1, name, MISSING_COLUMN.format(column=name)))
    seen = set()
    expected = ", ".join(known)
    for name in header:
        if not name:
            continue  # a column with no header is not read
        if name in seen:
            problems.append(ImportProblem(sheet, 1, name, DUPLICATE_COLUMN.format(column=name)))
        elif name and name not in known:
            problems.append(
                ImportProblem(
                    sheet, 1, name, unknown_message.format(column=name, expected=expected)
                )
            )
        seen.add(name)
    if len(problems) > found:
        return None
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if any(row):
            values = {name: (row[i] if i < len(row) else "") for i, name in enumerate(header)}
            records.append(_SheetRow(sheet, number, values, problems))
    if not records:
        problems.append(ImportProblem(sheet, 2, "", NO_ROWS))
    return records


# Checking each sheet ----------------------------------------------------------------


def _round_record(sheets, problems) -> _RoundRow | None:
    """The ``round`` sheet's fields, or None when a field is unknown, twice or missing."""
    rows = sheets.get("round")
    if rows is None:
        sheets_named = ", ".join(f"“{name}”" for name in SHEETS)
        message = MISSING_SHEET.format(sheet="round", sheets=sheets_named)
        problems.append(ImportProblem("round", None, "", message))
        return None
    if not rows:
        problems.append(ImportProblem("round", 1, "", EMPTY_SHEET))
        return None
    header = [_key(cell) for cell in rows[0]]
    missing = [name for name in ("field", "value") if name not in header]
    for name in missing:
        problems.append(ImportProblem("round", 1, name, MISSING_COLUMN.format(column=name)))
    if missing:
        return None
    at_field, at_value = header.index("field"), header.index("value")
    values: dict[str, str] = {}
    numbers: dict[str, int] = {}
    found = len(problems)
    for number, row in enumerate(rows[1:], start=2):
        cells = row + [""] * (max(at_field, at_value) + 1 - len(row))
        name, value = _key(cells[at_field]), cells[at_value]
        if not name and not value:
            continue
        if name not in ROUND_FIELDS:
            fields = ", ".join(ROUND_FIELDS)
            problems.append(
                ImportProblem(
                    "round", number, "field", UNKNOWN_FIELD.format(field=name, fields=fields)
                )
            )
        elif name in numbers:
            other = numbers[name]
            problems.append(
                ImportProblem(
                    "round", number, "field", DUPLICATE_FIELD.format(field=name, other=other)
                )
            )
        else:
            values[name], numbers[name] = value, number
    for name in ROUND_FIELDS:
        if name not in numbers and name not in ROUND_OPTIONAL:
            problems.append(ImportProblem("round", 1, "field", MISSING_FIELD.format(field=name)))
    if len(problems) > found:
        return None
    return _RoundRow(values, numbers, problems)


# The sheets' columns, and the template to fill in ---------------------------------------

CRITERIA_COLUMNS = ("criterion", "weight_percent")
APPLICATION_COLUMNS = (
    "reference",
    "organisation",
    "charity_number",
    "company_number",
    "title",
    "amount_requested",
    "theme",
    "submitted_at",
    "eligible",
)
APPLICATION_REQUIRED = (
    "reference",
    "organisation",
    "title",
    "amount_requested",
    "submitted_at",
    "eligible",
)
REVIEW_COLUMNS = (
    "application",
    "reviewer_email",
    "reviewer_name",
    "reviewer_organisation",
    "conflict",
    "recommendation",
    "comment",
)
REVIEW_REQUIRED = ("application", "reviewer_email", "reviewer_name", "conflict")


TEMPLATE = {
    "round": [
        ["field", "value"],
        ["name", "PCC Grant 2013/14"],
        ["funding_stream", "Community Safety Fund"],
        ["financial_year", "2013/14"],
        ["budget", 92943],
        ["opens", "2013-07-01"],
        ["closes", "2013-07-26"],
        ["minimum_award", 500],
        ["maximum_award", 10000],
        ["score_scale", 5],
    ],
    "criteria": [list(CRITERIA_COLUMNS), ["Need and evidence", 100]],
    "applications": [
        list(APPLICATION_COLUMNS),
        [
            "PCCG-2013-001",
            "Living Without Abuse",
            "1155789",
            "",
            "Helpline for victims of domestic abuse",
            9000,
            "Protecting vulnerable people",
            "2013-07-02 14:30",
            "yes",
        ],
    ],
    "reviews": [
        [*REVIEW_COLUMNS, "Need and evidence"],
        [
            "PCCG-2013-001",
            "reviewer@example.org",
            "Jo Reviewer",
            "Leicestershire County Council",
            "no",
            "fund",
            "Clear need, well evidenced.",
            4,
        ],
    ],
}


def template_workbook() -> bytes:
    """The four sheets with their columns and one example row each."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in TEMPLATE.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
