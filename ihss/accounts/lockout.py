"""Sign-in lockout and throttling, on top of django-axes.

- Per account: after SIGN_IN_FAILURE_LIMIT consecutive failures (5) the username is
  paused for 15 minutes, doubling with each further lockout in a day, up to a day; never
  permanent. A success resets the count. Unknown usernames are paused exactly like known
  ones, so the answer never tells whether an account exists.
- Per network address: SIGN_IN_IP_FAILURE_LIMIT failures (50) in 15 minutes make that
  address wait, without pausing any account: one attacker trying many usernames is
  slowed, and the people they target can still sign in from their own phones.
- The owner of a paused account gets the "sign-in locked" notice, by email (or text).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ihss.accounts import rules
from ihss.accounts.models import SecurityEvent
from ihss.notifications.events import Event
from ihss.notifications.services import notify

RECENT = dt.timedelta(days=1)
IP_WINDOW = dt.timedelta(minutes=15)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the load balancer's X-Forwarded-For entry when behind one."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # The last entry was added by our own load balancer: the one we can trust.
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def request_facts(request: HttpRequest) -> dict[str, Any]:
    """The address and browser of a request, as security events record them."""
    return {
        "ip_address": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:255],
    }


def normalize(username: str | None) -> str:
    return rules.normalize_username(username)


def username_of(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The username a sign-in attempt is counted against: case and spaces do not matter."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalize(typed)


def _previous_lockouts(username: str, now: dt.datetime) -> int:
    return SecurityEvent.objects.filter(
        username=username, kind=SecurityEvent.Kind.LOCKED_OUT, created_at__gte=now - RECENT
    ).count()


def _minutes_after(previous_lockouts: int) -> int:
    return rules.lockout_minutes(
        previous_lockouts,
        base_minutes=settings.SIGN_IN_LOCKOUT_MINUTES,
        cap_minutes=settings.SIGN_IN_LOCKOUT_CAP_MINUTES,
    )


def lockout_length(username: str, *, now: dt.datetime | None = None) -> dt.timedelta:
    """How long this username's current (or next) lockout lasts."""
    now = now or timezone.now()
    # The lockout being served is among the recent ones: it sets its own length.
    previous = max(0, _previous_lockouts(username, now) - 1)
    return dt.timedelta(minutes=_minutes_after(previous))


def cool_off(request: HttpRequest | None) -> dt.timedelta:
    """django-axes' AXES_COOLOFF_TIME: the lockout length of the username being tried."""
    if request is None:
        return dt.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)
    credentials = getattr(request, "axes_credentials", None)
    return lockout_length(username_of(request, credentials))


def locked_out_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page for a paused username: the same for every username, existing or not."""
    minutes = int(lockout_length(username_of(request, credentials)).total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "reason": "account"},
        status=429,
    )


def address_is_throttled(request: HttpRequest) -> bool:
    ip = client_ip(request)
    if ip is None:
        return False
    failures = AccessFailureLog.objects.filter(
        ip_address=ip, attempt_time__gte=timezone.now() - IP_WINDOW
    ).count()
    return rules.too_many_from_one_address(failures, limit=settings.SIGN_IN_IP_FAILURE_LIMIT)


def throttled_response(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": int(IP_WINDOW.total_seconds() // 60), "reason": "address"},
        status=429,
    )


def paused_until(username: str) -> dt.datetime | None:
    """When the pause of this username ends, or None if it is not paused."""
    latest = (
        SecurityEvent.objects.filter(
            username=username,
            kind__in=[SecurityEvent.Kind.LOCKED_OUT, SecurityEvent.Kind.UNLOCKED],
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None or latest.kind != SecurityEvent.Kind.LOCKED_OUT or latest.minutes is None:
        return None
    ends = latest.created_at + dt.timedelta(minutes=latest.minutes)
    return ends if ends > timezone.now() else None


def _serving_lockout(username: str) -> bool:
    return paused_until(username) is not None


def on_locked_out(
    sender: Any, request: HttpRequest, username: str, ip_address: str | None, **kwargs: Any
) -> None:
    """Record the lockout and tell the owner (axes' user_locked_out signal)."""
    name = normalize(username)
    if _serving_lockout(name):
        return  # axes signals again at each attempt during a lockout: it is the same one
    user = get_user_model().objects.filter(username__iexact=name, is_active=True).first()
    minutes = _minutes_after(_previous_lockouts(name, timezone.now()))
    event = SecurityEvent.objects.create(
        user=user,
        username=name,
        kind=SecurityEvent.Kind.LOCKED_OUT,
        minutes=minutes,
        **{**request_facts(request), "ip_address": ip_address},
    )
    if user is not None:
        notify(
            user=user,
            event=Event.SIGN_IN_LOCKED,
            context={"failures": settings.AXES_FAILURE_LIMIT, "locked_minutes": minutes},
            key=f"lockout:{event.pk}",
        )
