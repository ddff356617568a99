"""Run every check `make test` promises, and say plainly what was skipped.

1. ruff (lint and format), mypy, and a check that models and migrations agree;
2. the whole pytest suite on SQLite, with the browser tests when Chromium is present;
3. the suite again on PostgreSQL, in a throwaway cluster started in a temporary folder
   when the server binaries are present (as the `postgres` user when run as root,
   because initdb refuses to run as root).

With CI=true a skipped PostgreSQL or browser suite is a failure.

Each suite runs on every core (pytest-xdist, a worker per CPU up to four; IHSS_TEST_WORKERS sets
another number, 0 runs in this process), each worker with its own test database.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]


def say(message: str) -> None:
    print(f"\n== {message}", flush=True)


def run(cmd: list[str], env: dict[str, str] | None = None) -> bool:
    print("$ " + " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT, env=env) == 0


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    env["IHSS_ENV"] = "test"
    env["DJANGO_SETTINGS_MODULE"] = "ihss.settings_test"
    env.pop("DATABASE_URL", None)
    return env


def workers() -> list[str]:
    """pytest-xdist's options: a worker per CPU unless IHSS_TEST_WORKERS says otherwise."""
    wanted = os.environ.get("IHSS_TEST_WORKERS", "").strip()
    # At most four by default: each worker may hold a Chromium and a 30 MB import.
    affinity = getattr(os, "sched_getaffinity", None)  # Linux: the CPUs this may use
    cpus = len(affinity(0)) if affinity else (os.cpu_count() or 1)
    count = int(wanted) if wanted.isdigit() else min(cpus, 4)
    if count <= 1:
        return []
    # worksteal: a worker that runs out takes tests queued for the other, so one long test
    # (the 30 MB import) does not leave a core idle at the end.
    return ["-n", str(count), "--dist", "worksteal"]


def find_chromium() -> str | None:
    configured = os.environ.get("IHSS_CHROMIUM")
    if configured and Path(configured).exists():
        return configured
    return next((p for p in CHROMIUM_PATHS if Path(p).exists()), None)


def find_postgres_bin() -> Path | None:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThrowawayPostgres:
    """A PostgreSQL cluster in a temporary folder, gone when the tests end."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="ihss-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, user="postgres", group="postgres")

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        return ["runuser", "-u", "postgres", "--", *cmd] if self.as_root else cmd

    def start(self) -> str:
        subprocess.run(
            self._cmd(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            self._cmd(
                "pg_ctl",
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.folder / "server.log"),
                "-w",
                "start",
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return f"postgres://postgres@127.0.0.1:{self.port}/ihss"

    def stop(self) -> None:
        subprocess.run(
            self._cmd("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def main() -> int:
    failures: list[str] = []
    skipped: list[str] = []
    env = base_env()

    say("Lint and format (ruff)")
    if not (
        run([str(BIN / "ruff"), "check", "."])
        and run([str(BIN / "ruff"), "format", "--check", "."])
    ):
        failures.append("ruff")

    say("Type checks (mypy)")
    if not run([str(BIN / "mypy"), "ihss"], env=env):
        failures.append("mypy")

    say("Migrations match the models")
    if not run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], env=env):
        failures.append("makemigrations --check")

    chromium = find_chromium()
    say("Test suite on SQLite" + (" with browser tests in Chromium" if chromium else ""))
    sqlite_env = dict(env)
    pytest = [sys.executable, "-m", "pytest", "-q", *workers()]
    if chromium:
        sqlite_env["IHSS_CHROMIUM"] = chromium
        sqlite_ok = run(pytest, env=sqlite_env)
    else:
        sqlite_ok = run([*pytest, "-m", "not browser"], env=sqlite_env)
        skipped.append(
            "browser tests: Chromium not found at /usr/bin/chromium (apt-get install chromium)"
        )
    if not sqlite_ok:
        failures.append("pytest on SQLite")

    bindir = find_postgres_bin()
    if bindir is None:
        skipped.append("PostgreSQL suite: initdb not found (apt-get install postgresql)")
    else:
        say(f"Test suite on PostgreSQL ({bindir})")
        cluster = ThrowawayPostgres(bindir)
        try:
            pg_env = dict(env, DATABASE_URL=cluster.start())
            if not run([*pytest, "-m", "not browser"], env=pg_env):
                failures.append("pytest on PostgreSQL")
        except subprocess.CalledProcessError as exc:
            failures.append(f"PostgreSQL cluster did not start ({exc})")
        finally:
            cluster.stop()

    print()
    for line in skipped:
        print(f"skipped: {line}")
    if CI and skipped:
        failures.append("CI=true requires the PostgreSQL and browser suites to run")
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("All checks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
