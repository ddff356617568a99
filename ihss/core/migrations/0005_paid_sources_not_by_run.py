"""No index on paid records by run: nothing looks them up that way, and a state's payroll
run writes about 750,000 of them (docs/benchmarks.md, "Payroll")."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_programparameter_meters"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="paidsource",
            name="paid_source_run_idx",
        ),
    ]
