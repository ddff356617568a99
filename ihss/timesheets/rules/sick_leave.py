"""Paid sick leave: earning, balance and claims (ihss-facts §3.6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ihss.timesheets.rules.calendar import fiscal_year_containing
from ihss.timesheets.rules.refusal import FUTURE_DAY, Refusal

SICK_NOT_YET_USABLE = "sick_leave_not_yet_usable"
SICK_MINIMUM = "sick_leave_minimum"
SICK_STEP = "sick_leave_step"
SICK_OVER_BALANCE = "sick_leave_over_balance"


@dataclass(frozen=True)
class SickLeavePolicy:
    """Paid sick leave of one fiscal year (ihss-facts §3.6), in minutes and days.

    `annual` changed with the law (8 h from July 2018, 16 h from July 2020, 24 h from July
    2022, 40 h from July 2024), so the caller gives one policy per fiscal year. A provider
    earns sick leave once `earned_after` minutes are worked, can use it once a further
    `usable_after` minutes are worked or `usable_after_days` days have passed, whichever
    comes first, and claims at least `minimum_claim`, then steps of `claim_step`. A gap of
    more than `restart_after_days` days without work starts the count over. Every number
    is an effective-dated program parameter; none has a default here.
    """

    annual: int
    earned_after: int  # 100 h
    usable_after: int  # 200 h more
    usable_after_days: int  # or 60 days
    minimum_claim: int  # 1 h
    claim_step: int  # then 30 min steps
    restart_after_days: int  # a year without work starts over


# The policy of the fiscal year starting on the given July 1, or None for a year without
# paid sick leave (before July 2018). A dict keyed by July 1 serves as `policies.get`.
SickLeavePolicies = Callable[[dt.date], SickLeavePolicy | None]


@dataclass(frozen=True)
class SickLeaveBalance:
    """A provider's paid sick leave in the fiscal year running from `year_start` to
    `expires_on`, in minutes."""

    earned_on: dt.date | None  # the day the 100th hour was worked
    usable_on: dt.date | None  # first day the leave can be used (see sick_leave_balance)
    granted: int  # for this fiscal year; 0 until earned
    used: int  # claimed for days of this fiscal year
    balance: int  # granted less used, never below 0
    year_start: dt.date
    expires_on: dt.date  # June 30: what is left is lost, not carried over or paid out


@dataclass(frozen=True)
class SickLeaveStart:
    """Where a provider who worked before the portal starts from, as the county recorded
    it: `worked` minutes worked up to and including `through`, and, when the leave was
    already earned (or usable) then, the day it was. The portal's own hours count from
    the day after `through`."""

    through: dt.date
    worked: int = 0
    earned_on: dt.date | None = None
    usable_on: dt.date | None = None


def sick_leave_balance(
    *,
    worked: list[tuple[dt.date, int]],
    claims_used: list[tuple[dt.date, int]],
    policy_for: SickLeavePolicies,
    today: dt.date,
    start: SickLeaveStart | None = None,
) -> SickLeaveBalance:
    """The provider's paid sick leave in the fiscal year containing `today`.

    `worked` is every (day, minutes) the provider worked, all recipients and all time;
    `claims_used` every (day, minutes) of sick leave claimed. Days after `today` are not
    counted as worked, and neither are days of a fiscal year `policy_for` has no policy
    for (hours before July 1 2018 do not count toward the first 100).

    Sick leave is earned on the day the worked minutes reach `earned_after` (100 h). It is
    usable from the day they reach a further `usable_after` (200 h), or from
    `usable_after_days` (60) days after earning, whichever comes first; until the 200
    hours are worked, `usable_on` is that 60th day, which may still be ahead. Once
    earned, the fiscal year's whole `annual` amount is granted for the year it was earned
    in, then again each July 1; it expires on June 30. A gap of more than
    `restart_after_days` (a year) without worked minutes, between two worked days or up
    to `today`, starts the count over from the next worked day. Each threshold is the
    one of the fiscal year in which it is reached.

    `used` counts the claims for days of this fiscal year, so a claim entered late for a
    day of an earlier year draws on that year's balance: compute the balance with
    `today` set to the claim's day for it.

    `start`, for a provider who worked before the portal, replaces every worked day up
    to `start.through`: its minutes count as worked on that day, and its `earned_on` and
    `usable_on` (when given) are taken as they are, from that day on. A start after
    `today` is not yet in force.
    """
    if any(m < 0 for _, m in worked) or any(m < 0 for _, m in claims_used):
        raise ValueError("minutes cannot be negative")
    if start is not None and start.worked < 0:
        raise ValueError("minutes cannot be negative")
    if start is not None and start.through > today:
        start = None
    year = fiscal_year_containing(today)
    by_day: dict[dt.date, int] = {}
    for day, minutes in worked:
        if minutes > 0 and day <= today and (start is None or day > start.through):
            by_day[day] = by_day.get(day, 0) + minutes
    counted = [
        (day, minutes, policy, False)
        for day, minutes in sorted(by_day.items())
        if (policy := policy_for(fiscal_year_containing(day).start)) is not None
    ]
    start_policy = policy_for(fiscal_year_containing(start.through).start) if start else None
    if start is not None and start_policy is not None:
        counted.insert(0, (start.through, start.worked, start_policy, True))

    earned_on: dt.date | None = None
    usable_on: dt.date | None = None
    earned_policy: SickLeavePolicy | None = None
    total = 0
    last: dt.date | None = None
    for day, minutes, policy, from_start in counted:
        if last is not None and (day - last).days > policy.restart_after_days:
            total, earned_on, usable_on, earned_policy = 0, None, None, None
        last = day
        total += minutes
        if from_start and start is not None:
            earned_on, earned_policy, usable_on = _from_start(start, policy, policy_for)
        if earned_policy is None and total >= policy.earned_after:
            earned_on, earned_policy = day, policy
        if (
            earned_on is not None
            and earned_policy is not None
            and usable_on is None
            and total >= earned_policy.earned_after + earned_policy.usable_after
        ):
            usable_on = min(day, earned_on + dt.timedelta(days=earned_policy.usable_after_days))

    current = policy_for(year.start)
    inactive = (
        last is not None
        and current is not None
        and (today - last).days > current.restart_after_days
    )
    if inactive or earned_on is None or earned_policy is None:
        earned_on, usable_on = None, None
    elif usable_on is None:
        usable_on = earned_on + dt.timedelta(days=earned_policy.usable_after_days)

    granted = current.annual if current is not None and earned_on is not None else 0
    used = sum(minutes for day, minutes in claims_used if day in year)
    return SickLeaveBalance(
        earned_on=earned_on,
        usable_on=usable_on,
        granted=granted,
        used=used,
        balance=max(0, granted - used),
        year_start=year.start,
        expires_on=year.end,
    )


def _from_start(
    start: SickLeaveStart, policy: SickLeavePolicy, policy_for: SickLeavePolicies
) -> tuple[dt.date | None, SickLeavePolicy | None, dt.date | None]:
    """The earned day, its policy and the usable day a starting point gives."""
    earned_on = start.earned_on or start.usable_on
    if earned_on is None:
        return None, None, None
    earned_policy = policy_for(fiscal_year_containing(earned_on).start) or policy
    return earned_on, earned_policy, start.usable_on


def check_sick_leave_claim(
    minutes: int,
    *,
    balance: SickLeaveBalance,
    day: dt.date,
    policy: SickLeavePolicy,
    today: dt.date,
) -> list[Refusal]:
    """Every rule a claim of `minutes` of paid sick leave on `day` breaks.

    `balance` is the provider's balance for the fiscal year containing `day`, before this
    claim, and `policy` that year's policy. A claim is for leave already taken, so a day
    after `today` is refused (FUTURE_DAY), as for hours. The leave must be usable on
    `day`; a claim is at least `minimum_claim` (1 h) and then goes up in steps of
    `claim_step` (30 min): 1 h, 1 h 30 min, 2 h...; and it cannot pass the balance.
    Each refusal's `when` is `day`; `total` is the claim, `limit` what the rule allows
    (0 when not usable, the minimum, the step, or the balance).
    """
    if minutes < 0:
        raise ValueError("sick leave minutes cannot be negative")
    if day < balance.year_start or day > balance.expires_on:
        raise ValueError("the balance given is for another fiscal year than the claim's day")
    refusals: list[Refusal] = []
    if day > today:
        refusals.append(Refusal(FUTURE_DAY, day, minutes, 0))
    if balance.usable_on is None or day < balance.usable_on:
        refusals.append(Refusal(SICK_NOT_YET_USABLE, day, minutes, 0))
    if minutes < policy.minimum_claim:
        refusals.append(Refusal(SICK_MINIMUM, day, minutes, policy.minimum_claim))
    elif (minutes - policy.minimum_claim) % policy.claim_step:
        refusals.append(Refusal(SICK_STEP, day, minutes, policy.claim_step))
    if minutes > balance.balance:
        refusals.append(Refusal(SICK_OVER_BALANCE, day, minutes, balance.balance))
    return refusals
