"""Travel time between recipients (ihss-facts §3.3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ihss.timesheets.rules.calendar import workweek_containing
from ihss.timesheets.rules.hours import HourLimits
from ihss.timesheets.rules.refusal import FUTURE_DAY, Refusal

TRAVEL_NO_AGREEMENT = "travel_no_agreement"
TRAVEL_NOT_BETWEEN_WORK = "travel_not_between_work"
TRAVEL_AGREEMENT_WEEK = "travel_agreement_weekly_minutes"
TRAVEL_WEEK = "travel_weekly_cap"


@dataclass(frozen=True)
class TravelLeg:
    """Minutes of travel claimed on one day, directly from one recipient to another."""

    day: dt.date
    from_recipient: int
    to_recipient: int
    minutes: int


def check_travel(
    legs: list[TravelLeg],
    *,
    agreements: dict[tuple[int, int], int],
    worked: set[tuple[dt.date, int]],
    limits: HourLimits,
    today: dt.date,
) -> list[Refusal]:
    """Every travel rule of ihss-facts §3.3 the provider's claimed `legs` break.

    Travel is paid only directly between two recipients the provider worked for on the
    same day, only as a SOC 2255 travel agreement allows, and at most 7 hours a workweek
    (limits.travel_week) for all travel together. It does not count toward the weekly
    maximum, so it is checked apart from check_hours.

    `legs` are all of the provider's claimed travel in the workweeks concerned (both pay
    periods of a shared week). `agreements` maps (from recipient, to recipient) to the
    weekly minutes of the agreement in force; it is read as written, so an agreement
    from A to B does not allow travel from B to A. `worked` holds each (day, recipient)
    with worked minutes.

    Each refusal is recorded against the recipient travelled to (`recipient`); `when` is
    the day for day rules and the workweek's Sunday for week rules. Legs are added up
    per day and pair first, so the same travel split into more legs gives the same
    refusals. Every claimed minute counts toward the week totals, even on a leg refused
    for another reason, as check_hours counts every entered minute.
    """
    if any(leg.minutes < 0 for leg in legs):
        raise ValueError("travel minutes cannot be negative")
    claimed = [leg for leg in legs if leg.minutes > 0]
    by_day = _sum_legs(claimed, lambda leg: (leg.day, leg.from_recipient, leg.to_recipient))
    refusals: list[Refusal] = []

    for (day, origin, destination), total in sorted(by_day.items()):
        if day > today:
            refusals.append(Refusal(FUTURE_DAY, day, total, 0, destination))
        if (origin, destination) not in agreements:
            refusals.append(Refusal(TRAVEL_NO_AGREEMENT, day, total, 0, destination))
        if origin == destination or not {(day, origin), (day, destination)} <= worked:
            refusals.append(Refusal(TRAVEL_NOT_BETWEEN_WORK, day, total, 0, destination))

    by_pair = _sum_legs(
        claimed,
        lambda leg: (workweek_containing(leg.day).start, leg.from_recipient, leg.to_recipient),
    )
    for (week, origin, destination), total in sorted(by_pair.items()):
        agreed = agreements.get((origin, destination))
        if agreed is not None and total > agreed:
            refusals.append(Refusal(TRAVEL_AGREEMENT_WEEK, week, total, agreed, destination))

    by_week = _sum_legs(claimed, lambda leg: workweek_containing(leg.day).start)
    for week, total in sorted(by_week.items()):
        if total > limits.travel_week:
            refusals.append(Refusal(TRAVEL_WEEK, week, total, limits.travel_week))
    return refusals


def _sum_legs(legs: list[TravelLeg], key: Callable[[TravelLeg], Any]) -> dict[Any, int]:
    totals: dict[Any, int] = {}
    for leg in legs:
        totals[key(leg)] = totals.get(key(leg), 0) + leg.minutes
    return totals
