"""Migration 0012 remakes the lines and deductions tables with the key (stub, number): the
stubs already paid keep every line and deduction, numbered on their stub in the order
they were written, so a paystub reads the same after the upgrade."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("payroll", "0011_stubs_not_by_county")]
AFTER = [("payroll", "0012_lines_numbered_on_their_stub")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_lines_and_deductions_of_paid_stubs_survive_numbered_in_their_order():
    apps = _migrate(BEFORE)
    try:
        county = apps.get_model("cases", "County").objects.get(code="10")  # Fresno
        providers = [
            apps.get_model("cases", "Provider").objects.create(
                provider_number=f"99000000{n}",
                first_name=name,
                last_name="Ruiz",
                date_of_birth="1980-01-01",
                county=county,
            )
            for n, name in ((1, "Ana"), (2, "Luz"))
        ]
        run = apps.get_model("payroll", "PayrollRun").objects.create(
            period_start="2026-11-01", period_end="2026-11-15", status="issued"
        )
        stubs = [
            apps.get_model("payroll", "Paystub").objects.create(
                run=run,
                provider=provider,
                county=county,
                gross_cents=1000 * n,
                deductions_cents=0,
                net_cents=1000 * n,
                share_of_cost_cents=0,
                state_pays_cents=1000 * n,
            )
            for n, provider in enumerate(providers, 1)
        ]
        line = apps.get_model("payroll", "PayLine")
        deduction = apps.get_model("payroll", "Deduction")
        # Written interleaved, as two runs' ranges write side by side.
        for minutes, stub in ((60, stubs[0]), (90, stubs[1]), (120, stubs[0]), (30, stubs[0])):
            line.objects.create(
                stub=stub, source="timesheet", document_id=minutes, county=county,
                program="IHSS", kind="hours", part="regular", week_start="2026-11-01",
                first_day="2026-11-02", last_day="2026-11-02", minutes=minutes,
                rate_cents=2000, multiplier_bp=10_000, cents=minutes * 2000 // 60,
                week_minutes=210, week_recipients=1, threshold_minutes=2400,
            )  # fmt: skip
        for code in ("social_security", "medicare"):
            deduction.objects.create(stub=stubs[1], code=code, base_cents=0, amount_cents=0)
    finally:
        apps = _migrate(AFTER)
    line = apps.get_model("payroll", "PayLine")
    deduction = apps.get_model("payroll", "Deduction")
    first, second = (stub.pk for stub in stubs)
    assert list(
        line.objects.order_by("stub_id", "number").values_list("stub_id", "number", "minutes")
    ) == [(first, 1, 60), (first, 2, 120), (first, 3, 30), (second, 1, 90)]
    assert list(
        deduction.objects.order_by("stub_id", "number").values_list("stub_id", "number", "code")
    ) == [(second, 1, "social_security"), (second, 2, "medicare")]
