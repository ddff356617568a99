"""The notification service: raise a notice, send it, and let people choose how.

`notify` is the one entry point for every capability. It writes the message-center entry
and one outbox row per outside channel in the caller's transaction, and queues the
sending for after the commit. `deliver` is what the worker runs for one outbox row: it
claims the row with a conditional UPDATE, so that two workers (or a retried task) never
send it twice, sends it, and records the outcome. `sweep` re-queues rows whose task was
lost or whose worker died.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from ihss.core import audit
from ihss.notifications import channels, rules
from ihss.notifications.events import EMAIL_LINKS, Event, EventSpec, offered_to, spec_for
from ihss.notifications.models import (
    ContactSettings,
    Delivery,
    Notification,
    Preference,
)
from ihss.notifications.rendering import render_email, render_notice, supported_language

log = logging.getLogger(__name__)

# A signed-in person: settings.AUTH_USER_MODEL. Typed loosely because this app imports no
# other app of the portal (it is called by all of them); it reads `email`, `first_name`
# and, when present, `preferred_language`.
Person = Any

UNSUBSCRIBE_SALT = "ihss.notifications.unsubscribe"
CODE_SALT = "ihss.notifications.mobile-code"
CODE_LIFETIME = dt.timedelta(minutes=10)
CODE_RESEND_WAIT = dt.timedelta(seconds=60)
CODE_MAX_FAILURES = 5
CODES_PER_DAY = 5


# What `deliver` returns when another worker took the row over while this one was sending.
LEASE_LOST = "lease-lost"


def _config(name: str) -> int:
    return int(settings.NOTIFICATIONS[name])


# --- Raising a notice ---------------------------------------------------------------------


def notify(
    *,
    user: Person,
    event: str,
    context: Mapping[str, Any],
    key: str,
    link: str = "",
) -> Notification:
    """Record one notice to `user` and queue its email and text, per their settings.

    Idempotent: a second call with the same user, event and key returns the first
    notice and queues nothing. Call it inside the transaction of the change the notice
    is about; it then commits, or rolls back, with that change.
    """
    spec = spec_for(event)
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValueError("link must be a path inside the portal, such as /messages/")
    plain = json.loads(json.dumps(dict(context)))  # only JSON goes in; fail here, not later
    with transaction.atomic():
        existing = Notification.objects.filter(user=user, event=event, key=key).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    user=user,
                    event=event,
                    key=key,
                    context=plain,
                    language=supported_language(getattr(user, "preferred_language", "")),
                    link=link,
                )
        except IntegrityError:
            # The same notice was raised at the same moment elsewhere: that one stands.
            return Notification.objects.get(user=user, event=event, key=key)
        contact = ContactSettings.objects.filter(user=user).first()
        choice = (
            rules.CHOICE_BOTH
            if spec.every_channel  # where pay goes: every way, whatever was chosen
            else rules.CHOICE_EMAIL
            if spec.email_only  # the answer to a request: by email, whatever was chosen
            else Preference.objects.filter(user=user, event=event)
            .values_list("choice", flat=True)
            .first()
        ) or rules.CHOICE_EMAIL
        plan = rules.plan_channels(
            choice=choice,
            required=spec.required,
            has_email=bool(user.email),
            email_refused=email_refused(user, contact),
            has_verified_mobile=contact is not None and contact.mobile_verified,
            mobile_refused=contact is not None and contact.mobile_refused_at is not None,
        )
        deliveries = Delivery.objects.bulk_create(
            _deliveries(notification, user, contact, plan, timezone.now())
        )
        queued = [d.pk for d in deliveries if d.status == Delivery.Status.QUEUED]
        if queued:
            transaction.on_commit(lambda: enqueue(queued), robust=True)
    return notification


@dataclass(frozen=True)
class Notice:
    """One person's notice, for `notify_many`."""

    user: Person
    context: Mapping[str, Any]
    key: str
    link: str = ""


