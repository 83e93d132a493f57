"""Bulk data for benchmarks: a large, valid, reproducible organisation.

``generate_bulk_data`` calls :func:`generate`. At scale 1 it records 10 financial
years, 80 funding streams, 1,500 providers, 20,000 allocations, 5,000 agreements
with 20,000 monitoring returns and 3,000 decision records, 2,500 of them
published with their PDF stored. Every count is multiplied by the scale (with a
floor, so that a tiny scale still has a previous year and a sub-stream).

Everything is planned first, in memory, from ``random.Random(seed)``; then
written. The same seed on an empty database gives the same data, down to the
references and amounts (:func:`data_checksum` says so in one line).

What goes through the services, and what is bulk-written under the same rules:

- Financial years, sources, themes, funding streams, providers and agreements
  (with their schedules of monitoring returns) go through their service
  functions, which validate every one of them.
- Allocations are written with ``bulk_create_with_history`` (one history row
  each, as ``allocation_create`` leaves). Their amounts are planned first and
  each stream's budget is then set so that its approved and contracted
  allocations, plus what its sub-streams were given, stay within
  (budget + carried forward) × (1 + tolerance): the budget rule. A few streams
  are over budget within their tolerance, as the rule allows. ``generate``
  checks the rule for every stream before it commits.
- A handful of published decision records (``live_workflow``) are drafted,
  submitted, signed with their signer's password, commented on, approved and
  published through ``decision_create``, ``decision_comment_add`` and
  ``decision_transition`` themselves, at the moments planned for them (the
  services' clock seam, ``_now``/``_today``, is set to each moment).
- The other records are written with the rows those services write: the
  reference from the series pattern and its counter, the content SHA-256 of
  ``decisions.content.content_hash`` at submission and on every signature,
  the signer's title and statement from the organisation settings, an audit
  event per transition (the workflow table's labels), comments, voided
  signatures for records returned once, and the Monitoring Officer's
  publication choices. A test compares these rows with the services' own.
- Every record whose publication is decided gets its snapshot, the public shape
  ``decisions.record_view`` builds from its choices (one row per section the
  record has, as ``publication.validate_choices`` makes them); every published
  record's PDF is rendered from that shape by the template and WeasyPrint call
  that publication uses, and stored with its SHA-256, as
  ``publication.publish`` stores both. Rendering is the slow part (about 0.3 s a
  record), so it runs in ``workers`` processes. ``pdfs="sample"`` renders only
  ``pdf_sample`` records and stores, for the others, a small PDF that says it is
  a placeholder: their hashes verify, their content is not the record's. Use it
  only to iterate quickly.
- Monitoring returns are marked received with ``bulk_update`` under the rules
  of ``monitoring_return_record`` (received on or after the period began, never
  in the future).

Planned in memory by :class:`~devtools.bulk.planner.Planner` (``plan.py`` holds what
it plans), then written by :class:`~devtools.bulk.writer.Writer`; each area has its
module: ``funding.py``, ``commissioning.py``, ``decisions.py`` (the records planned),
``decision_rows.py`` (the records written), ``pdfs.py`` (their stored PDFs).
``checks.py`` holds what must hold before anything is kept.
"""

from .bases import Report
from .checks import (
    InvariantBroken,
    budget_breaches,
    data_checksum,
    database_holds_data,
    pdf_mismatches,
)
from .common import BASE_COUNTS, DEFAULT_LAST_YEAR, DEFAULT_SEED, Counts, planned_counts
from .pdfs import placeholder_pdf
from .plan import Plan
from .planner import Planner
from .writer import generate

__all__ = [
    "BASE_COUNTS",
    "DEFAULT_LAST_YEAR",
    "DEFAULT_SEED",
    "Counts",
    "InvariantBroken",
    "Plan",
    "Planner",
    "Report",
    "budget_breaches",
    "data_checksum",
    "database_holds_data",
    "generate",
    "pdf_mismatches",
    "placeholder_pdf",
    "planned_counts",
]
