"""Run a pay period's payroll from the command line, step by step or all at once.

    python manage.py payroll calculate 2026-11-16
    python manage.py payroll approve 2026-11-16 --by state.admin
    python manage.py payroll issue 2026-11-16 --by state.admin [--on 2026-12-02]
    python manage.py payroll run 2026-11-16 --by state.admin     (all three)
    python manage.py payroll status 2026-11-16

The period is named by its first day (the 1st or the 16th). Calculation shows a progress
bar and resumes where a stopped attempt left off (--take-over when the stopped attempt
ended less than PAYROLL_STALE_SECONDS ago); each step done twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ihss.accounts.models import Role, User
from ihss.core.units import format_cents
from ihss.payroll.models import PayrollRun
from ihss.payroll.services import issue, runs

STEPS = ("calculate", "approve", "issue", "run", "status")


class Command(BaseCommand):
    help = (
        "Calculate, approve and issue the payroll of a pay period (named by its first day, "
        "YYYY-MM-DD). Each step done twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("step", choices=STEPS, help="What to do: " + ", ".join(STEPS) + ".")
        parser.add_argument("period", help="The pay period's first day, e.g. 2026-11-16.")
        parser.add_argument(
            "--by", default="", help="Username of the state administrator approving or issuing."
        )
        parser.add_argument(
            "--on", default="", help="The day the payment file is sent (default: today)."
        )
        parser.add_argument(
            "--take-over",
            action="store_true",
            help="Resume a calculation another process seems to be running.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        period = _date(options["period"], "period")
        step = options["step"]
        today = timezone.localdate()
        if step == "status":
            run = PayrollRun.objects.filter(period_start=period).first()
            if run is None:
                raise CommandError(f"No payroll run for the period starting {period}.")
            self._summary(run)
            return
        by = _administrator(options["by"]) if step in ("approve", "issue", "run") else None
        try:
            run = runs.start_run(period_start=period, by=by, today=today)
            if step in ("calculate", "run"):
                run = runs.calculate(
                    run=run,
                    progress=self._bar if options["verbosity"] >= 1 else None,
                    take_over=options["take_over"],
                )
                self._end_bar()
            if step in ("approve", "run"):
                assert by is not None
                run = runs.approve(run=run, by=by)
            if step in ("issue", "run"):
                on = _date(options["on"], "--on") if options["on"] else today
                run = issue.issue_run(run=run, by=by, on=on)
        except runs.RunRefused as refused:
            raise CommandError(refused.message) from None
        self._summary(run)

    def _bar(self, done: int, total: int) -> None:
        width = 40
        filled = width if not total else min(width, done * width // total)
        percent = 100 if not total else min(100, done * 100 // total)
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {percent:3d}% {done:,}/{total:,} providers"
        )
        sys.stderr.flush()

    def _end_bar(self) -> None:
        sys.stderr.write("\n")

    def _summary(self, run: PayrollRun) -> None:
        self.stdout.write(
            f"{run}: {run.get_status_display()}. {run.stub_count:,} paystubs, gross "
            f"{format_cents(run.gross_cents)}, deductions {format_cents(run.deductions_cents)}, "
            f"net {format_cents(run.net_cents)}."
        )
        for held in run.held:
            self.stdout.write(
                f"Not paid: {held['providers']:,} providers with hours in county "
                f"{held['county_id']} from {held['day']} (no wage rate in force)."
            )
        if run.payment_file_sha256:
            self.stdout.write(f"Payment file SHA-256 {run.payment_file_sha256}.")


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{what} must be a date written YYYY-MM-DD, not {text!r}.") from None


def _administrator(username: str) -> User:
    if not username:
        raise CommandError("Give --by, the username of the state administrator doing this.")
    user = User.objects.filter(username=username).first()
    if user is None or not user.memberships.filter(role=Role.STATE_ADMIN).exists():
        raise CommandError(f"{username!r} is not a state administrator.")
    return user
