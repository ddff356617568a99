"""Deployment checks of accounts (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_password_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    url = str(settings.PWNED_PASSWORDS_URL)
    if url and not url.startswith("https://"):
        return [
            Warning(
                "PWNED_PASSWORDS_URL is not an https:// address: the breach lookup could be "
                "read or answered by anyone on the way.",
                hint="Set it to https://api.pwnedpasswords.com/range/ (or leave it empty).",
                id="accounts.W001",
            )
        ]
    return []
