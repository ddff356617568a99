"""Block range (BRIN) indexes on the days of day entries and travel and on the end of a
timesheet's period, so that a payroll run reads the pages of the days it pays and not
the years of paid timesheets behind them.

Rows of these tables are written about in the order of their days (a timesheet is filled
in its own pay period), so each range of 128 pages holds a narrow span of days and the
index, a few pages for millions of rows, tells which ranges to read. Without it the run's
items query reads every day entry ever written (docs/benchmarks.md, "Payroll": with six
months of history at a tenth of the state, the day entries 780 ms -> 280 ms a range).
PostgreSQL only; SQLite has no such index."""

from django.db import migrations

INDEXES = (
    ("DayEntry", "day", "dayentry_day_brin"),
    ("TravelEntry", "day", "travelentry_day_brin"),
    ("Timesheet", "period_end", "timesheet_period_end_brin"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    qn = schema_editor.quote_name
    for model, column, name in INDEXES:
        table = qn(apps.get_model("timesheets", model)._meta.db_table)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {qn(name)} ON {table} USING brin ({qn(column)})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _model, _column, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("timesheets", "0010_day_evv_reason"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
