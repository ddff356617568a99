"""A provider paid by two issued runs with every kind of line (regular, overtime across
three recipients, a late-hours adjustment, sick leave), deductions and payments, for the
tests of the pay pages, the PDF and the API. Runs are calculated by the real service and
marked issued directly (the issue step is tested in its own module)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ihss import test as cast
from ihss.cases.models import Provider, Recipient
from ihss.payroll.models import Deduction, Payment, PayrollRun, Paystub
from ihss.payroll.services import runs
from ihss.payroll.tests.factories import H, fixed_rate, sick_leave, timesheet
from ihss.timesheets.models import SickLeaveClaim, Timesheet

DEC_1 = dt.date(2026, 12, 1)
DEC_16 = dt.date(2026, 12, 16)


def day(n: int, month: int = 12) -> dt.date:
    return dt.date(2026, month, n)


@dataclass
class Paid:
    provider: Provider
    recipients: list[Recipient]
    first: Paystub  # overtime across three recipients, sick leave, deductions, a deposit
    second: Paystub  # the late hours: regular and an overtime adjustment, paid by check
    sheet_c: Timesheet
    late_sheet: Timesheet
    claim: SickLeaveClaim


def issue(stub: Paystub, *, pay_date: dt.date, deductions=(), check: bool = False) -> Paystub:
    """Mark the stub's run issued on the day before `pay_date`, with these deductions
    ((code, base, rate_bp, amount, note)) and one payment of the net."""
    taken = 0
    after = stub.deductions.count()  # numbered after those the run wrote
    for number, (code, base, rate, amount, note) in enumerate(deductions, after + 1):
        Deduction.objects.create(
            stub=stub,
            number=number,
            code=code,
            base_cents=base,
            rate_bp=rate,
            amount_cents=amount,
            note=note,
        )
        taken += amount
    stub.deductions_cents = taken
    stub.net_cents = stub.gross_cents - taken
    stub.state_pays_cents = stub.net_cents
    stub.method = Paystub.Method.CHECK if check else Paystub.Method.DEPOSIT
    stub.save()
    if check:
        Payment.objects.create(
            stub=stub, method="check", amount_cents=stub.net_cents, check_number="000200000001"
        )
    else:
        Payment.objects.create(
            stub=stub,
            method="deposit",
            amount_cents=stub.net_cents,
            account_last4="1234",
            trace_number="121000240000001",
        )
    run = stub.run
    run.status = PayrollRun.Status.ISSUED
    run.pay_date = pay_date
    run.issued_at = timezone.make_aware(
        dt.datetime.combine(pay_date - dt.timedelta(days=1), dt.time(9))
    )
    run.save()
    return stub


def paid_provider(provider: Provider) -> Paid:
    fixed_rate("19", 2000)
    people = [
        cast.make_recipient(county_code="19", first_name=first, last_name="Delgado")
        for first in ("Rosa", "Luis", "Marta")
    ]
    for person in people:
        cast.assign(provider, person, 200 * H)
    a, b, c = people
    # Week of Nov 29: 40 h for A on Dec 1-4. Week of Dec 6: A 15 h, B 16 h, C 12 h = 43 h.
    timesheet(provider, a, {day(1): 10 * H, day(2): 10 * H, day(3): 10 * H, day(4): 10 * H,
                            day(6): 8 * H, day(7): 7 * H})  # fmt: skip
    timesheet(provider, b, {day(8): 8 * H, day(9): 8 * H})
    sheet_c = timesheet(provider, c, {day(10): 6 * H, day(11): 6 * H})
    claim = sick_leave(provider, a, day(12), 2 * H)
    run = runs.calculate(run=runs.start_run(period_start=DEC_1, by=None, today=day(20)))
    first = Paystub.objects.get(run=run, provider=provider)
    issue(
        first,
        pay_date=day(22),
        deductions=[
            (
                "social_security",
                first.gross_cents,
                620,
                first.gross_cents * 620 // 10_000,
                "withheld",
            ),
            ("medicare", first.gross_cents, 0, 0, "family_exempt"),
            ("union_dues", first.gross_cents, 100, first.gross_cents // 100, "member"),
            ("state_income_tax", first.gross_cents, None, 2500, "requested"),
            ("mystery_fund", 0, None, 100, "strange_note"),
        ],
    )
    # 10 h for Nov 29-30 are approved late: the next run pays them and the premium.
    late = timesheet(provider, a, {day(29, 11): 5 * H, day(30, 11): 5 * H})
    run2 = runs.calculate(
        run=runs.start_run(period_start=DEC_16, by=None, today=dt.date(2027, 1, 2))
    )
    second = Paystub.objects.get(run=run2, provider=provider)
    issue(second, pay_date=dt.date(2027, 1, 6), check=True)
    return Paid(provider, people, first, second, sheet_c, late, claim)


def walker_stub(provider: Provider) -> int:
    """An issued stub of `provider` with one line, for the page walker (tests/browser/
    test_every_page.py), made once whatever the number of visits."""
    from ihss.payroll.models import PayLine

    run, _made = PayrollRun.objects.get_or_create(
        period_start=dt.date(2026, 11, 1),
        defaults={
            "period_end": dt.date(2026, 11, 15),
            "status": PayrollRun.Status.ISSUED,
            "pay_date": dt.date(2026, 11, 20),
        },
    )
    stub, made = Paystub.objects.get_or_create(
        run=run,
        provider=provider,
        defaults={
            "county_id": provider.county_id,
            "gross_cents": 2000,
            "deductions_cents": 0,
            "net_cents": 2000,
            "share_of_cost_cents": 0,
            "state_pays_cents": 2000,
            "method": Paystub.Method.DEPOSIT,
        },
    )
    if made:
        PayLine.objects.create(
            stub=stub, number=1, source="timesheet", document_id=1, county_id=provider.county_id,
            program="IHSS", kind="hours", part="regular", week_start=dt.date(2026, 11, 1),
            first_day=dt.date(2026, 11, 2), last_day=dt.date(2026, 11, 2), minutes=60,
            rate_cents=2000, multiplier_bp=10_000, cents=2000, week_minutes=60,
            week_recipients=1, threshold_minutes=2400,
        )  # fmt: skip
        Payment.objects.create(stub=stub, method="deposit", amount_cents=2000, account_last4="6789")
    return stub.pk
