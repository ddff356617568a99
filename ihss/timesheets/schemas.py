"""JSON shapes of the timesheet API.

Durations are integer minutes (names end in `_minutes`, or `minutes`), never hours or
fractions; dates are ISO 8601, times of day "HH:MM". Labels and messages are in the
caller's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from ihss.cases.models import Program
from ihss.cases.schemas import ProviderRef, RecipientRef
from ihss.core.schemas import Page

MINUTES_A_DAY = 24 * 60


class RecipientName(Schema):
    case_number: str
    name: str


class TimesheetSummary(Schema):
    id: int
    provider: ProviderRef
    recipient: RecipientRef
    program: str = Field(description="IHSS or WPCS.")
    period_start: dt.date = Field(description="First day of the pay period: the 1st or 16th.")
    period_end: dt.date = Field(description="Last day: the 15th or the month's last.")
    status: str = Field(description="draft, submitted, rejected, approved or voided.")
    status_label: str = Field(description="The status in words, in the caller's language.")
    total_minutes: int = Field(description="The minutes of every day on the timesheet.")
    county_review: str = Field(
        description='"" (none), waiting, held or released: the county\'s look at an '
        "approved timesheet before payroll."
    )
    county_review_label: str
    rejection_reason: str = Field(
        description="Why the recipient returned it; empty unless it was returned."
    )


class TimesheetPage(Page):
    results: list[TimesheetSummary] = Field(description="Newest pay period first.")


class Flag(Schema):
    code: str = Field(description="over_first_half_share, late, random_hold or manual_hold.")
    label: str


class QueueItem(TimesheetSummary):
    review_flags: list[Flag] = Field(description="Why it waits for the county.")
    review_note: str = Field(description="The county's last reason, if any.")


class QueuePage(Page):
    results: list[QueueItem] = Field(description="Waiting before held, oldest period first.")


class DayOut(Schema):
    day: dt.date
    minutes: int
    start: str = Field(description='"HH:MM"; empty when not recorded.')
    end: str = Field(description='"HH:MM"; the next day when at or before `start`.')
    location: str = Field(description="home, community or both.")
    evv_reason: str = Field(
        default="",
        description="Why the start, end or location differ from the day's check-in and "
        "check-out (EVV), as the provider said; empty when they agree or there is none.",
    )


class WeekRemaining(Schema):
    """One workweek (Sunday to Saturday) the pay period has days in."""

    week_start: dt.date
    week_end: dt.date
    weekly_maximum_minutes: int = Field(description="The recipient's: monthly minutes / 4.")
    recipient_total_minutes: int = Field(
        description="The recipient's minutes this week, from every provider."
    )
    recipient_remaining_minutes: int
    provider_total_minutes: int = Field(
        description="Your IHSS minutes this week, for every recipient."
    )
    provider_cap_minutes: int | None = Field(
        description="Your weekly cap (66 h, or 90 h with an exemption); null when only the "
        "recipient's weekly maximum holds."
    )
    provider_remaining_minutes: int | None
    wpcs_total_minutes: int = Field(description="Your WPCS minutes this week, for every recipient.")
    combined_cap_minutes: int | None = Field(
        description="Your IHSS and WPCS minutes together may not pass this (70 h 45 min) in a "
        "week with WPCS hours; null in a week without."
    )
    combined_remaining_minutes: int | None


class RemainingOut(Schema):
    """The recipient's authorized minutes left in the month of the pay period, and yours."""

    month: dt.date = Field(description="The first day of the month.")
    authorized_minutes: int
    used_minutes: int = Field(description="By every provider, this timesheet included.")
    remaining_minutes: int
    assigned_minutes: int = Field(description="Your assigned minutes for this recipient.")
    assigned_used_minutes: int
    assigned_remaining_minutes: int
    timesheet_minutes: int
    weeks: list[WeekRemaining]


class Problem(Schema):
    """A rule the hours break: `total_minutes` where the rule allows `limit_minutes`."""

    rule: str = Field(description="The rule's code, such as multi_recipient_weekly_cap.")
    when: dt.date = Field(description="The day, the workweek's Sunday or the month's first.")
    total_minutes: int
    limit_minutes: int
    message: str = Field(description="The rule in plain words, in the caller's language.")


Action = Literal["save", "submit", "approve", "return", "county_review"]


class TravelOut(Schema):
    """Travel claimed on the timesheet: from another recipient of its provider to this
    timesheet's recipient, on one day (apart from the hours worked)."""

    id: int
    day: dt.date
    from_recipient: RecipientName | None = Field(
        description="The recipient travelled from; null for a caller who may not know them "
        "(the recipient travelled to)."
    )
    minutes: int


class TimesheetDetail(TimesheetSummary):
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None = Field(description="When the recipient approved or returned.")
    signature: str = Field(description="The name the recipient typed to approve it.")
    signed_as_representative: bool
    days: list[DayOut] = Field(description="Days worked, in order.")
    travel: list[TravelOut] = Field(description="Travel claimed, by day.")
    travel_minutes: int = Field(description="The minutes of all the travel; not in total_minutes.")
    remaining: RemainingOut | None = Field(
        description="For the timesheet's provider only; null for everyone else."
    )
    problems: list[Problem] = Field(
        description="For its provider while it can be changed: the rules its hours break."
    )
    actions: list[Action] = Field(description="The steps the caller may take on it now.")


