"""Reading an uploaded CSV or XLSX file as rows of text (DESIGN §5).

A file is recognised by its content, not its name. A file that is neither, or that
was made to exhaust a reader (a zip bomb, a sheet declaring a million empty rows), is
refused with a message saying what it is and, where it helps, how to save it again.
"""

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

MAX_ROWS = 100_000
# Columns past this are never read: a sheet may declare 16,384 of them in a few bytes.
MAX_COLUMNS = 100
# The most rows a sheet can have; a workbook that claims more was made to exhaust a reader.
EXCEL_MAX_ROWS = 1_048_576
MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024

EMPTY_FILE = "The file is empty: it needs a header row and at least one row of data."
NOT_READABLE = (
    "The file is neither a CSV file (UTF-8 text) nor an Excel workbook (.xlsx), "
    "so it cannot be read."
)
# What a file that is not one is, when its first bytes say so.
LOOKS_LIKE = NOT_READABLE + " It is {kind}."
OLD_EXCEL = (
    NOT_READABLE + " It is an Excel 97-2003 workbook (.xls) or another older Office file: "
    "save it as an Excel workbook (.xlsx) and upload that."
)
UTF16 = (
    NOT_READABLE + " It is UTF-16 text: save it as “CSV UTF-8 (Comma delimited)” and upload that."
)
NOT_UTF8 = (
    NOT_READABLE + " Row {row} has a character that is not UTF-8, such as a £ sign saved "
    "by Excel as “CSV (Comma delimited)”: save the file as “CSV UTF-8 (Comma delimited)” "
    "and upload that."
)
WORKBOOK_TOO_BIG = "The workbook expands to more than 50 MB; it cannot be read."
TOO_MANY_ROWS = "The file has more than {limit} rows; split it into smaller files."


class UnreadableFile(ValueError):
    """A file that cannot be read as rows, with the row the problem is on."""

    def __init__(self, message: str, *, row: int = 1):
        super().__init__(message)
        self.row = row


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # openpyxl gives numbers as float; go through repr to keep what was typed.
        return format(Decimal(repr(value)), "f")
    return str(value).strip()


def _is_empty(row: tuple) -> bool:
    # The quick tests first: a crafted sheet may have a million rows of nothing.
    if any(row):
        return False
    return row.count(None) == len(row) or all(cell is None or cell == "" for cell in row)


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    # The sizes a ZIP declares are all that its reader will ever expand (a part that
    # holds more fails its checksum), so checking them refuses a "zip bomb" before
    # anything is decompressed.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
            raise UnreadableFile(WORKBOOK_TOO_BIG)
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        # A sheet may declare a million rows of 16,384 columns in a few bytes, and the
        # reader fills every gap: read at most MAX_COLUMNS of each row, keep empty rows
        # only when data follows them, and stop at the first row of data too many.
        empty_rows = 0
        width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
        cells = sheet.iter_rows(values_only=True, max_col=width)
        for number, row in enumerate(cells, start=1):
            if _is_empty(row):
                if number > EXCEL_MAX_ROWS:
                    raise UnreadableFile(TOO_MANY_ROWS.format(limit=f"{MAX_ROWS:,}"))
                empty_rows += 1
                continue
            if number - 1 > MAX_ROWS:
                raise UnreadableFile(TOO_MANY_ROWS.format(limit=f"{MAX_ROWS:,}"))
            rows.extend([] for _ in range(empty_rows))
            empty_rows = 0
            rows.append([_cell_text(cell) for cell in row])
    finally:
        workbook.close()
    return rows


# Leading bytes of files that are sometimes renamed .csv or .xlsx by mistake.
_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
)


def _undecodable_row(content: bytes, error: UnicodeDecodeError) -> int:
    """The row, as a spreadsheet numbers it, of the first byte that is not UTF-8."""
    before = content[: error.start].decode("utf-8-sig")
    # The rows read up to that byte, plus the one it starts or continues.
    return len(list(csv.reader(io.StringIO(before + "?"))))


def read_rows(content: bytes) -> list[list[str]]:
    """The rows of a CSV or XLSX file as text; raises ValueError with a readable message."""
    if not content.strip():
        raise UnreadableFile(EMPTY_FILE)
    if content[:4] == b"PK\x03\x04":
        try:
            return _read_xlsx(content)
        except UnreadableFile:
            raise
        except Exception as error:  # noqa: BLE001 - any unreadable workbook is one message
            raise UnreadableFile(NOT_READABLE) from error
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile(OLD_EXCEL)
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise UnreadableFile(UTF16)
    head = content[:4096]
    for signature, kind in _SIGNATURES:
        if content.startswith(signature) and (signature != b"MZ" or b"\x00" in head):
            raise UnreadableFile(LOOKS_LIKE.format(kind=kind))
    if b"\x00" in head:
        raise UnreadableFile(NOT_READABLE)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = _undecodable_row(content, error)
        raise UnreadableFile(NOT_UTF8.format(row=row), row=row) from error
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as error:
        raise UnreadableFile(f"The CSV file is malformed: {error}.") from error
