"""Room on each page of payroll_directdeposit for the issue step to record its payments.

Every issue sets `last_used_on` on each account it paid into (for the 60-day
dis-enrollment): about half a million rows a pay period in the state, 12.5 s with full
pages, where each new row version went to another page with a new entry in every index.
With half of each page free (fillfactor 50), as for the stubs (0008), PostgreSQL keeps
the new version on its page and leaves the indexes alone. PostgreSQL only."""

from django.db import migrations

FILLFACTOR = 50


def _alter(apps, schema_editor, storage):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("payroll", "DirectDeposit")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} {storage}")


def leave_room(apps, schema_editor):
    _alter(apps, schema_editor, f"SET (fillfactor = {FILLFACTOR})")


def fill_pages(apps, schema_editor):
    _alter(apps, schema_editor, "RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("payroll", "0008_stub_room_to_set_method"),
    ]

    operations = [
        migrations.RunPython(leave_room, fill_pages),
    ]
