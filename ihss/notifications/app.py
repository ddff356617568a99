"""What the notification service adds to the portal: the messages API, its token scopes,
the outbox link. Imports no other app (docs/adr/0015-app-registry-and-layers.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ihss.core import registry


def everyone(user: Any) -> bool:
    """Every person has messages of their own."""
    return True


def register() -> None:
    from ihss.notifications.api import router

    # Bearer tokens first (a bearer call needs no CSRF token), then the session.
    registry.add_api("/messages/", router, scope_resource="messages")
    registry.add_scope(
        "messages:read", _("Read your messages and notice settings"), may_hold=everyone, order=40
    )
    registry.add_scope(
        "messages:write",
        _("Mark your messages read or unread and change your notice settings"),
        may_hold=everyone,
        order=41,
    )
    registry.add_menu(
        "notifications:outbox",
        _("Outbox"),
        roles=settings.NOTIFICATIONS_OUTBOX_ROLES,
        order=80,
    )
