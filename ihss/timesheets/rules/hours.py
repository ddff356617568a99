"""The hour limits of ihss-facts §3.1, §3.2 and §3.4: a day, the recipient's month and
weekly maximum (with ACL 16-01's adjustments), the provider's weekly caps, exemptions and
the IHSS + WPCS cap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ihss.timesheets.rules.calendar import workweek_containing
from ihss.timesheets.rules.refusal import FUTURE_DAY, Refusal

IHSS = "IHSS"
WPCS = "WPCS"


@dataclass(frozen=True)
class HourLimits:
    """The hour limits in force on a date (ihss-facts §3), in minutes. Every one is an
    effective-dated program parameter the caller reads, so a change of law is a new row,
    not new code; none has a default here."""

    day: int  # a day across every recipient and program (24 h)
    live_in_family_day: int  # a day with Exemption 1 (12 h, ACL 16-07)
    multi_recipient_week: int  # a provider serving two or more recipients (66 h)
    exempt_week: int  # with Exemption 1 or 2 (90 h)
    exempt_month: int  # with Exemption 1 or 2 (360 h)
    combined_week: int  # IHSS and WPCS together, whatever the recipients (70 h 45 min)
    travel_week: int  # travel time (7 h)
    overtime_after: int  # minutes a workweek paid at the regular rate (40 h)


def weekly_maximum(monthly_authorized: int) -> int:
    """A recipient's weekly maximum: the monthly authorized minutes divided by 4 (rounded
    down to the minute): 260 h a month gives 65 h a week, 283 h gives 70 h 45 min."""
    if monthly_authorized < 0:
        raise ValueError("authorized minutes cannot be negative")
    return monthly_authorized // 4


def overtime_minutes(week_total: int, *, limits: HourLimits) -> int:
    """Minutes of a workweek paid at the overtime rate: those past limits.overtime_after
    (40 hours; there is no daily overtime)."""
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

    # The workweeks (by their Sunday) in which an exemption is in force on at least one day:
    # Exemption 1 (live-in family) or 2 (extraordinary circumstances). Like the 66-hour cap,
    # the exempt caps are decided per workweek, never per pay period.
    exempt_weeks: frozenset[dt.date] = frozenset()
    # Those of them with Exemption 1 (live-in family care provider), which also limits each
    # day (ACL 16-07).
    live_in_family_weeks: frozenset[dt.date] = frozenset()
    # The workweeks (by their Sunday) in which the provider serves two or more recipients,
    # by the assignments in force during that week: the 66-hour cap applies in those.
    several_recipients_weeks: frozenset[dt.date] = frozenset()
    # Overtime minutes the provider usually works in a month (ACL 16-01 condition 2), by
    # the month's first day; see usual_monthly_overtime. A month not given is 0.
    usual_overtime: Mapping[dt.date, int] = field(default_factory=dict)

    def serves_several(self, week: dt.date) -> bool:
        """Whether the provider serves two or more recipients in the workweek containing
        `week`."""
        return workweek_containing(week).start in self.several_recipients_weeks

    def is_exempt(self, day: dt.date) -> bool:
        """Whether an exemption holds for the workweek containing `day`."""
        return workweek_containing(day).start in self.exempt_weeks

    def is_live_in_family(self, day: dt.date) -> bool:
        """Whether Exemption 1 holds for the workweek containing `day`."""
        return workweek_containing(day).start in self.live_in_family_weeks


DAY_OVER_24 = "day_over_24_hours"
RECIPIENT_MONTH = "recipient_monthly_authorized"
PROVIDER_ASSIGNED = "provider_assigned"
WEEKLY_MAXIMUM = "recipient_weekly_maximum"
LIVE_IN_FAMILY_DAY = "exemption_1_daily_cap"
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
        elif provider.is_live_in_family(day) and total > limits.live_in_family_day:
            # ACL 16-07: a live-in family care provider (Exemption 1) works at most 12
            # hours a day (ihss-facts §3.4).
            refusals.append(Refusal(LIVE_IN_FAMILY_DAY, day, total, limits.live_in_family_day))

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
            week=week,
            limits=limits,
        ):
            refusals.append(Refusal(WEEKLY_MAXIMUM, week, total, maximum, recipient, program))

    # IHSS and WPCS together: 70 h 45 min a workweek whenever WPCS hours are in it,
    # "regardless of the number of recipients" (DHCS overtime page; ihss-facts §3.1), and
    # with an exemption too: the exemptions raise the IHSS cap of 66 hours, not this one.
    # IHSS alone is held by the caps below.
    wpcs_weeks = {week_of[e.day] for e in worked if e.program == WPCS}
    combined = limits.combined_week
    for week, total in sorted(all_week.items()):
        if week in wpcs_weeks and total > combined:
            refusals.append(Refusal(COMBINED_WEEK, week, total, combined))
    for week, total in sorted(ihss_week.items()):
        if provider.is_exempt(week):
            if total > limits.exempt_week:
                refusals.append(Refusal(EXEMPT_WEEK, week, total, limits.exempt_week))
        elif provider.serves_several(week) and total > limits.multi_recipient_week:
            refusals.append(Refusal(MULTI_RECIPIENT_WEEK, week, total, limits.multi_recipient_week))
    # The exempt monthly cap holds in a month with at least one exempt workweek.
    exempt_months = {_month(e.day) for e in worked if provider.is_exempt(e.day)}
    for month, total in sorted(_sum(worked, lambda e: _month(e.day)).items()):
        if month in exempt_months and total > limits.exempt_month:
            refusals.append(Refusal(EXEMPT_MONTH, month, total, limits.exempt_month))
    return refusals


def _adjustment_allowed(
    *,
    week_total: int,
    month_overtime: int,
    auth: RecipientLimits,
    provider: ProviderContext,
    week: dt.date,
    limits: HourLimits,
) -> bool:
    """ACL 16-01: the recipient may let a provider pass the weekly maximum without the
    county only if (1) a recipient authorized 40 h a week or less does not put the
    provider over 40 h, (2) the provider works no more overtime in the month than usual
    (provider.usual_overtime), and (3) a provider of several recipients that week stays
    within 66 h; or with the county's exception."""
    if auth.weekly_maximum_exception:
        return True
    low_authorization = weekly_maximum(auth.monthly_authorized) <= limits.overtime_after
    if low_authorization and week_total > limits.overtime_after:
        return False
    if month_overtime > provider.usual_overtime.get(_month(week), 0):
        return False
    return not (provider.serves_several(week) and week_total > limits.multi_recipient_week)


def usual_monthly_overtime(
    week_totals: Mapping[dt.date, int], *, month: dt.date, window: int, limits: HourLimits
) -> int:
    """The overtime minutes a provider usually works in a month, for ACL 16-01 condition 2
    ("no more overtime than the provider normally works in the month"): the average,
    rounded down, of the overtime of the `window` calendar months before `month`.

    `week_totals` are the provider's approved minutes per workweek (keyed by its Sunday,
    all recipients and programs). Overtime is counted per workweek and a workweek belongs
    to the month it starts in, as check_hours counts it. A month of the window without
    approved hours counts as no overtime; a window of 0 months gives 0 (docs/adr/0014).
    """
    if window <= 0:
        return 0
    first = _month(month)
    for _ in range(window):
        first = _month(first - dt.timedelta(days=1))
    total = sum(
        overtime_minutes(minutes, limits=limits)
        for week, minutes in week_totals.items()
        if first <= week < _month(month)
    )
    return total // window
