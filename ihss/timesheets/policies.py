"""The numbers the timesheet rules read, from the program parameters in force.

Every limit, share, step and delay of a timesheet rule is an effective-dated program
parameter (ihss.core.models.ProgramParameter, seeded by migrations with their source);
this module reads them through the one loader (ihss.core.parameters) into the rules'
policy dataclasses, which carry no defaults. A change of law is a new parameter row with
a later effective date: the rules, their explanations and the notices follow.
"""

from __future__ import annotations

import datetime as dt

from ihss.core.models import ProgramParameter
from ihss.core.parameters import parameters
from ihss.timesheets import rules

# Program parameters (minutes) the hour rules read, by rules.HourLimits field.
LIMIT_PARAMETERS = {
    "day": "daily_cap",
    "live_in_family_day": "exemption_1_daily_cap",
    "combined_week": "combined_weekly_cap",
    "multi_recipient_week": "multi_recipient_weekly_cap",
    "exempt_week": "exemption_weekly_cap",
    "exempt_month": "exemption_monthly_cap",
    "overtime_after": "overtime_weekly_threshold",
    "travel_week": "travel_weekly_cap",
}
# The calendar months of approved history that give a provider's usual monthly overtime
# (ACL 16-01 condition 2; docs/adr/0014-usual-overtime-window.md).
USUAL_OVERTIME_MONTHS = "usual_overtime_months"
# Why an approved timesheet waits for the county (basis points, days).
REVIEW_PARAMETERS = (
    "first_half_exception_share",
    "timesheet_late_days",
    "timesheet_random_hold_share",
)
# Program parameters (days) of the violation ledger, by rules.ViolationPolicy field.
VIOLATION_PARAMETERS = {
    "training_days": "violation_training_days",
    "suspension_days": "violation_suspension_days",
    "ineligibility_days": "violation_ineligibility_days",
    "dispute_days": "violation_dispute_days",
    "clean_year_days": "violation_clean_year_days",
}
# Program parameters of paid sick leave, by rules.SickLeavePolicy field (minutes, days).
SICK_LEAVE_PARAMETERS = {
    "annual": "sick_leave_annual",
    "earned_after": "sick_leave_earned_after",
    "usable_after": "sick_leave_usable_after",
    "usable_after_days": "sick_leave_usable_after_days",
    "minimum_claim": "sick_leave_minimum_claim",
    "claim_step": "sick_leave_claim_step",
    "restart_after_days": "sick_leave_restart_after_days",
}


def limits_on(day: dt.date) -> rules.HourLimits:
    """The hour limits in force on `day` (one query)."""
    values = parameters(LIMIT_PARAMETERS.values(), on=day)
    return rules.HourLimits(**{name: values[key] for name, key in LIMIT_PARAMETERS.items()})


def violation_policy(on: dt.date) -> rules.ViolationPolicy:
    """The days of the violation ledger in force on `on` (one query)."""
    values = parameters(VIOLATION_PARAMETERS.values(), on=on)
    return rules.ViolationPolicy(
        **{name: values[key] for name, key in VIOLATION_PARAMETERS.items()}
    )


def sick_leave_policies(until: dt.date) -> dict[dt.date, rules.SickLeavePolicy]:
    """The policy of each fiscal year up to the one containing `until`, keyed by its July
    1, from the parameters in force on that July 1 (one query). A year before every
    parameter existed (before July 2018) has none: no paid sick leave then."""
    last = rules.fiscal_year_containing(until).start
    rows = list(
        ProgramParameter.objects.filter(
            key__in=SICK_LEAVE_PARAMETERS.values(), effective_from__lte=last
        )
        .order_by("effective_from")
        .values_list("key", "effective_from", "value")
    )
    by_key: dict[str, list[tuple[dt.date, int]]] = {}
    for key, start, value in rows:
        by_key.setdefault(key, []).append((start, int(value)))
    policies = {}
    year = rules.fiscal_year_containing(min((r[1] for r in rows), default=last)).start
    while year <= last:
        values = {
            name: [v for start, v in by_key.get(key, []) if start <= year]
            for name, key in SICK_LEAVE_PARAMETERS.items()
        }
        if all(values.values()):
            policies[year] = rules.SickLeavePolicy(**{k: v[-1] for k, v in values.items()})
        year = year.replace(year=year.year + 1)
    return policies
