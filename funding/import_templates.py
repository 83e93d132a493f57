"""A workbook to fill in for each import: its columns in order, a worked example
row, and drop-down lists where a column takes one value of a list (the statuses,
the routes, the Plan's themes, the financial years, yes or no)."""

import io
from datetime import date
from decimal import Decimal

from commissioning.models import CommissioningRoute
from pcc_grants.downloads import DATE_FORMAT, MONEY_FORMAT
from pcc_grants.years import financial_year_label

from .importers import ALLOCATION_COLUMNS, FUNDING_COLUMNS
from .models import AllocationStatus, FinancialYear, FundingStream, PlanTheme

COLUMNS = {"funding": FUNDING_COLUMNS, "allocations": ALLOCATION_COLUMNS}
# Rows of the sheet the drop-down lists apply to.
ROWS = 1000
YES_NO = ["yes", "no"]


def _example(kind: str, year: str) -> dict:
    stream = (
        FundingStream.objects.filter(financial_year__start_year=int(year[:4]))
        .order_by("name")
        .values_list("name", flat=True)
        .first()
    )
    if kind == "funding":
        return {
            "financial_year": year,
            "name": "Community Safety Fund",
            "source": "Police budget",
            "budget": Decimal("150000.00"),
            "carried_forward": Decimal("0.00"),
            "over_allocation_tolerance_percent": Decimal("0"),
            "ring_fenced": "no",
            "parent": "",
            "description": "The Commissioner's fund for community projects.",
            "crime_and_disorder_reduction": "no",
        }
    start = int(year[:4])
    return {
        "financial_year": year,
        "funding_stream": stream or "Community Safety Fund",
        "recipient": "Community Peer Mentors Project",
        "title": "Community Peer Mentors: extension into Bishop Auckland",
        "amount": Decimal("9400.00"),
        "status": AllocationStatus.PROPOSED.value,
        "period_start": date(start, 9, 1),
        "period_end": date(start + 1, 3, 31),
        "indicative": "no",
        "theme": PlanTheme.objects.order_by("name").values_list("name", flat=True).first() or "",
        "route": CommissioningRoute.GRANT.value,
        "decision_reference": "",
        "comments": "",
        "approved_on": "",
        "conditions": "",
        "purpose": "",
        "crime_reduction_reasons": "",
    }


def _lists(kind: str) -> dict[str, list[str]]:
    years = [
        financial_year_label(start)
        for start in FinancialYear.objects.order_by("start_year").values_list(
            "start_year", flat=True
        )
    ]
    if kind == "funding":
        return {
            "financial_year": years,
            "ring_fenced": YES_NO,
            "crime_and_disorder_reduction": YES_NO,
        }
    return {
        "financial_year": years,
        "status": list(AllocationStatus.values),
        "indicative": YES_NO,
        "theme": list(PlanTheme.objects.order_by("name").values_list("name", flat=True)),
        "route": list(CommissioningRoute.values),
    }


def import_template(kind: str, *, year: str) -> bytes:
    """The template for ``kind`` ("funding" or "allocations"), its example in ``year``
    (``2016/17``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = COLUMNS[kind]
    example = _example(kind, year)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Funding streams" if kind == "funding" else "Allocations"
    sheet.append(list(columns))
    sheet.append([example[name] for name in columns])
    sheet.freeze_panes = "A2"
    for index, name in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True)
        value = example[name]
        width = len(name) if not isinstance(value, str) else max(len(name), len(value))
        sheet.column_dimensions[letter].width = min(max(width, 12) + 2, 60)
        if isinstance(value, Decimal):
            sheet[f"{letter}2"].number_format = MONEY_FORMAT
        elif isinstance(value, date):
            sheet[f"{letter}2"].number_format = DATE_FORMAT
    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"
    for index, (name, values) in enumerate(_lists(kind).items(), start=1):
        if not values:
            continue
        letter = get_column_letter(index)
        lists[f"{letter}1"] = name
        for row, value in enumerate(values, start=2):
            lists[f"{letter}{row}"] = value
        target = get_column_letter(columns.index(name) + 1)
        choice = DataValidation(
            type="list",
            formula1=f"=Lists!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=name,
            error=f"Choose a {name.replace('_', ' ')} from the list.",
        )
        choice.add(f"{target}2:{target}{ROWS + 1}")
        sheet.add_data_validation(choice)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
