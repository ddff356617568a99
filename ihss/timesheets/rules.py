"""Pure rules of timesheets: pay periods.

No Django, no clock: dates are arguments.
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
