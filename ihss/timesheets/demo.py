"""Demo data of timesheets: a few to try each step with, dated from today."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ihss.cases.models import Program
from ihss.core import audit
from ihss.core.demo import DemoContext
from ihss.timesheets import services as timesheet_services
from ihss.timesheets.models import Location, Timesheet
from ihss.timesheets.rules import PayPeriod, pay_period_containing

AFTER = ("cases", "accounts", "notifications")  # their notices come after the demo messages
H = 60


def load(context: DemoContext) -> None:
    """Timesheets to try each step with, dated from today: Ana's for Rosa two periods
    ago (approved, held for a county check), and last period (sent, waiting for Rosa);
    James's for Luis this period (being filled in)."""
    today = timezone.localdate()
    providers, recipients = context.records["provider"], context.records["recipient"]
    users = context.records["user"]
    last = pay_period_containing(pay_period_containing(today).start - dt.timedelta(days=1))
    before = pay_period_containing(last.start - dt.timedelta(days=1))
    ana, rosa = users["provider.one"], users["recipient"]
    plans = [
        (providers["190000001"], recipients["1900001"], ana, before, "held"),
        (providers["190000001"], recipients["1900001"], ana, last, "submitted"),
        (providers["190000002"], recipients["1900003"], users["provider.three"], None, "draft"),
    ]
    for provider, recipient, user, period, goal in plans:
        day = period.start if period else pay_period_containing(today).start
        sheet = timesheet_services.open_timesheet(
            provider=provider, recipient=recipient, program=Program.IHSS, day=day, by=user
        )
        if sheet.days.exists():
            continue  # loaded before
        end = min(sheet.period_end, today - dt.timedelta(days=1))
        weekdays = {
            d: timesheet_services.DayInput(6 * H, dt.time(8), dt.time(14), Location.HOME)
            for d in (sheet.period_start + dt.timedelta(days=i) for i in range(16))
            if d <= end and d.weekday() < 5
        }
        timesheet_services.save_week(timesheet=sheet, days=weekdays, by=user)
        if goal == "draft" or not weekdays:
            continue
        timesheet_services.submit(timesheet=sheet, by=user)
        if goal == "held":
            timesheet_services.approve(timesheet=sheet, by=rosa, signature="Rosa Delgado")
            timesheet_services.decide_review(
                timesheet=sheet,
                by=users["county.la"],
                decision="hold",
                reason="Signature check before payroll (demo).",
            )
    _week_across_three_recipients(context, before)


def _week_across_three_recipients(context: DemoContext, period: PayPeriod) -> None:
    """James's timesheets (provider 190000002) for his three recipients in the first whole
    workweek of `period`, approved: 27 h for Harold (Mon-Wed), 14 h for Lucia (Thu-Fri) and 6 h for
    Samuel (Sat) make 47 h, so payroll pays 7 h of Saturday as overtime, with Samuel.

    None of the three has a portal account: they approve by telephone (the TTS), which
    the demo records as the approval the TTS would send."""
    providers, recipients = context.records["provider"], context.records["recipient"]
    james = context.records["user"]["provider.three"]
    start = period.start
    sunday = start + dt.timedelta(days=(6 - start.weekday()) % 7)
    plan = {
        "1900002": {sunday + dt.timedelta(days=d): 9 * H for d in (1, 2, 3)},
        "1900003": {sunday + dt.timedelta(days=d): 7 * H for d in (4, 5)},
        "1900004": {sunday + dt.timedelta(days=6): 6 * H},
    }
    for case_number, days in plan.items():
        recipient = recipients[case_number]
        sheet = timesheet_services.open_timesheet(
            provider=providers["190000002"],
            recipient=recipient,
            program=Program.IHSS,
            day=start,
            by=james,
        )
        if sheet.status != Timesheet.Status.DRAFT:
            continue  # loaded before
        typed = {
            day: timesheet_services.DayInput(
                minutes, dt.time(8), dt.time(8 + minutes // H), Location.HOME
            )
            for day, minutes in days.items()
        }
        timesheet_services.save_week(timesheet=sheet, days=typed, by=james)
        timesheet_services.submit(timesheet=sheet, by=james, confirm_early=True)
        with transaction.atomic():
            name = f"{recipient.first_name} {recipient.last_name}"
            Timesheet.objects.filter(pk=sheet.pk).update(
                status=Timesheet.Status.APPROVED,
                decided_at=timezone.now(),
                signature=name,
            )
            audit.record(
                actor=None,
                action="timesheet.approved",
                subject=sheet,
                reason="Approved by telephone (TTS), demo.",
                after={"status": Timesheet.Status.APPROVED, "signature": name},
            )
