"""Timesheet workflows: open, save a week, check, submit, approve, reject; county review,
violations and exceptions; travel claims on a timesheet, and paid sick leave claims.

Views, the API, commands and tasks call these; nothing else writes timesheets. Each runs
in one transaction and writes its audit event (the timesheet's history) and its notices
inside it.

One module per workflow, and the read side apart:

- `days`: one typed day's check, shared by the week form and the API;
- `reading`: the hour picture the rules judge, what remains, the recipient's hours, travel;
- `timesheets`: open, save a week, submit, approve, reject;
- `review`: the county's release, hold or void before payroll;
- `violations`: ACL 16-36 violations, disputes and training;
- `exceptions`: the county's exception to a recipient's weekly maximum;
- `travel`: travel legs on a timesheet;
- `sick_leave`: the balance and claims.

Hours are checked in two places with the same rules: `check` while the person types
(nothing is locked; the answer may be out of date a moment later), and `submit`, which
locks the provider and the recipient first so that two submissions at the same moment
cannot both pass a cap. Travel is checked with the hours, by its own rules: it counts
toward no hour cap.

Every name is importable from here (`services.submit`). The workflows read the hours
through this package (`services.picture`), so replacing it here (a test slowing it down)
reaches every caller.
"""

from __future__ import annotations

from ihss.core.parameters import parameters
from ihss.timesheets.policies import limits_on, sick_leave_policies, violation_policy
from ihss.timesheets.services.base import DayInput, TimesheetError, approvers
from ihss.timesheets.services.days import daily_cap, day_problems, day_too_long
from ihss.timesheets.services.exceptions import grant_weekly_maximum_exception
from ihss.timesheets.services.reading import (
    HourPicture,
    HoursTable,
    ProviderUse,
    Remaining,
    TravelPicture,
    WeekSummary,
    check,
    picture,
    recipient_hours,
    remaining,
    travel_origins,
    travel_picture,
)
from ihss.timesheets.services.review import Decision, decide_review
from ihss.timesheets.services.sick_leave import (
    SickLeave,
    SickLeaveError,
    approve_sick_leave,
    balance_for,
    claim_sick_leave,
    reject_sick_leave,
)
from ihss.timesheets.services.timesheets import (
    CANNOT_SUBMIT,
    SIGNATURE_MISMATCH,
    SIGNATURE_NO_NAME,
    approve,
    days_left,
    open_timesheet,
    reject,
    save_week,
    submit,
)
from ihss.timesheets.services.travel import remove_travel, save_travel
from ihss.timesheets.services.violations import (
    barred_until,
    decide_dispute,
    file_dispute,
    find_violations,
    outcome_of,
    record_training,
)

__all__ = [
    "CANNOT_SUBMIT",
    "SIGNATURE_MISMATCH",
    "SIGNATURE_NO_NAME",
    "DayInput",
    "Decision",
    "HourPicture",
    "HoursTable",
    "ProviderUse",
    "Remaining",
    "SickLeave",
    "SickLeaveError",
    "TimesheetError",
    "TravelPicture",
    "WeekSummary",
    "approve",
    "approvers",
    "approve_sick_leave",
    "balance_for",
    "barred_until",
    "check",
    "daily_cap",
    "day_problems",
    "day_too_long",
    "claim_sick_leave",
    "decide_dispute",
    "days_left",
    "decide_review",
    "file_dispute",
    "find_violations",
    "grant_weekly_maximum_exception",
    "limits_on",
    "open_timesheet",
    "outcome_of",
    "parameters",
    "picture",
    "recipient_hours",
    "record_training",
    "reject",
    "reject_sick_leave",
    "remaining",
    "remove_travel",
    "save_travel",
    "save_week",
    "sick_leave_policies",
    "submit",
    "travel_origins",
    "travel_picture",
    "violation_policy",
]
