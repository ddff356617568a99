"""Why an approved timesheet waits for the county before payroll (ihss-facts §2.6)."""

from __future__ import annotations

import datetime as dt

from ihss.timesheets.rules.calendar import PayPeriod

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
