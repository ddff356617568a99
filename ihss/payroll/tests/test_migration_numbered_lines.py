"""Migration 0012 remakes the lines and deductions tables with the key (stub, number): the
stubs already paid keep every line and deduction, numbered on their stub in the order
they were written, so a paystub reads the same after the upgrade.

The migration's copy is run here from a table shaped as the old one (an identity key and
a stub) into today's table, inside the test's transaction: migrating the test database
back and forth would leave it unlike the one every other test expects."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from ihss import test as cast
from ihss.payroll.models import PayLine, PayrollRun, Paystub

pytestmark = pytest.mark.django_db

migration = importlib.import_module("ihss.payroll.migrations.0012_lines_numbered_on_their_stub")


class _Editor:
    """What the migration's copy asks of a schema editor, over a cursor (SQLite's editor
    cannot open inside a test's transaction)."""

    def __init__(self, cursor) -> None:
        self.execute = cursor.execute
        self.quote_name = connection.ops.quote_name


def _stub(run: PayrollRun) -> Paystub:
    paid = cast.make_provider()
    return Paystub.objects.create(
        run=run,
        provider=paid,
        county=paid.county,
        gross_cents=0,
        deductions_cents=0,
        net_cents=0,
        share_of_cost_cents=0,
        state_pays_cents=0,
    )


def test_the_lines_of_paid_stubs_are_numbered_on_their_stub_in_the_order_written():
    run = PayrollRun.objects.create(period_start="2026-11-01", period_end="2026-11-15")
    first, second = _stub(run), _stub(run)
    fresno = cast.county("10")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE old_lines (id integer PRIMARY KEY, stub_id bigint NOT NULL, "
            + ", ".join(
                f"{field.column} {field.db_type(connection)}"
                for field in PayLine._meta.concrete_fields
                if field.column in migration.LINE_COLUMNS
            )
            + ")"
        )
        # Written interleaved, as two ranges of a run write side by side; the old keys
        # give the order.
        for key, stub, minutes in (
            (7, first, 60),
            (8, second, 90),
            (9, first, 120),
            (12, first, 30),
        ):
            cursor.execute(
                "INSERT INTO old_lines (id, stub_id, source, document_id, recipient_id,"
                " county_id, program, kind, part, week_start, first_day, last_day, minutes,"
                " rate_cents, multiplier_bp, cents, week_minutes, week_recipients,"
                " threshold_minutes) VALUES (%s, %s, 'timesheet', %s, NULL, %s, 'IHSS',"
                " 'hours', 'regular', '2026-11-01', '2026-11-02', '2026-11-02', %s, 2000,"
                " 10000, %s, 210, 1, 2400)",
                [key, stub.pk, minutes, fresno.pk, minutes, minutes * 2000 // 60],
            )
        migration._copy("old_lines", PayLine._meta.db_table, migration.LINE_COLUMNS)(
            None, _Editor(cursor)
        )

    assert list(
        PayLine.objects.order_by("stub_id", "number").values_list("stub_id", "number", "minutes")
    ) == [(first.pk, 1, 60), (first.pk, 2, 120), (first.pk, 3, 30), (second.pk, 1, 90)]
    assert [line.minutes for line in first.lines.all()] == [60, 120, 30]
