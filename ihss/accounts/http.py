"""Typing for views that only signed-in people reach (LoginRequiredMiddleware)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from ihss.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def safe_next(request: HttpRequest) -> str:
    """Where to go back to: the `next` the page was given, if it stays in the portal."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"
