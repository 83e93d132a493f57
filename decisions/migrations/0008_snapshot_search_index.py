"""The public register's full-text search reads the published snapshot: its GIN index
moves there, on PostgreSQL only.

The expression is the one decisions.public.search asks PostgreSQL to match (the
title weighted A, every other published text weighted B, English), so the planner
can use the index instead of computing every record's text vector on each search.
The index on the live records (migration 0004) is dropped: nothing public reads them.
SQLite searches with a plain match and gets no index.
"""

from django.db import migrations

INDEX = "decisions_snapshot_search_gin"
CREATE = f"""
CREATE INDEX IF NOT EXISTS {INDEX} ON decisions_publishedsnapshot USING gin (
    (setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
     || setweight(to_tsvector('english'::regconfig, COALESCE(search_text, '')), 'B'))
)
"""
DROP = f"DROP INDEX IF EXISTS {INDEX}"
OLD_INDEX = "decisions_decision_search_gin"
CREATE_OLD = f"""
CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON decisions_decision USING gin (
    (setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
     || setweight(to_tsvector('english'::regconfig, COALESCE(decision, '')), 'B'))
)
"""
DROP_OLD = f"DROP INDEX IF EXISTS {OLD_INDEX}"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute(DROP_OLD)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(CREATE_OLD)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0007_publication_sections_and_snapshots")]

    operations = [migrations.RunPython(create, drop)]
