"""The strength meter's check: the server's own password rules, asked while typing.

A page that shows the meter (includes/password_meter.html) first calls `offer_meter`,
which says whose password it is; the page's script then POSTs what is typed, debounced,
with the page's CSRF token, and shows the answer. The password travels only in the body
of a POST over the same connection as the form itself, is never logged or stored, and
the breach lookup is left to the submit (docs/adr/0009-password-policy.md).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from ihss.accounts import passwords
from ihss.accounts.models import User

SESSION_KEY = "password_meter"
COUNT_KEY = "password_meter_checks"
WINDOW_SECONDS = 60 * 60
LONGEST_CHECKED = 1024  # past the maximum length: enough to say "too long", bounds the work


def offer_meter(
    request: HttpRequest, *, user: User | None = None, names: tuple[str, str] = ("", "")
) -> None:
    """Let this session check passwords for `user` (reset), or for a new account (names)."""
    request.session[SESSION_KEY] = {
        "user": user.pk if user is not None else None,
        "names": list(names),
    }


def withdraw_meter(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(COUNT_KEY, None)


def _candidate(request: HttpRequest) -> User | None:
    """Whose password is being checked, so that their own words count against it."""
    if request.user.is_authenticated:
        assert isinstance(request.user, User)
        return request.user
    offered = request.session.get(SESSION_KEY)
    if offered is None:
        return None
    if offered["user"] is not None:
        return User.objects.filter(pk=offered["user"]).first()
    first_name, last_name = offered["names"]
    return User(
        username=request.POST.get("username", "")[:150],
        email=request.POST.get("email", "")[:254],
        first_name=first_name,
        last_name=last_name,
    )


def _over_limit(request: HttpRequest) -> bool:
    now = int(time.time())
    start, count = request.session.get(COUNT_KEY, (now, 0))
    if now - start >= WINDOW_SECONDS:
        start, count = now, 0
    request.session[COUNT_KEY] = (start, count + 1)
    return bool(count >= settings.PASSWORD_CHECKS_PER_HOUR)


def _labels() -> dict[str, str]:
    return {
        "empty": "",
        "too_short": _("Too short"),
        "weak": _("Too easy to guess"),
        "good": _("Good"),
        "strong": _("Strong"),
    }


@login_not_required
@never_cache
@sensitive_post_parameters("password")
@require_POST
@sensitive_variables("password")
def password_check(request: HttpRequest) -> JsonResponse:
    candidate = _candidate(request)
    if candidate is None:
        return JsonResponse({"error": "no password is being chosen here"}, status=403)
    if _over_limit(request):
        return JsonResponse(
            {"error": _("The strength check is resting. The rules above still apply.")},
            status=429,
        )
    password = request.POST.get("password", "")[:LONGEST_CHECKED]
    verdict = passwords.assess(password, candidate)
    body: dict[str, Any] = {
        "level": verdict.level,
        "label": _labels()[verdict.level],
        "acceptable": verdict.acceptable,
        "messages": verdict.messages,
    }
    return JsonResponse(body)
