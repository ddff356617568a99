"""Who may load which notice or outbox row. Views never query these directly."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from ihss.notifications.models import Delivery, Notification


def notification_for(user: Any, pk: int) -> Notification:
    """One of the person's own notices; anyone else's is a 404, as if it did not exist."""
    return get_object_or_404(Notification.objects.filter(user=user), pk=pk)


def can_read_outbox(user: Any) -> bool:
    """The service desk and state administrators see every person's outbox."""
    roles = user.roles() if getattr(user, "is_authenticated", False) else set()
    return bool(set(roles) & set(settings.NOTIFICATIONS_OUTBOX_ROLES))


def check_outbox_reader(user: Any) -> None:
    if not can_read_outbox(user):
        raise PermissionDenied


def delivery_for(user: Any, pk: int) -> Delivery:
    check_outbox_reader(user)
    return get_object_or_404(Delivery.objects.select_related("notification__user"), pk=pk)
