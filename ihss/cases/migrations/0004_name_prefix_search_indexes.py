"""Indexes for prefix search on last names on PostgreSQL.

Django compiles `last_name__istartswith` to `UPPER("last_name"::text) LIKE UPPER('delg%')`.
Under a non-C collation PostgreSQL uses an index for LIKE only with a pattern operator
class, so these expression indexes use text_pattern_ops. SQLite needs nothing here.
"""

from django.db import migrations

TABLES = ["cases_recipient", "cases_provider"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_last_name_prefix "
            f'ON {table} (UPPER("last_name"::text) text_pattern_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_last_name_prefix")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_importjob")]

    operations = [migrations.RunPython(create, drop)]
