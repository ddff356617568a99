"""Gross pay: the wage rate in force on each day, overtime by workweek, late hours.

Pure functions over plain values (docs: ../shared/domain/ihss-facts.md 3.2 and 5):

- **Rates.** A county's wage is a fixed hourly rate, or the state minimum wage plus a
  supplement; the rate in force on the day worked applies, so a raise in the middle of a
  pay period splits that period's lines.
- **Overtime.** Minutes past the threshold (40 h) in a Sunday-Saturday workweek are paid at
  the overtime multiplier (1.5x), counting every recipient and program, travel and
  training time. Attribution is chronological: walking the week's work in the order it was
  done, the minutes that cross the threshold are the overtime minutes, charged to the day,
  recipient and timesheet they belong to. The order in which timesheets were approved or
  paid never matters.
- **Late hours.** A run pays, for every item, what the whole week's work owes it minus what
  earlier runs paid it: new items are paid in full; items already paid get only the
  difference (an overtime premium when earlier-worked hours arrive late and push them past
  40 h). By induction, what earlier runs paid an item is its allocation over the items
  they had, so the totals always equal one computation over the whole week.

Money is integer cents, rounded half up once per line; hours are integer minutes.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

MINUTES_PER_HOUR = 60
BASIS_POINTS = 10_000  # 1x as a multiplier in basis points


# --- Policy -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PayPolicy:
    """The numbers gross pay reads, from the program parameters in force."""

    overtime_threshold_minutes: int
    overtime_multiplier_bp: int

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        return ("overtime_weekly_threshold", "overtime_multiplier")

    @classmethod
    def from_parameters(cls, values: Mapping[str, int]) -> PayPolicy:
        return cls(
            overtime_threshold_minutes=values["overtime_weekly_threshold"],
            overtime_multiplier_bp=values["overtime_multiplier"],
        )


# --- Rates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WageTerm:
    """One row of a county's wage table: from a date, a fixed rate or minimum + supplement."""

    effective_from: dt.date
    hourly_cents: int | None  # a fixed rate
    supplement_cents: int | None  # over the state minimum wage


class NoRate(LookupError):
    """No wage rate is in force for a county on a day."""

    def __init__(self, county: Hashable, day: dt.date) -> None:
        super().__init__(f"No wage rate for county {county} on {day.isoformat()}.")
        self.county = county
        self.day = day


def rate_schedule(
    terms: Iterable[WageTerm], minimum_wage: Iterable[tuple[dt.date, int]]
) -> list[tuple[dt.date, int]]:
    """(from, hourly cents) for every change of a county's rate, in date order.

    A "minimum plus" term changes with the minimum wage: each change of the minimum wage
    while the term is in force starts a new rate.
    """
    terms = sorted(terms, key=lambda t: t.effective_from)
    minimums = sorted(minimum_wage)
    schedule: list[tuple[dt.date, int]] = []
    for index, term in enumerate(terms):
        until = terms[index + 1].effective_from if index + 1 < len(terms) else None
        if term.hourly_cents is not None:
            schedule.append((term.effective_from, term.hourly_cents))
            continue
        assert term.supplement_cents is not None
        starts = [term.effective_from] + [
            day
            for day, _ in minimums
            if term.effective_from < day and (until is None or day < until)
        ]
        for start in starts:
            minimum = _in_force(minimums, start)
            if minimum is not None:
                schedule.append((start, minimum + term.supplement_cents))
    return schedule


def _in_force(schedule: Sequence[tuple[dt.date, int]], day: dt.date) -> int | None:
    index = bisect.bisect_right([d for d, _cents in schedule], day) - 1
    return schedule[index][1] if index >= 0 else None


class RateBook:
    """Every county's rate schedule, answering `rate(county, day)` in O(log n)."""

    def __init__(self, schedules: Mapping[Hashable, Sequence[tuple[dt.date, int]]]) -> None:
        self._days = {c: [d for d, _ in s] for c, s in schedules.items()}
        self._cents = {c: [r for _, r in s] for c, s in schedules.items()}
        # Answers already given: a run asks for the same few (county, day) millions of times.
        self._known: dict[tuple[Hashable, dt.date], int] = {}

    def rate(self, county: Hashable, day: dt.date) -> int:
        known = self._known.get((county, day))
        if known is not None:
            return known
        days = self._days.get(county)
        index = -1 if days is None else bisect.bisect_right(days, day) - 1
        if days is None or index < 0:
            raise NoRate(county, day)
        cents = self._known[(county, day)] = self._cents[county][index]
        return cents


# --- Work and lines ---------------------------------------------------------------------


