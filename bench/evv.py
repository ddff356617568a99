"""Benchmark recording EVV punches: the morning check-in, an offline batch, and its retry.

    .venv/bin/python bench/evv.py                                   # SQLite
    DATABASE_URL=postgres://... .venv/bin/python bench/evv.py       # PostgreSQL
    .venv/bin/python bench/evv.py --providers 2000 --batch 20

Makes a fresh database with `--providers` providers, each serving one recipient with
coordinates on file. Then it times, through the same service the phone and the API use:

1. every provider's check-in at Home, one call each (the morning: the provider's row lock,
   the assignment check, the sent-timesheet guard, the range check, the punch, the visit
   and its audit event), median and 95th percentile per punch;
2. a batch of `--batch` offline punches per provider (check-ins and check-outs of the past
   days) sent with `sync`, per punch;
3. the same batches sent again (a phone retrying): every punch answered "duplicate".

The baseline, measured in the same run: the same number of punch rows written by one
`bulk_create` (no checks, no visit, no audit), per punch. Prints a markdown row for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
import uuid
from decimal import Decimal
from typing import Any

from support import fresh_database, peak_rss_mb

NOW = dt.datetime(2026, 12, 3, 16, 0, tzinfo=dt.UTC)  # 8:00 am in California
HOME = (Decimal("38.576600"), Decimal("-121.493500"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--providers", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()
    with fresh_database():
        return run(args.providers, args.batch)


def build(count: int) -> list[tuple[Any, Any, Any]]:
    from ihss.accounts.models import Membership, Role, User
    from ihss.cases.models import Assignment, County, Provider, Recipient

    county = County.objects.get(code="34")
    providers = Provider.objects.bulk_create(
        Provider(
            provider_number=f"{400000000 + n:09d}",
            first_name="Bench",
            last_name=f"Provider{n}",
            date_of_birth=dt.date(1980, 1, 1),
            county=county,
        )
        for n in range(count)
    )
    recipients = Recipient.objects.bulk_create(
        Recipient(
            case_number=f"{4000000 + n:07d}",
            first_name="Bench",
            last_name=f"Recipient{n}",
            date_of_birth=dt.date(1950, 1, 1),
            county=county,
            latitude=HOME[0],
            longitude=HOME[1],
        )
        for n in range(count)
    )
    Assignment.objects.bulk_create(
        Assignment(
            provider=p,
            recipient=r,
            program="IHSS",
            assigned_monthly_minutes=100 * 60,
            start_date=dt.date(2025, 1, 1),
        )
        for p, r in zip(providers, recipients, strict=True)
    )
    users = User.objects.bulk_create(
        User(username=f"bench.evv{n}", email=f"bench.evv{n}@example.org") for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=u, role=Role.PROVIDER, provider=p)
        for u, p in zip(users, providers, strict=True)
    )
    return list(zip(providers, recipients, users, strict=True))


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def run(count: int, batch: int) -> int:
    import time_machine
    from django.db import connection

    from ihss.evv.models import Punch
    from ihss.evv.services.punches import PunchInput, record, sync

    with time_machine.travel(NOW, tick=True):
        people = build(count)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"{count:,} providers, each with a recipient on the map")

        each: list[float] = []
        for provider, recipient, user in people:
            data = PunchInput(
                uuid.uuid4(), "in", recipient.pk, "IHSS", "home", NOW, "fix", *HOME, 15
            )
            started = time.perf_counter()
            record(provider=provider, data=data, by=user)
            each.append((time.perf_counter() - started) * 1000)
        one = percentiles(each)
        print(f"check-in, one call each: median {one[0]:.1f} ms, p95 {one[1]:.1f} ms")

        batches = []
        for provider, recipient, user in people:
            punches = []
            for n in range(batch):
                day = NOW - dt.timedelta(days=1 + n // 2)
                kind = "in" if n % 2 == 0 else "out"
                at = day - dt.timedelta(hours=4) if kind == "in" else day
                punches.append(
                    PunchInput(uuid.uuid4(), kind, recipient.pk, "IHSS", "community", at)
                )
            batches.append((provider, user, punches))
        started = time.perf_counter()
        for provider, user, punches in batches:
            sync(provider=provider, batch=punches, by=user)
        batch_ms = (time.perf_counter() - started) * 1000 / (count * batch)
        print(f"offline batches of {batch}: {batch_ms:.2f} ms a punch")

        started = time.perf_counter()
        for provider, user, punches in batches:
            answers = sync(provider=provider, batch=punches, by=user)
            assert all(a.status == "duplicate" for a in answers)
        retry_ms = (time.perf_counter() - started) * 1000 / (count * batch)
        print(f"the same batches again: {retry_ms:.2f} ms a punch, all duplicates")
        recorded = Punch.objects.count()

        started = time.perf_counter()
        template = Punch.objects.select_related(None).first()
        assert template is not None
        Punch.objects.bulk_create(
            Punch(
                phone_id=uuid.uuid4(),
                provider_id=template.provider_id,
                recipient_id=template.recipient_id,
                program="IHSS",
                kind="in",
                place="community",
                punched_at=NOW,
                received_at=NOW,
                position="not_asked",
                made_by_id=template.made_by_id,
            )
            for _ in range(recorded)
        )
        baseline_ms = (time.perf_counter() - started) * 1000 / recorded
        print(f"baseline, {recorded:,} punch rows in one bulk_create: {baseline_ms:.3f} ms a row")

    vendor = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(
        connection.vendor, connection.vendor
    )
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    print()
    print(
        f"| {vendor} | {count:,} | {one[0]:.1f} / {one[1]:.1f} ms | {batch_ms:.2f} ms "
        f"| {retry_ms:.2f} ms | {baseline_ms:.3f} ms | {peak_rss_mb():.0f} MB |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
