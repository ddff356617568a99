"""The hour limits of ihss-facts §3.1, §3.2 and §3.4: a day, the recipient's month and
weekly maximum (with ACL 16-01's adjustments), the provider's weekly caps, exemptions and
the IHSS + WPCS cap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ihss.timesheets.rules.calendar import workweek_containing
from ihss.timesheets.rules.refusal import FUTURE_DAY, Refusal

IHSS = "IHSS"
WPCS = "WPCS"


@dataclass(frozen=True)
class HourLimits:
    """The hour limits in force on a date (ihss-facts §3). Minutes; effective-dated data,
    passed in so a change of law is a new row, not new code."""

    day: int = 24 * 60
    multi_recipient_week: int = 66 * 60  # a provider serving two or more recipients
    exempt_week: int = 90 * 60  # with Exemption 1 or 2
    exempt_month: int = 360 * 60
    combined_week: int = 70 * 60 + 45  # IHSS and WPCS together, whatever the recipients
    travel_week: int = 7 * 60
    overtime_after: int = 40 * 60  # minutes a workweek paid at the regular rate


def weekly_maximum(monthly_authorized: int) -> int:
    """A recipient's weekly maximum: the monthly authorized minutes divided by 4 (rounded
    down to the minute): 260 h a month gives 65 h a week, 283 h gives 70 h 45 min."""
    if monthly_authorized < 0:
        raise ValueError("authorized minutes cannot be negative")
    return monthly_authorized // 4


def overtime_minutes(week_total: int, *, limits: HourLimits) -> int:
    """Minutes of a workweek paid at 1.5 times the rate: those past 40 hours (no daily
    overtime)."""
    return max(0, week_total - limits.overtime_after)


@dataclass(frozen=True)
class Entry:
    """Minutes one provider worked (or claims) for one recipient, program and day."""

    day: dt.date
    recipient: int  # the recipient's id
    program: str  # IHSS or WPCS
    minutes: int


@dataclass(frozen=True)
class RecipientLimits:
    """What one recipient's authorization allows in one program and month."""

    monthly_authorized: int
    # Minutes other providers have already entered for this recipient, program and month.
    used_by_others: int = 0
    # ... and in each workweek (keyed by the week's Sunday), for the weekly maximum.
    used_by_others_by_week: dict[dt.date, int] | None = None
    # The provider's assigned minutes for this recipient and month (ACL 17-76).
    assigned: int | None = None
    # The county approved exceeding the weekly maximum (ACL 16-01 exception).
    weekly_maximum_exception: bool = False


@dataclass(frozen=True)
class ProviderContext:
    """Facts about the provider that the caps depend on."""

    exempt: bool = False  # Exemption 1 (live-in family) or 2 (extraordinary circumstances)
    serves_several: bool = False  # two or more recipients: the 66-hour cap applies
    # Overtime minutes the provider normally works in a month (ACL 16-01 condition 2).
    normal_monthly_overtime: int = 0


DAY_OVER_24 = "day_over_24_hours"
RECIPIENT_MONTH = "recipient_monthly_authorized"
PROVIDER_ASSIGNED = "provider_assigned"
WEEKLY_MAXIMUM = "recipient_weekly_maximum"
MULTI_RECIPIENT_WEEK = "multi_recipient_weekly_cap"
EXEMPT_WEEK = "exemption_weekly_cap"
EXEMPT_MONTH = "exemption_monthly_cap"
COMBINED_WEEK = "ihss_wpcs_weekly_cap"


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _sum(entries: list[Entry], key: Callable[[Entry], Any]) -> dict[Any, int]:
    totals: dict[Any, int] = {}
    for entry in entries:
        totals[key(entry)] = totals.get(key(entry), 0) + entry.minutes
    return totals


