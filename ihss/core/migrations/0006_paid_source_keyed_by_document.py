"""A paid record is keyed by itself, (source, document), instead of an identity key and a
unique constraint beside it (ADR 22): one index for each of the 750,000 records a state's
payroll run writes. Django does not change a primary key in place, so the table is made
anew and its rows copied."""

import django.utils.timezone
from django.db import migrations, models

COLUMNS = "source, document_id, run_id, paid_at"


def copy(apps, schema_editor):
    schema_editor.execute(
        f"INSERT INTO core_paiddocument ({COLUMNS}) SELECT {COLUMNS} FROM core_paidsource"  # noqa: S608 (constants)
    )


def copy_back(apps, schema_editor):
    schema_editor.execute(
        f"INSERT INTO core_paidsource ({COLUMNS}) SELECT {COLUMNS} FROM core_paiddocument"  # noqa: S608 (constants)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_paid_sources_not_by_run"),
    ]

    operations = [
        migrations.CreateModel(
            name="PaidDocument",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "source",
                        "document_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("source", models.CharField(max_length=40)),
                ("document_id", models.BigIntegerField()),
                ("run_id", models.BigIntegerField()),
                ("paid_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.RunPython(copy, copy_back),
        migrations.DeleteModel(name="PaidSource"),
        migrations.RenameModel(old_name="PaidDocument", new_name="PaidSource"),
    ]
