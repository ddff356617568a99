"""Demo data of notifications: a few notices in the demo users' message centers.

They are sent by the worker too: emails print in its output, texts go to var/sms.log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ihss.core.demo import DemoContext
from ihss.notifications.events import Event
from ihss.notifications.models import ContactSettings, Delivery, Notification, Preference
from ihss.notifications.services import notify

AFTER = ("accounts",)  # the notices go to the demo users


def _half_month(day: dt.date) -> tuple[dt.date, dt.date]:
    """The pay period (1st-15th, 16th-end of the month) of `day`, for the notices' dates."""
    if day.day <= 15:
        return day.replace(day=1), day.replace(day=15)
    next_month = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return day.replace(day=16), next_month - dt.timedelta(days=1)


def load(context: DemoContext) -> None:
    _messages(context.records.get("user", {}))
    context.say(
        "  Messages: the providers and the recipient have notices under Messages, and "
        "servicedesk sees every one in the Outbox. Emails print in the worker's output; "
        "texts go to var/sms.log."
    )


def _messages(users: dict[str, Any]) -> None:
    """A few notices in the demo users' message centers (sent by the worker too).

    Ana Reyes has a confirmed (fictional, 555-01xx) mobile number and gets pay notices
    by email and text, so var/sms.log shows a text; Rosa Delgado reads Spanish.
    """
    today = timezone.localdate()
    period_start, period_end = _half_month(today - dt.timedelta(days=15))
    dates = {"period_start": period_start.isoformat(), "period_end": period_end.isoformat()}
    ana = users["provider.one"]
    ContactSettings.objects.get_or_create(
        user=ana,
        defaults={"mobile_number": "+15305550101", "mobile_verified_at": timezone.now()},
    )
    Preference.objects.get_or_create(
        user=ana, event=Event.PAYMENT_ISSUED, defaults={"choice": "both"}
    )
    notices: list[tuple[str, str, dict[str, Any], str]] = [
        (
            "recipient",
            Event.TIMESHEET_READY_FOR_REVIEW,
            {
                "provider_name": "Ana Reyes",
                **dates,
                "minutes": 52 * 60 + 30,
                "review_by": (today + dt.timedelta(days=2)).isoformat(),
            },
            "/recipient/",
        ),
        (
            "provider.one",
            Event.TIMESHEET_APPROVED,
            {"recipient_name": "Rosa Delgado", **dates, "minutes": 52 * 60 + 30},
            "/provider/",
        ),
        (
            "provider.one",
            Event.PAYMENT_ISSUED,
            {
                **dates,
                "amount_cents": 52 * 1990 + 995,
                "paid_on": today.isoformat(),
                "method": "deposit",
            },
            "/provider/",
        ),
        (
            "provider.one",
            Event.CLASS_CONFIRMATION,
            {
                "course": "CPR and First Aid",
                "starts_on": (today + dt.timedelta(days=10)).isoformat(),
                "place": "Online",
            },
            "",
        ),
        (
            "provider.three",
            Event.TIMESHEET_REJECTED,
            {
                "recipient_name": "Harold Kim",
                **dates,
                "reason": "The hours on the 3rd were already paid.",
            },
            "/provider/",
        ),
        (
            "provider.livein",
            Event.TIMESHEET_NO_RECIPIENT_ACTION,
            {
                "recipient_name": "Anahit Petrosyan",
                **dates,
                "submitted_on": period_end.isoformat(),
            },
            "/provider/",
        ),
        (
            "provider.exempt",
            Event.WAITLIST_PROMOTION,
            {
                "course": "Dementia Care Basics",
                "starts_on": (today + dt.timedelta(days=20)).isoformat(),
                "place": "Fresno",
            },
            "",
        ),
    ]
    for username, event, context, link in notices:
        notify(user=users[username], event=event, context=context, key=f"demo:{event}", link=link)
    # One message the service desk can find failed in the outbox (a fictional outage).
    failed = Notification.objects.filter(user=users["provider.exempt"]).first()
    if failed is not None:
        Delivery.objects.filter(notification=failed, status=Delivery.Status.QUEUED).update(
            status=Delivery.Status.FAILED,
            attempts=6,
            last_error="SMTP 451: 4.3.0 Mail server temporarily unavailable (demo)",
        )
