"""Writing tables as CSV or XLSX, for downloads and commands alike."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation

from django.http import HttpResponse, StreamingHttpResponse

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Spreadsheet programs run cells starting with these as formulas.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(cell):
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS) and not _is_number(cell):
        return "'" + cell
    return cell


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def csv_bytes(rows: list[list]) -> bytes:
    """Text: money as ``9400.00``, dates as ``2016-04-01`` (ISO), as the imports read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_safe(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


MONEY_FORMAT = '"£"#,##0.00'
DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = 60


def _width(cell) -> int:
    if isinstance(cell, Decimal):
        return len(f"£{cell:,.2f}")
    if isinstance(cell, date):
        return 10
    return max((len(line) for line in str(cell or "").splitlines()), default=0)


def xlsx_bytes(rows: list[list], *, title: str = "Sheet1") -> bytes:
    """A workbook of one named sheet: the header bold and frozen, columns as wide as
    what they hold, money (``Decimal``) as numbers shown in pounds, dates as dates,
    text as text (formula-looking text defused)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    widths: dict[int, int] = {}
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths.get(index, 0), _width(cell))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(width + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_safe(value))
            if number == 0:
                cell.font = bold
            elif isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(
    rows: list[list], *, filename: str, file_format: str, title: str = ""
) -> HttpResponse:
    """The table as a file to download; ``title`` names the XLSX sheet (by default the
    file's name: "allocations" gives "Allocations")."""
    if file_format == "xlsx":
        sheet = title or filename.replace("-", " ").replace("_", " ").capitalize()
        content, content_type, extension = xlsx_bytes(rows, title=sheet), XLSX_TYPE, "xlsx"
    else:
        content, content_type, extension = csv_bytes(rows), CSV_TYPE, "csv"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


class _Line:
    """What ``csv.writer`` writes to when each row is wanted as text."""

    def write(self, text: str) -> str:
        return text


def csv_stream(rows: Iterable[list], *, filename: str, batch: int = 1000) -> StreamingHttpResponse:
    """A table too long to hold as a file, streamed as CSV, ``batch`` rows at a time,
    while ``rows`` is read (from a queryset's ``iterator``): the same bytes as
    ``csv_bytes``, in constant memory."""
    writer = csv.writer(_Line())

    def chunks() -> Iterator[bytes]:
        lines = []
        for row in rows:
            lines.append(writer.writerow([_safe(cell) for cell in row]))
            if len(lines) >= batch:
                yield "".join(lines).encode("utf-8")
                lines = []
        if lines:
            yield "".join(lines).encode("utf-8")

    response = StreamingHttpResponse(chunks(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
