"""Scheduled timesheet reminders, raised through the notification service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ihss.accounts.models import Membership, Role
from ihss.notifications.events import Event
from ihss.notifications.scheduler import job
from ihss.notifications.services import Notice, notify_many
from ihss.timesheets.rules import period_ending_tomorrow

BATCH = 2000


@job("timesheets.pay_period_ending", daily_at=dt.time(9, 0))
def pay_period_ending(slot: dt.datetime) -> int:
    """The day before a pay period ends, remind each working provider to submit.

    "Working" means holding a provider sign-in and an assignment that covers the period.
    The key is the period's end, so a rerun, a second scheduler or a retry after a crash
    reminds nobody twice. Set-based: a few queries per 2,000 providers. Returns how many
    reminders were raised.
    """
    period = period_ending_tomorrow(timezone.localtime(slot).date())
    if period is None:
        return 0
    memberships = (
        Membership.objects.filter(role=Role.PROVIDER, user__is_active=True)
        .filter(
            Q(provider__assignments__end_date__isnull=True)
            | Q(provider__assignments__end_date__gte=period.start),
            provider__assignments__start_date__lte=period.end,
        )
        .select_related("user")
        .order_by("user_id")
        .distinct()
    )
    context = {"period_start": period.start.isoformat(), "period_end": period.end.isoformat()}
    link = reverse("provider-home")
    key = f"period-end:{period.end.isoformat()}"

    def notices() -> Iterator[Notice]:
        seen: set[int] = set()
        for membership in memberships.iterator(chunk_size=BATCH):
            if membership.user_id not in seen:
                seen.add(membership.user_id)
                yield Notice(user=membership.user, context=context, key=key, link=link)

    return notify_many(event=Event.PAY_PERIOD_ENDING, notices=notices(), chunk=BATCH)
