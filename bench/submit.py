"""Benchmark the timesheet submit path on a county-sized and a state-sized database.

    .venv/bin/python bench/submit.py                                   # SQLite
    DATABASE_URL=postgres://... .venv/bin/python bench/submit.py       # PostgreSQL
    .venv/bin/python bench/submit.py --small 2000 --large 100000 --submits 100

Makes a fresh database and fictional records: `--small` providers, each with a recipient,
an assignment, an authorization and an approved timesheet of ten days in the pay period
(a county), plus the providers whose timesheets are sent during the run. It times
`services.submit()` (the locks, the check of every hour rule across the provider's
weeks and months, the update, the audit event and the recipient's notice) for
`--submits` drafts and counts its queries; then it grows the database to `--large`
providers (a state: ten day entries each) and does the same again. The submit path
should cost the same at both sizes. Prints the medians, 95th percentiles and queries,
then a markdown row for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from typing import Any

from support import fresh_database, peak_rss_mb

PERIOD_START = dt.date(2026, 11, 1)
PERIOD_END = dt.date(2026, 11, 15)
TODAY = dt.date(2026, 11, 20)
H = 60


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=2_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--submits", type=int, default=100)
    args = parser.parse_args()
    with fresh_database():
        return run(args.small, args.large, args.submits)


def grow(upto: int, start: int) -> None:
    """Providers start..upto-1, each with an approved timesheet of ten days (bulk)."""
    from ihss.cases.models import Assignment, AuthorizedHours, County, Provider, Recipient
    from ihss.timesheets.models import DayEntry, Timesheet

    counties = list(County.objects.order_by("code"))
    chunk = 5_000
    for first in range(start, upto, chunk):
        numbers = range(first, min(first + chunk, upto))
        providers = Provider.objects.bulk_create(
            Provider(
                provider_number=f"{300000000 + n:09d}",
                first_name="Bench",
                last_name=f"Provider{n}",
                date_of_birth=dt.date(1980, 1, 1),
                county=counties[n % len(counties)],
            )
            for n in numbers
        )
        recipients = Recipient.objects.bulk_create(
            Recipient(
                case_number=f"{3000000 + n:07d}",
                first_name="Bench",
                last_name=f"Recipient{n}",
                date_of_birth=dt.date(1950, 1, 1),
                county=counties[n % len(counties)],
            )
            for n in numbers
        )
        pairs = list(zip(providers, recipients, strict=True))
        AuthorizedHours.objects.bulk_create(
            AuthorizedHours(
                recipient=r,
                program="IHSS",
                monthly_minutes=150 * H,
                effective_from=dt.date(2025, 1, 1),
            )
            for _p, r in pairs
        )
        Assignment.objects.bulk_create(
            Assignment(
                provider=p,
                recipient=r,
                program="IHSS",
                assigned_monthly_minutes=150 * H,
                start_date=dt.date(2025, 1, 1),
            )
            for p, r in pairs
        )
        sheets = Timesheet.objects.bulk_create(
            Timesheet(
                provider=p,
                recipient=r,
                program="IHSS",
                period_start=PERIOD_START,
                period_end=PERIOD_END,
                status=Timesheet.Status.APPROVED,
            )
            for p, r in pairs
        )
        DayEntry.objects.bulk_create(
            (
                DayEntry(
                    timesheet=s,
                    day=PERIOD_START + dt.timedelta(days=d),
                    minutes=5 * H,
                    location="home",
                )
                for s in sheets
                for d in range(10)
            ),
            batch_size=5_000,
        )


def drafts(count: int, offset: int) -> list[Any]:
    """`count` providers with a sign-in and a draft of ten days, ready to send."""
    from ihss import test as cast
    from ihss.accounts.models import Role
    from ihss.timesheets import services

    ready = []
    for n in range(offset, offset + count):
        provider = cast.make_active_provider(provider_number=f"{400000000 + n:09d}")
        recipient = cast.make_recipient(case_number=f"{4000000 + n:07d}")
        cast.authorize(recipient, 150 * H)
        cast.assign(provider, recipient, 150 * H)
        user = cast.make_user(f"bench.provider.{n}", Role.PROVIDER, provider=provider)
        cast.make_user(f"bench.recipient.{n}", Role.RECIPIENT, recipient=recipient)
        sheet = services.open_timesheet(
            provider=provider, recipient=recipient, program="IHSS", day=PERIOD_START, by=user
        )
        services.save_week(
            timesheet=sheet,
            days={
                PERIOD_START + dt.timedelta(days=d): services.DayInput(
                    5 * H, dt.time(8), dt.time(13), "home"
                )
                for d in range(10)
            },
            by=user,
        )
        ready.append((sheet, user))
    return ready


def measure(ready: list[Any]) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from ihss.timesheets import services
    from ihss.timesheets.models import Timesheet

    reverse("timesheets:detail", args=[1])  # load the URLconf before timing
    times, queries = [], set()
    for sheet, user in ready:
        fresh = Timesheet.objects.get(pk=sheet.pk)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            services.submit(timesheet=fresh, by=user, today=TODAY)
            times.append((time.perf_counter() - started) * 1000)
        queries.add(len(captured))
    if len(queries) != 1:
        print(f"  the query count varied: {sorted(queries)}")
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], max(queries)


def run(small: int, large: int, submits: int) -> int:
    import time_machine
    from django.db import connection

    with time_machine.travel(dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC), tick=True):
        started = time.perf_counter()
        grow(small, 0)
        ready = drafts(2 * submits, 0)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"county: {small:,} providers built in {time.perf_counter() - started:.0f} s")
        county = measure(ready[:submits])
        print(f"  submit: median {county[0]:.1f} ms, p95 {county[1]:.1f} ms, {county[2]} queries")
        started = time.perf_counter()
        grow(large, small)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum (or a nightly job on SQLite) would
        print(
            f"state: {large:,} providers ({large * 10:,} day entries) built in "
            f"{time.perf_counter() - started:.0f} s"
        )
        state = measure(ready[submits:])
        print(f"  submit: median {state[0]:.1f} ms, p95 {state[1]:.1f} ms, {state[2]} queries")
    vendor = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(
        connection.vendor, connection.vendor
    )
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    print(
        f"| {vendor} | {small:,} | {county[0]:.1f} / {county[1]:.1f} ms | {county[2]} "
        f"| {large:,} | {state[0]:.1f} / {state[1]:.1f} ms | {state[2]} |"
    )
    return 0 if county[2] == state[2] else 1


if __name__ == "__main__":
    sys.exit(main())
