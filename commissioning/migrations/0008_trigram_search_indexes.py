"""Trigram indexes for the provider search, the recipient suggestions and the
agreements' search, on PostgreSQL only (SQLite has no such index and scans its
small tables).

Each index is on the very expression the query filters by, or the planner does not
use it: ``icontains`` writes ``UPPER(col::text) LIKE UPPER('%…%')``, ``contains``
writes ``col::text LIKE '%…%'``.
"""

from django.db import migrations

# (name, table, what is indexed) for the name searches: GIN trigram indexes.
TRIGRAM = [
    ("commissioning_provider_name_trgm", "commissioning_provider", "UPPER(name::text)"),
    ("commissioning_provider_match_key_trgm", "commissioning_provider", "(match_key::text)"),
    (
        "commissioning_provider_normalised_name_trgm",
        "commissioning_provider",
        "(normalised_name::text)",
    ),
    (
        "commissioning_agreement_reference_trgm",
        "commissioning_agreement",
        "UPPER(reference::text)",
    ),
    ("commissioning_agreement_title_trgm", "commissioning_agreement", "UPPER(title::text)"),
]
# The numbers the provider list finds exactly (``iexact``): B-tree indexes.
EXACT = [
    (
        "commissioning_provider_charity_number_upper",
        "commissioning_provider",
        "UPPER(charity_number::text)",
    ),
    (
        "commissioning_provider_company_number_upper",
        "commissioning_provider",
        "UPPER(company_number::text)",
    ),
    ("commissioning_provider_org_id_upper", "commissioning_provider", "UPPER(org_id::text)"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in TRIGRAM:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression} gin_trgm_ops)"
        )
    for name, table, expression in EXACT:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({expression})")


def drop_indexes(apps, schema_editor):
    # The extension stays: other apps' indexes may use it.
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in TRIGRAM + EXACT:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0007_agreement_document_published")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
