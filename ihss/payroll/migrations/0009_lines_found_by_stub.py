"""No index on pay lines by document.

A run writes about 2.7 million pay lines for the state, in provider order; their document
(a timesheet) ids come in no order, so every line landed on a random page of that index:
at a tenth of the state, copying the run's 268,679 lines took the database 2.7 s with it
and 1.6 s without. Its one reader, a document's timeline, finds the lines through the
document's provider's stubs (a few a year) instead."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("payroll", "0008_room_to_update_in_place"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="payline",
            name="payline_document_idx",
        ),
    ]
