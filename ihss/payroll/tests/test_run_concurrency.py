"""Two administrators (or a double click, or two tabs) at the same moment, on PostgreSQL:
one run per period, one calculation, one approval, and nothing paid twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.core.models import AuditEvent, PaidSource
from ihss.payroll.models import PayrollRun, Paystub
from ihss.payroll.services import runs
from ihss.payroll.tests.factories import H, fixed_rate, provider_with, timesheet

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
DEC_1 = dt.date(2026, 12, 1)
TODAY = dt.date(2026, 12, 20)
CALLERS = 8


def _world(providers: int = 6) -> None:
    fixed_rate("19", 2000)
    for n in range(providers):
        provider, (a,) = provider_with(1)
        timesheet(provider, a, {dt.date(2026, 12, 2): (n + 1) * H})


def test_starting_one_period_at_once_makes_one_run():
    assert connection.vendor == "postgresql"
    made: list[int] = []
    errors = cast.at_once(
        [
            lambda: made.append(runs.start_run(period_start=DEC_1, by=None, today=TODAY).pk)
            for _ in range(CALLERS)
        ]
    )
    assert errors == [None] * CALLERS
    assert PayrollRun.objects.count() == 1 and set(made) == {PayrollRun.objects.get().pk}


def test_calculating_one_run_at_once_pays_each_document_once(settings):
    settings.PAYROLL_BATCH_PROVIDERS = 2
    _world()
    run = runs.start_run(period_start=DEC_1, by=None, today=TODAY)
    errors = cast.at_once([lambda: runs.calculate(run=run) for _ in range(CALLERS)])
    # Those that came while it was being calculated were told so; nothing failed otherwise.
    assert all(e is None or getattr(e, "code", "") == "run_busy" for e in errors), errors
    run.refresh_from_db()
    if run.status != PayrollRun.Status.CALCULATED:  # every caller was told it was busy
        run = runs.calculate(run=run, take_over=True)
    assert run.status == PayrollRun.Status.CALCULATED
    assert Paystub.objects.count() == 6 == PaidSource.objects.count()
    assert run.gross_cents == sum(n * 2000 for n in range(1, 7))


def test_two_runs_of_different_periods_never_pay_one_timesheet_twice(settings):
    settings.PAYROLL_STALE_SECONDS = 0  # let the second run start while the first works
    _world(3)
    first = runs.start_run(period_start=DEC_1, by=None, today=TODAY)
    second = runs.start_run(period_start=dt.date(2026, 12, 16), by=None, today=dt.date(2027, 1, 2))
    cast.at_once([lambda: runs.calculate(run=first), lambda: runs.calculate(run=second)])
    for run in (first, second):
        run.refresh_from_db()
        if run.status != PayrollRun.Status.CALCULATED:
            runs.calculate(run=run, take_over=True)
    assert PaidSource.objects.count() == 3
    assert Paystub.objects.count() == 3


def test_approving_at_once_is_one_approval():
    _world(1)
    admin = cast.make_user("state.admin", Role.STATE_ADMIN)
    run = runs.calculate(run=runs.start_run(period_start=DEC_1, by=None, today=TODAY))
    errors = cast.at_once([lambda: runs.approve(run=run, by=admin) for _ in range(CALLERS)])
    assert errors == [None] * CALLERS
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.APPROVED
    assert AuditEvent.objects.filter(action="payroll.run_approved").count() == 1
