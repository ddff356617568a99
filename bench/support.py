"""What every benchmark needs: Django set up on a fresh, migrated, throwaway database."""

from __future__ import annotations

import os
import resource
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def peak_child_rss_mb() -> float:
    """The peak memory of the largest child process that has ended (0 without any)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


@contextmanager
def fresh_database() -> Iterator[Path]:
    """Set Django up and yield a temporary folder, with a migrated database made for the run.

    SQLite lives in the folder; with DATABASE_URL set to PostgreSQL, a `test_` database
    is created beside the named one and dropped afterwards. Keys are throwaway (the test
    environment), and tasks are not queued (the dummy backend), so only the work itself
    is measured.
    """
    folder = Path(tempfile.mkdtemp(prefix="ihss-bench-"))
    os.environ.setdefault("IHSS_ENV", "test")
    os.environ["IHSS_VAR_DIR"] = str(folder / "var")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ihss.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(folder / "bench.sqlite3")
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield folder
    finally:
        connection.creation.destroy_test_db(name, verbosity=0, keepdb=False)


def server_cpu_seconds() -> float | None:
    """CPU seconds the local PostgreSQL server has used so far (its postmaster, the backends
    it has reaped, the ones alive), or None when the server is not on this machine or its
    files cannot be read. The difference across a phase is the database's share of it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('data_directory')")
            folder = cursor.fetchone()[0]
        postmaster = int((Path(folder) / "postmaster.pid").read_text().split()[0])
        ticks = os.sysconf("SC_CLK_TCK")

        def times(pid: int, *, reaped: bool) -> int:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            # utime, stime (fields 14, 15), and cutime, cstime (16, 17) of reaped children
            used = int(fields[11]) + int(fields[12])
            return used + (int(fields[13]) + int(fields[14]) if reaped else 0)

        total = times(postmaster, reaped=True)
        children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
        for child in children:
            try:
                total += times(int(child), reaped=False)
            except (OSError, ValueError, IndexError):
                continue  # ended meanwhile: counted in the postmaster's reaped time
    except Exception:  # noqa: BLE001 - not ours to read (another machine, no permission)
        return None
    return total / ticks