class Work(NamedTuple):
    """One item owed to a provider, as the rules see it. A provider's items are given in the
    order the work was done (day, then start time). The fields are those of a payable item
    (ihss/core/payables.PayableItem), in its order, so that a run walks the items as the
    sources give them (tests/test_stub_rows.py holds the two together)."""

    provider: Hashable
    day: dt.date
    start: dt.time | None
    source: str  # with document: the record a line is charged to
    document: Hashable
    recipient: Hashable | None
    county: Hashable
    program: str
    kind: str  # "hours", "travel", "sick_leave", "training", "incentive"
    minutes: int
    cents: int
    overtime: bool  # counts toward the weekly threshold
    paid: bool  # paid by an earlier run


class Part:
    REGULAR = "regular"  # minutes at the rate
    OVERTIME = "overtime"  # minutes at the rate x the overtime multiplier
    OVERTIME_ADJUSTMENT = "overtime_adjustment"  # the premium only, on minutes paid earlier
    AMOUNT = "amount"  # cents owed as they are


class Line(NamedTuple):
    """A paystub line: minutes (or an amount) of one document, kind, week, rate and part.
    (A tuple: a state's run makes millions.)"""

    source: str  # with document: the record it is charged to
    document: Hashable
    recipient: Hashable | None
    county: Hashable
    program: str
    kind: str
    part: str
    week_start: dt.date
    first_day: dt.date
    last_day: dt.date
    minutes: int
    rate_cents: int
    multiplier_bp: int
    cents: int
    # What explains it: the provider's counted minutes in the whole week, over how many
    # recipients, and the threshold.
    week_minutes: int
    week_recipients: int
    threshold_minutes: int


def week_start(day: dt.date) -> dt.date:
    """The Sunday that starts the workweek of `day`."""
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


# week_start of the days seen so far (a run sees a few dozen days, millions of times).
_WEEK_STARTS: dict[dt.date, dt.date] = {}


def _week_of(day: dt.date) -> dt.date:
    start = _WEEK_STARTS.get(day)
    if start is None:
        start = _WEEK_STARTS[day] = week_start(day)
    return start


def overtime_minutes(work: Sequence[tuple[int, bool]], threshold: int) -> list[int]:
    """For (minutes, counts) in the order worked: the minutes of each past the threshold."""
    result = []
    total = 0
    for minutes, counts in work:
        if counts:
            total += minutes
        result.append(max(0, min(minutes, total - threshold)) if counts else 0)
    return result


@dataclass(frozen=True)
class Split:
    """What one item is owed now: regular and overtime minutes (new items), or an overtime
    premium on minutes paid earlier (paid items)."""

    regular: int
    overtime: int
    adjustment: int


def split_week(work: Sequence[Work], threshold: int) -> list[Split]:
    """Each item of one workweek (in the order worked): what this run owes it."""
    everything = overtime_minutes([(w.minutes, w.overtime) for w in work], threshold)
    earlier = [w for w in work if w.paid]
    before = iter(overtime_minutes([(w.minutes, w.overtime) for w in earlier], threshold))
    splits = []
    for item, over in zip(work, everything, strict=True):
        if item.paid:
            # Hours only ever join a week, so an earlier item's overtime only grows.
            splits.append(Split(0, 0, max(0, over - next(before))))
        else:
            splits.append(Split(item.minutes - over, over, 0))
    return splits


def cents_for(minutes: int, rate_cents: int, multiplier_bp: int) -> int:
    """minutes x hourly rate x multiplier, in cents, rounded half up."""
    numerator = minutes * rate_cents * multiplier_bp
    denominator = MINUTES_PER_HOUR * BASIS_POINTS
    return (2 * numerator + denominator) // (2 * denominator)


