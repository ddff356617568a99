"""Pure rules of timesheets: pay periods, workweeks, and the hour limits of ihss-facts §3.

No Django, no clock: dates, entries and the limits in force are arguments.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class PayPeriod:
    """IHSS pays twice a month: the 1st to the 15th, and the 16th to the month's end."""

    start: dt.date
    end: dt.date


def pay_period_containing(day: dt.date) -> PayPeriod:
    if day.day <= 15:
        return PayPeriod(day.replace(day=1), day.replace(day=15))
    last = calendar.monthrange(day.year, day.month)[1]
    return PayPeriod(day.replace(day=16), day.replace(day=last))


def period_ending_tomorrow(today: dt.date) -> PayPeriod | None:
    """The pay period whose last day is tomorrow, if there is one."""
    period = pay_period_containing(today)
    return period if period.end == today + dt.timedelta(days=1) else None


def span_minutes(start: dt.time, end: dt.time) -> int:
    """Minutes from a start time to an end time; an end at or before the start is on the
    next day (a night's care from 22:00 to 06:00 spans 8 hours; 08:00 to 08:00, 24)."""
    begin = start.hour * 60 + start.minute
    finish = end.hour * 60 + end.minute
    return finish - begin if finish > begin else finish + 24 * 60 - begin


# --- County review before payroll ---------------------------------------------------------

OVER_FIRST_HALF_SHARE = "over_first_half_share"
RANDOM_HOLD = "random_hold"
LATE = "late"
MANUAL_HOLD = "manual_hold"
REVIEW_FLAGS = (OVER_FIRST_HALF_SHARE, RANDOM_HOLD, LATE, MANUAL_HOLD)


def review_flags(
    *,
    period: PayPeriod,
    minutes: int,
    monthly_authorized: int,
    first_submitted_on: dt.date,
    first_half_share_bp: int,
    late_after_days: int,
    random_draw_bp: int,
    random_hold_bp: int,
) -> list[str]:
    """Why an approved timesheet waits for the county before payroll (LA DPSS exception
    policy): a first-half timesheet claiming more than the share (7,000 basis points,
    70 %) of the month's authorized hours; one submitted more than `late_after_days`
    after its period ended; and a random sample for signature checks (`random_draw_bp`,
    drawn uniformly from 0-9999 by the caller, below `random_hold_bp`)."""
    flags = []
    first_half = period.start.day == 1
    if first_half and minutes * 10_000 > monthly_authorized * first_half_share_bp:
        flags.append(OVER_FIRST_HALF_SHARE)
    if first_submitted_on > period.end + dt.timedelta(days=late_after_days):
        flags.append(LATE)
    if random_draw_bp < random_hold_bp:
        flags.append(RANDOM_HOLD)
    return flags


# --- Workweeks and hour limits ------------------------------------------------------------

IHSS = "IHSS"
WPCS = "WPCS"


@dataclass(frozen=True, order=True)
class Workweek:
    """Sunday 00:00 to Saturday 23:59: one workweek even when a pay period ends inside it."""

    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def workweek_containing(day: dt.date) -> Workweek:
    start = day - dt.timedelta(days=(day.weekday() + 1) % 7)  # Monday is 0, Sunday 6
    return Workweek(start, start + dt.timedelta(days=6))


def workweeks_touching(period: PayPeriod) -> list[Workweek]:
    """The workweeks a pay period has days in, the first and last often shared."""
    weeks = []
    week = workweek_containing(period.start)
    while week.start <= period.end:
        weeks.append(week)
        week = workweek_containing(week.end + dt.timedelta(days=1))
    return weeks


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
