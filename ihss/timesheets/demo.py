"""Demo data of timesheets: a few to try each step with, dated from today."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ihss.cases.models import Program
from ihss.core.demo import DemoContext
from ihss.timesheets import services as timesheet_services
from ihss.timesheets.models import Location
from ihss.timesheets.rules import pay_period_containing

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
