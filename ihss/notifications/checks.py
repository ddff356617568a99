"""Deployment checks of the notification service (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

DEVELOPMENT_SMS = (
    "ihss.notifications.channels.FileSmsBackend",
    "ihss.notifications.channels.ConsoleSmsBackend",
)


@register(Tags.security, deploy=True)
def check_notification_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.SMS_BACKEND in DEVELOPMENT_SMS:
        problems.append(
            Warning(
                "Text messages are written to a file or the console, not sent.",
                hint="Set SMS_BACKEND to ihss.notifications.channels.HttpSmsBackend "
                "and configure SMS_HTTP_URL and SMS_HTTP_TOKEN.",
                id="notifications.W001",
            )
        )
    elif settings.SMS_BACKEND.endswith("HttpSmsBackend") and not str(
        settings.SMS_HTTP_URL
    ).startswith("https://"):
        problems.append(
            Warning(
                "SMS_HTTP_URL is not an https:// address: texts cannot be sent safely.",
                hint="Set SMS_HTTP_URL to the text provider's HTTPS endpoint.",
                id="notifications.W002",
            )
        )
    if not str(settings.PORTAL_BASE_URL).startswith("https://"):
        problems.append(
            Warning(
                "PORTAL_BASE_URL is not an https:// address: links in emails would be.",
                hint="Set PORTAL_BASE_URL to the portal's public address.",
                id="notifications.W003",
            )
        )
    return problems
