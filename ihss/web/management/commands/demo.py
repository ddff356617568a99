"""Load fictional demo data: each app's own (see ihss.core.demo), and one user per role.

Every app with demo data gives it in its own `demo.py` (cases: recipients and providers;
accounts: the sign-ins; notifications: messages; timesheets: timesheets; payroll: wage
rates); this command finds them through the app registry and runs them in order, in one
transaction, then prints the sign-ins. Idempotent: running it again changes nothing and
keeps what people did in the demo. Refuses to run in production. Every name, number and
SSN is made up.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# The demo's sign-in secrets, importable from here as before (tests, demo_code).
from ihss.accounts.demo import DEMO_APP_KEY, DEMO_PASSWORD
from ihss.core.demo import load_all

__all__ = ["DEMO_APP_KEY", "DEMO_PASSWORD", "Command"]


class Command(BaseCommand):
    help = "Load fictional demo data and one sign-in per role (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo data is fictional and is never loaded in production.")
        with transaction.atomic():
            context = load_all()
        for line, heading in context.lines:
            self.stdout.write(self.style.SUCCESS(line) if heading else line)
