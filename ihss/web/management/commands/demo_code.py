"""Print the current authenticator code of a demo staff account (never in production)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ihss.accounts import rules
from ihss.accounts.demo import DEMO_APP_KEY
from ihss.accounts.models import AuthenticatorApp


class Command(BaseCommand):
    help = "Print the current 6-digit code of a demo account's authenticator app."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo codes exist only for the fictional demo accounts.")
        app = AuthenticatorApp.objects.filter(
            user__username=options["username"], confirmed=True
        ).first()
        if app is None or app.secret != DEMO_APP_KEY:
            raise CommandError("That account has no demo authenticator app.")
        step = rules.totp_step(time.time())
        code = rules.hotp(rules.totp_secret_bytes(app.secret), step)
        left = rules.TOTP_PERIOD_SECONDS - int(time.time()) % rules.TOTP_PERIOD_SECONDS
        self.stdout.write(f"{code}  (changes in {left} s; each code works once)")
