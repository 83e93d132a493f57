from ._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import funding streams from CSV or XLSX (columns: financial_year, name, source, "
        "budget, carried_forward, over_allocation_tolerance_percent, ring_fenced, parent, "
        "description). All or nothing."
    )
    kind = "funding"
    noun = "funding streams"
