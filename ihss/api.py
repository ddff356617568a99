"""The JSON API, version 1; OpenAPI at /api/v1/openapi.json.

Each app declares its router in its own `app.py` (ihss/core/registry.py); this module
mounts them all and names none.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.security import SessionAuth, django_auth

from ihss.accounts.api_auth import TokenAuth, add_error_handlers
from ihss.core import registry

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
for mount in registry.api_mounts():
    if mount.scope_resource is None:
        api.add_router(mount.prefix, mount.router)
    else:
        # The token first (a bearer call needs no CSRF token), then the session with its
        # CSRF check.
        auth = [TokenAuth(mount.scope_resource), SessionAuth()]
        api.add_router(mount.prefix, mount.router, auth=auth)


def api_urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns. The API answers 401 itself, so the sign-in redirect is off."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False  # type: ignore[union-attr]
    return patterns, app_name, namespace
