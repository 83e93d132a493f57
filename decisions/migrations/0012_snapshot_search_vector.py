"""The register's full-text search reads a stored text vector, on PostgreSQL only.

Migration 0008 indexed an expression the search computed for each record it read:
when a word is common enough for PostgreSQL to read the table rather than the index,
or when the search also matches references, every record's text was stemmed again on
each search (about 0.5 s for 2,500 records). The snapshot is written once and never
changed, so its vector is computed once: a generated column PostgreSQL keeps itself
(the title weighted A, every other published text weighted B, English), filled for
existing records as the column is added, with a GIN index on it. The search matches
and ranks by the column (``decisions.search``). Django's model does not declare it:
SQLite has no text vectors, and searches the stems stored beside it instead.
"""

from django.db import migrations

TABLE = "decisions_publishedsnapshot"
VECTOR = f"""
ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(search_text, '')), 'B')
) STORED
"""
INDEX = f"CREATE INDEX IF NOT EXISTS decisions_snapshot_vector_gin ON {TABLE} USING gin (search_vector)"
OLD_INDEX = "decisions_snapshot_search_gin"
CREATE_OLD = f"""
CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON {TABLE} USING gin (
    (setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
     || setweight(to_tsvector('english'::regconfig, COALESCE(search_text, '')), 'B'))
)
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VECTOR)
        schema_editor.execute(INDEX)
        schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector")
        schema_editor.execute(CREATE_OLD)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0011_register_search_and_forward_plan")]

    operations = [migrations.RunPython(create, drop)]
