"""Demo data of notifications: the demo users' contact settings and notice choices.

The demo's messages are not written here: every notice comes from the workflow that
raises it in real use, run on the demo's own records (the timesheets demo sends, approves
and holds timesheets; saving Ana's settings below tells her so). A message therefore
never speaks of a timesheet, a payment or a class the demo does not have; a test checks
each demo notice against the record it names. They are sent by the worker too: emails
print in its output, texts go to var/sms.log.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ihss.core.demo import DemoContext
from ihss.notifications.events import Event
from ihss.notifications.models import ContactSettings, Delivery, Notification
from ihss.notifications.services import set_preferences

# Before the timesheets demo, so that Ana's approved timesheet reaches her by text too.
AFTER = ("accounts",)


def load(context: DemoContext) -> None:
    _settings(context.records.get("user", {}))
    context.say(
        "  Messages: the providers and the recipient have notices under Messages, and "
        "servicedesk sees every one in the Outbox. Emails print in the worker's output; "
        "texts go to var/sms.log."
    )


def _settings(users: dict[str, Any]) -> None:
    """Ana Reyes has a confirmed (fictional, 555-01xx) mobile number and gets her
    timesheet approvals by email and text, so var/sms.log shows a text once Rosa's
    approval arrives; saving the choice sends her the real "settings changed" notice."""
    ana = users["provider.one"]
    ContactSettings.objects.get_or_create(
        user=ana,
        defaults={"mobile_number": "+15305550101", "mobile_verified_at": timezone.now()},
    )
    set_preferences(user=ana, choices={Event.TIMESHEET_APPROVED.value: "both"}, by=ana)
    # One message the service desk can find failed in the outbox (a fictional mail
    # server outage): the email telling Ana her settings changed.
    changed = Notification.objects.filter(user=ana, event=Event.PREFERENCES_CHANGED).first()
    if changed is not None:
        Delivery.objects.filter(
            notification=changed, channel="email", status=Delivery.Status.QUEUED
        ).update(
            status=Delivery.Status.FAILED,
            attempts=6,
            last_error="SMTP 451: 4.3.0 Mail server temporarily unavailable (demo)",
        )
