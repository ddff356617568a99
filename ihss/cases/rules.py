"""Pure arithmetic over case records: durations and date ranges. No Django here.

A period is (first day, last day or None for open-ended, minutes); both ends are inclusive,
as they are on the records (`effective_from` / `effective_to`, `start_date` / `end_date`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

MINUTES_PER_HOUR = 60

Period = tuple[dt.date, dt.date | None, int]

# Program parameters (core.ProgramParameter keys) for the monthly authorization caps.
SEVERE_MONTHLY_CAP = "recipient_monthly_max_severe"  # 283 h
REGULAR_MONTHLY_CAP = "recipient_monthly_max"  # 195 h


def monthly_cap_parameter(*, severely_impaired: bool) -> str:
    """Which cap applies to a recipient's authorized hours: 283 h if severely impaired."""
    return SEVERE_MONTHLY_CAP if severely_impaired else REGULAR_MONTHLY_CAP


def split_minutes(total: int) -> tuple[int, int]:
    """(hours, minutes) of a duration in minutes: 4245 -> (70, 45)."""
    if total < 0:
        raise ValueError("A duration cannot be negative.")
    return divmod(total, MINUTES_PER_HOUR)


def join_minutes(hours: int, minutes: int) -> int:
    """Minutes of a duration typed as hours and minutes (0-59): (70, 45) -> 4245."""
    if hours < 0 or not 0 <= minutes < MINUTES_PER_HOUR:
        raise ValueError("Hours are not negative and minutes are 0 to 59.")
    return hours * MINUTES_PER_HOUR + minutes


def overlaps(
    a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None
) -> bool:
    """Whether two inclusive date ranges share at least one day (None = no end)."""
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


def peak_total(periods: Iterable[Period]) -> int:
    """The largest sum of minutes of the periods in force on any one day."""
    changes: dict[dt.date, int] = {}
    for start, end, minutes in periods:
        changes[start] = changes.get(start, 0) + minutes
        if end is not None:
            after = end + dt.timedelta(days=1)
            changes[after] = changes.get(after, 0) - minutes
    peak = running = 0
    for day in sorted(changes):
        running += changes[day]
        peak = max(peak, running)
    return peak
