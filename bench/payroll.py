"""Benchmark a whole California pay period through payroll: calculate, approve, issue.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/ihss_bench .venv/bin/python bench/payroll.py
    ... bench/payroll.py --scale 0.01            # a hundredth of the state, for a quick run
    ... bench/payroll.py --profile               # also a cProfile of the calculation
    ... bench/payroll.py --keep                  # keep the generated database, then
    ... bench/payroll.py --reuse test_ihss_bench # time again on it (the run is reset first)

PostgreSQL only. Makes a fresh database beside the one DATABASE_URL names (`test_` + its
name, dropped at the end unless --keep), applies every migration, then generates the
state straight in the database, set-based (INSERT ... SELECT over generate_series, no
ORM and no rows through Python): wage rates for every county (fixed and minimum wage
plus a supplement, some with a raise in the middle of the period), 650,000 recipients,
700,000 providers (most with one recipient, some with two or three), their assignments,
750,000 timesheets for Dec 1-15 2026 with about 7 million day entries (light, weekday
and six-day schedules, so that some weeks pass 40 hours, alone or across recipients),
travel between recipients, some timesheets held by the county or not yet approved, sick
leave claims, and the Nov 29-30 days of the week that crosses into the period on Nov
16-30 timesheets already paid (a PaidSource row each; a few approved late, unpaid).
Every name and number is made up; `--scale` multiplies every count.

Then it times the run as an administrator does it: `runs.start_run`, `runs.calculate`,
`runs.approve` and, once it exists, the issue step with its payment file; the time and
peak memory (RSS) of each phase; and, in the same run, a baseline: the same day-entry
rows read by a plain cursor into Python with no work per row, and the stubs and lines the
run wrote copied once more by the database (INSERT ... SELECT). Results go into
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import platform
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from support import peak_child_rss_mb, peak_rss_mb, server_cpu_seconds

PERIOD_START = dt.date(2026, 12, 1)
PERIOD_END = dt.date(2026, 12, 15)
PREVIOUS_START = dt.date(2026, 11, 16)
TODAY = dt.date(2026, 12, 17)
PAY_DAY = dt.date(2026, 12, 22)
RAISE_ON = dt.date(2026, 12, 8)  # a raise in the middle of the period, in some counties

# Recipients by county (code: weight), roughly as IHSS caseloads are spread; every other
# county weighs OTHER_COUNTY.
COUNTY_WEIGHTS = {
    "19": 400, "37": 50, "36": 50, "33": 45, "30": 40, "34": 40, "01": 35, "10": 35,
    "43": 30, "38": 25, "07": 20, "15": 20,
}  # fmt: skip
OTHER_COUNTY = 4


def log(message: str) -> None:
    print(message, flush=True)


@contextmanager
def database(*, reuse: str | None, keep: bool) -> Iterator[bool]:
    """Set Django up on a fresh, migrated database (yields True) or on `reuse` (False)."""
    folder = Path(tempfile.mkdtemp(prefix="ihss-bench-"))
    os.environ.setdefault("IHSS_ENV", "test")
    os.environ["IHSS_VAR_DIR"] = str(folder / "var")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ihss.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if reuse:
        settings.DATABASES["default"]["NAME"] = reuse
        connection.settings_dict["NAME"] = reuse
        yield False
        return
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield True
    finally:
        if keep:
            log(f"Kept the database {name}: --reuse {name} times the run again on it.")
        else:
            connection.creation.destroy_test_db(name, verbosity=0, keepdb=False)


# --- The state, generated in the database ----------------------------------------------


def generate(scale: float) -> dict[str, int]:
    """Fill the tables for the Dec 1-15 2026 run; answers the number of rows of each."""
    from django.db import connection, transaction

    from ihss.payroll.models import PayrollRun

    recipients = max(50, round(650_000 * scale))
    providers = max(50, round(700_000 * scale))
    weights = ", ".join(f"('{code}', {w})" for code, w in COUNTY_WEIGHTS.items())
    steps: list[tuple[str, str]] = [
        (
            "helpers",
            f"""
            -- A deterministic pseudo-random number in [0, 2^31) for (a row, a purpose).
            CREATE FUNCTION bench_h(bigint, int) RETURNS int LANGUAGE sql IMMUTABLE
                AS $$ SELECT (hashint8($1 * 1000003 + $2) & 2147483647)::int $$;
            CREATE UNLOGGED TABLE bench_county AS
                SELECT c.id AS county_id,
                       sum(coalesce(w.weight, {OTHER_COUNTY})) OVER (ORDER BY c.code)
                           - coalesce(w.weight, {OTHER_COUNTY}) AS low,
                       sum(coalesce(w.weight, {OTHER_COUNTY})) OVER (ORDER BY c.code) AS high
                FROM cases_county c LEFT JOIN (VALUES {weights}) AS w(code, weight)
                    ON w.code = c.code;
            """,  # noqa: S608
        ),
        (
            "wage rates",
            f"""
            INSERT INTO payroll_wagerate
                (county_id, effective_from, basis, hourly_cents, supplement_cents, agreement)
            SELECT id, '2025-07-01',
                   CASE WHEN id % 2 = 0 THEN 'fixed' ELSE 'minimum_plus' END,
                   CASE WHEN id % 2 = 0 THEN 1700 + 25 * (id % 17) END,
                   CASE WHEN id % 2 = 1 THEN 25 + 25 * (id % 11) END,
                   'Benchmark agreement'
            FROM cases_county;
            INSERT INTO payroll_wagerate
                (county_id, effective_from, basis, hourly_cents, supplement_cents, agreement)
            SELECT id, '{RAISE_ON}', 'fixed', 2150 + 10 * (id % 7), NULL, 'Benchmark raise'
            FROM cases_county WHERE id % 6 = 0;
            """,  # noqa: S608
        ),
        (
            "recipients",
            f"""
            INSERT INTO cases_recipient
                (id, first_name, middle_name, last_name, date_of_birth, ssn, ssn_last4,
                 ssn_index, street, city, zip_code, phone, email, preferred_language,
                 case_number, status, severely_impaired, needs_cognitive_behavioral,
                 needs_complex_physical, needs_community_transition, representative_name,
                 representative_relationship, representative_phone, representative_email,
                 county_id)
            SELECT r, (ARRAY['Rosa','Wei','Ana','Harold','Maria','James','Linh','Tigran'])
                       [1 + bench_h(r, 11) % 8], '',
                   (ARRAY['Delgado','Chen','Reyes','Kim','Nguyen','Smith','Petrosyan','Park'])
                       [1 + bench_h(r, 12) % 8],
                   DATE '1930-01-01' + bench_h(r, 13) % 27000, '', '', '',
                   (1 + r % 9999) || ' Main St', 'Sacramento', '95814', '', '', 'en',
                   lpad(r::text, 7, '0'), 'active', bench_h(r, 14) % 10 < 3, false, false,
                   false, '', '', '', '', c.county_id
            FROM generate_series(1, {recipients}) r
            JOIN bench_county c ON bench_h(r, 1) % (SELECT max(high) FROM bench_county)
                 >= c.low AND bench_h(r, 1) % (SELECT max(high) FROM bench_county) < c.high;
            """,  # noqa: S608
        ),
        (
            "timesheet slots",
            # One row per (provider, recipient): its timesheet numbers, schedule and state.
            # 94.5% of providers have one recipient, 4% two, 1.5% three. Schedules: light
            # (some days, 2-5 h), weekdays (4-7 h), six days (7-9 h, past 40 h a week).
            f"""
            CREATE UNLOGGED TABLE bench_slot AS
            SELECT row_number() OVER (ORDER BY p, j) AS sheet, p AS provider, j, k
            FROM (SELECT p, CASE WHEN bench_h(p, 2) % 1000 < 945 THEN 1
                                 WHEN bench_h(p, 2) % 1000 < 985 THEN 2 ELSE 3 END AS k
                  FROM generate_series(1, {providers}) p) x,
                 generate_series(0, k - 1) j;
            ALTER TABLE bench_slot
                ADD COLUMN recipient bigint, ADD COLUMN schedule int, ADD COLUMN program text,
                ADD COLUMN status text, ADD COLUMN review text, ADD COLUMN late boolean;
            UPDATE bench_slot SET
                recipient = 1 + (sheet * 7919) % {recipients},
                schedule = CASE
                    WHEN bench_h(sheet, 3) % 100 < (CASE WHEN k = 1 THEN 60 ELSE 50 END) THEN 0
                    WHEN bench_h(sheet, 3) % 100 < (CASE WHEN k = 1 THEN 88 ELSE 100 END) THEN 1
                    ELSE 2 END,
                program = CASE WHEN bench_h(sheet, 4) % 100 = 0 THEN 'WPCS' ELSE 'IHSS' END,
                status = CASE WHEN bench_h(sheet, 6) % 1000 < 15 THEN 'submitted'
                              ELSE 'approved' END,
                review = CASE WHEN bench_h(sheet, 6) % 1000 < 15 THEN ''
                              WHEN bench_h(sheet, 6) % 1000 < 25 THEN 'held'
                              WHEN bench_h(sheet, 6) % 1000 < 35 THEN 'released' ELSE '' END,
                late = bench_h(sheet, 8) % 1000 < 5;
            CREATE INDEX ON bench_slot (provider, j);
            ANALYZE bench_slot;
            """,  # noqa: S608
        ),
        (
            "providers",
            """
            INSERT INTO cases_provider
                (id, first_name, middle_name, last_name, date_of_birth, ssn, ssn_last4,
                 ssn_index, street, city, zip_code, phone, email, preferred_language,
                 provider_number, status, soc426_received_on, orientation_completed_on,
                 background_check_cleared_on, soc846_signed_on, county_id,
                 worked_to_date_minutes)
            SELECT s.provider,
                   (ARRAY['Grace','Omar','Rosa','Wei','Ana','Luis','Mei','Aram'])
                       [1 + bench_h(s.provider, 21) % 8], '',
                   (ARRAY['Lopez','Park','Chen','Reyes','Kim','Nguyen','Singh','Ortiz'])
                       [1 + bench_h(s.provider, 22) % 8],
                   DATE '1950-01-01' + bench_h(s.provider, 23) % 18000, '', '', '',
                   (1 + s.provider % 9999) || ' Oak Ave', 'Fresno', '93721', '', '', 'en',
                   lpad(s.provider::text, 9, '0'), 'active', '2025-01-06', '2025-01-13',
                   '2025-02-03', '2025-02-05', r.county_id, 0
            FROM bench_slot s JOIN cases_recipient r ON r.id = s.recipient
            WHERE s.j = 0;
            """,
        ),
        (
            "assignments",
            """
            INSERT INTO cases_assignment
                (program, assigned_monthly_minutes, start_date, family_relationship,
                 provider_id, recipient_id)
            SELECT program, 6000 + 60 * (bench_h(sheet, 31) % 100), '2025-07-01',
                   (ARRAY['none','none','none','none','none','none','parent','child','spouse',
                          'other'])[1 + bench_h(sheet, 32) % 10],
                   provider, recipient
            FROM bench_slot;
            """,
        ),
        (
            "timesheets",
            """
            INSERT INTO timesheets_timesheet
                (id, program, period_start, period_end, status, created_at, first_submitted_at,
                 submitted_at, submissions, decided_at, signature, signed_as_representative,
                 rejection_reason, county_review, review_flags, review_note, provider_id,
                 recipient_id, signature_session)
            SELECT sheet, program, DATE '2026-12-01', DATE '2026-12-15', status, now(), now(),
                   now(), 1, CASE WHEN status = 'approved' THEN now() END, 'Signed', false, '',
                   review, '[]'::jsonb, '', provider, recipient, ''
            FROM bench_slot
            UNION ALL
            SELECT (SELECT max(sheet) FROM bench_slot) + sheet, program, DATE '2026-11-16',
                   DATE '2026-11-30', 'approved', now(), now(), now(), 1, now(), 'Signed', false,
                   '', '', '[]'::jsonb, '', provider, recipient, ''
            FROM bench_slot;
            """,
        ),
        (
            "day entries",
            # Nov 29 - Dec 15: the days of Nov 29-30 on the Nov 16-30 timesheet.
            """
            INSERT INTO timesheets_dayentry
                (day, minutes, start, "end", location, timesheet_id, evv_reason)
            SELECT d::date,
                   CASE s.schedule WHEN 0 THEN 120 + 15 * (bench_h(s.sheet * 64 + n, 41) % 13)
                                   WHEN 1 THEN 240 + 15 * (bench_h(s.sheet * 64 + n, 41) % 13)
                                   ELSE 420 + 15 * (bench_h(s.sheet * 64 + n, 41) % 9) END,
                   CASE WHEN bench_h(s.sheet, 42) % 10 < 7
                        THEN TIME '07:00' + s.j * INTERVAL '5 hours'
                             + (bench_h(s.sheet * 64 + n, 43) % 4) * INTERVAL '30 minutes'
                   END,
                   NULL, 'home',
                   CASE WHEN d < DATE '2026-12-01'
                        THEN (SELECT max(sheet) FROM bench_slot) + s.sheet ELSE s.sheet END,
                   ''
            FROM generate_series(DATE '2026-11-29', DATE '2026-12-15', INTERVAL '1 day')
                     WITH ORDINALITY AS g(d, n),
                 bench_slot s
            WHERE CASE s.schedule
                    WHEN 0 THEN bench_h(s.sheet * 64 + n, 44) % 100 < 55
                    WHEN 1 THEN extract(isodow FROM d) BETWEEN 1 AND 5
                    ELSE extract(isodow FROM d) BETWEEN 1 AND 6 END;
            """,
        ),
        (
            "travel",
            # Between a provider's recipients, on the days both were cared for.
            """
            INSERT INTO timesheets_travelentry (day, minutes, from_recipient_id, timesheet_id)
            SELECT cur.day, 15 + 15 * (bench_h(cur.id, 51) % 3), prev.recipient, a.sheet
            FROM bench_slot a
            JOIN bench_slot prev ON prev.provider = a.provider AND prev.j = a.j - 1
            JOIN timesheets_dayentry cur ON cur.timesheet_id = a.sheet
            JOIN timesheets_dayentry before
                ON before.timesheet_id = prev.sheet AND before.day = cur.day
            WHERE a.j > 0;
            """,
        ),
        (
            "sick leave",
            """
            INSERT INTO timesheets_sickleaveclaim
                (program, day, minutes, status, rejection_reason, created_at, decided_at,
                 provider_id, recipient_id)
            SELECT program, DATE '2026-12-01' + bench_h(provider, 61) % 15,
                   120 + 60 * (bench_h(provider, 62) % 7),
                   CASE WHEN bench_h(provider, 63) % 10 = 0 THEN 'submitted' ELSE 'approved' END,
                   '', now(), now(), provider, recipient
            FROM bench_slot WHERE j = 0 AND bench_h(provider, 60) % 100 < 3;
            """,
        ),
    ]
    rows: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # Generated rows point at rows made in the same statement or before: skip the
        # deferred foreign-key checks (a queue of millions of trigger events).
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        for label, sql in steps:
            started = time.perf_counter()
            cursor.execute(sql)
            log(f"  {label}: {time.perf_counter() - started:.1f} s")
        previous = PayrollRun.objects.create(
            period_start=PREVIOUS_START,
            period_end=dt.date(2026, 11, 30),
            status=PayrollRun.Status.ISSUED,
            since=PREVIOUS_START,
        )
        cursor.execute(
            """
            INSERT INTO core_paidsource (source, document_id, run_id, paid_at)
            SELECT 'timesheet', (SELECT max(sheet) FROM bench_slot) + sheet, %s, now()
            FROM bench_slot WHERE NOT late
            """,
            [previous.pk],
        )
        for table in (
            "cases_recipient",
            "cases_provider",
            "timesheets_timesheet",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"  # noqa: S608
            )
        for table in (
            "cases_recipient",
            "cases_provider",
            "cases_assignment",
            "timesheets_timesheet",
            "timesheets_dayentry",
            "timesheets_travelentry",
            "timesheets_sickleaveclaim",
            "core_paidsource",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            rows[table] = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_slot, bench_county")
        cursor.execute("DROP FUNCTION bench_h(bigint, int)")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # As autovacuum leaves a table: statistics, hint bits and the visibility map set.
        cursor.execute("VACUUM ANALYZE")
    log(f"  vacuum analyze: {time.perf_counter() - started:.1f} s")
    return rows


def add_history(months: int) -> dict[str, int]:
    """`months` earlier months of the same work, all paid: every generated timesheet again
    in each earlier month (its period, days and travel moved back by whole months), paid
    by the earlier run. A real database holds years of paid timesheets; a run must read
    only the days it pays, whatever lies behind them (docs/benchmarks.md, "Payroll")."""
    from django.db import connection, transaction

    from ihss.payroll.models import PayrollRun

    previous = PayrollRun.objects.get(period_start=PREVIOUS_START)
    steps = [
        ("timesheets", """
            CREATE TEMPORARY TABLE bench_history ON COMMIT DROP AS
            SELECT t.id AS sheet, nextval(pg_get_serial_sequence('timesheets_timesheet', 'id'))
                AS copy, k AS months, (t.period_start - make_interval(months => k))::date AS start
            FROM timesheets_timesheet t, generate_series(1, %(months)s) AS k;
            INSERT INTO timesheets_timesheet (id, program, period_start, period_end, status,
                created_at, first_submitted_at, submitted_at, submissions, decided_at,
                signature, signed_as_representative, rejection_reason, county_review,
                review_flags, review_note, decided_by_id, provider_id, recipient_id,
                signature_session)
            SELECT h.copy, t.program, h.start,
                CASE WHEN extract(day FROM h.start) = 1 THEN h.start + 14
                     ELSE (date_trunc('month', h.start) + interval '1 month - 1 day')::date END,
                t.status, t.created_at, t.first_submitted_at, t.submitted_at, t.submissions,
                t.decided_at, t.signature, t.signed_as_representative, t.rejection_reason,
                t.county_review, t.review_flags, t.review_note, t.decided_by_id,
                t.provider_id, t.recipient_id, t.signature_session
            FROM bench_history h JOIN timesheets_timesheet t ON t.id = h.sheet
        """),
        ("day entries", """
            INSERT INTO timesheets_dayentry (day, minutes, start, "end", location,
                timesheet_id, evv_reason)
            SELECT (d.day - make_interval(months => h.months))::date, d.minutes, d.start,
                d."end", d.location, h.copy, d.evv_reason
            FROM bench_history h JOIN timesheets_dayentry d ON d.timesheet_id = h.sheet
            ON CONFLICT DO NOTHING
        """),
        ("travel", """
            INSERT INTO timesheets_travelentry (day, minutes, from_recipient_id, timesheet_id)
            SELECT (v.day - make_interval(months => h.months))::date, v.minutes,
                v.from_recipient_id, h.copy
            FROM bench_history h JOIN timesheets_travelentry v ON v.timesheet_id = h.sheet
            ON CONFLICT DO NOTHING
        """),
        ("paid", """
            INSERT INTO core_paidsource (source, document_id, run_id, paid_at)
            SELECT 'timesheet', copy, %(run)s, now() FROM bench_history
        """),
    ]  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for label, sql in steps:
            started = time.perf_counter()
            cursor.execute(sql, {"months": months, "run": previous.pk})
            log(f"  history, {label}: {time.perf_counter() - started:.1f} s")
    rows = {}
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        for table in ("timesheets_timesheet", "timesheets_dayentry", "core_paidsource"):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            rows[table] = cursor.fetchone()[0]
    return rows


# Direct deposit: share of providers (in 100ths) with an account for all their recipients,
# and of those with two or three recipients, one in four with an account for the first.
DEPOSIT_PERCENT = 70
DEPOSIT_ROUTING = ("123456780", "011000015", "021000021", "121000358")  # pass the ABA check


def direct_deposits() -> int:
    """Enroll providers in direct deposit (requested in October, prenote sent, in force on
    the pay day), unless the database has enrollments already; answers how many there are.

    The account numbers are fictional and encrypted as the portal stores them, so the
    issue step decrypts each one as it would in the state."""
    from django.db import connection, transaction

    from ihss.core import bulk
    from ihss.payroll.models import DirectDeposit

    if DirectDeposit.objects.exists():
        return DirectDeposit.objects.count()
    requested = dt.datetime(2026, 10, 1, 17, tzinfo=dt.UTC)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT id, NULL FROM cases_provider
            WHERE (hashint8(id * 7 + 80) & 2147483647) %% 100 < %s
            UNION ALL
            SELECT provider_id, min(recipient_id) FROM cases_assignment
            GROUP BY provider_id
            HAVING count(*) > 1 AND (hashint8(provider_id * 7 + 81) & 2147483647) %% 4 = 0
            ORDER BY 1, 2 NULLS FIRST
            """,
            [DEPOSIT_PERCENT],
        )
        rows = []
        for provider, recipient in cursor.fetchall():
            account = f"{4_000_000_000 + provider * 13 + (recipient or 0) % 7:012d}"
            rows.append((
                provider, recipient, DEPOSIT_ROUTING[provider % len(DEPOSIT_ROUTING)], account,
                account[-4:], "checking" if provider % 5 else "savings", requested,
                requested.date(), requested.date() + dt.timedelta(days=10),
                requested.date() + dt.timedelta(days=1), "",
            ))  # fmt: skip
        bulk.insert_rows(
            DirectDeposit,
            (
                "provider_id",
                "recipient_id",
                "routing_number",
                "account_number",
                "account_last4",
                "account_type",
                "requested_at",
                "requested_on",
                "effective_on",
                "prenote_sent_on",
                "stop_reason",
            ),  # fmt: skip
            rows,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE payroll_directdeposit")
    return len(rows)


def reset() -> None:
    """Undo an earlier timed run on a kept database, so that it can be timed again."""
    from django.db import connection, transaction

    from ihss.payroll.models import PayrollRun

    with transaction.atomic(), connection.cursor() as cursor:
        runs = list(
            PayrollRun.objects.filter(period_start=PERIOD_START).values_list("pk", flat=True)
        )
        if runs:
            cursor.execute("DELETE FROM core_paidsource WHERE run_id = ANY(%s)", [runs])
            cursor.execute(
                "TRUNCATE payroll_payline, payroll_deduction, payroll_payment,"
                " payroll_shareofcostpaid, payroll_paystub"
            )
            cursor.execute("SET LOCAL session_replication_role = replica")  # append-only audit
            cursor.execute("DELETE FROM payroll_payrollrun WHERE id = ANY(%s)", [runs])
        # Accounts never paid into yet, as before the first timed run.
        cursor.execute("UPDATE payroll_directdeposit SET last_used_on = NULL")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE core_paidsource")
        cursor.execute("VACUUM ANALYZE payroll_directdeposit")


def wait_for_autovacuum(limit: float = 600) -> float:
    """Wait (at most `limit` seconds) until no autovacuum worker is at work in this database:
    after generating the state, or after the previous timed run's millions of rows, one may
    vacuum a large table for a minute, and a run timed meanwhile measures both (a run of
    the same code took 69.8 s beside one and 57.1 s after it)."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        while time.perf_counter() - started < limit:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE backend_type = 'autovacuum worker' AND datname = current_database()"
            )
            if not cursor.fetchone()[0]:
                break
            time.sleep(1)
    return time.perf_counter() - started


# --- The baseline: the machine's speed for the same rows, in the same run ---------------


def baseline_read() -> tuple[float, int]:
    """The day entries the run reads, with their timesheet, by a plain server-side cursor
    into Python (no work per row)."""
    from django.db import connection, transaction

    started = time.perf_counter()
    count = 0
    with transaction.atomic(), connection.connection.cursor(name="bench_read") as cursor:
        cursor.itersize = 20_000
        cursor.execute(
            """
            SELECT t.provider_id, d.day, d.start, d.timesheet_id, t.recipient_id, t.program,
                   d.minutes
            FROM timesheets_dayentry d JOIN timesheets_timesheet t ON t.id = d.timesheet_id
            WHERE d.day BETWEEN %s AND %s
            """,
            [dt.date(2026, 11, 29), PERIOD_END],
        )
        while rows := cursor.fetchmany(20_000):
            count += len(rows)
    return time.perf_counter() - started, count


def baseline_write() -> tuple[float, int]:
    """The stubs and lines the run wrote, copied once more by the database."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_stub (LIKE payroll_paystub) ON COMMIT DROP")
        cursor.execute("CREATE TEMPORARY TABLE bench_line (LIKE payroll_payline) ON COMMIT DROP")
        cursor.execute("INSERT INTO bench_stub SELECT * FROM payroll_paystub")
        cursor.execute("INSERT INTO bench_line SELECT * FROM payroll_payline")
        rows = cursor.rowcount
        cursor.execute("SELECT count(*) FROM bench_stub")
        rows += cursor.fetchone()[0]
    return time.perf_counter() - started, rows


