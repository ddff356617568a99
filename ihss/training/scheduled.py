"""Career Pathways' scheduled jobs, run by the notification scheduler."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ihss.core.parameters import parameter
from ihss.notifications.scheduler import job
from ihss.training.services import claims, coaching, incentives, registrations

REMINDER_DAYS = "class_reminder_days"
CLAIM_REMINDER_DAYS = "training_claim_reminder_days"


@job("training.class_reminders", daily_at=dt.time(8, 0))
def class_reminders(slot: dt.datetime) -> int:
    """Each morning, remind the providers registered for a class that starts in
    `class_reminder_days` days, by the channels each chose. A rerun sends nothing more."""
    today = timezone.localtime(slot).date()
    return registrations.remind_due(on=today, days_before=parameter(REMINDER_DAYS, on=today))


@job("training.incentives", daily_at=dt.time(5, 30))
def incentive_refresh(slot: dt.datetime) -> int:
    """Each morning, the incentives of providers with a completed specialized pathway,
    whose months of matching care keep adding up. A rerun earns nothing twice."""
    return incentives.refresh_specialized(today=timezone.localtime(slot).date())


@job("training.coaching_reminders", daily_at=dt.time(8, 15))
def coaching_reminders(slot: dt.datetime) -> int:
    """Each morning, remind the provider and the coach of each session booked for tomorrow."""
    return coaching.remind_due(on=timezone.localtime(slot).date())


@job("training.claim_reminders", daily_at=dt.time(8, 30))
def claim_reminders(slot: dt.datetime) -> int:
    """Each morning, remind providers of training time still to confirm whose deadline is
    `training_claim_reminder_days` days away. A rerun sends nothing more."""
    today = timezone.localdate(slot)
    return claims.remind_due(on=today, days_before=parameter(CLAIM_REMINDER_DAYS, on=today))
