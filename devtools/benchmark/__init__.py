"""The benchmark behind ``manage.py bench`` (docs/benchmark.md).

Every staff and public page type is requested through the Django test client, as
a user holding the role that page is for (or nobody, for public pages): warm-up
requests first, then ``repeat`` timed ones, reporting the median and 95th
percentile of the time the request took in-process (URL resolution, middleware,
view, queries, template) and the SQL queries one request makes. Then the decision
record PDF against raw WeasyPrint on the same HTML, the commissioning report PDF
for 300 allocations, and an import of 10,000 allocations through the real import
path, rolled back. Nothing the benchmark does is kept in the database.

``floor.py`` is the floor every timed page is measured against (the least a page of
the site costs), served from ``urls.py`` during the run only; ``compare.py`` sets two
runs side by side. ``pages.py`` lists the pages and times one; ``pdf.py`` and
``imports.py`` time the PDFs and the import (``manage.py bench_decision_pdf`` and
``bench_report_pdf`` call them too); ``run.py`` runs the whole and writes the table.
"""

from .common import (
    FILE_KINDS,
    FLOOR_RATIO,
    IMPORT_ROWS_PER_SECOND,
    PAGE_MS,
    PAGE_QUERIES,
    PDF_RATIO,
    TIMED_KINDS,
    BenchError,
)
from .compare import compare
from .compare import load as compare_load
from .imports import bench_import, import_csv
from .pages import (
    NOT_BENCHED,
    Page,
    PageResult,
    bench_page,
    pages,
    unbenched_url_names,
    url_names,
)
from .pdf import bench_decision_pdf, bench_report_pdf
from .run import Results, data_counts, run, table

__all__ = [
    "FILE_KINDS",
    "FLOOR_RATIO",
    "IMPORT_ROWS_PER_SECOND",
    "NOT_BENCHED",
    "PAGE_MS",
    "PAGE_QUERIES",
    "PDF_RATIO",
    "TIMED_KINDS",
    "BenchError",
    "Page",
    "PageResult",
    "Results",
    "bench_decision_pdf",
    "bench_import",
    "bench_page",
    "bench_report_pdf",
    "compare",
    "compare_load",
    "data_counts",
    "import_csv",
    "pages",
    "run",
    "table",
    "unbenched_url_names",
    "url_names",
]
