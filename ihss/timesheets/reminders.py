"""Scheduled timesheet reminders, raised through the notification service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from ihss.accounts.models import Membership, Role
from ihss.cases.models import Assignment
from ihss.core.parameters import parameter
from ihss.notifications.events import Event
from ihss.notifications.scheduler import job
from ihss.notifications.services import Notice, notify_many
from ihss.timesheets.models import Timesheet
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
        .filter(Assignment.in_force_q(period.start, period.end, through="provider__assignments__"))
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


@job("timesheets.no_recipient_action", daily_at=dt.time(10, 0))
def no_recipient_action(slot: dt.datetime) -> int:
    """Timesheets sent and not reviewed for `timesheet_review_reminder_days` days: remind
    the recipient (and representative) and tell the provider, once per submission.

    The key names the submission, so a rerun reminds nobody twice and a timesheet sent
    again after a return is reminded again. Set-based: a few queries per 2,000
    timesheets. Returns how many notices were raised.
    """
    today = timezone.localtime(slot).date()
    days = parameter("timesheet_review_reminder_days", on=today)
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time()))
    waiting = (
        Timesheet.objects.filter(status=Timesheet.Status.SUBMITTED, submitted_at__lt=cutoff)
        .select_related("provider", "recipient")
        .defer("provider__ssn", "recipient__ssn")
        .annotate(total=Sum("days__minutes"))
        .order_by("pk")
    )

    def batches() -> Iterator[tuple[list[Timesheet], dict[tuple[str, int], list[Any]]]]:
        batch: list[Timesheet] = []
        for sheet in waiting.iterator(chunk_size=BATCH):
            batch.append(sheet)
            if len(batch) == BATCH:
                yield batch, _users_of(batch)
                batch = []
        if batch:
            yield batch, _users_of(batch)

    raised = 0
    for batch, users in batches():
        to_recipients: list[Notice] = []
        to_providers: list[Notice] = []
        for sheet in batch:
            link = reverse("timesheets:detail", args=[sheet.pk])
            period = {
                "period_start": sheet.period_start.isoformat(),
                "period_end": sheet.period_end.isoformat(),
            }
            for user in users.get(("recipient", sheet.recipient_id), []):
                to_recipients.append(
                    Notice(
                        user=user,
                        context={
                            "provider_name": sheet.provider.full_name,
                            **period,
                            "minutes": sheet.total or 0,  # type: ignore[attr-defined]
                            "review_by": today.isoformat(),
                        },
                        key=f"timesheet:{sheet.pk}:reminder:{sheet.submissions}",
                        link=link,
                    )
                )
            for user in users.get(("provider", sheet.provider_id), []):
                submitted = timezone.localtime(sheet.submitted_at).date()
                to_providers.append(
                    Notice(
                        user=user,
                        context={
                            "recipient_name": sheet.recipient.full_name,
                            **period,
                            "submitted_on": submitted.isoformat(),
                        },
                        key=f"timesheet:{sheet.pk}:no-action:{sheet.submissions}",
                        link=link,
                    )
                )
        raised += notify_many(event=Event.TIMESHEET_READY_FOR_REVIEW, notices=to_recipients)
        raised += notify_many(event=Event.TIMESHEET_NO_RECIPIENT_ACTION, notices=to_providers)
    return raised


def _users_of(batch: list[Timesheet]) -> dict[tuple[str, int], list[Any]]:
    """The active sign-ins of the batch's recipients and providers, in one query."""
    users: dict[tuple[str, int], list[Any]] = {}
    memberships = Membership.objects.filter(user__is_active=True).filter(
        Q(role=Role.RECIPIENT, recipient_id__in={s.recipient_id for s in batch})
        | Q(role=Role.PROVIDER, provider_id__in={s.provider_id for s in batch})
    )
    for m in memberships.select_related("user"):
        record_id = m.recipient_id if m.role == Role.RECIPIENT else m.provider_id
        if record_id is not None:
            users.setdefault((m.role, record_id), []).append(m.user)
    return users
