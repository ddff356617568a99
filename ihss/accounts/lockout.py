"""Sign-in lockout with device cookies (OWASP), a cap (NIST SP 800-63B rev 4) and a
per-address throttle. See docs/adr/0012-sign-in-lockout-device-cookies.md.

- A browser that signed in to an account before carries a signed device cookie for that
  username. Its wrong passwords count against it alone: SIGN_IN_DEVICE_FAILURE_LIMIT of
  them pause that browser, and nothing else.
- Every other browser ("unknown browsers") shares one count per username:
  SIGN_IN_FAILURE_LIMIT failures pause unknown browsers for SIGN_IN_LOCKOUT_MINUTES,
  each further pause twice as long, up to SIGN_IN_LOCKOUT_CAP_MINUTES. A pause ends at
  the time fixed when it starts, which is what the page and the notice say.
- SIGN_IN_FAILURE_CAP consecutive failures (at most 100) stop unknown browsers until the
  owner recovers the account, the Service Desk unlocks it, or the owner signs in from a
  browser they used before. Asking for a reset link changes nothing.
- Unknown usernames are counted, paused and stopped exactly like known ones: the page and
  the status never tell whether an account exists. Only a real owner gets a notice.
- Per network address: SIGN_IN_IP_FAILURE_LIMIT failures in 15 minutes make that address
  wait, without pausing any account.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ihss.accounts import rules
from ihss.accounts.models import FailedSignIn, SecurityEvent, SignInGuard
from ihss.notifications.events import Event
from ihss.notifications.services import notify

IP_WINDOW = dt.timedelta(minutes=15)
FAILURE_LOG_KEPT = dt.timedelta(days=1)
UNKNOWN = ""  # SignInGuard.device of the unknown browsers of a username

DEVICE_COOKIE = "ihss_device"
DEVICE_SALT = "ihss.accounts.lockout.device"
DEVICES_PER_BROWSER = 5  # accounts one browser remembers (a family's shared computer)
DEVICE_DUE_KEY = "ihss_device_due"  # session: the username whose cookie is owed
USERNAME_LENGTH = 150  # SignInGuard.username, SecurityEvent.username


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
    """The username as counted and recorded: case and spaces do not matter; bounded and
    without NUL (PostgreSQL refuses it), so no typed name can break the count."""
    return rules.normalize_username((username or "").replace("\x00", ""))[:USERNAME_LENGTH]


# --- Device cookies -------------------------------------------------------------------------


def _username_tag(username: str) -> str:
    """The username as the cookie holds it: keyed, so the cookie does not show it."""
    return salted_hmac(DEVICE_SALT, normalize(username)).hexdigest()[:32]


def _cookie_entries(request: HttpRequest) -> list[list[Any]]:
    """The browser's [tag, device id, issued at] entries, if its cookie is ours and fresh."""
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return []
    max_age = settings.SIGN_IN_DEVICE_COOKIE_DAYS * 24 * 60 * 60
    try:
        entries = signing.loads(raw, salt=DEVICE_SALT, max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return []
    if not isinstance(entries, list):
        return []
    now = int(timezone.now().timestamp())
    return [
        e
        for e in entries
        if isinstance(e, list)
        and len(e) == 3
        and isinstance(e[0], str)
        and isinstance(e[1], str)
        and isinstance(e[2], int)
        and 0 <= now - e[2] <= max_age
    ]


def device_of(request: HttpRequest, username: str) -> str | None:
    """The id of this browser for `username` if it signed in to it before, else None."""
    tag = _username_tag(username)
    for entry_tag, device, _issued in _cookie_entries(request):
        if entry_tag == tag:
            return str(device)
    return None


def owe_device_cookie(request: HttpRequest, username: str) -> None:
    """Mark the session: give the browser its device cookie once sign-in is complete."""
    request.session[DEVICE_DUE_KEY] = normalize(username)


def issue_device_cookie(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """Remember this browser for `username` (a new id, or the one it has), newest first."""
    tag = _username_tag(username)
    device = device_of(request, username) or secrets.token_urlsafe(16)
    now = int(timezone.now().timestamp())
    others = [e for e in _cookie_entries(request) if e[0] != tag]
    entries = [[tag, device, now], *others][:DEVICES_PER_BROWSER]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(entries, salt=DEVICE_SALT),
        max_age=settings.SIGN_IN_DEVICE_COOKIE_DAYS * 24 * 60 * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class DeviceCookieMiddleware:
    """Give the device cookie once a sign-in is complete, second factor included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or DEVICE_DUE_KEY not in session:
            return response
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        from ihss.accounts.second_factor import PENDING_KEY

        if session.get(PENDING_KEY):
            # Right after the password, request.user has no is_verified yet: owed.
            is_verified = getattr(user, "is_verified", None)
            if not (callable(is_verified) and is_verified()):
                return response
        username = session.pop(DEVICE_DUE_KEY)
        if username == normalize(user.get_username()):
            issue_device_cookie(request, response, username)
        return response


# --- Counting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """Why this browser may not try a password for this username now."""

    reason: str  # "account" (unknown browsers paused), "device" (this browser), "stopped"
    until: dt.datetime | None  # the end of a pause; None when stopped


def refusal(username: str, device: str | None) -> Refusal | None:
    """Whether a sign-in to `username` from this browser is refused before any check."""
    now = timezone.now()
    guard = SignInGuard.objects.filter(username=normalize(username), device=device or "").first()
    if guard is None:
        return None
    if guard.stopped_at is not None:
        return Refusal(reason="stopped", until=None)
    if guard.paused_until is not None and guard.paused_until > now:
        return Refusal(reason="device" if device else "account", until=guard.paused_until)
    return None


def record_failure(request: HttpRequest, username: str, device: str | None) -> Refusal | None:
    """Count a wrong password; the pause or stop it starts, if any, is returned."""
    name = normalize(username)
    now = timezone.now()
    known = device is not None
    limit = settings.SIGN_IN_DEVICE_FAILURE_LIMIT if known else settings.SIGN_IN_FAILURE_LIMIT
    with transaction.atomic():
        guard, _ = SignInGuard.objects.select_for_update().get_or_create(
            username=name, device=device or ""
        )
        outcome = rules.after_failure(
            failures_before=guard.failures,
            pauses_before=guard.pauses,
            limit=limit,
            cap=settings.SIGN_IN_FAILURE_CAP,
            base_minutes=settings.SIGN_IN_LOCKOUT_MINUTES,
            cap_minutes=settings.SIGN_IN_LOCKOUT_CAP_MINUTES,
        )
        guard.failures = outcome.failures
        result: Refusal | None = None
        if outcome.stopped:
            guard.stopped_at = now
            result = Refusal(reason="stopped", until=None)
        elif outcome.pause_minutes:
            guard.pauses += 1
            guard.paused_until = now + dt.timedelta(minutes=outcome.pause_minutes)
            result = Refusal(reason="device" if known else "account", until=guard.paused_until)
        guard.save()
        FailedSignIn.objects.create(
            username=name, ip_address=client_ip(request), known_browser=known, created_at=now
        )
        FailedSignIn.objects.filter(created_at__lt=now - FAILURE_LOG_KEPT).delete()
        if result is not None:
            _record_and_tell(request, name, outcome, result, known=known)
    return result


def _record_and_tell(
    request: HttpRequest,
    username: str,
    outcome: rules.AfterFailure,
    result: Refusal,
    *,
    known: bool,
) -> None:
    """A pause or stop is a security event; the owner hears of those on unknown browsers."""
    user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
    stopped = result.reason == "stopped"
    event = SecurityEvent.objects.create(
        user=user,
        username=username,
        kind=SecurityEvent.Kind.SIGN_IN_STOPPED if stopped else SecurityEvent.Kind.LOCKED_OUT,
        minutes=outcome.pause_minutes or None,
        **request_facts(request),
    )
    if user is None or known:
        return  # a known browser's pause is seen by the person at it, on the page
    end = timezone.localtime(result.until) if result.until else None
    notify(
        user=user,
        event=Event.SIGN_IN_LOCKED,
        context={
            "failures": outcome.failures,
            "locked_minutes": outcome.pause_minutes,
            "stopped": stopped,
            # The end as fixed now, in the portal's (Pacific) time: what really happens.
            "until_date": end.date().isoformat() if end else "",
            "until_time": end.strftime("%H:%M") if end else "",
        },
        key=f"lockout:{event.pk}",
    )


def record_success(username: str, device: str | None) -> None:
    """The right password: this browser's count starts again.

    A known browser's success also ends the stop of unknown browsers (their count starts
    again below the cap), but nothing else of theirs: not a pause being served, not the
    count towards the next pause, nor how long it lasts. The owner signing in from their
    usual browser gives an attacker elsewhere no fresh guesses.
    """
    name = normalize(username)
    with transaction.atomic():
        if device is None:
            SignInGuard.objects.filter(username=name, device=UNKNOWN).delete()
        else:
            SignInGuard.objects.filter(username=name, device=device).delete()
            SignInGuard.objects.filter(
                username=name, device=UNKNOWN, stopped_at__isnull=False
            ).update(failures=0, stopped_at=None)


def tries_left(username: str, device: str | None) -> int:
    """How many more wrong passwords this browser may type for `username` before a pause:
    the same arithmetic whether or not the account exists (ADR 0012)."""
    failures = (
        SignInGuard.objects.filter(username=normalize(username), device=device or "")
        .values_list("failures", flat=True)
        .first()
    ) or 0
    known = device is not None
    return rules.tries_before_pause(
        failures=failures,
        limit=settings.SIGN_IN_DEVICE_FAILURE_LIMIT if known else settings.SIGN_IN_FAILURE_LIMIT,
        cap=settings.SIGN_IN_FAILURE_CAP,
    )


def clear(username: str) -> bool:
    """End every pause, stop and count of a username (recovery, the Service Desk).

    Returns whether there was anything to clear.
    """
    cleared, _ = SignInGuard.objects.filter(username=normalize(username)).delete()
    return bool(cleared)


def has_anything_to_clear(username: str) -> bool:
    return SignInGuard.objects.filter(username=normalize(username)).exists()


def paused_until(username: str) -> dt.datetime | None:
    """When the last pause of this username ends (unknown browsers' or one known
    browser's, as the Service Desk sees it), or None if nothing is paused."""
    until: dt.datetime | None = (
        SignInGuard.objects.filter(username=normalize(username), paused_until__gt=timezone.now())
        .order_by("-paused_until")
        .values_list("paused_until", flat=True)
        .first()
    )
    return until


def stopped(username: str) -> bool:
    """Whether unknown browsers are stopped for this username (the cap was reached)."""
    return SignInGuard.objects.filter(
        username=normalize(username), device=UNKNOWN, stopped_at__isnull=False
    ).exists()


# --- Pages ----------------------------------------------------------------------------------


def refused_response(request: HttpRequest, refused: Refusal) -> HttpResponse:
    """The page for a refused try: the same for every username, existing or not."""
    minutes = 0
    if refused.until is not None:
        minutes = rules.minutes_left(int((refused.until - timezone.now()).total_seconds()))
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "reason": refused.reason},
        status=429,
    )


def address_is_throttled(request: HttpRequest) -> bool:
    ip = client_ip(request)
    if ip is None:
        return False
    failures = FailedSignIn.objects.filter(
        ip_address=ip, created_at__gte=timezone.now() - IP_WINDOW
    ).count()
    return rules.too_many_from_one_address(failures, limit=settings.SIGN_IN_IP_FAILURE_LIMIT)


def throttled_response(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": int(IP_WINDOW.total_seconds() // 60), "reason": "address"},
        status=429,
    )
