"""Who may load which notice or outbox row. Views never query these directly.

A notice is its addressee's alone; the outbox (every person's deliveries) is for the roles
named in NOTIFICATIONS_OUTBOX_ROLES, read from the person's scope, worked out once per
request (ihss/core/scope.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ihss.core.scope import scope_of
from ihss.notifications.models import Delivery, Notification


def own_notifications(user: Any) -> QuerySet[Notification]:
    """The person's own notices (their message center); no one else's, whatever their role.

    A notice names its one addressee: whose it is needs no role, so this asks for no scope
    (the message list reads no membership)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk)


def notification_for(user: Any, pk: int) -> Notification:
    """One of the person's own notices; anyone else's is a 404, as if it did not exist."""
    return get_object_or_404(own_notifications(user), pk=pk)


def can_read_outbox(user: Any) -> bool:
    """The service desk and state administrators see every person's outbox."""
    return bool(scope_of(user).roles & set(settings.NOTIFICATIONS_OUTBOX_ROLES))


def check_outbox_reader(user: Any) -> None:
    if not can_read_outbox(user):
        raise PermissionDenied


def delivery_for(user: Any, pk: int) -> Delivery:
    check_outbox_reader(user)
    return get_object_or_404(Delivery.objects.select_related("notification__user"), pk=pk)
