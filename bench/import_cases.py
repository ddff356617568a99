"""Benchmark the bulk import: 100,000 fictional rows into a fresh database.

    .venv/bin/python bench/import_cases.py                 # SQLite in a temporary folder
    DATABASE_URL=postgres://... .venv/bin/python bench/import_cases.py   # a fresh PostgreSQL
                                                           # database beside that one
    .venv/bin/python bench/import_cases.py --recipients 4000 --providers 3000 --assignments 3000

Writes the CSV files (recipients, providers, assignments) into a temporary folder, makes
a fresh database with every migration applied, runs the same import as
`manage.py import_cases` and prints the time of each phase, rows per second and the
peak memory of the process. Every name, number and SSN is made up. Results go into
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import sys
import time
from pathlib import Path

from support import fresh_database, peak_rss_mb

FIRST = ["Rosa", "Wei", "Ana", "Harold", "Maria", "James", "Linh", "Tigran", "Grace", "Omar"]
LAST = ["Delgado", "Chen", "Reyes", "Kim", "Nguyen", "Smith", "Petrosyan", "Lopez", "Park"]
CITIES = ["Sacramento", "Fresno", "Los Angeles", "Oakland", "San Diego", "Redding", "Eureka"]
LANGUAGES = ["en", "en", "en", "es", "es", "zh", "hy", "other"]


def ssn(area: int, i: int) -> str:
    return f"{area:03d}-{1 + (i // 9999) % 99:02d}-{1 + i % 9999:04d}"


def birth_date(rng: random.Random, earliest: int) -> str:
    return f"{rng.randrange(earliest, 2005)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"


def write_files(folder: Path, recipients: int, providers: int, assignments: int) -> list[Path]:
    rng = random.Random(2025)  # the same files on every run
    from ihss.cases.import_rules import ASSIGNMENTS, PROVIDERS, RECIPIENTS

    recipient_hours: list[int] = []
    paths = []
    path = folder / "recipients.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(RECIPIENTS.names)
        for i in range(recipients):
            severe = rng.random() < 0.3
            minutes = rng.randrange(20 * 60, (283 if severe else 195) * 60, 15)
            recipient_hours.append(minutes)
            wpcs = f"{rng.randrange(10, 60)}:00" if rng.random() < 0.05 else ""
            rep = rng.random() < 0.2
            w.writerow(
                [
                    f"{1000000 + i:07d}",
                    rng.choice(FIRST),
                    "",
                    rng.choice(LAST),
                    birth_date(rng, 1930),
                    ssn(101, i),
                    f"{rng.randrange(1, 9999)} Main St",
                    rng.choice(CITIES),
                    f"9{rng.randrange(0, 6000):04d}",
                    f"{rng.uniform(32.5, 42):.6f}",
                    f"{rng.uniform(-124, -114):.6f}",
                    f"916-555-{rng.randrange(0, 10000):04d}",
                    f"r{i}@example.org" if rng.random() < 0.5 else "",
                    rng.choice(LANGUAGES),
                    f"{rng.randrange(1, 59):02d}",
                    "active",
                    "yes" if severe else "no",
                    "yes" if rng.random() < 0.2 else "no",
                    "yes" if rng.random() < 0.2 else "no",
                    "no",
                    "Pat Relative" if rep else "",
                    "Daughter" if rep else "",
                    "916-555-0100" if rep else "",
                    "",
                    f"{minutes // 60}:{minutes % 60:02d}",
                    wpcs,
                    "2025-07-01",
                ]
            )
    paths.append(path)
    path = folder / "providers.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(PROVIDERS.names)
        for i in range(providers):
            w.writerow(
                [
                    f"{100000000 + i:09d}",
                    rng.choice(FIRST),
                    "",
                    rng.choice(LAST),
                    birth_date(rng, 1950),
                    ssn(202, i),
                    f"{rng.randrange(1, 9999)} Oak Ave",
                    rng.choice(CITIES),
                    f"9{rng.randrange(0, 6000):04d}",
                    "",
                    "",
                    f"213-555-{rng.randrange(0, 10000):04d}",
                    f"p{i}@example.org",
                    rng.choice(LANGUAGES),
                    f"{rng.randrange(1, 59):02d}",
                    "active",
                    "2025-01-06",
                    "2025-01-13",
                    "2025-02-03",
                    "2025-02-05",
                ]
            )
    paths.append(path)
    path = folder / "assignments.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(ASSIGNMENTS.names)
        for i in range(assignments):
            r = i % recipients
            minutes = recipient_hours[r] // 2
            w.writerow(
                [
                    f"{100000000 + i % providers:09d}",
                    f"{1000000 + r:07d}",
                    "IHSS",
                    f"{minutes // 60}:{minutes % 60:02d}",
                    "2025-07-01",
                    "",
                    "",
                    rng.choice(["none", "none", "child", "spouse"]),
                ]
            )
    paths.append(path)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=40_000)
    parser.add_argument("--providers", type=int, default=30_000)
    parser.add_argument("--assignments", type=int, default=30_000)
    args = parser.parse_args()

    with fresh_database() as folder:
        from django.db import connection

        from ihss.cases import importing
        from ihss.cases.models import ImportJob

        started = time.perf_counter()
        paths = write_files(folder, args.recipients, args.providers, args.assignments)
        print(
            f"Wrote {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB of CSV in "
            f"{time.perf_counter() - started:.1f} s to {folder}"
        )
        files = [importing.SourceFile(p.name, path=p) for p in paths]
        rss_before = peak_rss_mb()
        load_before = f"{os.getloadavg()[0]:.1f}"
        marks: dict[str, float] = {}

        def progress(phase: str, done: int, total: int) -> None:
            marks.setdefault(phase, time.perf_counter())
            if done and done % 20_000 == 0:
                elapsed = time.perf_counter() - started
                print(f"  {phase} {done:,} of {total:,} rows ({elapsed:.1f} s)", flush=True)

        job = ImportJob.objects.create(file_names=[p.name for p in paths])
        started = time.perf_counter()
        cpu_started = time.process_time()
        outcome = importing.execute_job(job, files, allowed_counties=None, also=progress)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        if not outcome.ok:
            for problem in outcome.problems[:20]:
                print(problem)
            print(f"{outcome.error_count} problems; nothing imported.")
            return 1
        checking = marks.get(importing.SAVING, started + elapsed) - started
        rows = outcome.total_rows
        where = "a file" if connection.vendor == "sqlite" else connection.settings_dict["NAME"]
        print(
            f"\nDatabase: {connection.vendor} ({where})"
            f"\nMachine: {platform.machine()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}"
            f"\nRows: {rows:,} ({args.recipients:,} recipients, {args.providers:,} providers, "
            f"{args.assignments:,} assignments)"
            f"\nCreated: {importing.summary(outcome)}"
            f"\nChecking: {checking:.1f} s; saving: {elapsed - checking:.1f} s"
            f"\nElapsed: {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s); CPU time of this "
            f"process: {cpu:.1f} s; load average before/after: {load_before} / "
            f"{os.getloadavg()[0]:.1f}"
            f"\nPeak memory (RSS): {peak_rss_mb():.0f} MB (before the import: {rss_before:.0f} MB)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
