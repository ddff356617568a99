"""The JSON API, version 1. Each app adds its router; OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.security import SessionAuth, django_auth

from ihss.accounts.api_auth import TokenAuth, add_error_handlers
from ihss.cases.api import router as cases_router
from ihss.notifications.api import router as messages_router
from ihss.timesheets.api import router as timesheets_router

api = NinjaAPI(
    title="IHSS Portal API",
    version="1",
    description="Read access to IHSS case records; the timesheet workflow (providers fill in "
    "and send their timesheets, recipients approve or return them, counties review them "
    "before payroll); and each person's own messages and notice settings. Send a personal "
    "access token (`Authorization: Bearer ihss_pat_...`, made under Your sign-ins > API "
    "tokens) or use a signed-in session; the same access rules as the web pages apply "
    "(county staff see only their county's records and timesheets; everyone sees only their "
    "own messages), and a token is also limited to its scopes.",
    auth=django_auth,
    urls_namespace="api-v1",
)
add_error_handlers(api)
api.add_router("/cases/", cases_router)
# The notification service imports no other app, so its token auth is given here: the
# token first (a bearer call needs no CSRF token), then the session with its CSRF check.
api.add_router("/messages/", messages_router, auth=[TokenAuth("messages"), SessionAuth()])
# Timesheets the same way: timesheets:read for GET, timesheets:write for POST and PUT. Each
# step checks the caller's roles itself (ihss/timesheets/api.py), at every call.
api.add_router("/timesheets/", timesheets_router, auth=[TokenAuth("timesheets"), SessionAuth()])


def api_urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns. The API answers 401 itself, so the sign-in redirect is off."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False  # type: ignore[union-attr]
    return patterns, app_name, namespace