def notify_many(*, event: str, notices: Iterable[Notice], chunk: int = 1000) -> int:
    """`notify` for many people at once, set-based: a few queries per chunk, not per person.

    For scheduled reminders and batch runs. Each chunk is one transaction (its own, or
    the caller's); notices already raised (same user, event and key) are left alone.
    Returns how many notices were new.
    """
    spec = spec_for(event)
    created = 0
    pending: list[Notice] = []
    for notice in notices:
        pending.append(notice)
        if len(pending) >= chunk:
            created += _notify_chunk(spec.event, spec.required, pending)
            pending = []
    if pending:
        created += _notify_chunk(spec.event, spec.required, pending)
    return created


def _notify_chunk(event: str, required: bool, notices: list[Notice]) -> int:
    for notice in notices:
        if notice.link and (not notice.link.startswith("/") or notice.link.startswith("//")):
            raise ValueError("link must be a path inside the portal, such as /messages/")
    users = {notice.user.pk: notice.user for notice in notices}
    with transaction.atomic():
        seen = set(
            Notification.objects.filter(
                event=event, user_id__in=users, key__in={n.key for n in notices}
            ).values_list("user_id", "key")
        )
        fresh = []
        for notice in notices:
            if (notice.user.pk, notice.key) not in seen:
                seen.add((notice.user.pk, notice.key))
                fresh.append(notice)
        if not fresh:
            return 0
        try:
            with transaction.atomic():
                rows = Notification.objects.bulk_create(
                    Notification(
                        user=n.user,
                        event=event,
                        key=n.key,
                        context=json.loads(json.dumps(dict(n.context))),
                        language=supported_language(getattr(n.user, "preferred_language", "")),
                        link=n.link,
                    )
                    for n in fresh
                )
        except IntegrityError:
            # Raised elsewhere at the same moment: fall back to one at a time for this chunk.
            for n in fresh:
                notify(user=n.user, event=event, context=n.context, key=n.key, link=n.link)
            return len(fresh)
        contacts = {c.user_id: c for c in ContactSettings.objects.filter(user_id__in=users)}
        choices = (
            {}  # the answer to a request: by email, whatever was chosen
            if spec_for(event).email_only
            else dict(
                Preference.objects.filter(user_id__in=users, event=event).values_list(
                    "user_id", "choice"
                )
            )
        )
        now = timezone.now()
        deliveries = []
        for row in rows:
            user = users[row.user_id]
            contact = contacts.get(row.user_id)
            plan = rules.plan_channels(
                choice=rules.CHOICE_BOTH
                if spec_for(event).every_channel
                else choices.get(row.user_id, rules.CHOICE_EMAIL),
                required=required,
                has_email=bool(user.email),
                email_refused=email_refused(user, contact),
                has_verified_mobile=contact is not None and contact.mobile_verified,
                mobile_refused=contact is not None and contact.mobile_refused_at is not None,
            )
            deliveries += _deliveries(row, user, contact, plan, now)
        made = Delivery.objects.bulk_create(deliveries)
        queued = [d.pk for d in made if d.status == Delivery.Status.QUEUED]
        if queued:
            transaction.on_commit(lambda: enqueue(queued), robust=True)
    return len(rows)


def _deliveries(
    notification: Notification,
    user: Person,
    contact: ContactSettings | None,
    plan: Mapping[str, str],
    now: dt.datetime,
) -> list[Delivery]:
    return [
        Delivery(
            notification=notification,
            channel=channel,
            address=_address(user, contact, channel) if outcome == rules.SEND else "",
            status=Delivery.Status.QUEUED if outcome == rules.SEND else Delivery.Status.SKIPPED,
            skip_reason="" if outcome == rules.SEND else outcome,
            next_attempt_at=now,
        )
        for channel, outcome in plan.items()
    ]


def email_refused(user: Person, contact: ContactSettings | None) -> bool:
    """Whether the person's current email address was refused by their mail server."""
    return (
        contact is not None
        and bool(contact.email_refused_address)
        and contact.email_refused_address.lower() == (user.email or "").lower()
    )


def _address(user: Person, contact: ContactSettings | None, channel: str) -> str:
    if channel == rules.EMAIL:
        return str(user.email)
    return contact.mobile_number if contact is not None else ""


# --- Sending ------------------------------------------------------------------------------


def _supports_defer() -> bool:
    from django_tasks import default_task_backend

    return bool(default_task_backend.supports_defer)


