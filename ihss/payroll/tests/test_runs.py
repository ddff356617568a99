"""Payroll runs from approved timesheets to calculated stubs: worked examples through the
database, reruns that change nothing, late hours, holds, and resuming after a crash."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from ihss import test as cast
from ihss.cases.models import Assignment
from ihss.core import payables
from ihss.core.models import PaidSource
from ihss.payroll.models import PayLine, PayrollRun, Paystub, ShareOfCost
from ihss.payroll.services import runs, stubs
from ihss.payroll.tests.factories import H, fixed_rate, provider_with, sick_leave, timesheet
from ihss.timesheets.models import Timesheet, TravelEntry

pytestmark = pytest.mark.django_db

DEC_1 = dt.date(2026, 12, 1)
TODAY = dt.date(2026, 12, 20)


def day(n: int, month: int = 12) -> dt.date:
    return dt.date(2026, month, n)


def run_period(start: dt.date, *, today: dt.date = TODAY) -> PayrollRun:
    run = runs.start_run(period_start=start, by=None, today=today)
    return runs.calculate(run=run)


def parts(stub: Paystub) -> dict[str, tuple[int, int]]:
    totals: dict[str, tuple[int, int]] = {}
    for line in stub.lines.all():
        minutes, cents = totals.get(line.part, (0, 0))
        totals[line.part] = (minutes + line.minutes, cents + line.cents)
    return totals


def test_it_pays_overtime_across_three_recipients_on_the_day_it_was_worked():
    fixed_rate("19", 2000)
    provider, (a, b, c) = provider_with(3)
    # Week of Dec 6: A 15 h Sun-Mon, B 16 h Tue-Wed, C 12 h Thu-Fri = 43 h.
    timesheet(provider, a, {day(6): 8 * H, day(7): 7 * H})
    timesheet(provider, b, {day(8): 8 * H, day(9): 8 * H})
    sheet_c = timesheet(provider, c, {day(10): 6 * H, day(11): 6 * H})

    run = run_period(DEC_1)

    assert run.status == PayrollRun.Status.CALCULATED
    stub = Paystub.objects.get(run=run, provider=provider)
    assert parts(stub) == {"regular": (40 * H, 80000), "overtime": (3 * H, 9000)}
    assert stub.gross_cents == 89000 == run.gross_cents
    overtime = PayLine.objects.get(stub=stub, part="overtime")
    assert (overtime.document_id, overtime.first_day, overtime.recipient_id) == (
        sheet_c.pk,
        day(11),
        c.pk,
    )
    assert (overtime.week_minutes, overtime.week_recipients) == (43 * H, 3)


def test_a_rerun_changes_nothing_and_no_document_is_paid_twice():
    fixed_rate("19", 2000)
    provider, (a,) = provider_with(1)
    timesheet(provider, a, {day(2): 5 * H})
    run = run_period(DEC_1)
    again = runs.calculate(run=run)
    assert again.status == PayrollRun.Status.CALCULATED
    assert Paystub.objects.count() == 1 and PaidSource.objects.count() == 1
    # Starting the same period again gives the same run.
    assert runs.start_run(period_start=DEC_1, by=None, today=TODAY) == run


def test_late_hours_arrive_as_an_adjustment_in_the_next_run_and_the_paid_stub_is_unchanged():
    fixed_rate("19", 2000)
    provider, (a,) = provider_with(1)
    # Dec 1-4 (Tue-Fri, the week of Nov 29): 40 h, paid as regular in the Dec 1-15 run.
    timesheet(provider, a, {day(n): 10 * H for n in range(1, 5)})
    first = run_period(DEC_1)
    paid = Paystub.objects.get(run=first)
    assert parts(paid) == {"regular": (40 * H, 80000)}
    # 10 h for Nov 29-30 are approved late.
    timesheet(provider, a, {day(29, 11): 5 * H, day(30, 11): 5 * H})

    second = run_period(dt.date(2026, 12, 16), today=dt.date(2027, 1, 2))

    late = Paystub.objects.get(run=second)
    assert parts(late) == {"regular": (10 * H, 20000), "overtime_adjustment": (10 * H, 10000)}
    paid.refresh_from_db()
    assert parts(paid) == {"regular": (40 * H, 80000)} and paid.gross_cents == 80000
    assert paid.gross_cents + late.gross_cents == 40 * 2000 + 10 * 3000


def test_timesheets_waiting_held_or_returned_are_not_paid():
    fixed_rate("19", 2000)
    provider, (a, b, c, d) = provider_with(4)
    timesheet(provider, a, {day(2): 1 * H})
    timesheet(provider, b, {day(3): 2 * H}, review=Timesheet.Review.HELD)
    timesheet(provider, c, {day(4): 3 * H}, status=Timesheet.Status.SUBMITTED)
    timesheet(provider, d, {day(5): 4 * H}, review=Timesheet.Review.RELEASED)
    stub = Paystub.objects.get(run=run_period(DEC_1))
    assert stub.gross_cents == 5 * 2000


def test_sick_leave_is_paid_as_its_own_line_and_never_as_overtime():
    fixed_rate("19", 2000)
    provider, (a,) = provider_with(1)
    timesheet(provider, a, {day(n): 10 * H for n in range(6, 10)})
    sick_leave(provider, a, day(10), 8 * H)
    stub = Paystub.objects.get(run=run_period(DEC_1))
    sick = PayLine.objects.get(stub=stub, kind="sick_leave")
    assert (sick.part, sick.minutes, sick.cents) == ("regular", 8 * H, 16000)
    assert stub.overtime_minutes == 0 and stub.sick_leave_minutes == 8 * H


def test_a_county_without_a_wage_rate_is_held_and_named_and_others_are_paid():
    fixed_rate("19", 2000)
    paid_provider, (a,) = provider_with(1)
    held_provider, (f,) = provider_with(1, county="10")
    timesheet(paid_provider, a, {day(2): 2 * H})
    timesheet(held_provider, f, {day(2): 2 * H})
    run = run_period(DEC_1)
    assert list(Paystub.objects.values_list("provider_id", flat=True)) == [paid_provider.pk]
    assert run.held == [{"county_id": f.county_id, "day": "2026-12-01", "providers": 1}]
    # Once Fresno's rate is in, the next run pays the held hours.
    fixed_rate("10", 1835)
    later = run_period(dt.date(2026, 12, 16), today=dt.date(2027, 1, 2))
    assert Paystub.objects.get(run=later).provider_id == held_provider.pk


def test_a_period_that_has_not_ended_cannot_be_run():
    with pytest.raises(runs.RunRefused) as refused:
        runs.start_run(period_start=DEC_1, by=None, today=dt.date(2026, 12, 15))
    assert refused.value.code == "period_not_ended"
    with pytest.raises(runs.RunRefused):
        runs.start_run(period_start=dt.date(2026, 12, 3), by=None, today=TODAY)


def test_a_run_stopped_in_the_middle_resumes_and_pays_each_document_once(monkeypatch, settings):
    settings.PAYROLL_BATCH_PROVIDERS = 1
    settings.PAYROLL_STALE_SECONDS = 0
    fixed_rate("19", 2000)
    for hours in (1, 2, 3):
        provider, (a,) = provider_with(1)
        timesheet(provider, a, {day(2): hours * H})
    write = stubs.write
    calls = {"n": 0}

    def crash_on_second(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the machine stopped")
        return write(**kwargs)

    monkeypatch.setattr(stubs, "write", crash_on_second)
    run = runs.start_run(period_start=DEC_1, by=None, today=TODAY)
    with pytest.raises(RuntimeError):
        runs.calculate(run=run)
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.CALCULATING and run.processed == 1
    assert Paystub.objects.count() == 1

    finished = runs.calculate(run=run)

    assert finished.status == PayrollRun.Status.CALCULATED
    assert sorted(Paystub.objects.values_list("gross_cents", flat=True)) == [2000, 4000, 6000]
    assert PaidSource.objects.count() == 3 and finished.gross_cents == 12000


def test_approving_twice_answers_with_the_same_run(state_admin):
    fixed_rate("19", 2000)
    provider, (a,) = provider_with(1)
    timesheet(provider, a, {day(2): 1 * H})
    run = run_period(DEC_1)
    first = runs.approve(run=run, by=state_admin)
    second = runs.approve(run=run, by=state_admin)
    assert first.status == second.status == PayrollRun.Status.APPROVED
    assert first.approved_at == second.approved_at


def test_every_stub_can_show_the_providers_sick_leave_from_the_source():
    provider, (a,) = provider_with(1)
    provider.worked_to_date_minutes = 400 * H
    provider.worked_to_date_through = dt.date(2026, 6, 30)
    provider.sick_leave_earned_on = dt.date(2025, 3, 1)
    provider.sick_leave_usable_on = dt.date(2025, 5, 1)
    provider.save()
    sick_leave(provider, a, day(2), 8 * H)
    facts = payables.facts(provider.pk, day(15))
    assert facts["sick_leave"]["earned_minutes"] == 40 * H
    assert facts["sick_leave"]["used_minutes"] == 8 * H
    assert facts["sick_leave"]["available_minutes"] == 32 * H


def test_items_come_in_the_order_the_work_was_done_with_travel_at_the_end_of_the_day():
    provider, (a, b) = provider_with(2)
    first = timesheet(provider, a, {day(2): 2 * H}, starts={day(2): dt.time(14, 0)})
    second = timesheet(provider, b, {day(2): 3 * H}, starts={day(2): dt.time(8, 0)})
    TravelEntry.objects.create(timesheet=first, day=day(2), from_recipient=b, minutes=30)
    items = list(payables.all_items(since=day(1), through=day(15)))
    assert [(i.document_id, i.kind, i.minutes) for i in items] == [
        (second.pk, "hours", 3 * H),
        (first.pk, "hours", 2 * H),
        (first.pk, "travel", 30),
    ]
    assert not any(i.paid for i in items)


def _fourteen_long_days(relationship: str = "none"):
    """Dec 1-14 at 10 h a day and $25.00: 100 h regular + 40 h overtime = $4,000.00."""
    fixed_rate("19", 2500)
    provider, (a,) = provider_with(1)
    Assignment.objects.filter(provider=provider).update(family_relationship=relationship)
    timesheet(provider, a, {day(n): 10 * H for n in range(1, 15)})
    return provider, a


def deductions(stub: Paystub) -> dict[str, tuple[int, str]]:
    return {d.code: (d.amount_cents, d.note) for d in stub.deductions.all()}


def test_social_security_medicare_and_sdi_are_withheld_from_the_full_gross():
    provider, _a = _fourteen_long_days()
    stub = Paystub.objects.get(run=run_period(DEC_1))
    assert parts(stub) == {"regular": (100 * H, 250000), "overtime": (40 * H, 150000)}
    taken = deductions(stub)
    assert {code: amount for code, (amount, _note) in taken.items()} == {
        "social_security": 24800,
        "medicare": 5800,
        "sdi": 5200,
    }
    assert (stub.gross_cents, stub.deductions_cents, stub.net_cents) == (400000, 35800, 364200)
    assert stub.state_pays_cents == 364200


def test_a_parent_caring_for_her_child_pays_no_social_security_medicare_or_sdi():
    _fourteen_long_days("parent")
    stub = Paystub.objects.get(run=run_period(DEC_1))
    taken = deductions(stub)
    assert {amount for amount, _note in taken.values()} == {0}
    assert {note for _amount, note in taken.values()} == {"family_exempt"}
    assert stub.net_cents == stub.gross_cents == 400000


def test_a_share_of_cost_reduces_what_the_state_pays_not_the_deductions():
    provider, a = _fourteen_long_days()
    ShareOfCost.objects.create(recipient=a, effective_from=dt.date(2026, 1, 1), monthly_cents=30000)
    stub = Paystub.objects.get(run=run_period(DEC_1))
    assert (stub.net_cents, stub.share_of_cost_cents, stub.state_pays_cents) == (
        364200,
        30000,
        334200,
    )
    # The month's share is met: the second half of December pays it all.
    timesheet(provider, a, {day(16): 2 * H})
    later = Paystub.objects.get(run=run_period(dt.date(2026, 12, 16), today=dt.date(2027, 1, 2)))
    assert later.share_of_cost_cents == 0


def test_social_security_counts_the_wages_of_the_years_earlier_runs():
    # 2026's household threshold is $3,000. Nov 16-30: 88 h x $20 = $1,760, below it;
    # Dec 1-15: 72 h = $1,440 brings the year to $3,200, and Social Security is taken on all
    # of it on that stub: 6.2 % of $3,200 = $198.40, Medicare 1.45 % = $46.40.
    fixed_rate("19", 2000)
    provider, (a,) = provider_with(1)
    november = [day(n, 11) for n in (16, 17, 18, 19, 20, 23, 24, 25, 26, 27, 30)]
    timesheet(provider, a, dict.fromkeys(november, 8 * H))
    first = Paystub.objects.get(run=run_period(dt.date(2026, 11, 16)))
    assert first.gross_cents == 176000
    assert deductions(first)["social_security"][0] == 0
    timesheet(provider, a, dict.fromkeys([day(n) for n in (1, 2, 3, 4, 7, 8, 9, 10, 11)], 8 * H))

    second = Paystub.objects.get(run=run_period(DEC_1))

    assert second.gross_cents == 144000
    taken = second.deductions.get(code="social_security")
    assert (taken.base_cents, taken.amount_cents) == (320000, 19840)
    assert deductions(second)["medicare"][0] == 4640


def test_the_health_premium_is_taken_once_a_month_even_when_the_tax_year_turns():
    # Dec 16-31 is paid on Jan 1: its wages count in the next tax year, but it is still
    # December's second stub, and the premium was taken on the first.
    from ihss.payroll.models import WithholdingElection

    fixed_rate("19", 2000)
    provider, (a,) = provider_with(1)
    WithholdingElection.objects.create(
        provider=provider, effective_from=dt.date(2026, 1, 1), health_premium_cents=6000
    )
    timesheet(provider, a, {day(2): 5 * H})
    first = Paystub.objects.get(run=run_period(DEC_1))
    timesheet(provider, a, {day(17): 5 * H})
    second = Paystub.objects.get(run=run_period(dt.date(2026, 12, 16), today=dt.date(2027, 1, 2)))

    assert deductions(first)["health_premium"][0] == 6000
    assert "health_premium" not in deductions(second)


@pytest.mark.parametrize("between", [0, 40], ids=["side by side", "far apart"])
def test_each_provider_keeps_their_own_family_exemption_in_a_batch(between):
    # A batch reads its providers' assignments as a range of keys when they are close
    # together, as a list when far apart: either way each provider's own counts.
    fixed_rate("19", 2500)
    parent, (child,) = provider_with(1)
    Assignment.objects.filter(provider=parent).update(family_relationship="parent")
    for _ in range(between):
        cast.make_provider(county_code="19")
    stranger, (someone,) = provider_with(1)
    for provider, recipient in ((parent, child), (stranger, someone)):
        timesheet(provider, recipient, {day(n): 10 * H for n in range(1, 15)})

    run = run_period(DEC_1)

    assert deductions(Paystub.objects.get(run=run, provider=parent))["sdi"] == (
        0,
        "family_exempt",
    )
    assert deductions(Paystub.objects.get(run=run, provider=stranger))["sdi"][0] == 5200


@pytest.mark.postgres_only
def test_a_calculated_run_leaves_the_database_knowing_how_many_stubs_it_wrote():
    """Right after a state's calculation the planner must see the new stubs and lines, or
    it plans the preview and the issue for empty tables (a state's issue took 37 s instead
    of 11 s so)."""
    fixed_rate("19", 2000)
    for _ in range(3):
        provider, (recipient,) = provider_with(1)
        timesheet(provider, recipient, {day(2): 5 * H})

    run_period(DEC_1)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class"
            " WHERE relname IN ('payroll_paystub', 'payroll_payline', 'core_paidsource')"
        )
        assert dict(cursor.fetchall()) == {
            "payroll_paystub": 3,
            "payroll_payline": 3,
            "core_paidsource": 3,
        }
