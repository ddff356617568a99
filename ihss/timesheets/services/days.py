"""One typed day checked once: the week page's form and the API's week both ask here, so a
wrong day reads the same wherever it was typed.

Only what a day itself must hold is checked (the hours fit the day and the times, the
times and place are given); where the day falls (its pay period, workweek, not in the
future) is the caller's, as each shows it differently.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from ihss.core.parameters import parameter
from ihss.core.refusals import FieldProblem
from ihss.core.units import format_minutes
from ihss.timesheets import rules


def daily_cap(day: dt.date | None) -> int:
    """The most minutes one day can hold, in force on `day` (today when not known): the
    program parameter `daily_cap` (24 hours)."""
    return parameter("daily_cap", on=day or timezone.localdate())


def day_too_long(limit: int) -> str:
    return _("A day has only %(limit)s.") % {"limit": format_minutes(limit)}


def day_problems(
    *, day: dt.date, minutes: int, start: dt.time | None, end: dt.time | None, location: str
) -> list[FieldProblem]:
    """What is wrong with one typed day, each at its field; none for a good day. A day of
    0 minutes is a blank day (not worked): it takes no times."""
    if minutes == 0:
        if start is not None or end is not None:
            return [
                FieldProblem(
                    "start", _("Enter the hours worked, or clear the start and end times.")
                )
            ]
        return []
    problems: list[FieldProblem] = []
    if minutes > (limit := daily_cap(day)):
        problems.append(FieldProblem("minutes", day_too_long(limit)))
    if start is None:
        problems.append(FieldProblem("start", _("Enter the time you started.")))
    if end is None:
        problems.append(FieldProblem("end", _("Enter the time you finished.")))
    if not location:
        problems.append(FieldProblem("location", _("Choose where you worked.")))
    if start is not None and end is not None and minutes > rules.span_minutes(start, end):
        problems.append(
            FieldProblem(
                "end", _("You worked more hours than there are between the start and end times.")
            )
        )
    return problems
