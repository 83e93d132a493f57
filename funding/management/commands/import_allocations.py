from ._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import allocations from CSV or XLSX (columns: financial_year, funding_stream, "
        "recipient, title, amount, status, period_start, period_end, indicative, theme, "
        "route, decision_reference, comments). All or nothing; approved and contracted "
        "rows need --as USERNAME, someone allowed to approve them directly, and pass the "
        "budget rule."
    )
    kind = "allocations"
    noun = "allocations"
