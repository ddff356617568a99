"""Violations of the work-hour rules and what each brings (ACL 16-36; ihss-facts §3.5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ihss.timesheets.rules.hours import HourLimits, ProviderContext

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
    week: dt.date,
    limits: HourLimits,
) -> list[str]:
    """The violations (ACL 16-36) of one workweek, in VIOLATION_CODES order, each once.

    `ihss_minutes` are the provider's IHSS minutes in the week for all recipients,
    `travel_minutes` the travel claimed. Passing a recipient's weekly maximum is
    VIOLATION_OVER_40 when the recipient is authorized 40 hours a week or less and the
    provider's week passed 40 hours (ACL 16-01 condition 1), VIOLATION_WEEKLY_MAXIMUM
    otherwise. VIOLATION_OVER_66 is a week over 66 hours for a provider of several
    recipients that week (`week`, its Sunday), or over 90 hours for an exempt provider,
    whose cap it is. More than 7 hours of travel is VIOLATION_TRAVEL_OVER_7. The whole
    workweek counts, even when a pay period ends inside it. Each number is the one of
    `limits` (see violation_limit).
    """
    found: set[str] = set()
    for side in recipients:
        if not side.over_weekly_maximum:
            continue
        if side.authorized_40_or_less and ihss_minutes > limits.overtime_after:
            found.add(VIOLATION_OVER_40)
        else:
            found.add(VIOLATION_WEEKLY_MAXIMUM)
    if provider.is_exempt(week):
        if ihss_minutes > limits.exempt_week:
            found.add(VIOLATION_OVER_66)
    elif provider.serves_several(week) and ihss_minutes > limits.multi_recipient_week:
        found.add(VIOLATION_OVER_66)
    if travel_minutes > limits.travel_week:
        found.add(VIOLATION_TRAVEL_OVER_7)
    return [code for code in VIOLATION_CODES if code in found]


def violation_limit(code: str, *, exempt: bool, limits: HourLimits) -> int | None:
    """The limit in minutes a violation passed, as its notice states it: 40 h, 66 h (90 h
    for an exempt provider), 7 h of travel; None for a recipient's weekly maximum, which
    is the recipient's own."""
    if code == VIOLATION_OVER_40:
        return limits.overtime_after
    if code == VIOLATION_OVER_66:
        return limits.exempt_week if exempt else limits.multi_recipient_week
    if code == VIOLATION_TRAVEL_OVER_7:
        return limits.travel_week
    return None


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
    """The days of ACL 16-36, passed in as effective-dated parameters (no defaults here)."""

    training_days: int  # to finish the one-time training that rescinds a 2nd (14)
    suspension_days: int  # after a 3rd (90)
    ineligibility_days: int  # after a 4th (365)
    dispute_days: int  # to ask the county to review a notice, SOC 2272 (10)
    clean_year_days: int  # each such span without a counted violation drops one (365)


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
