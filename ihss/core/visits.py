"""Where timesheets and electronic visit verification meet, without importing each other.

EVV (`ihss/evv`) records check-ins and check-outs; timesheets (`ihss/timesheets`) record
the hours a provider reports. Each needs a little of the other, through this module
(docs/adr/0019-evv-visits-and-timesheets.md):

- the timesheet fills a day's start time, end time and location from the day's visits
  (`day_visits`, offered by EVV with `offer_day_visits`), and a provider who changes those
  filled fields says why: the change is recorded on the visits (`correct_day`, offered by
  EVV with `offer_correction`);
- the county reads, beside a day the provider changed, what the check-ins and check-outs
  themselves said (`day_punches`, offered by EVV with `offer_day_punches`);
- EVV refuses a punch for a day already on a sent timesheet (`day_refusal`, offered by
  timesheets with `offer_day_guard`);
- Career Pathways refuses to pay training time that overlaps a checked-in visit
  (`overlapping_visits`, offered by EVV with `offer_overlaps`);
- EVV's county compliance view counts the days with reported hours and no visit
  (`worked_days`, offered by timesheets with `offer_worked_days`).

Each is declared once, in the offering app's `app.py`. When nothing offers one (an app
switched off), the question has its empty answer: no visits, no refusal, no worked days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple


class DayVisits(NamedTuple):
    """What a day's visits say, for one provider, recipient and program."""

    day: dt.date
    start: dt.time | None  # the first check-in, local time (None: no check-in that day)
    end: dt.time | None  # the last check-out (None: still checked in, or none)
    location: str  # "home", "community" or "both" (timesheets.Location)
    visits: int
    corrected: bool  # a time or the location was changed by hand


class DayPunches(NamedTuple):
    """What a day's check-ins and check-outs themselves said (the phone's times, local),
    whatever was corrected since; the place of each punch."""

    day: dt.date
    start: dt.time | None  # the first check-in (None: no check-in that day)
    end: dt.time | None  # the last check-out (None: none)
    location: str  # "home", "community" or "both"


class WorkedDay(NamedTuple):
    """A day with hours on a timesheet the provider sent (or is filling in)."""

    provider_id: int
    recipient_id: int
    program: str
    day: dt.date
    minutes: int
    sent: bool


class VisitSpan(NamedTuple):
    """A checked-in stretch of a provider's day with one recipient."""

    recipient_id: int
    start: dt.datetime
    end: dt.datetime | None  # still checked in


DayVisitsReader = Callable[[int, int, str, dt.date, dt.date], dict[dt.date, DayVisits]]
DayPunchesReader = Callable[[int, int, str, dt.date, dt.date], dict[dt.date, DayPunches]]
Corrector = Callable[..., None]
DayGuard = Callable[[int, int, str, dt.date], Any]
WorkedDaysReader = Callable[[Iterable[int], dt.date, dt.date], Iterable[WorkedDay]]

_offered: dict[str, Callable[..., Any]] = {}


def _offer(name: str, function: Callable[..., Any]) -> None:
    known = _offered.get(name)
    if known is not None and known is not function:
        raise RuntimeError(f"{name} is offered twice.")
    _offered[name] = function


def offer_day_visits(reader: DayVisitsReader) -> None:
    _offer("day_visits", reader)


def offer_day_punches(reader: DayPunchesReader) -> None:
    _offer("day_punches", reader)


def offer_correction(corrector: Corrector) -> None:
    _offer("correct_day", corrector)


def offer_overlaps(reader: Callable[[int, dt.datetime, dt.datetime], list[VisitSpan]]) -> None:
    _offer("overlapping_visits", reader)


def offer_day_guard(guard: DayGuard) -> None:
    _offer("day_refusal", guard)


def offer_worked_days(reader: WorkedDaysReader) -> None:
    _offer("worked_days", reader)


def day_visits(
    provider_id: int, recipient_id: int, program: str, first: dt.date, last: dt.date
) -> dict[dt.date, DayVisits]:
    """The visits of each day from `first` to `last` that has any, by day."""
    reader = _offered.get("day_visits")
    return reader(provider_id, recipient_id, program, first, last) if reader else {}


def day_punches(
    provider_id: int, recipient_id: int, program: str, first: dt.date, last: dt.date
) -> dict[dt.date, DayPunches]:
    """What the punches of each day from `first` to `last` that has any said, by day."""
    reader = _offered.get("day_punches")
    return reader(provider_id, recipient_id, program, first, last) if reader else {}


def correct_day(
    *,
    provider_id: int,
    recipient_id: int,
    program: str,
    day: dt.date,
    start: dt.time | None,
    end: dt.time | None,
    location: str,
    reason: str,
    by: Any,
) -> None:
    """Record that the provider changed what the day's visits said, and why. Runs inside
    the caller's transaction (the timesheet's save)."""
    corrector = _offered.get("correct_day")
    if corrector is not None:
        corrector(
            provider_id=provider_id,
            recipient_id=recipient_id,
            program=program,
            day=day,
            start=start,
            end=end,
            location=location,
            reason=reason,
            by=by,
        )


def overlapping_visits(provider_id: int, start: dt.datetime, end: dt.datetime) -> list[VisitSpan]:
    """The provider's visits that were checked in at some moment from `start` to `end`."""
    reader = _offered.get("overlapping_visits")
    return reader(provider_id, start, end) if reader else []


def day_refusal(provider_id: int, recipient_id: int, program: str, day: dt.date) -> Any:
    """Why a punch for this day may no longer be recorded (a message), or None."""
    guard = _offered.get("day_refusal")
    return guard(provider_id, recipient_id, program, day) if guard else None


def worked_days(county_ids: Iterable[int], first: dt.date, last: dt.date) -> Iterable[WorkedDay]:
    """Every day with reported hours, from `first` to `last`, of recipients of the counties."""
    reader = _offered.get("worked_days")
    return reader(county_ids, first, last) if reader else []
