"""Session limits beyond Django's sliding idle timeout."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

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
