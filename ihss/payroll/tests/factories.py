"""Approved timesheets and wage rates for payroll tests, written straight to the tables
(the timesheets workflow is tested in its own app)."""

from __future__ import annotations

import datetime as dt

from ihss import test as cast
from ihss.cases.models import County, Program, Provider, Recipient
from ihss.payroll.models import WageRate
from ihss.timesheets.models import DayEntry, SickLeaveClaim, Timesheet

H = 60


def fixed_rate(code: str, cents: int, *, start: dt.date = dt.date(2024, 1, 1)) -> WageRate:
    rate, _made = WageRate.objects.update_or_create(
        county=County.objects.get(code=code),
        effective_from=start,
        defaults={"basis": WageRate.Basis.FIXED, "hourly_cents": cents},
    )
    return rate


def period_of(day: dt.date) -> tuple[dt.date, dt.date]:
    if day.day <= 15:
        return day.replace(day=1), day.replace(day=15)
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return day.replace(day=16), following - dt.timedelta(days=1)


def timesheet(
    provider: Provider,
    recipient: Recipient,
    days: dict[dt.date, int],
    *,
    status: str = Timesheet.Status.APPROVED,
    review: str = Timesheet.Review.NONE,
    program: str = Program.IHSS,
    starts: dict[dt.date, dt.time] | None = None,
) -> Timesheet:
    start, end = period_of(min(days))
    sheet = Timesheet.objects.create(
        provider=provider,
        recipient=recipient,
        program=program,
        period_start=start,
        period_end=end,
        status=status,
        county_review=review,
    )
    DayEntry.objects.bulk_create(
        DayEntry(
            timesheet=sheet,
            day=day,
            minutes=minutes,
            location="home",
            start=(starts or {}).get(day),
        )
        for day, minutes in days.items()
    )
    return sheet


def sick_leave(provider: Provider, recipient: Recipient, day: dt.date, minutes: int):
    return SickLeaveClaim.objects.create(
        provider=provider,
        recipient=recipient,
        program=Program.IHSS,
        day=day,
        minutes=minutes,
        status=SickLeaveClaim.Status.APPROVED,
    )


def provider_with(recipients: int, *, county: str = "19"):
    provider = cast.make_active_provider(county_code=county)
    people = [cast.make_recipient(county_code=county) for _ in range(recipients)]
    for person in people:
        cast.assign(provider, person, 100 * H)
    return provider, people
