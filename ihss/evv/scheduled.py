"""EVV's scheduled jobs, run by the notification scheduler (ihss/notifications/scheduler.py)."""

from __future__ import annotations

import datetime as dt

from ihss.evv.services import reminders, retention
from ihss.notifications.scheduler import job


@job("evv.checkout_reminders", every=dt.timedelta(minutes=15))
def checkout_reminders(slot: dt.datetime) -> int:
    """Every quarter hour, remind providers still checked in past the reminder time
    (`evv_checkout_reminder_minute`); each visit once."""
    return reminders.remind_due(now=slot)


@job("evv.coordinates_retention", daily_at=dt.time(3, 15))
def coordinates_retention(slot: dt.datetime) -> int:
    """Each night, delete the coordinates of punches older than
    `evv_coordinates_retention_days`, and export files older than a week."""
    return retention.run(now=slot)
