"""Run the scheduled jobs (reminders, the outbox sweep) once, or in a loop."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from ihss.notifications import scheduler


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs that are due: reminders and the outbox sweep. "
        "`--once` suits cron (every minute); without it the command loops, as `make run` does. "
        "Several schedulers may run at once: each job runs once per slot."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is due, then exit.")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="Seconds between checks (default 30)."
        )
        parser.add_argument("--job", help="Only this job (see --list).")
        parser.add_argument("--list", action="store_true", help="List the jobs and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options["verbosity"])
        if options["list"]:
            for name, entry in sorted(scheduler.REGISTRY.items()):
                self.stdout.write(f"{name}: {entry.describe()}")
            return
        only = options["job"]
        if only is not None and only not in scheduler.REGISTRY:
            raise CommandError(f"No job named {only!r}. Run with --list to see them.")
        if options["interval"] <= 0:
            raise CommandError("--interval must be more than 0 seconds.")
        if options["once"]:
            self._tick(only)
            return
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Scheduler running every {options['interval']:g} s (Ctrl-C stops).")
        while not stopping:
            close_old_connections()
            self._tick(only)
            waited = 0.0
            while waited < options["interval"] and not stopping:
                time.sleep(0.2)
                waited += 0.2

    def _tick(self, only: str | None) -> None:
        for outcome in scheduler.run_due(only=only):
            when = outcome.slot.isoformat(timespec="minutes")
            if outcome.error:
                self.stderr.write(f"{outcome.name} ({when}) failed: {outcome.error}")
            elif self.verbosity > 1 or not outcome.name.startswith("notifications."):
                self.stdout.write(f"{outcome.name} ({when}) done")