# Outbox rows per worker task: one task per row would add a queue row per message, which
# at statewide volume doubles the writes; a small batch keeps tasks short and spread.
TASK_BATCH = 50


def enqueue(delivery_ids: Iterable[int], *, run_after: dt.datetime | None = None) -> None:
    """Queue the worker tasks of outbox rows (after the commit that wrote them)."""
    from ihss.notifications.tasks import send_deliveries, send_delivery

    ids = list(delivery_ids)
    for start in range(0, len(ids), 1000):
        Delivery.objects.filter(pk__in=ids[start : start + 1000]).update(
            enqueued_at=run_after or timezone.now()
        )
    for start in range(0, len(ids), TASK_BATCH):
        batch = ids[start : start + TASK_BATCH]
        if len(batch) == 1:
            task = send_delivery
            arguments: tuple[Any, ...] = (batch[0],)
        else:
            task, arguments = send_deliveries, (batch,)  # type: ignore[assignment]
        (task.using(run_after=run_after) if run_after is not None else task).enqueue(*arguments)


def claim(delivery_id: int, *, now: dt.datetime) -> bool:
    """Take one outbox row for sending. Exactly one caller wins, on any database.

    A row is free when it is queued and due, or when the worker that took it has been
    silent past its lease (it died mid-send).
    """
    lease = dt.timedelta(seconds=_config("LEASE_SECONDS"))
    taken = (
        Delivery.objects.filter(pk=delivery_id)
        .filter(
            Q(status=Delivery.Status.QUEUED, next_attempt_at__lte=now)
            | Q(status=Delivery.Status.SENDING, lease_until__lt=now)
        )
        .update(
            status=Delivery.Status.SENDING,
            attempts=F("attempts") + 1,
            lease_until=now + lease,
            updated_at=now,
        )
    )
    return taken == 1


def deliver(delivery_id: int) -> str:
    """Send one outbox row if it is due and nobody else holds it; return its new status."""
    now = timezone.now()
    if not claim(delivery_id, now=now):
        return "not-due"
    delivery = Delivery.objects.select_related("notification__user").get(pk=delivery_id)
    try:
        provider_id = _send(delivery)
    except channels.PermanentFailure as failure:
        return _permanent_failure(delivery, failure)
    except channels.TemporaryFailure as failure:
        return _temporary_failure(delivery, str(failure))
    except Exception as error:  # a fault of ours (a template, a bug): retry, then fail
        log.exception("Sending delivery %s failed unexpectedly", delivery_id)
        return _temporary_failure(delivery, f"{type(error).__name__}")
    if not _held(delivery).update(
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        lease_until=None,
        last_error="",
        provider_id=provider_id[:120],
        updated_at=timezone.now(),
    ):
        log.warning("Delivery %s was sent after its lease passed to another worker", delivery.pk)
        return LEASE_LOST
    return Delivery.Status.SENT


def _send(delivery: Delivery) -> str:
    notification = delivery.notification
    if delivery.channel == Delivery.Channel.SMS:
        rendered = render_notice(notification.event, notification.context, notification.language)
        return channels.sms_backend().send(
            to=delivery.address, body=rendered.sms, reference=f"ihss-delivery-{delivery.pk}"
        )
    user = notification.user
    spec = spec_for(notification.event)
    link_url = absolute(notification.link) if notification.link else ""
    make_link = EMAIL_LINKS.get(notification.event)
    if spec.secret_link and make_link is None:
        raise LookupError(f"no link maker registered for {notification.event}")
    if make_link is not None:
        # A single-use secret link: made now, for this email only, and never stored.
        link_url = absolute(make_link(user))
    rendered = render_notice(
        notification.event,
        notification.context,
        notification.language,
        email_link=link_url if make_link is not None else "",
    )
    required = spec.required
    unsubscribe = "" if required else absolute(unsubscribe_path(user.pk, notification.event))
    email = render_email(
        rendered=rendered,
        language=notification.language,
        first_name=user.first_name,
        required=required,
        link_url=link_url,
        link_label=str(spec.link_label or ""),
        email_only=spec.email_only,
        settings_url=absolute(reverse("notifications:settings")),
        unsubscribe_url=unsubscribe,
    )
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    channels.send_email(
        to=delivery.address, email=email, message_id=message_id(delivery), headers=headers
    )
    return ""


