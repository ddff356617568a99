"""Benchmark the notification service: raise notices, then send them over real SMTP.

    .venv/bin/python bench/notifications.py                  # 5,000 notices on SQLite
    DATABASE_URL=postgres://... .venv/bin/python bench/notifications.py --notices 20000

Makes a fresh database, creates fictional people, and measures:

1. raising notices with `notify()` (one transaction per notice, as a service would: the
   message-center row, the outbox row, the after-commit queueing), then the same number
   at once with `notify_many()` (as a scheduled reminder does);
2. sending them: `deliver()` for each outbox row, one worker process, to a local SMTP
   server (aiosmtpd) that accepts and parses every message;
3. the outbox sweep's query over the whole outbox.

Prints rates and the peak memory of the process. Results go into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import time

from support import fresh_database, peak_rss_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=5000)
    args = parser.parse_args()
    with fresh_database():
        return run(args.notices)


def run(count: int) -> int:
    from django.conf import settings
    from django.db import connection, transaction

    from ihss.accounts.models import User
    from ihss.notifications import services
    from ihss.notifications.events import SPECS, Event
    from ihss.notifications.models import Delivery
    from ihss.notifications.tests.smtp_server import smtp_server

    User.objects.bulk_create(
        User(username=f"person{i}", email=f"person{i}@example.org", first_name="Ana")
        for i in range(count)
    )
    users = list(User.objects.order_by("id"))
    sample = SPECS[Event.PAYMENT_ISSUED].sample

    started = time.perf_counter()
    for n, user in enumerate(users):
        with transaction.atomic():
            services.notify(user=user, event=Event.PAYMENT_ISSUED, context=sample, key=f"pay:{n}")
    seconds = time.perf_counter() - started
    print(f"notify(): {count:,} notices in {seconds:.1f} s ({count / seconds:,.0f} a second)")

    started = time.perf_counter()
    services.notify_many(
        event=Event.CLASS_REMINDER,
        notices=(
            services.Notice(user=u, context=SPECS[Event.CLASS_REMINDER].sample, key="r")
            for u in users
        ),
    )
    seconds = time.perf_counter() - started
    print(
        f"notify_many(): {count:,} notices in {seconds:.1f} s "
        f"({count / seconds:,.0f} a second, chunks of 1,000)"
    )

    ids = list(
        Delivery.objects.filter(notification__event=Event.PAYMENT_ISSUED)
        .order_by("id")
        .values_list("id", flat=True)
    )
    with smtp_server() as (port, mailbox):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        started = time.perf_counter()
        outcomes = [services.deliver(i) for i in ids]
        seconds = time.perf_counter() - started
        received = len(mailbox.messages)
    sent = outcomes.count("sent")
    print(
        f"deliver(): {sent:,} emails over SMTP in {seconds:.1f} s "
        f"({sent / seconds:,.0f} a second, one worker); server received {received:,}"
    )

    started = time.perf_counter()
    services.sweep(limit=5000)
    print(
        f"sweep(): {(time.perf_counter() - started) * 1000:.0f} ms "
        f"over an outbox of {2 * len(ids):,} rows"
    )
    print(f"Peak memory: {peak_rss_mb():.0f} MB; database: {connection.vendor}")
    return 0 if sent == received == count else 1


if __name__ == "__main__":
    sys.exit(main())
