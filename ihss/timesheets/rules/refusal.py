"""What every timesheet rule answers: the refusals, with the numbers that explain them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    """One rule an entry breaks, with the numbers to explain it: `total` minutes where the
    rule allows `limit`. `when` is the day, the workweek's Sunday or the month's first."""

    rule: str
    when: dt.date
    total: int
    limit: int
    recipient: int | None = None
    program: str | None = None


FUTURE_DAY = "future_day"