def _held(delivery: Delivery) -> QuerySet[Delivery]:
    """The row, only while this worker still holds its claim.

    The attempt count is the fence: a worker that outlived its lease (a stalled process)
    finds the count moved on by the worker that took over, and changes nothing.
    """
    return Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.SENDING, attempts=delivery.attempts
    )


def message_id(delivery: Delivery) -> str:
    """The same Message-ID on every try, so a mail system can drop a repeated copy."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "ihss.invalid"
    return f"<notice-{delivery.notification_id}.{delivery.pk}@{domain}>"


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL + path


def _temporary_failure(delivery: Delivery, reason: str) -> str:
    now = timezone.now()
    if delivery.attempts >= _config("MAX_ATTEMPTS"):
        if not _held(delivery).update(
            status=Delivery.Status.FAILED,
            lease_until=None,
            last_error=reason[:300],
            updated_at=now,
        ):
            return LEASE_LOST
        log.warning("Delivery %s failed after %s tries", delivery.pk, delivery.attempts)
        return Delivery.Status.FAILED
    wait = rules.retry_delay_seconds(
        delivery.attempts,
        base_seconds=_config("RETRY_BASE_SECONDS"),
        cap_seconds=_config("RETRY_CAP_SECONDS"),
    )
    retry_at = now + dt.timedelta(seconds=wait)
    if not _held(
        delivery
    ).update(
        status=Delivery.Status.QUEUED,
        next_attempt_at=retry_at,
        lease_until=None,
        enqueued_at=None,  # for the sweep, unless a deferred task is queued just below
        last_error=reason[:300],
        updated_at=now,
    ):
        return LEASE_LOST
    if _supports_defer():
        enqueue([delivery.pk], run_after=retry_at)
    # Otherwise (the immediate backend of tests) the sweep sends it when it is due.
    return Delivery.Status.QUEUED


def _permanent_failure(delivery: Delivery, failure: channels.PermanentFailure) -> str:
    now = timezone.now()
    status = Delivery.Status.REFUSED if failure.address_refused else Delivery.Status.FAILED
    with transaction.atomic():
        if not _held(delivery).update(
            status=status, lease_until=None, last_error=str(failure)[:300], updated_at=now
        ):
            return LEASE_LOST
        if failure.address_refused:
            contact, _ = ContactSettings.objects.get_or_create(user=delivery.notification.user)
            if delivery.channel == Delivery.Channel.EMAIL:
                contact.email_refused_address = delivery.address
                contact.email_refused_at = now
            elif contact.mobile_number == delivery.address:
                contact.mobile_refused_at = now
            contact.save()
    return status


def sweep(*, now: dt.datetime | None = None, limit: int = 5000) -> int:
    """Queue again the outbox rows that are due but whose task was lost or whose worker died.

    Returns how many rows were queued. Queuing a row twice is harmless: `claim` lets one
    task send it and turns the other away.
    """
    now = now or timezone.now()
    requeue_before = now - dt.timedelta(seconds=_config("REQUEUE_AFTER_SECONDS"))
    due = list(
        Delivery.objects.filter(
            Q(
                status=Delivery.Status.QUEUED,
                next_attempt_at__lte=now,
            )
            & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=requeue_before))
            | Q(status=Delivery.Status.SENDING, lease_until__lt=now)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    enqueue(due)
    return len(due)


def retry(*, delivery: Delivery, by: Person) -> None:
    """The service desk sends a failed message once more (after fixing what was wrong)."""
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status != Delivery.Status.FAILED:
            raise ValueError("Only a failed message can be tried again.")
        before = {"status": locked.status, "attempts": locked.attempts}
        locked.status = Delivery.Status.QUEUED
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "next_attempt_at", "updated_at"])
        audit.record(
            actor=by,
            action="notifications.delivery.retry",
            subject=locked,
            before=before,
            after={"status": locked.status},
            reason="Tried again from the outbox",
        )
        transaction.on_commit(lambda: enqueue([locked.pk]), robust=True)


# --- The message center -------------------------------------------------------------------


def unread_count(user: Person) -> int:
    """Unread notices of `user` (one indexed count: the header shows it on every page)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )


