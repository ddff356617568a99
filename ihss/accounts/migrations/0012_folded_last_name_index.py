"""An index for finding accounts by their own last name without regard to case or
accents, on PostgreSQL (staff have no case record: their name is on the account).

The Service Desk finds a caller by last name (ihss/accounts/desk.py) with
`Folded(last_name)` (ihss/core/folding.py), which PostgreSQL computes as
`UPPER(translate(last_name, FROM, TO))`. This expression index, with text_pattern_ops
for prefix LIKE, lets it do so without reading every row. The expression must stay the
same as the one the search writes: a change to folding.FROM or TO needs a new migration.
SQLite needs nothing here.
"""

from django.db import migrations

from ihss.core.folding import FROM, TO

TABLES = ["accounts_user"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_folded_last_name ON {table} "
            f"(UPPER(translate(\"last_name\", '{FROM}', '{TO}')) text_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_folded_last_name")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_username_taken_event")]

    operations = [migrations.RunPython(create, drop)]
