"""A run as the command and the page start it, outside any transaction, on PostgreSQL:
the items are read beside the calculation (ihss/core/payables.rows) and the stubs are
the same as inside one (issue 15)."""

from __future__ import annotations

import datetime as dt

import pytest

from ihss.core.models import PaidSource
from ihss.payroll.models import PayrollRun, Paystub
from ihss.payroll.services import runs
from ihss.payroll.tests.factories import H, fixed_rate, provider_with, timesheet

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_it_pays_overtime_across_recipients_when_run_outside_a_transaction(settings):
    settings.PAYROLL_BATCH_PROVIDERS = 1
    fixed_rate("19", 2000)
    provider, (a, b) = provider_with(2)
    timesheet(provider, a, {dt.date(2026, 12, 6): 8 * H, dt.date(2026, 12, 7): 20 * H})
    timesheet(provider, b, {dt.date(2026, 12, 8): 15 * H})
    other, (c,) = provider_with(1)
    timesheet(other, c, {dt.date(2026, 12, 2): 3 * H})

    run = runs.start_run(period_start=dt.date(2026, 12, 1), by=None, today=dt.date(2026, 12, 20))
    run = runs.calculate(run=run)

    assert run.status == PayrollRun.Status.CALCULATED
    assert sorted(Paystub.objects.values_list("gross_cents", flat=True)) == [
        3 * 2000,
        40 * 2000 + 3 * 3000,
    ]
    assert PaidSource.objects.count() == 3
    assert runs.calculate(run=run).gross_cents == run.gross_cents == 6000 + 89000
