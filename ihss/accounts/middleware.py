"""Session limits beyond Django's sliding idle timeout."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

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


class SecondFactorMiddleware:
    """Hold a session that still owes a second factor at the second-factor pages.

    After the password, an account with an authenticator app or passkey must give it
    (accounts:second-factor); a staff account without one must add one first
    (accounts:factors). Until then only those pages, their passkey endpoints, signing
    out and the public pages answer; the API answers 401.
    """

    OPEN = frozenset(
        {
            "accounts:second-factor",
            "accounts:keep-alive",
            "logout",
            "set_language",
        }
    )
    ENROLLING = frozenset({"accounts:factors", "accounts:app-add", "accounts:recovery-codes"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], *args: Any
    ) -> HttpResponse | None:
        from ihss.accounts import second_factor

        if not request.user.is_authenticated:
            return None
        step = second_factor.still_owed(request)
        if step is None:
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in self.OPEN or (match and match.namespace == "otp_webauthn"):
            return None
        if step == second_factor.ENROLL and name in self.ENROLLING:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": gettext("Give your second factor first.")}, status=401)
        if getattr(view_func, "login_required", True) is False:
            return None
        target = "accounts:second-factor" if step == second_factor.VERIFY else "accounts:factors"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
