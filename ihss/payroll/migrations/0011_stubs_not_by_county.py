"""No index on stubs by county: they are found by run or by provider, and a run's totals
by county group the run's own stubs; a state's run writes about 700,000 of them
(docs/benchmarks.md, "Payroll")."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_folded_name_indexes"),
        ("payroll", "0010_stub_provider_unchecked"),
    ]

    operations = [
        migrations.AlterField(
            model_name="paystub",
            name="county",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.county",
            ),
        ),
    ]
