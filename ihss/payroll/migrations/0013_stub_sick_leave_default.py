"""A stub's sick leave column defaults to an empty object in the database too: a run writes
its 700,000 stubs without it (services/stubs.py), which saved encoding "{}" as JSON once a
stub (about a second of a state's run; docs/benchmarks.md, "Payroll")."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payroll", "0012_lines_numbered_on_their_stub"),
    ]

    operations = [
        migrations.AlterField(
            model_name="paystub",
            name="sick_leave",
            field=models.JSONField(blank=True, db_default={}, default=dict),
        ),
    ]