def mark_unread(notification: Notification) -> None:
    notification.read_at = None
    Notification.objects.filter(pk=notification.pk).update(read_at=None)


def mark_all_read(user: Person) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Preferences --------------------------------------------------------------------------


def preferences_of(user: Person) -> dict[str, str]:
    """Every event's channel choice for `user`, the default (email) filled in."""
    chosen = dict(Preference.objects.filter(user=user).values_list("event", "choice"))
    return {event.value: chosen.get(event.value, rules.CHOICE_EMAIL) for event in Event}


def roles_of(user: Person) -> set[str]:
    """The role values (\"provider\", \"recipient\") `user` holds. Read through the user
    model's `active_memberships()`, since this app imports no other."""
    memberships = getattr(user, "active_memberships", None)
    return {str(m.role) for m in memberships()} if memberships is not None else set()


def notices_offered_to(user: Person) -> dict[str, EventSpec]:
    """The notices `user` chooses a way for: those of their roles that something sends."""
    return offered_to(roles_of(user))


def contact_of(user: Person) -> ContactSettings:
    contact = ContactSettings.objects.filter(user=user).first()
    return contact if contact is not None else ContactSettings(user=user)


class PreferenceError(ValueError):
    """A choice the person may not make; the message is written for them."""


def set_preferences(*, user: Person, choices: Mapping[str, str], by: Person) -> bool:
    """Save channel choices; returns whether anything changed (and then tells the person)."""
    contact = contact_of(user)
    current = preferences_of(user)
    changes: dict[str, str] = {}
    for event, choice in choices.items():
        spec = spec_for(event)
        if spec.email_only:
            raise PreferenceError(
                gettext("“%(notice)s” always comes by email.") % {"notice": spec.event.label}
            )
        if choice not in rules.CHOICES:
            raise PreferenceError(gettext("Choose one of the offered ways."))
        if choice == rules.CHOICE_NONE and spec.required:
            raise PreferenceError(
                gettext("“%(notice)s” cannot be switched off; choose email, text or both.")
                % {"notice": spec.event.label}
            )
        if choice in (rules.CHOICE_SMS, rules.CHOICE_BOTH) and not contact.mobile_verified:
            raise PreferenceError(
                gettext("Add and confirm a mobile number before choosing text messages.")
            )
        if current[event] != choice:
            changes[event] = choice
    if not changes:
        return False
    with transaction.atomic():
        for event, choice in changes.items():
            Preference.objects.update_or_create(user=user, event=event, defaults={"choice": choice})
        audit.record(
            actor=by,
            action="notifications.preferences.change",
            subject=user,
            before={event: current[event] for event in changes},
            after=changes,
        )
        _tell_about_change(user)
    return True


def _tell_about_change(user: Person) -> None:
    now = timezone.now()
    notify(
        user=user,
        event=Event.PREFERENCES_CHANGED,
        context={"changed_on": timezone.localdate(now).isoformat()},
        key=f"changed:{now.isoformat()}",
        link=reverse("notifications:settings"),
    )


def unsubscribe_path(user_id: int, event: str) -> str:
    token = signing.dumps({"u": user_id, "e": event}, salt=UNSUBSCRIBE_SALT, compress=True)
    return reverse("notifications:unsubscribe", args=[token])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The (user id, event) an unsubscribe link names, or None if it was tampered with."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("e") not in Event.values:
        return None
    user_id = data.get("u")
    return (user_id, str(data["e"])) if isinstance(user_id, int) else None


def unsubscribe(*, user: Person, event: str) -> bool:
    """Stop emails of one optional notice (it stays in the message center)."""
    spec = spec_for(event)
    if spec.required:
        raise PreferenceError(gettext("This notice cannot be switched off."))
    current = preferences_of(user)[event]
    new = {rules.CHOICE_BOTH: rules.CHOICE_SMS}.get(current, rules.CHOICE_NONE)
    if new == current:
        return False
    with transaction.atomic():
        Preference.objects.update_or_create(user=user, event=event, defaults={"choice": new})
        audit.record(
            actor=user,
            action="notifications.preferences.unsubscribe",
            subject=user,
            before={event: current},
            after={event: new},
            reason="Unsubscribe link in an email",
        )
    return True