def provider_lines(
    work: Sequence[Work], *, policy: PayPolicy, rate: Callable[[Hashable, dt.date], int]
) -> list[Line]:
    """Every line a run pays one provider, from the provider's items in the order worked
    (whole workweeks for every week with an unpaid item). Raises NoRate when an item's
    county has no rate on its day.

    Lines come in the order of their first item (weeks in order, then items, then regular,
    overtime, adjustment, amount). A week within the threshold, nearly every week, takes a
    short path: its new minutes are all regular. (Written for speed: a state's run walks
    eight million items. Items are unpacked as tuples, each line's running totals are a
    list [first item, last day, minutes, cents, (week minutes, week recipients)];
    tests/test_pay_rules_same_lines.py holds it to the straightforward walk.)
    """
    weeks: dict[dt.date, list[Work]] = {}
    known_week = _WEEK_STARTS.get
    for item in work:
        start = known_week(item[1]) or _week_of(item[1])
        items = weeks.get(start)
        if items is None:
            weeks[start] = [item]
        else:
            items.append(item)
    lines: dict[_Key, list[Any]] = {}
    threshold = policy.overtime_threshold_minutes
    multiplier = policy.overtime_multiplier_bp
    regular, amount = Part.REGULAR, Part.AMOUNT
    for start, items in weeks.items():
        counted = 0
        recipients = set()
        unpaid = False
        for (_provider, _day, _start, _source, _document, recipient, _county, _program, _kind,
             minutes, _cents, counts, paid) in items:  # fmt: skip
            if counts:
                counted += minutes
                recipients.add(recipient)
            if not paid:
                unpaid = True
        if not unpaid:
            continue
        week = (counted, len(recipients))
        if counted > threshold:
            _split_lines(lines, items, start, week, threshold, multiplier, rate)
            continue
        # No minute of the week is overtime, now or in an earlier run: new items are
        # regular time, items paid before are owed nothing more.
        for item in items:
            (_provider, day, _start, source, document, _recipient, county, program, kind,
             minutes, cents, _counts, paid) = item  # fmt: skip
            if paid:
                continue
            if minutes:  # _count, in line: nearly every item of a state's run comes here
                key = (source, document, program, kind, regular, start, rate(county, day),
                       BASIS_POINTS)  # fmt: skip
                total = lines.get(key)
                if total is None:
                    lines[key] = [item, day, minutes, cents, week]
                else:
                    total[1] = day
                    total[2] += minutes
                    total[3] += cents
            if cents:
                _count(lines, (source, document, program, kind, amount, start, 0, 0), item, 0, week)
    result = []
    for (source, document, program, kind, part, start, rate_cents, times), (
        first,
        last_day,
        minutes,
        cents,
        (week_minutes, week_recipients),
    ) in lines.items():
        if part == amount:
            minutes = 0
        else:
            cents = cents_for(minutes, rate_cents, times)
        result.append(
            _line(
                (
                    source,
                    document,
                    first[5],  # the first item's recipient, county and day (Work's order)
                    first[6],
                    program,
                    kind,
                    part,
                    start,
                    first[1],
                    last_day,
                    minutes,
                    rate_cents,
                    times,
                    cents,
                    week_minutes,
                    week_recipients,
                    threshold,
                )
            )  # fmt: skip
        )
    return result


# A line's key while walking: source, document, program, kind, part, week, rate, multiplier.
_Key = tuple[str, Hashable, str, str, str, dt.date, int, int]
# A Line from a tuple of its fields, without a Python call.
_line = partial(tuple.__new__, Line)


def _split_lines(
    lines: dict[_Key, list[Any]],
    items: Sequence[Work],
    start: dt.date,
    week: tuple[int, int],
    threshold: int,
    multiplier: int,
    rate: Callable[[Hashable, dt.date], int],
) -> None:
    """A week past the threshold: each item's regular, overtime and adjustment minutes
    (split_week's, computed in the same pass) and its amount, counted into their lines."""
    worked = earlier = 0  # counted minutes so far: every item's, and the paid items'
    for item in items:
        (_provider, day, _start, source, document, _recipient, county, program, kind, minutes,
         cents, counts, paid) = item  # fmt: skip
        over = 0
        if counts:
            worked += minutes
            over = max(0, min(minutes, worked - threshold))
        parts: tuple[tuple[str, int, int], ...]
        if paid:
            before = 0
            if counts:
                earlier += minutes
                before = max(0, min(minutes, earlier - threshold))
            # Hours only ever join a week, so an earlier item's overtime only grows.
            if over <= before:
                continue
            parts = ((Part.OVERTIME_ADJUSTMENT, over - before, multiplier - BASIS_POINTS),)
        else:
            parts = (
                (Part.REGULAR, minutes - over, BASIS_POINTS),
                (Part.OVERTIME, over, multiplier),
            )
        for part, part_minutes, times in parts:
            if part_minutes:
                key = (source, document, program, kind, part, start, rate(county, day), times)
                _count(lines, key, item, part_minutes, week)
        if cents and not paid:
            _count(
                lines, (source, document, program, kind, Part.AMOUNT, start, 0, 0), item, 0, week
            )


def _count(
    lines: dict[_Key, list[Any]],
    key: _Key,
    item: Work,
    minutes: int,
    week: tuple[int, int],
) -> None:
    """Count `minutes` of `item` (and its cents) into the line `key`."""
    total = lines.get(key)
    if total is None:
        lines[key] = [item, item.day, minutes, item.cents, week]
    else:
        total[1] = item.day
        total[2] += minutes
        total[3] += item.cents


def split_amount(total: int, weights: Sequence[int]) -> list[int]:
    """`total` cents shared in proportion to `weights`, summing exactly to `total` (largest
    remainders get the odd cents, earlier first on ties)."""
    whole = sum(weights)
    if whole <= 0:
        return [total] + [0] * (len(weights) - 1) if weights else []
    shares = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares
