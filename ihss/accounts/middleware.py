"""Session limits beyond Django's sliding idle timeout."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation

SESSION_STARTED_KEY = "ihss_session_started"


class AbsoluteSessionTimeoutMiddleware:
    """Sign people out a fixed time after sign-in, however active they are.

    Django's SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST gives the idle timeout;
    this adds the overall limit NIST SP 800-63B asks for at AAL2.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        started = session.get(SESSION_STARTED_KEY)
        if started is None:
            if session.get("_auth_user_id"):
                session[SESSION_STARTED_KEY] = int(time.time())
        elif time.time() - started > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS:
            logout(request)
        return self.get_response(request)


class PreferredLanguageMiddleware:
    """Show a signed-in person's pages in the language saved on their account.

    The language cookie remembers a choice on one device; the account remembers it on
    every device. Runs after AuthenticationMiddleware; the account wins over the cookie,
    and choosing a language (accounts.views.set_language) updates the account.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        preferred = ""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            preferred = getattr(user, "preferred_language", "")
        if preferred not in dict(settings.LANGUAGES):
            return self.get_response(request)
        translation.activate(preferred)
        request.LANGUAGE_CODE = preferred
        response = self.get_response(request)
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != preferred:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                preferred,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite="Lax",
            )
        response.headers.setdefault("Content-Language", preferred)
        return response
