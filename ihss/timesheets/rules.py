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
RULE_OVERRIDE = "rule_override"  # hours past the weekly maximum by the county's exception
REVIEW_FLAGS = (OVER_FIRST_HALF_SHARE, RANDOM_HOLD, LATE, MANUAL_HOLD, RULE_OVERRIDE)


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


# --- Travel time --------------------------------------------------------------------------

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


# --- Paid sick leave ----------------------------------------------------------------------

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
    more than `restart_after_days` days without work starts the count over.
    """

    annual: int
    earned_after: int = 100 * 60
    usable_after: int = 200 * 60
    usable_after_days: int = 60
    minimum_claim: int = 60
    claim_step: int = 30
    restart_after_days: int = 365


@dataclass(frozen=True, order=True)
class FiscalYear:
    """California's fiscal year: July 1 to June 30."""

    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def fiscal_year_containing(day: dt.date) -> FiscalYear:
    first = day.year if day.month >= 7 else day.year - 1
    return FiscalYear(dt.date(first, 7, 1), dt.date(first + 1, 6, 30))


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


def sick_leave_balance(
    *,
    worked: list[tuple[dt.date, int]],
    claims_used: list[tuple[dt.date, int]],
    policy_for: SickLeavePolicies,
    today: dt.date,
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
    """
    if any(m < 0 for _, m in worked) or any(m < 0 for _, m in claims_used):
        raise ValueError("minutes cannot be negative")
    year = fiscal_year_containing(today)
    by_day: dict[dt.date, int] = {}
    for day, minutes in worked:
        if minutes > 0 and day <= today:
            by_day[day] = by_day.get(day, 0) + minutes
    counted = [
        (day, minutes, policy)
        for day, minutes in sorted(by_day.items())
        if (policy := policy_for(fiscal_year_containing(day).start)) is not None
    ]

    earned_on: dt.date | None = None
    usable_on: dt.date | None = None
    earned_policy: SickLeavePolicy | None = None
    total = 0
    last: dt.date | None = None
    for day, minutes, policy in counted:
        if last is not None and (day - last).days > policy.restart_after_days:
            total, earned_on, usable_on, earned_policy = 0, None, None, None
        last = day
        total += minutes
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


# --- Violations (ACL 16-36) ---------------------------------------------------------------

# The work-hour rules whose breach is a violation; the notice templates know these codes
# (ihss.notifications.templatetags.notices.VIOLATION_RULES).
VIOLATION_OVER_40 = "over_40_without_approval"
VIOLATION_WEEKLY_MAXIMUM = "weekly_maximum"
VIOLATION_OVER_66 = "over_66_hours"
VIOLATION_TRAVEL_OVER_7 = "travel_over_7_hours"
VIOLATION_CODES = (
    VIOLATION_OVER_40,
    VIOLATION_WEEKLY_MAXIMUM,
    VIOLATION_OVER_66,
    VIOLATION_TRAVEL_OVER_7,
)


@dataclass(frozen=True)
class RecipientWeek:
    """One recipient's side of a provider's workweek, as the violation rules need it."""

    recipient: int
    # The provider passed the recipient's weekly maximum with neither an adjustment ACL
    # 16-01 allows nor the county's exception (what check_hours refuses as WEEKLY_MAXIMUM).
    over_weekly_maximum: bool
    # The recipient is authorized 40 hours a week or less.
    authorized_40_or_less: bool = False


def violations_in_week(
    *,
    ihss_minutes: int,
    travel_minutes: int,
    provider: ProviderContext,
    recipients: list[RecipientWeek],
    limits: HourLimits,
) -> list[str]:
    """The violations (ACL 16-36) of one workweek, in VIOLATION_CODES order, each once.

    `ihss_minutes` are the provider's IHSS minutes in the week for all recipients,
    `travel_minutes` the travel claimed. Passing a recipient's weekly maximum is
    VIOLATION_OVER_40 when the recipient is authorized 40 hours a week or less and the
    provider's week passed 40 hours (ACL 16-01 condition 1), VIOLATION_WEEKLY_MAXIMUM
    otherwise. VIOLATION_OVER_66 is a week over 66 hours for a provider of several
    recipients, or over 90 hours for an exempt provider, whose cap it is. More than 7
    hours of travel is VIOLATION_TRAVEL_OVER_7. The whole workweek counts, even when a
    pay period ends inside it.
    """
    found: set[str] = set()
    for week in recipients:
        if not week.over_weekly_maximum:
            continue
        if week.authorized_40_or_less and ihss_minutes > limits.overtime_after:
            found.add(VIOLATION_OVER_40)
        else:
            found.add(VIOLATION_WEEKLY_MAXIMUM)
    if provider.exempt:
        if ihss_minutes > limits.exempt_week:
            found.add(VIOLATION_OVER_66)
    elif provider.serves_several and ihss_minutes > limits.multi_recipient_week:
        found.add(VIOLATION_OVER_66)
    if travel_minutes > limits.travel_week:
        found.add(VIOLATION_TRAVEL_OVER_7)
    return [code for code in VIOLATION_CODES if code in found]


CONSEQUENCE_NOTICE = "notice"
CONSEQUENCE_NOTICE_WITH_TRAINING = "notice_with_training"
CONSEQUENCE_SUSPENSION = "suspension"
CONSEQUENCE_INELIGIBILITY = "ineligibility"
CONSEQUENCE_TRACKED_ONLY = "tracked_only"
CONSEQUENCES = (
    CONSEQUENCE_NOTICE,
    CONSEQUENCE_NOTICE_WITH_TRAINING,
    CONSEQUENCE_SUSPENSION,
    CONSEQUENCE_INELIGIBILITY,
    CONSEQUENCE_TRACKED_ONLY,
)


@dataclass(frozen=True)
class ViolationPolicy:
    """The days of ACL 16-36, passed in as effective-dated parameters."""

    training_days: int = 14  # to finish the one-time training that rescinds a 2nd
    suspension_days: int = 90  # after a 3rd
    ineligibility_days: int = 365  # after a 4th
    dispute_days: int = 10  # to ask the county to review a notice (SOC 2272)
    clean_year_days: int = 365  # each such span without a counted violation drops one


@dataclass(frozen=True)
class LedgerEntry:
    """One stored violation of one provider: a row of the caller's ledger table.

    `occurred_on` dates the violation (the caller's choice, the same for every row, e.g.
    the workweek's Saturday); its calendar month is the one it counts in. `counted` and
    `number` are what record_violation decided when it was recorded; `noticed_on` is the
    notice's date (None: `occurred_on`). `rescinded` marks a 2nd removed by the one-time
    training, `overturned` one the county or the state cancelled on dispute: neither
    counts any more, and neither starts a clean year again.
    """

    occurred_on: dt.date
    counted: bool
    number: int | None
    noticed_on: dt.date | None = None
    rescinded: bool = False
    overturned: bool = False

    @property
    def stands(self) -> bool:
        """Counted, and neither removed by the training nor cancelled on dispute."""
        return self.counted and not self.rescinded and not self.overturned

    @property
    def notice_date(self) -> dt.date:
        return self.noticed_on or self.occurred_on


@dataclass(frozen=True)
class ViolationOutcome:
    """What a new violation brings: counted or only tracked, its number (1 to 4), the
    consequence code, and the dates that go with it (end dates included: a 90-day
    suspension from March 1 runs until May 29)."""

    occurred_on: dt.date
    noticed_on: dt.date
    counted: bool
    number: int | None
    consequence: str
    dispute_by: dt.date | None = None
    training_due: dt.date | None = None
    suspended_from: dt.date | None = None
    suspended_until: dt.date | None = None
    ineligible_from: dt.date | None = None
    ineligible_until: dt.date | None = None

    def entry(self) -> LedgerEntry:
        """The row to store for this violation."""
        return LedgerEntry(self.occurred_on, self.counted, self.number, self.noticed_on)


def _month_of(day: dt.date) -> tuple[int, int]:
    return (day.year, day.month)


def _after_clean_years(
    count: int, last: dt.date | None, on: dt.date, policy: ViolationPolicy
) -> int:
    if last is None:
        return count
    return max(0, count - (on - last).days // policy.clean_year_days)


def current_count(history: list[LedgerEntry], on: dt.date, policy: ViolationPolicy) -> int:
    """The provider's violation count on `on`, replayed from the stored rows.

    Only standing rows dated on or before `on` count, at most one per calendar month.
    Each full clean year (policy.clean_year_days) after the last counted violation drops
    the count by one, never below zero; a 4th violation sets it back to zero. So the
    count is 0 to 3: the next violation's number is the count plus one.
    """
    count = 0
    last: dt.date | None = None
    months: set[tuple[int, int]] = set()
    standing = sorted(
        (e for e in history if e.stands and e.occurred_on <= on), key=lambda e: e.occurred_on
    )
    for entry in standing:
        if _month_of(entry.occurred_on) in months:
            continue
        months.add(_month_of(entry.occurred_on))
        count = _after_clean_years(count, last, entry.occurred_on, policy) + 1
        last = entry.occurred_on
        if count >= 4:
            count = 0
    return _after_clean_years(count, last, on, policy)


def training_available(history: list[LedgerEntry], *, training_used_before: bool) -> bool:
    """The self-study training rescinds a 2nd violation once in a provider's career:
    not if a row was rescinded by it already, nor if the caller knows it was used (in
    rows no longer kept)."""
    return not training_used_before and not any(e.rescinded for e in history)


def record_violation(
    history: list[LedgerEntry],
    *,
    occurred_on: dt.date,
    noticed_on: dt.date | None = None,
    training_used_before: bool,
    policy: ViolationPolicy,
) -> ViolationOutcome:
    """What a new violation dated `occurred_on` brings, given the provider's stored rows.

    A month that already has a standing counted violation only tracks a later one (no
    number, no notice). Otherwise it is counted with number current_count + 1: the 1st
    brings a notice; the 2nd a notice with the one-time training, due within
    policy.training_days of the notice (a plain notice if it was used before); the 3rd a
    suspension of policy.suspension_days; the 4th policy.ineligibility_days of
    ineligibility, after which the count starts again from zero. Each notice may be
    disputed within policy.dispute_days; a suspension or ineligibility starts the day
    after that deadline, so that a dispute can be decided first.
    """
    noticed = noticed_on or occurred_on
    month = _month_of(occurred_on)
    if any(e.stands and _month_of(e.occurred_on) == month for e in history):
        return ViolationOutcome(occurred_on, noticed, False, None, CONSEQUENCE_TRACKED_ONLY)

    number = current_count(history, occurred_on, policy) + 1
    dispute_by = noticed + dt.timedelta(days=policy.dispute_days)
    starts = dispute_by + dt.timedelta(days=1)
    consequence, training_due = CONSEQUENCE_NOTICE, None
    suspended: tuple[dt.date | None, dt.date | None] = (None, None)
    ineligible: tuple[dt.date | None, dt.date | None] = (None, None)
    if number == 2 and training_available(history, training_used_before=training_used_before):
        consequence = CONSEQUENCE_NOTICE_WITH_TRAINING
        training_due = noticed + dt.timedelta(days=policy.training_days)
    elif number == 3:
        consequence = CONSEQUENCE_SUSPENSION
        suspended = (starts, starts + dt.timedelta(days=policy.suspension_days - 1))
    elif number == 4:
        consequence = CONSEQUENCE_INELIGIBILITY
        ineligible = (starts, starts + dt.timedelta(days=policy.ineligibility_days - 1))
    return ViolationOutcome(
        occurred_on,
        noticed,
        True,
        number,
        consequence,
        dispute_by=dispute_by,
        training_due=training_due,
        suspended_from=suspended[0],
        suspended_until=suspended[1],
        ineligible_from=ineligible[0],
        ineligible_until=ineligible[1],
    )


def complete_training(
    history: list[LedgerEntry],
    entry: LedgerEntry,
    *,
    completed_on: dt.date,
    training_used_before: bool,
    policy: ViolationPolicy,
) -> LedgerEntry:
    """`entry` rescinded by the one-time training finished on `completed_on`.

    Only a standing 2nd violation, within policy.training_days of its notice, and once in
    a career; anything else raises ValueError. Store the returned row in place of
    `entry`: the count goes back to what it was before the 2nd.
    """
    if not entry.stands or entry.number != 2:
        raise ValueError("the training rescinds only a standing second violation")
    if not training_available(history, training_used_before=training_used_before):
        raise ValueError("the training can rescind a violation only once in a career")
    if not entry.notice_date <= completed_on <= _training_due(entry, policy):
        raise ValueError("the training was not completed within its days")
    return LedgerEntry(
        entry.occurred_on,
        entry.counted,
        entry.number,
        entry.noticed_on,
        rescinded=True,
        overturned=entry.overturned,
    )


def _training_due(entry: LedgerEntry, policy: ViolationPolicy) -> dt.date:
    return entry.notice_date + dt.timedelta(days=policy.training_days)


def dispute_upheld(entry: LedgerEntry) -> LedgerEntry:
    """`entry` cancelled because the county (or the state, on review) agreed with the
    provider's dispute: it no longer counts. Later rows keep the numbers they were given;
    current_count, which the next violation builds on, replays without it."""
    return LedgerEntry(
        entry.occurred_on,
        entry.counted,
        entry.number,
        entry.noticed_on,
        rescinded=entry.rescinded,
        overturned=True,
    )
