"""Step-up: sensitive changes need a password or one-time code given a few minutes ago.

Any app guards a view with `@recent_confirmation_required`; the confirmation page itself
lives in accounts (accounts:confirm) and calls `mark_confirmed`. Signing in with the
password counts as a confirmation. The window covers opening the form (STEP_UP_SECONDS);
sending it back may take as long as the idle timeout on top, so a person who typed for a
while does not lose what they typed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

CONFIRMED_AT_KEY = "ihss_confirmed_at"

F = TypeVar("F", bound=Callable[..., HttpResponse])


def mark_confirmed(request: HttpRequest) -> None:
    request.session[CONFIRMED_AT_KEY] = int(time.time())


def forget_confirmation(request: HttpRequest) -> None:
    request.session.pop(CONFIRMED_AT_KEY, None)


def is_recent(
    request: HttpRequest, *, now: float | None = None, max_age: int | None = None
) -> bool:
    """Whether the person confirmed it is them (or signed in) within `max_age` seconds
    (STEP_UP_SECONDS unless given)."""
    confirmed_at = request.session.get(CONFIRMED_AT_KEY)
    if confirmed_at is None:
        return False
    allowed = settings.STEP_UP_SECONDS if max_age is None else max_age
    if request.method == "POST":
        allowed += settings.SESSION_COOKIE_AGE
    age = (time.time() if now is None else now) - confirmed_at
    return 0 <= age <= allowed


def confirm_url(next_url: str) -> str:
    return f"{reverse('accounts:confirm')}?{urlencode({'next': next_url})}"


def recent_confirmation_required(view: F) -> F:
    """Send the person to confirm it is them first, then back here."""
    return recent_confirmation_then(None)(view)


def recent_confirmation_then(come_back_to: str | None) -> Callable[[F], F]:
    """As `recent_confirmation_required`, coming back to the page named `come_back_to`:
    for POST-only views, since the confirmation page returns with a GET."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not is_recent(request):
                back = reverse(come_back_to) if come_back_to else request.get_full_path()
                return redirect(confirm_url(back))
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
