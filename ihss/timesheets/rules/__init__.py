"""The timesheet rules, one topic a module, so a county analyst can read one rule per file.

Pure Python: no Django, no clock, no database. Dates, entries and the limits in force
(effective-dated program parameters, read by the services) are arguments.

- calendar: pay periods, workweeks, fiscal years
- hours: the hour limits of a day, week and month (check_hours)
- travel: travel time between recipients (check_travel)
- sick_leave: paid sick leave balance and claims
- review: why an approved timesheet waits for the county
- violations: violations of the work-hour rules and their consequences
- refusal: what every rule answers

Everything is re-exported here, so `rules.check_hours` keeps working.
"""

from __future__ import annotations

from ihss.timesheets.rules.calendar import (
    FiscalYear,
    PayPeriod,
    Workweek,
    fiscal_year_containing,
    pay_period_containing,
    period_ending_tomorrow,
    span_minutes,
    workweek_containing,
    workweeks_touching,
)
from ihss.timesheets.rules.hours import (
    COMBINED_WEEK,
    DAY_OVER_24,
    EXEMPT_MONTH,
    EXEMPT_WEEK,
    IHSS,
    MULTI_RECIPIENT_WEEK,
    PROVIDER_ASSIGNED,
    RECIPIENT_MONTH,
    WEEKLY_MAXIMUM,
    WPCS,
    Entry,
    HourLimits,
    ProviderContext,
    RecipientLimits,
    check_hours,
    overtime_minutes,
    weekly_maximum,
)
from ihss.timesheets.rules.refusal import (
    FUTURE_DAY,
    Refusal,
)
from ihss.timesheets.rules.review import (
    LATE,
    MANUAL_HOLD,
    OVER_FIRST_HALF_SHARE,
    RANDOM_HOLD,
    REVIEW_FLAGS,
    RULE_OVERRIDE,
    review_flags,
)
from ihss.timesheets.rules.sick_leave import (
    SICK_MINIMUM,
    SICK_NOT_YET_USABLE,
    SICK_OVER_BALANCE,
    SICK_STEP,
    SickLeaveBalance,
    SickLeavePolicies,
    SickLeavePolicy,
    check_sick_leave_claim,
    sick_leave_balance,
)
from ihss.timesheets.rules.travel import (
    TRAVEL_AGREEMENT_WEEK,
    TRAVEL_NO_AGREEMENT,
    TRAVEL_NOT_BETWEEN_WORK,
    TRAVEL_WEEK,
    TravelLeg,
    check_travel,
)
from ihss.timesheets.rules.violations import (
    CONSEQUENCE_INELIGIBILITY,
    CONSEQUENCE_NOTICE,
    CONSEQUENCE_NOTICE_WITH_TRAINING,
    CONSEQUENCE_SUSPENSION,
    CONSEQUENCE_TRACKED_ONLY,
    CONSEQUENCES,
    VIOLATION_CODES,
    VIOLATION_OVER_40,
    VIOLATION_OVER_66,
    VIOLATION_TRAVEL_OVER_7,
    VIOLATION_WEEKLY_MAXIMUM,
    LedgerEntry,
    RecipientWeek,
    ViolationOutcome,
    ViolationPolicy,
    complete_training,
    current_count,
    dispute_upheld,
    record_violation,
    training_available,
    violations_in_week,
)

__all__ = [
    "COMBINED_WEEK",
    "CONSEQUENCES",
    "CONSEQUENCE_INELIGIBILITY",
    "CONSEQUENCE_NOTICE",
    "CONSEQUENCE_NOTICE_WITH_TRAINING",
    "CONSEQUENCE_SUSPENSION",
    "CONSEQUENCE_TRACKED_ONLY",
    "DAY_OVER_24",
    "EXEMPT_MONTH",
    "EXEMPT_WEEK",
    "Entry",
    "FUTURE_DAY",
    "FiscalYear",
    "HourLimits",
    "IHSS",
    "LATE",
    "LedgerEntry",
    "MANUAL_HOLD",
    "MULTI_RECIPIENT_WEEK",
    "OVER_FIRST_HALF_SHARE",
    "PROVIDER_ASSIGNED",
    "PayPeriod",
    "ProviderContext",
    "RANDOM_HOLD",
    "RECIPIENT_MONTH",
    "REVIEW_FLAGS",
    "RULE_OVERRIDE",
    "RecipientLimits",
    "RecipientWeek",
    "Refusal",
    "SICK_MINIMUM",
    "SICK_NOT_YET_USABLE",
    "SICK_OVER_BALANCE",
    "SICK_STEP",
    "SickLeaveBalance",
    "SickLeavePolicies",
    "SickLeavePolicy",
    "TRAVEL_AGREEMENT_WEEK",
    "TRAVEL_NOT_BETWEEN_WORK",
    "TRAVEL_NO_AGREEMENT",
    "TRAVEL_WEEK",
    "TravelLeg",
    "VIOLATION_CODES",
    "VIOLATION_OVER_40",
    "VIOLATION_OVER_66",
    "VIOLATION_TRAVEL_OVER_7",
    "VIOLATION_WEEKLY_MAXIMUM",
    "ViolationOutcome",
    "ViolationPolicy",
    "WEEKLY_MAXIMUM",
    "WPCS",
    "Workweek",
    "check_hours",
    "check_sick_leave_claim",
    "check_travel",
    "complete_training",
    "current_count",
    "dispute_upheld",
    "fiscal_year_containing",
    "overtime_minutes",
    "pay_period_containing",
    "period_ending_tomorrow",
    "record_violation",
    "review_flags",
    "sick_leave_balance",
    "span_minutes",
    "training_available",
    "violations_in_week",
    "weekly_maximum",
    "workweek_containing",
    "workweeks_touching",
]