def check_hours(
    entries: list[Entry],
    *,
    recipients: dict[tuple[int, str, dt.date], RecipientLimits],
    provider: ProviderContext,
    limits: HourLimits,
    today: dt.date,
) -> list[Refusal]:
    """Every hour limit the provider's `entries` break, whole weeks and months at a time.

    `entries` are all of the provider's minutes that count: every timesheet, drafts and
    submitted, the neighbouring pay period's part of a shared workweek, both programs.
    `recipients` gives each (recipient, program, month's first day) its authorization.
    The same entries give the same refusals however the days are split into pay periods.
    """
    if any(e.minutes < 0 for e in entries):
        raise ValueError("minutes worked cannot be negative")
    worked = [e for e in entries if e.minutes > 0]
    refusals: list[Refusal] = []

    for day in sorted({e.day for e in worked if e.day > today}):
        total = sum(e.minutes for e in worked if e.day == day)
        refusals.append(Refusal(FUTURE_DAY, day, total, 0))

    for day, total in sorted(_sum(worked, lambda e: e.day).items()):
        if total > limits.day:
            refusals.append(Refusal(DAY_OVER_24, day, total, limits.day))

    by_month = _sum(worked, lambda e: (e.recipient, e.program, _month(e.day)))
    for (recipient, program, month), mine in sorted(by_month.items()):
        auth = recipients.get((recipient, program, month), RecipientLimits(0))
        total = mine + auth.used_by_others
        if total > auth.monthly_authorized:
            refusals.append(
                Refusal(RECIPIENT_MONTH, month, total, auth.monthly_authorized, recipient, program)
            )
        if auth.assigned is not None and mine > auth.assigned:
            refusals.append(
                Refusal(PROVIDER_ASSIGNED, month, mine, auth.assigned, recipient, program)
            )

    week_of = {e.day: workweek_containing(e.day).start for e in worked}
    all_week = _sum(worked, lambda e: week_of[e.day])
    ihss_week = _sum([e for e in worked if e.program == IHSS], lambda e: week_of[e.day])
    # Overtime is counted per workweek, and a workweek belongs to the month it starts in.
    month_overtime: dict[dt.date, int] = {}
    for week, total in all_week.items():
        month_overtime[_month(week)] = month_overtime.get(_month(week), 0) + overtime_minutes(
            total, limits=limits
        )

    by_week = _sum(worked, lambda e: (e.recipient, e.program, week_of[e.day]))
    for (recipient, program, week), mine in sorted(by_week.items()):
        # The weekly maximum comes from the authorization of the month the week starts
        # in (or, for a recipient authorized only from the next month, that month's).
        weekly = recipients.get((recipient, program, _month(week))) or recipients.get(
            (recipient, program, _month(week + dt.timedelta(days=6)))
        )
        if weekly is None:
            continue
        total = mine + (weekly.used_by_others_by_week or {}).get(week, 0)
        maximum = weekly_maximum(weekly.monthly_authorized)
        if total > maximum and not _adjustment_allowed(
            week_total=all_week[week],
            month_overtime=month_overtime[_month(week)],
            auth=weekly,
            provider=provider,
            limits=limits,
        ):
            refusals.append(Refusal(WEEKLY_MAXIMUM, week, total, maximum, recipient, program))

    # IHSS and WPCS together: 70 h 45 min a workweek whenever WPCS hours are in it (an
    # exempt provider's 90 hours otherwise). IHSS alone is held by the caps below.
    wpcs_weeks = {week_of[e.day] for e in worked if e.program == WPCS}
    combined = limits.exempt_week if provider.exempt else limits.combined_week
    for week, total in sorted(all_week.items()):
        if week in wpcs_weeks and total > combined:
            refusals.append(Refusal(COMBINED_WEEK, week, total, combined))
    for week, total in sorted(ihss_week.items()):
        if provider.exempt and total > limits.exempt_week:
            refusals.append(Refusal(EXEMPT_WEEK, week, total, limits.exempt_week))
        elif (
            not provider.exempt and provider.serves_several and total > limits.multi_recipient_week
        ):
            refusals.append(Refusal(MULTI_RECIPIENT_WEEK, week, total, limits.multi_recipient_week))
    if provider.exempt:
        for month, total in sorted(_sum(worked, lambda e: _month(e.day)).items()):
            if total > limits.exempt_month:
                refusals.append(Refusal(EXEMPT_MONTH, month, total, limits.exempt_month))
    return refusals


def _adjustment_allowed(
    *,
    week_total: int,
    month_overtime: int,
    auth: RecipientLimits,
    provider: ProviderContext,
    limits: HourLimits,
) -> bool:
    """ACL 16-01: the recipient may let a provider pass the weekly maximum without the
    county only if (1) a recipient authorized 40 h a week or less does not put the
    provider over 40 h, (2) the provider works no more overtime in the month than usual,
    and (3) a provider of several recipients stays within 66 h; or with the county's
    exception."""
    if auth.weekly_maximum_exception:
        return True
    low_authorization = weekly_maximum(auth.monthly_authorized) <= limits.overtime_after
    if low_authorization and week_total > limits.overtime_after:
        return False
    if month_overtime > provider.normal_monthly_overtime:
        return False
    return not (provider.serves_several and week_total > limits.multi_recipient_week)
