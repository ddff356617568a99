"""What every page needs: the navigation of the signed-in person and the help contact."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from ihss.notifications.services import unread_count
from ihss.web.navigation import navigation_for


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and bool(user.is_authenticated)
    inbox = reverse("notifications:inbox")
    return {
        "service_desk_phone": settings.SERVICE_DESK_PHONE,
        "service_desk_hours": settings.SERVICE_DESK_HOURS,
        "navigation": navigation_for(user, request.path) if signed_in else [],
        # The header's Messages link, with the unread count (one indexed COUNT per page).
        "unread_messages": unread_count(user) if signed_in else 0,
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
        "session_warning_minutes": max(1, settings.SESSION_WARNING_SECONDS // 60),
        "messages_current": request.path.startswith(inbox)
        and not request.path.startswith(reverse("notifications:outbox")),
    }