class Conflict(Schema):
    detail: str = Field(description="Why the step was refused, written for the person.")
    problems: list[Problem] = Field(description="The rules the hours break, if that is why.")


class Checked(Schema):
    problems: list[Problem]
    remaining: RemainingOut


# --- Violations (ACL 16-36) -----------------------------------------------------------------


ViolationAction = Literal["dispute", "dispute_decision", "training"]


class ViolationSummary(Schema):
    """A workweek whose approved hours broke a work-hour rule, and its step in the
    provider's count of violations."""

    id: int
    provider: ProviderRef
    week_start: dt.date = Field(description="The workweek's Sunday.")
    week_end: dt.date = Field(description="Its Saturday.")
    codes: list[str] = Field(
        description="The rules broken: over_40_without_approval, weekly_maximum, "
        "over_66_hours, travel_over_7_hours."
    )
    noticed_on: dt.date = Field(description="The date of the notice.")
    counted: bool = Field(
        description="false when only tracked: a violation was already counted that month."
    )
    number: int | None = Field(description="1 to 4 when counted; null when only tracked.")
    consequence: str = Field(
        description="notice, notice_with_training, suspension, ineligibility or tracked_only."
    )
    outcome: str = Field(
        description="What the violation brings, in plain words with its dates, in the "
        "caller's language (written to the provider)."
    )
    dispute: str = Field(description='"" (none), filed, upheld or denied.')
    dispute_label: str
    rescinded: bool = Field(description="Removed by the one-time training.")


class ViolationPage(Page):
    results: list[ViolationSummary] = Field(description="Latest workweek first.")
    barred_until: dt.date | None = Field(
        description="For a provider: the last day of a suspension or ineligibility of "
        "theirs in force today; null when none, and for everyone else."
    )


class ViolationDetail(ViolationSummary):
    rules: list[str] = Field(
        description="Each rule broken in plain words, in the order of `codes` (written to "
        "the provider)."
    )
    dispute_by: dt.date | None = Field(description="The last day to dispute it (SOC 2272).")
    dispute_filed_on: dt.date | None
    dispute_note: str = Field(description="The county's reason for its decision.")
    training_due: dt.date | None = Field(
        description="For a second violation: the last day to finish the training."
    )
    training_completed_on: dt.date | None
    suspended_from: dt.date | None
    suspended_until: dt.date | None = Field(description="The last day of the suspension.")
    ineligible_from: dt.date | None
    ineligible_until: dt.date | None = Field(description="The last day of the ineligibility.")
    actions: list[ViolationAction] = Field(
        description="The steps the caller may record on it now (county staff of the "
        "provider's county, state administrators)."
    )


# --- The county's exceptions to the weekly maximum (ACL 16-01) -----------------------------


class ExceptionOut(Schema):
    """The county's leave for a recipient's hours to pass the weekly maximum (monthly / 4)
    in one program and month; the monthly authorization still holds."""

    id: int
    recipient: RecipientRef
    program: str = Field(description="IHSS or WPCS.")
    month: dt.date = Field(description="The first day of the month.")
    provider: ProviderRef | None = Field(
        description="The one provider it is for; null: every provider of the recipient."
    )
    reason: str
    granted_by: str = Field(description="The name of the person who granted it.")
    granted_at: dt.datetime


class ExceptionPage(Page):
    results: list[ExceptionOut] = Field(description="Latest month first, then latest granted.")


# --- A recipient's hours, authorized and used ----------------------------------------------


class WeekTotal(Schema):
    start: dt.date = Field(description="The workweek's Sunday.")
    total_minutes: int = Field(
        description="Every provider's minutes that week, all seven days (also those in the "
        "month before or after)."
    )


class ProviderWeek(Schema):
    start: dt.date
    minutes: int = Field(description="0 when the provider sent none that week.")


class ProviderHours(Schema):
    provider_number: str
    name: str
    month_minutes: int = Field(description="The provider's minutes in the month's days.")
    weeks: list[ProviderWeek] = Field(description="Every workweek of the table, in order.")


class HoursTableOut(Schema):
    """One recipient's authorization in one program and month, against the hours their
    providers sent (waiting for the recipient's review or approved; drafts and returned
    timesheets do not count)."""

    recipient: RecipientName
    program: str = Field(description="IHSS or WPCS.")
    month: dt.date = Field(description="The first day of the month.")
    authorized_minutes: int = Field(description="0 when none is in force that month.")
    weekly_maximum_minutes: int = Field(description="The authorized minutes / 4.")
    month_total_minutes: int
    remaining_minutes: int = Field(description="Authorized less used; never below 0.")
    weeks: list[WeekTotal] = Field(
        description="Each workweek (Sunday to Saturday) with days in the month, in order."
    )
    providers: list[ProviderHours] = Field(description="By last name, then first name.")


