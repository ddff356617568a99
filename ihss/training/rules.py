"""Career Pathways incentives, as pure functions (../shared/domain/ihss-facts.md 7).

Three incentives, each computed from verified training hours and case data, every number
a program parameter (`IncentivePolicy`):

1. **Hours**: each block of `incentive_hours_block` verified minutes in one pathway (15 hours),
   at most `incentive_hours_max` times in all (two);
2. **One month**: a Category 2 (specialized) pathway completed (`incentive_hours_block`
   minutes in it), then a calendar month, from the one it was completed in, with at least
   `incentive_month_minutes` (40 hours) serving one recipient whose care needs that pathway
   serves; at most `incentive_one_month_max` times (once);
3. **Six months**: the same kept for `incentive_six_months` calendar months in a row;
   at most `incentive_six_month_max` times (once).

All the amounts together never pass `incentive_total_cap` ($3,500). Minutes in one
pathway never count toward another. Incentives are earned in the order of the days they
became due, so the result does not depend on the order the facts arrive in.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HOURS = "hours"
ONE_MONTH = "one_month"
SIX_MONTHS = "six_months"
SPECIALIZED = 2


@dataclass(frozen=True)
class IncentivePolicy:
    block_minutes: int
    hours_max: int
    hours_cents: int
    month_minutes: int
    one_month_max: int
    one_month_cents: int
    months_in_a_row: int
    six_month_max: int
    six_month_cents: int
    total_cap_cents: int

    KEYS = (
        "incentive_hours_block",
        "incentive_hours_max",
        "incentive_hours_cents",
        "incentive_month_minutes",
        "incentive_one_month_max",
        "incentive_one_month_cents",
        "incentive_six_months",
        "incentive_six_month_max",
        "incentive_six_month_cents",
        "incentive_total_cap",
    )

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        return cls.KEYS

    @classmethod
    def from_parameters(cls, values: Mapping[str, int]) -> IncentivePolicy:
        return cls(*(int(values[key]) for key in cls.KEYS))


@dataclass(frozen=True)
class Verified:
    """Minutes of verified training in a pathway on a day."""

    pathway: str
    category: int
    day: dt.date
    minutes: int


@dataclass(frozen=True)
class ServedMonth:
    """Minutes a provider served one recipient in a calendar month, and that recipient's
    care needs (the pathway codes whose needs they have)."""

    month: dt.date  # its first day
    pathways: frozenset[str]
    minutes: int


@dataclass(frozen=True)
class Earned:
    kind: str  # HOURS, ONE_MONTH, SIX_MONTHS
    pathway: str
    number: int  # 1, 2... among the provider's incentives of this kind
    cents: int
    day: dt.date  # the day it became due


@dataclass(frozen=True)
class PathwayProgress:
    pathway: str
    category: int
    minutes: int  # verified in this pathway
    completed_on: dt.date | None  # the day it reached a block (specialized completion)
    minutes_to_next_block: int
    qualifying_months: tuple[dt.date, ...]  # specialized only, from completion on


@dataclass(frozen=True)
class Incentives:
    earned: tuple[Earned, ...]
    progress: tuple[PathwayProgress, ...]

    @property
    def total_cents(self) -> int:
        return sum(e.cents for e in self.earned)


def _months_after(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _last_day(month: dt.date) -> dt.date:
    return _months_after(month) - dt.timedelta(days=1)


def incentives(
    *, verified: Iterable[Verified], served: Iterable[ServedMonth], policy: IncentivePolicy
) -> Incentives:
    """Every incentive the provider has earned, and their progress in each pathway."""
    by_pathway: dict[str, list[Verified]] = defaultdict(list)
    for fact in verified:
        if fact.minutes > 0:
            by_pathway[fact.pathway].append(fact)
    due: list[tuple[dt.date, int, str, str]] = []  # (day, order, kind, pathway)
    progress: list[PathwayProgress] = []
    qualifying_by_pathway: dict[str, list[dt.date]] = {}
    months = _qualifying_months(served, policy.month_minutes)
    for pathway in sorted(by_pathway):
        facts = sorted(by_pathway[pathway], key=lambda f: (f.day, f.minutes))
        category = facts[0].category
        total = 0
        completed_on: dt.date | None = None
        for fact in facts:
            before = total
            total += fact.minutes
            for block in range(before // policy.block_minutes, total // policy.block_minutes):
                due.append((fact.day, 0, HOURS, pathway))
                if block == 0:
                    completed_on = fact.day
        qualifying: tuple[dt.date, ...] = ()
        if category == SPECIALIZED and completed_on is not None:
            start = completed_on.replace(day=1)
            qualifying = tuple(m for m in months.get(pathway, []) if m >= start)
            qualifying_by_pathway[pathway] = list(qualifying)
            if qualifying:
                due.append((_last_day(qualifying[0]), 1, ONE_MONTH, pathway))
            run_end = _first_run(qualifying, policy.months_in_a_row)
            if run_end is not None:
                due.append((_last_day(run_end), 2, SIX_MONTHS, pathway))
        progress.append(
            PathwayProgress(
                pathway=pathway,
                category=category,
                minutes=total,
                completed_on=completed_on,
                minutes_to_next_block=policy.block_minutes - total % policy.block_minutes,
                qualifying_months=qualifying,
            )
        )
    earned: list[Earned] = []
    counts: dict[str, int] = defaultdict(int)
    limits = {
        HOURS: (policy.hours_max, policy.hours_cents),
        ONE_MONTH: (policy.one_month_max, policy.one_month_cents),
        SIX_MONTHS: (policy.six_month_max, policy.six_month_cents),
    }
    paid = 0
    for day, _order, kind, pathway in sorted(due):
        most, cents = limits[kind]
        if counts[kind] >= most:
            continue
        amount = min(cents, policy.total_cap_cents - paid)
        if amount <= 0:
            break
        counts[kind] += 1
        paid += amount
        earned.append(Earned(kind, pathway, counts[kind], amount, day))
    return Incentives(tuple(earned), tuple(progress))


def _qualifying_months(served: Iterable[ServedMonth], threshold: int) -> dict[str, list[dt.date]]:
    """For each pathway, the months with `threshold` minutes for one recipient whose needs
    that pathway serves, in order."""
    found: dict[str, set[dt.date]] = defaultdict(set)
    for month in served:
        if month.minutes >= threshold:
            for pathway in month.pathways:
                found[pathway].add(month.month)
    return {pathway: sorted(months) for pathway, months in found.items()}


def _first_run(months: tuple[dt.date, ...], length: int) -> dt.date | None:
    """The last month of the first run of `length` calendar months in a row, or None."""
    if length <= 0:
        return None
    run = 0
    previous: dt.date | None = None
    for month in months:
        run = run + 1 if previous is not None and _months_after(previous) == month else 1
        previous = month
        if run >= length:
            return month
    return None
