"""A run as the command and the page start it, outside any transaction, on PostgreSQL:
the items are read beside the calculation (ihss/core/payables.rows) and the stubs are
the same as inside one (issue 15)."""

from __future__ import annotations

import datetime as dt

import pytest

from ihss.core.models import PaidSource
from ihss.payroll.models import PayrollRun, Paystub
from ihss.payroll.services import runs, stubs
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


def _six_providers() -> list[int]:
    fixed_rate("19", 2000)
    made = []
    for n in range(6):
        provider, (a,) = provider_with(1)
        timesheet(provider, a, {dt.date(2026, 12, 2): (n + 1) * H})
        made.append(provider.pk)
    return made


def test_two_processes_calculate_half_the_providers_each_and_pay_everyone_once(settings):
    settings.PAYROLL_BATCH_PROVIDERS = 2
    settings.PAYROLL_PROCESSES = 2
    _six_providers()
    seen: list[tuple[int, int]] = []

    run = runs.start_run(period_start=dt.date(2026, 12, 1), by=None, today=dt.date(2026, 12, 20))
    run = runs.calculate(run=run, progress=lambda done, total: seen.append((done, total)))

    assert run.status == PayrollRun.Status.CALCULATED
    assert [part["done"] for part in run.parts] == [True, True]
    assert run.parts[0]["through"] == run.parts[1]["after"]
    assert sorted(Paystub.objects.values_list("gross_cents", flat=True)) == [
        n * 2000 for n in range(1, 7)
    ]
    assert run.processed == run.stub_count == 6 and PaidSource.objects.count() == 6
    assert seen[-1] == (6, 6) and all(total == 6 for _done, total in seen)
    assert runs.calculate(run=run).gross_cents == 21 * 2000


def test_a_range_that_fails_stops_the_run_and_calculating_again_pays_the_rest_once(
    settings, monkeypatch
):
    settings.PAYROLL_BATCH_PROVIDERS = 1
    settings.PAYROLL_PROCESSES = 2
    settings.PAYROLL_STALE_SECONDS = 0
    providers = _six_providers()
    write = stubs.write

    def fail_for_the_last_provider(*, run, batch):
        if batch[0].provider_id == providers[-1]:
            raise RuntimeError("the disk filled up")
        return write(run=run, batch=batch)

    monkeypatch.setattr(stubs, "write", fail_for_the_last_provider)  # in both processes
    run = runs.start_run(period_start=dt.date(2026, 12, 1), by=None, today=dt.date(2026, 12, 20))
    with pytest.raises(RuntimeError, match="the disk filled up"):
        runs.calculate(run=run)
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.CALCULATING
    assert providers[-1] not in set(Paystub.objects.values_list("provider_id", flat=True))

    monkeypatch.setattr(stubs, "write", write)
    run = runs.calculate(run=run)

    assert run.status == PayrollRun.Status.CALCULATED
    assert sorted(Paystub.objects.values_list("gross_cents", flat=True)) == [
        n * 2000 for n in range(1, 7)
    ]
    assert PaidSource.objects.count() == 6 and run.gross_cents == 21 * 2000