class HoursOut(Schema):
    month: dt.date = Field(description="The first day of the month.")
    tables: list[HoursTableOut] = Field(
        description="One for each recipient of the caller and program with hours authorized "
        "or sent that month."
    )


# --- Paid sick leave ------------------------------------------------------------------------


SickLeaveAction = Literal["approve", "return"]


class SickLeaveBalanceOut(Schema):
    """The provider's paid sick leave in this fiscal year (July 1 to June 30)."""

    earned_on: dt.date | None = Field(description="The day the 100th hour was worked.")
    usable_on: dt.date | None = Field(description="The first day the leave can be used.")
    granted_minutes: int = Field(description="For this fiscal year; 0 until earned.")
    used_minutes: int = Field(description="Claimed for days of this year, waiting or approved.")
    balance_minutes: int
    expires_on: dt.date = Field(description="June 30: what is left is lost, not paid out.")


class SickLeaveClaimOut(Schema):
    id: int
    provider: ProviderRef
    recipient: RecipientName = Field(description="The recipient whose care was missed.")
    program: str = Field(description="IHSS or WPCS.")
    day: dt.date = Field(description="The day of leave.")
    minutes: int
    status: str = Field(description="submitted (waiting for the recipient), approved or rejected.")
    status_label: str
    rejection_reason: str = Field(description="Why the recipient did not approve it.")
    created_at: dt.datetime
    decided_at: dt.datetime | None
    actions: list[SickLeaveAction] = Field(description="The steps the caller may take on it now.")


class SickLeaveOut(Page):
    balance: SickLeaveBalanceOut | None = Field(description="For a provider; null otherwise.")
    results: list[SickLeaveClaimOut] = Field(
        description="The provider's own claims and those for the recipient's care: those "
        "waiting for the caller's approval first, then the latest made."
    )


# --- What callers send ----------------------------------------------------------------------


class OpenIn(Schema):
    case_number: str = Field(pattern=r"^\d{7}$", description="The recipient's case number.")
    program: Program = Program.IHSS
    day: dt.date | None = Field(
        default=None, description="Any day of the pay period; today when left out."
    )


class DayIn(Schema):
    day: dt.date
    minutes: int = Field(
        description=f"Minutes worked, 0 to {MINUTES_A_DAY}; 0 clears the day.",
        json_schema_extra={"minimum": 0, "maximum": MINUTES_A_DAY},
    )
    start: dt.time | None = Field(default=None, description='"HH:MM"; needed when minutes > 0.')
    end: dt.time | None = Field(
        default=None, description='"HH:MM"; at or before `start` means the next day.'
    )
    location: str = Field(
        default="",
        description="home, community or both; needed when minutes > 0.",
        json_schema_extra={"enum": ["", "home", "community", "both"]},
    )
    correction_reason: str = Field(
        default="",
        max_length=500,
        description="Needed when the start, end or location differ from the day's check-in "
        "and check-out (EVV) and from what was saved: why. Recorded on the visits; the "
        "county sees it.",
    )


class DaysIn(Schema):
    days: list[DayIn] = Field(max_length=16, description="Days not listed keep what was saved.")


class ApproveIn(Schema):
    signature: str = Field(max_length=120, description="Your full name, typed.")
    attest: bool = Field(
        description="true: the hours are true and correct, and the services were provided "
        "as entered."
    )


class ReturnIn(Schema):
    reason: str = Field(max_length=1000, description="What is wrong; the provider sees it.")


class DecisionIn(Schema):
    decision: Literal["release", "hold", "void"]
    reason: str = Field(max_length=1000, description="Kept in the timesheet's history.")


class DisputeIn(Schema):
    filed_on: dt.date = Field(
        description="The day the provider's dispute (SOC 2272) reached the county."
    )


class DisputeDecisionIn(Schema):
    upheld: bool = Field(description="true: the violation is cancelled; false (denied): it stands.")
    reason: str = Field(max_length=1000, description="Kept in the violation's history.")


class TrainingIn(Schema):
    completed_on: dt.date = Field(description="The day the provider finished the training.")


class ExceptionIn(Schema):
    case_number: str = Field(pattern=r"^\d{7}$", description="The recipient's case number.")
    program: Program
    month: str = Field(
        max_length=7, description='The month, "YYYY-MM".', json_schema_extra={"example": "2026-11"}
    )
    provider_number: str | None = Field(
        default=None,
        max_length=9,
        description="The provider it is for; left out (or empty) for every provider.",
    )
    reason: str = Field(max_length=1000, description="Kept in the recipient's history.")


class TravelIn(Schema):
    day: dt.date = Field(description="A day of the timesheet's pay period.")
    from_case_number: str = Field(
        pattern=r"^\d{7}$", description="The recipient travelled from (a travel agreement's)."
    )
    minutes: int = Field(description="1 to 1440; claiming the same day and origin replaces it.")


class SickLeaveIn(Schema):
    case_number: str = Field(pattern=r"^\d{7}$", description="The recipient whose care was missed.")
    program: Program = Program.IHSS
    day: dt.date = Field(description="The day of leave.")
    minutes: int = Field(description="At least 60, then in steps of 30.")
