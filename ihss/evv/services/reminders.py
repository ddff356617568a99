"""The check-out reminder: a check-in with no check-out past the day's reminder time.

Every quarter of an hour the scheduler looks for open visits (a check-in, no check-out,
no end time) past `rules.check_out_due` with `evv_checkout_reminder_minute`, and tells
the provider's accounts, in each person's language and by the channels they chose
(EVV_CHECKOUT_REMINDER). Each visit is reminded once: `reminded_at` is set with the
notices, and the notices' keys name the visit.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ihss.accounts.services import provider_accounts
from ihss.core.parameters import parameter
from ihss.evv import rules
from ihss.evv.models import Visit
from ihss.evv.services.punches import PAIRING_WINDOW
from ihss.notifications.events import Event
from ihss.notifications.services import Notice, notify_many

REMINDER_MINUTE = "evv_checkout_reminder_minute"
# Where the notice leads: the phone screen, where the provider checks out (phone_urls,
# mounted at /evv/).
PHONE_SCREEN = "/evv/"


def due_visits(*, now: dt.datetime) -> list[Visit]:
    """Open visits past their reminder time and not yet reminded. A visit open longer
    than a check-out can still close (PAIRING_WINDOW) is not reminded."""
    local_now = timezone.localtime(now)
    minute = parameter(REMINDER_MINUTE, on=local_now.date())
    candidates = (
        Visit.objects.filter(
            check_in__isnull=False,
            check_out__isnull=True,
            ended_at__isnull=True,
            reminded_at__isnull=True,
            started_at__lte=now,
            started_at__gte=now - PAIRING_WINDOW,
        )
        .select_related("recipient")
        .only("pk", "provider_id", "started_at", "recipient__first_name", "recipient__last_name")
        .order_by("started_at", "pk")
    )
    return [
        visit
        for visit in candidates
        if visit.started_at is not None
        and rules.check_out_due(
            timezone.localtime(visit.started_at), local_now, reminder_minute=minute
        )
    ]


def remind_due(*, now: dt.datetime) -> int:
    """Send each due visit's reminder once; how many visits were reminded."""
    due = due_visits(now=now)
    if not due:
        return 0
    notices: list[Notice] = []
    for visit in due:
        assert visit.started_at is not None
        started = timezone.localtime(visit.started_at)
        context = {
            "recipient_name": f"{visit.recipient.first_name} {visit.recipient.last_name}",
            "day": started.date().isoformat(),
            "time": started.strftime("%H:%M"),
        }
        notices.extend(
            Notice(user=user, context=context, key=f"evv-checkout-{visit.pk}", link=PHONE_SCREEN)
            for user in provider_accounts(visit.provider_id)
        )
    with transaction.atomic():
        notify_many(event=Event.EVV_CHECKOUT_REMINDER, notices=notices)
        return Visit.objects.filter(pk__in=[v.pk for v in due], reminded_at__isnull=True).update(
            reminded_at=now
        )