# --- The timed run ---------------------------------------------------------------------


def issue_step() -> Callable[..., Any] | None:
    """The issue step (payment file), when the code has it."""
    try:
        from ihss.payroll.services import issue  # type: ignore[attr-defined]
    except ImportError:
        return None
    return getattr(issue, "issue_run", None)


def timed_run(profiler: cProfile.Profile | None) -> list[tuple[str, float, float]]:
    """start_run, calculate, approve, issue: (phase, seconds, peak RSS MB after it), each
    logged with the database server's CPU time during it when the server is local."""
    from ihss.payroll.services import runs

    phases: list[tuple[str, float, float]] = []
    last = {"at": time.perf_counter()}

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last["at"] >= 5:
            last["at"] = now
            log(f"  calculated {done:,} of {total:,} providers, peak RSS {peak_rss_mb():.0f} MB")

    def phase(name: str, call: Callable[[], Any]) -> Any:
        server_before = server_cpu_seconds()
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        result = call()
        if profiler is not None:
            profiler.disable()
        phases.append((name, time.perf_counter() - started, peak_rss_mb()))
        server_after = server_cpu_seconds()
        server = (
            f", database server CPU {server_after - server_before:.1f} s"
            if server_before is not None and server_after is not None
            else ""
        )
        log(f"  {name}: {phases[-1][1]:.1f} s, peak RSS {phases[-1][2]:.0f} MB{server}")
        return result

    run = phase("start", lambda: runs.start_run(period_start=PERIOD_START, by=None, today=TODAY))
    run = phase("calculate", lambda: runs.calculate(run=run, progress=progress))
    run = phase("approve", lambda: runs.approve(run=run, by=None))  # type: ignore[arg-type]
    # --- The issue step (the payment file), timed with the rest once it exists. ---------
    issue_run = issue_step()
    if issue_run is not None:
        phase("issue", lambda: issue_run(run=run, by=None, on=PAY_DAY))
    else:
        log("  issue: not in this code yet (ihss.payroll.services.issue), skipped")
    return phases


