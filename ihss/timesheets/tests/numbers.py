"""The program's numbers as the pure rule tests give them: the values the migrations seed
(ihss-facts §3), written out, since the rules' policies carry no defaults."""

from __future__ import annotations

import datetime as dt

from ihss.timesheets.rules import HourLimits, SickLeavePolicy, ViolationPolicy

H = 60

LIMITS = HourLimits(
    day=24 * H,
    live_in_family_day=12 * H,
    multi_recipient_week=66 * H,
    exempt_week=90 * H,
    exempt_month=360 * H,
    combined_week=70 * H + 45,
    travel_week=7 * H,
    overtime_after=40 * H,
)

VIOLATION_POLICY = ViolationPolicy(
    training_days=14,
    suspension_days=90,
    ineligibility_days=365,
    dispute_days=10,
    clean_year_days=365,
)


def sick_leave_policy(annual: int) -> SickLeavePolicy:
    return SickLeavePolicy(
        annual=annual,
        earned_after=100 * H,
        usable_after=200 * H,
        usable_after_days=60,
        minimum_claim=H,
        claim_step=30,
        restart_after_days=365,
    )


# Every workweek of 2025 to 2027 by its Sunday: a provider serving several recipients in all.
EVERY_WEEK = frozenset(dt.date(2024, 12, 29) + dt.timedelta(weeks=n) for n in range(3 * 53))
