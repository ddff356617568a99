"""EVV's rules, as pure functions: every number they use comes in as an argument, read by
the services from the program parameters (`PARAMETERS`).

- `range_of`: a Home punch's position against the recipient's address. Out of range only
  when farther than the tolerance plus the fix's own accuracy: a fix that may be off by
  300 m is not held against anyone at 200 m.
- `implausible_time`: a phone clock in the future, or a punch too old to be a delay.
- `day_summary`: what a day's visits put on the timesheet.
- `check_out_due`: whether an open visit is past the reminder time.

Distances are computed in floating point (geometry, not money or hours) and kept as whole
meters.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from ihss.core.units import EARTH_RADIUS_M

PARAMETERS = (
    "evv_range_tolerance_meters",
    "evv_clock_ahead_minutes",
    "evv_punch_max_age_minutes",
    "evv_checkout_reminder_minute",
    "evv_coordinates_retention_days",
)


Coordinate = Decimal | float


class Fix(NamedTuple):
    latitude: Coordinate
    longitude: Coordinate
    accuracy_m: int


def valid_coordinates(latitude: Coordinate, longitude: Coordinate) -> bool:
    return -90 <= latitude <= 90 and -180 <= longitude <= 180


def distance_m(a_lat: Coordinate, a_lon: Coordinate, b_lat: Coordinate, b_lon: Coordinate) -> int:
    """The great-circle distance between two points, in whole meters (haversine)."""
    p1, p2 = math.radians(float(a_lat)), math.radians(float(b_lat))
    dp = p2 - p1
    dl = math.radians(float(b_lon) - float(a_lon))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h))))


class RangeResult(NamedTuple):
    range: str  # models.Range value: "in", "out", "unknown", or "" without a fix
    distance_m: int | None


def range_of(
    fix: Fix | None, home: tuple[Coordinate, Coordinate] | None, *, tolerance_m: int
) -> RangeResult:
    """Whether a fix is within `tolerance_m` (plus its accuracy) of the recipient's home.

    No fix: "" (the visit is marked "no location"). No coordinates for the home: "unknown"
    (no check; the county is asked to add them)."""
    if fix is None:
        return RangeResult("", None)
    if home is None:
        return RangeResult("unknown", None)
    distance = distance_m(fix.latitude, fix.longitude, home[0], home[1])
    inside = distance <= tolerance_m + max(0, fix.accuracy_m)
    return RangeResult("in" if inside else "out", distance)


def implausible_time(
    punched_at: dt.datetime, received_at: dt.datetime, *, ahead_minutes: int, max_age_minutes: int
) -> bool:
    """A phone time later than its arrival (by more than clocks drift), or older than a
    phone can plausibly have kept a punch."""
    if punched_at > received_at + dt.timedelta(minutes=ahead_minutes):
        return True
    return punched_at < received_at - dt.timedelta(minutes=max_age_minutes)


class Span(NamedTuple):
    """One visit as the timesheet sees it (local times)."""

    start: dt.datetime | None
    end: dt.datetime | None
    place: str  # "home" or "community"


class DaySummary(NamedTuple):
    start: dt.time | None
    end: dt.time | None
    location: str  # "home", "community" or "both"


def day_summary(spans: Sequence[Span]) -> DaySummary:
    """The day's first check-in, last check-out and where: "both" when the visits were at
    Home and in the Community. A day still open has no end."""
    starts = [s.start for s in spans if s.start is not None]
    open_visit = any(s.start is not None and s.end is None for s in spans)
    ends = [s.end for s in spans if s.end is not None]
    places = {s.place for s in spans}
    location = "both" if len(places) > 1 else (places.pop() if places else "")
    return DaySummary(
        start=min(starts).time() if starts else None,
        end=None if open_visit or not ends else max(ends).time(),
        location=location,
    )


def check_out_due(checked_in_at: dt.datetime, now: dt.datetime, *, reminder_minute: int) -> bool:
    """Whether a visit checked in at `checked_in_at` (local) and still open at `now`
    (local) is past the day's reminder time (minutes after midnight of the check-in day),
    or into a later day."""
    due = dt.datetime.combine(checked_in_at.date(), dt.time()) + dt.timedelta(
        minutes=reminder_minute
    )
    due = due.replace(tzinfo=checked_in_at.tzinfo)
    return now >= max(due, checked_in_at)


def flags_for(
    *,
    place: str,
    ranges: Iterable[str],
    positions: Iterable[str],
    implausible: bool,
    has_check_in: bool,
    has_check_out: bool,
    corrected: bool,
) -> list[str]:
    """A visit's flags (models.Flag values), from its punches."""
    flags: list[str] = []
    ranges, positions = list(ranges), list(positions)
    if place == "home" and any(p in ("denied", "unavailable") for p in positions):
        flags.append("no_location")
    if "out" in ranges:
        flags.append("out_of_range")
    if "unknown" in ranges:
        flags.append("unknown_range")
    if implausible:
        flags.append("phone_time")
    if not has_check_in:
        flags.append("no_check_in")
    if not has_check_out:
        flags.append("no_check_out")
    if corrected:
        flags.append("corrected")
    return flags
