"""Changing and cancelling a class once it is in the catalog.

The training provider may change a class until it begins: its time, place, link, seats or
instructor. Everyone registered or waiting is told when the time or the place changes;
seats added go to those waiting first; seats cannot go below the people already seated
(the provider cancels the class, or the people cancel). Cancelling a class cancels every
registration and waitlist place, with a notice giving the reason. A class that began, or
whose attendance is recorded, stays as it is: its attendance is what pays people.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ihss.accounts.models import User
from ihss.core import audit
from ihss.core.refusals import ServiceRefused
from ihss.notifications.events import Event
from ihss.training.models import Attendance, ClassSession, Registration
from ihss.training.services.registrations import _locked_session, _tell, promote

Status = Registration.Status

# What a change must touch for the people registered to be told.
TOLD_OF = ("starts_at", "ends_at", "county_id", "place", "online_link")
CHANGEABLE = (*TOLD_OF, "language", "capacity", "instructor", "latitude", "longitude")


class SessionRefused(ServiceRefused):
    pass


def _check_open(session: ClassSession) -> None:
    if session.cancelled_at is not None:
        raise SessionRefused(_("This class was cancelled."), code="class_cancelled")
    if session.starts_at <= timezone.now():
        raise SessionRefused(
            _("This class has begun: it can no longer be changed or cancelled."),
            code="class_begun",
        )
    if Attendance.objects.filter(registration__session=session).exists():
        raise SessionRefused(
            _("Attendance is recorded for this class: it can no longer be changed."),
            code="attended",
        )


def _active(session: ClassSession) -> list[Registration]:
    return list(
        Registration.objects.select_for_update(of=("self",))
        .filter(session=session, status__in=Registration.ACTIVE)
        .select_related("course", "session", "session__county")
        .order_by("requested_at", "pk")
    )


def change(*, session: ClassSession, values: dict[str, Any], by: User) -> ClassSession:
    """Change a class's fields (`values`, by field name) before it begins."""
    with transaction.atomic():
        current = _locked_session(session.pk)
        _check_open(current)
        seated = Registration.objects.filter(session=current, status=Status.REGISTERED).count()
        capacity = values.get("capacity", current.capacity)
        if capacity < seated:
            raise SessionRefused(
                ngettext(
                    "%(count)d person is registered: a class cannot have fewer seats than that.",
                    "%(count)d people are registered: a class cannot have fewer seats than that.",
                    seated,
                )
                % {"count": seated},
                code="seats_taken",
                field="capacity",
                conflict=False,
            )
        before = {name: getattr(current, name) for name in CHANGEABLE}
        for name in CHANGEABLE:
            if name in values:
                setattr(current, name, values[name])
        after = {name: getattr(current, name) for name in CHANGEABLE}
        changed = [name for name in CHANGEABLE if before[name] != after[name]]
        if not changed:
            return current
        current.save(update_fields=changed)
        audit.record(
            actor=by,
            action="training.class_changed",
            subject=current,
            before={n: str(before[n]) for n in changed},
            after={n: str(after[n]) for n in changed},
        )
        if any(name in TOLD_OF for name in changed):
            stamp = int(timezone.now().timestamp())
            for registration in _active(current):
                _tell(registration, Event.CLASS_CHANGED, key=f"changed-{registration.pk}-{stamp}")
        if "capacity" in changed:
            promote(session_id=current.pk)
        return current


def cancel(*, session: ClassSession, reason: str, by: User) -> ClassSession:
    """Cancel a class before it begins: every registration with it, each person told."""
    reason = (reason or "").strip()
    with transaction.atomic():
        current = _locked_session(session.pk)
        if current.cancelled_at is not None:
            return current
        _check_open(current)
        if not reason:
            raise SessionRefused(
                _("Say why the class is cancelled: the people registered are told."),
                code="reason_required",
                field="reason",
                conflict=False,
            )
        now = timezone.now()
        current.cancelled_at = now
        current.cancel_reason = reason
        current.save(update_fields=["cancelled_at", "cancel_reason"])
        for registration in _active(current):
            registration.status = Status.CANCELLED
            registration.cancelled_at = now
            registration.save(update_fields=["status", "cancelled_at"])
            _tell(
                registration,
                Event.CLASS_CANCELLED,
                key=f"class-cancelled-{registration.pk}",
                extra={"reason": reason},
            )
        audit.record(actor=by, action="training.class_cancelled", subject=current, reason=reason)
        return current