def run_figures() -> dict[str, int]:
    from django.db.models import Count, Sum

    from ihss.payroll.models import PayLine, Payment, PayrollRun, Paystub

    run = PayrollRun.objects.get(period_start=PERIOD_START)
    for method, count in (
        Payment.objects.filter(stub__run=run).values_list("method").annotate(Count("pk"))
    ):
        log(f"  payments by {method}: {count:,}")
    figures = {
        "stubs": Paystub.objects.filter(run=run).count(),
        "lines": PayLine.objects.filter(stub__run=run).count(),
        "gross_cents": run.gross_cents,
        "held": sum(h["providers"] for h in run.held),
    }
    for part, count, minutes in (
        PayLine.objects.filter(stub__run=run)
        .values_list("part")
        .annotate(Count("pk"), Sum("minutes"))
        .order_by("part")
    ):
        figures[f"lines_{part}"] = count
        figures[f"minutes_{part}"] = minutes or 0
    return figures


def _children_cpu() -> float:
    """CPU seconds of the ended child processes (the calculation's ranges)."""
    times = os.times()
    return times.children_user + times.children_system


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("PAYROLL_SCALE", 1)))
    parser.add_argument("--profile", action="store_true", help="profile the run (cProfile)")
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    parser.add_argument("--reuse", metavar="DATABASE", help="time again on a kept database")
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        metavar="MONTHS",
        help="add MONTHS earlier months of paid timesheets to a new database",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        log("bench/payroll.py needs PostgreSQL: set DATABASE_URL=postgres://... (skipped).")
        return 0

    with database(reuse=args.reuse, keep=args.keep) as fresh:
        from django.conf import settings
        from django.db import connection

        rows: dict[str, int] = {}
        if fresh:
            name = connection.settings_dict["NAME"]
            log(f"Generating the state at scale {args.scale:g} in {name}")
            started = time.perf_counter()
            rows = generate(args.scale)
            log(f"Generated in {time.perf_counter() - started:.0f} s: " + ", ".join(
                f"{table.split('_', 1)[1]} {count:,}" for table, count in rows.items()
            ))  # fmt: skip
            if args.history:
                rows = add_history(args.history)
                log(f"With {args.history} months of history: " + ", ".join(
                    f"{table.split('_', 1)[1]} {count:,}" for table, count in rows.items()
                ))  # fmt: skip
        else:
            reset()
        started = time.perf_counter()
        enrolled = direct_deposits()
        log(f"Direct deposit: {enrolled:,} accounts ({time.perf_counter() - started:.0f} s)")
        waited = wait_for_autovacuum()
        if waited >= 1:
            log(f"Waited {waited:.0f} s for PostgreSQL's autovacuum to end in this database")
        load_before = os.getloadavg()[0]
        read_seconds, read_rows = baseline_read()
        log(f"Baseline read: {read_rows:,} day entries in {read_seconds:.1f} s")
        rss_before = peak_rss_mb()
        profiler = cProfile.Profile() if args.profile else None
        cpu_started = time.process_time()
        children_started = _children_cpu()
        started = time.perf_counter()
        phases = timed_run(profiler)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        children_cpu = _children_cpu() - children_started
        load_after = os.getloadavg()[0]
        figures = run_figures()
        write_seconds, write_rows = baseline_write()
        log(f"Baseline write: {write_rows:,} stub and line rows in {write_seconds:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        log(
            f"\nDatabase: PostgreSQL {server} ({connection.settings_dict['NAME']})"
            f"\nMachine: {platform.machine()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}"
            f"\nScale: {f'{args.scale:g}' if fresh else 'the kept database'}; "
            f"PAYROLL_BATCH_PROVIDERS={settings.PAYROLL_BATCH_PROVIDERS}, "
            f"PAYROLL_PROCESSES={settings.PAYROLL_PROCESSES}"
            f"\nRows read by the run: {read_rows:,} day entries"
            f"\nWritten: {figures['stubs']:,} stubs, {figures['lines']:,} lines "
            f"({', '.join(f'{k[6:]} {v:,}' for k, v in figures.items() if k.startswith('lines_'))})"
            f"; held: {figures['held']:,} providers; gross ${figures['gross_cents'] / 100:,.2f}"
            f"\nPhases: "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds, _rss in phases)
            + f"\nElapsed: {elapsed:.1f} s; CPU time of this process: {cpu:.1f} s, of the "
            f"processes it started (the ranges calculated side by side): {children_cpu:.1f} s; "
            f"load average before/after: {load_before:.1f} / {load_after:.1f}"
            f"\nPeak memory (RSS): {peak_rss_mb():.0f} MB (before the run: {rss_before:.0f} MB);"
            f" the largest process it started: {peak_child_rss_mb():.0f} MB"
            f"\nBaseline: read {read_rows:,} rows in {read_seconds:.1f} s; "
            f"copied {write_rows:,} rows in {write_seconds:.1f} s"
        )
        if profiler is not None:
            if dump := os.environ.get("PAYROLL_BENCH_PROFILE"):
                profiler.dump_stats(dump)  # for pstats: callers, callees
            for order in ("cumulative", "tottime"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(25)
                log(f"\nProfile, by {order} time (cProfile slows Python-bound code):")
                log(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
