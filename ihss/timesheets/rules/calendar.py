"""Pay periods, workweeks and fiscal years: the calendar every timesheet rule counts in.

IHSS pays twice a month (ihss-facts §2.1), counts hours per Sunday-to-Saturday workweek
(§3.2) and grants sick leave per July-to-June fiscal year (§3.6).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class PayPeriod:
    """IHSS pays twice a month: the 1st to the 15th, and the 16th to the month's end."""

    start: dt.date
    end: dt.date


def pay_period_containing(day: dt.date) -> PayPeriod:
    if day.day <= 15:
        return PayPeriod(day.replace(day=1), day.replace(day=15))
    last = calendar.monthrange(day.year, day.month)[1]
    return PayPeriod(day.replace(day=16), day.replace(day=last))


def period_ending_tomorrow(today: dt.date) -> PayPeriod | None:
    """The pay period whose last day is tomorrow, if there is one."""
    period = pay_period_containing(today)
    return period if period.end == today + dt.timedelta(days=1) else None


def span_minutes(start: dt.time, end: dt.time) -> int:
    """Minutes from a start time to an end time; an end at or before the start is on the
    next day (a night's care from 22:00 to 06:00 spans 8 hours; 08:00 to 08:00, 24)."""
    begin = start.hour * 60 + start.minute
    finish = end.hour * 60 + end.minute
    return finish - begin if finish > begin else finish + 24 * 60 - begin


@dataclass(frozen=True, order=True)
class Workweek:
    """Sunday 00:00 to Saturday 23:59: one workweek even when a pay period ends inside it."""

    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def workweek_containing(day: dt.date) -> Workweek:
    start = day - dt.timedelta(days=(day.weekday() + 1) % 7)  # Monday is 0, Sunday 6
    return Workweek(start, start + dt.timedelta(days=6))


def workweeks_touching(period: PayPeriod) -> list[Workweek]:
    """The workweeks a pay period has days in, the first and last often shared."""
    weeks = []
    week = workweek_containing(period.start)
    while week.start <= period.end:
        weeks.append(week)
        week = workweek_containing(week.end + dt.timedelta(days=1))
    return weeks


@dataclass(frozen=True, order=True)
class FiscalYear:
    """California's fiscal year: July 1 to June 30."""

    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def fiscal_year_containing(day: dt.date) -> FiscalYear:
    first = day.year if day.month >= 7 else day.year - 1
    return FiscalYear(dt.date(first, 7, 1), dt.date(first + 1, 6, 30))
