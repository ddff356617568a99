"""Payroll's scheduled jobs, run by the notification scheduler (ihss/notifications/scheduler.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ihss.notifications.scheduler import job
from ihss.payroll.services import deposits


@job("payroll.dis_enroll_unused_deposits", daily_at=dt.time(6, 0))
def dis_enroll_unused_deposits(slot: dt.datetime) -> int:
    """Each morning, end the per-recipient direct deposits no payment has used for
    `direct_deposit_unused_days` (ihss-facts 5.4), telling each provider. A rerun the same
    day ends nothing more. Returns how many ended."""
    return deposits.dis_enroll_unused(on=timezone.localtime(slot).date())
