"""Typing for views that only signed-in people reach (LoginRequiredMiddleware)."""

from __future__ import annotations

from django.http import HttpRequest

from ihss.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
