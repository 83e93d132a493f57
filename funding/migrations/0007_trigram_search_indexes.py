"""Trigram indexes for the funding register's search, on PostgreSQL only (SQLite has
no such index).

The search (``funding.filters.AllocationFilter.search``) looks for each word with
``icontains`` in four columns, which Django writes as ``UPPER(col::text) LIKE
UPPER('%…%')``: each index is on that very expression, so the planner can combine
them (a BitmapOr) instead of reading every allocation. The recipient's name is
matched through the provider's own index (``commissioning`` 0008).
"""

from django.db import migrations

TABLE = "funding_allocation"
COLUMNS = ["title", "description", "comments", "decision_reference"]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TABLE}_{column}_trgm ON {TABLE} "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    # The extension stays: other apps' indexes may use it.
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {TABLE}_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0006_approved_on_from_the_record"),
        ("commissioning", "0008_trigram_search_indexes"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
