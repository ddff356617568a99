"""The stub's provider is no longer checked by the database row by row at commit.

A state's run writes about 700,000 stubs; each one's check at commit ran a query and
locked the provider's row (FOR KEY SHARE, which writes to that row's page): about 3% of
the machine's time while calculating. The provider of a stub is the provider of the
timesheets and claims it pays, whose references the database does check, and providers
are never deleted (PROTECT)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_folded_name_indexes"),
        ("payroll", "0009_lines_found_by_stub"),
    ]

    operations = [
        migrations.AlterField(
            model_name="paystub",
            name="provider",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="paystubs",
                to="cases.provider",
            ),
        ),
    ]
