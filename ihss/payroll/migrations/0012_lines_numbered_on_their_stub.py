"""A stub's lines and deductions are known by their stub and their place on it (ADR 22).

Their own key (an identity drawn row by row) and their index by stub were two index
entries and a sequence call for each of the millions of rows a state's run writes; the
key (stub, number) is one, and it is the index that finds a stub's rows. Django does not
change a table's primary key in place, so each table is made anew and its rows copied,
numbered on their stub in the order they were written.
"""

import django.db.models.deletion
from django.db import migrations, models

LINE_COLUMNS = (
    "source, document_id, recipient_id, county_id, program, kind, part, week_start,"
    " first_day, last_day, minutes, rate_cents, multiplier_bp, cents, week_minutes,"
    " week_recipients, threshold_minutes"
)
DEDUCTION_COLUMNS = (
    "code, recipient_id, base_cents, rate_bp, counted_cents, tax_cents, carried_cents,"
    " due_cents, amount_cents, note"
)


def _copy(old: str, new: str, columns: str):
    def copy(apps, schema_editor):
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"INSERT INTO {quote(new)} (stub_id, number, {columns}) "  # noqa: S608 (constants)
            f"SELECT stub_id, ROW_NUMBER() OVER (PARTITION BY stub_id ORDER BY id), {columns} "
            f"FROM {quote(old)}"
        )

    return copy


def _copy_back(old: str, new: str, columns: str):
    def copy(apps, schema_editor):
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"INSERT INTO {quote(old)} (stub_id, {columns}) "  # noqa: S608 (constants)
            f"SELECT stub_id, {columns} FROM {quote(new)} ORDER BY stub_id, number"
        )

    return copy


def _recipient():
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        db_index=False,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="cases.recipient",
    )


def _stub(related_name: str):
    return models.ForeignKey(
        db_constraint=False,
        db_index=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name=related_name,
        to="payroll.paystub",
    )


def _numbered_on_a_stub():
    """The key (stub, number) and its two fields, as a new table is made with them (its
    stub's related name is set once the old table is gone)."""
    return [
        (
            "pk",
            models.CompositePrimaryKey(
                "stub_id",
                "number",
                blank=True,
                editable=False,
                primary_key=True,
                serialize=False,
            ),
        ),
        ("stub", _stub("+")),
        ("number", models.PositiveSmallIntegerField()),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_folded_name_indexes"),
        ("payroll", "0011_stubs_not_by_county"),
    ]

    operations = [
        migrations.CreateModel(
            name="NumberedLine",
            fields=[
                *_numbered_on_a_stub(),
                ("source", models.CharField(max_length=40)),
                ("document_id", models.BigIntegerField()),
                ("recipient", _recipient()),
                (
                    "county",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.county",
                    ),
                ),
                (
                    "program",
                    models.CharField(choices=[("IHSS", "IHSS"), ("WPCS", "WPCS")], max_length=4),
                ),
                ("kind", models.CharField(max_length=12)),
                (
                    "part",
                    models.CharField(
                        choices=[
                            ("regular", "Regular"),
                            ("overtime", "Overtime"),
                            ("overtime_adjustment", "Overtime adjustment"),
                            ("amount", "Amount"),
                        ],
                        max_length=20,
                    ),
                ),
                ("week_start", models.DateField()),
                ("first_day", models.DateField()),
                ("last_day", models.DateField()),
                ("minutes", models.PositiveIntegerField()),
                ("rate_cents", models.PositiveIntegerField()),
                ("multiplier_bp", models.PositiveIntegerField()),
                ("cents", models.BigIntegerField()),
                ("week_minutes", models.PositiveIntegerField()),
                ("week_recipients", models.PositiveSmallIntegerField()),
                ("threshold_minutes", models.PositiveIntegerField()),
            ],
            options={"ordering": ["week_start", "first_day", "number"]},
        ),
        migrations.RunPython(
            _copy("payroll_payline", "payroll_numberedline", LINE_COLUMNS),
            _copy_back("payroll_payline", "payroll_numberedline", LINE_COLUMNS),
        ),
        migrations.DeleteModel(name="PayLine"),
        migrations.RenameModel(old_name="NumberedLine", new_name="PayLine"),
        migrations.AlterField(model_name="payline", name="stub", field=_stub("lines")),
        migrations.CreateModel(
            name="NumberedDeduction",
            fields=[
                *_numbered_on_a_stub(),
                ("code", models.CharField(max_length=30)),
                ("recipient", _recipient()),
                ("base_cents", models.BigIntegerField()),
                ("rate_bp", models.PositiveIntegerField(blank=True, null=True)),
                ("counted_cents", models.BigIntegerField(default=0)),
                ("tax_cents", models.BigIntegerField(default=0)),
                ("carried_cents", models.BigIntegerField(default=0)),
                ("due_cents", models.BigIntegerField(default=0)),
                ("amount_cents", models.BigIntegerField()),
                ("note", models.CharField(blank=True, max_length=40)),
            ],
            options={"ordering": ["stub_id", "number"]},
        ),
        migrations.RunPython(
            _copy("payroll_deduction", "payroll_numbereddeduction", DEDUCTION_COLUMNS),
            _copy_back("payroll_deduction", "payroll_numbereddeduction", DEDUCTION_COLUMNS),
        ),
        migrations.DeleteModel(name="Deduction"),
        migrations.RenameModel(old_name="NumberedDeduction", new_name="Deduction"),
        migrations.AlterField(model_name="deduction", name="stub", field=_stub("deductions")),
    ]
