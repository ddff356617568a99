"""Sign-in throughput under gunicorn, against the raw Argon2id verify rate of the machine.

    .venv/bin/python bench/sign_in.py                         # SQLite in a temporary folder
    .venv/bin/python bench/sign_in.py --postgres              # a throwaway PostgreSQL cluster
    DATABASE_URL=postgres://... .venv/bin/python bench/sign_in.py   # a fresh database beside
                                                              # that one, dropped afterwards
    .venv/bin/python bench/sign_in.py --workers 3 --rounds 5 --seconds 20

In one run, on the same machine, taking turns (raw, sign-ins, raw, sign-ins, ..., raw):

1. the raw verify rate: Django's configured Argon2PasswordHasher (its time_cost,
   memory_cost and parallelism) verifying the benchmark passphrase in as many processes
   as gunicorn has workers, for a fixed time, while the server is idle;
2. sign-in throughput: gunicorn as `make serve` runs it (DEBUG off, WhiteNoise, sync
   workers) on a free loopback port, against a fresh, migrated database with fictional
   users (no second factor), and wrk (one thread, a Lua script) posting the sign-in
   form with the right passphrase and one reused CSRF cookie and token, a different
   user each time. A success is the 302 to the home page; anything else is a failure.

Prints each round and the whole: the ratio (2)/(1) (target: at least 0.9), latency
percentiles, the CPU time spent a sign-in (gunicorn workers, and our PostgreSQL) against
the CPU time of one raw verify, the shares of the machine taken by wrk and by other
processes, the load average, then markdown table rows for docs/benchmarks.md. Loopback
only, bounded in time (about a minute and a half with the defaults, plus set-up); stops
its processes and removes its database. Needs wrk (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TICKS = os.sysconf("SC_CLK_TCK")
# Fictional, used only by this benchmark's throwaway users; never printed.
PASSPHRASE = "amber lantern over quiet harbor 42"  # noqa: S105
USERNAME = "bench.signin.{}"
HOME = "/"
QUIET = 0.1  # a phase is quiet when other processes took less than this share of the machine

USERS_CODE = """
import os
from ihss.accounts.models import User
encoded = os.environ["BENCH_ENCODED"]
User.objects.bulk_create(
    User(username=os.environ["BENCH_USERNAME"].format(i), password=encoded, is_active=True)
    for i in range(int(os.environ["BENCH_USERS"]))
)
"""

# One wrk thread; every connection posts the form with the next username in turn, so
# concurrent sign-ins are for different people. Counts are summed over threads in done().
WRK_SCRIPT = r"""
local token = os.getenv("BENCH_CSRF_TOKEN")
local cookie = os.getenv("BENCH_CSRF_COOKIE")
local users = tonumber(os.getenv("BENCH_USERS"))
local secret = os.getenv("BENCH_PASSPHRASE")
local template = os.getenv("BENCH_USERNAME")
local home = os.getenv("BENCH_HOME")
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  ok, failed, n = 0, 0, id * 997
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }
end

function request()
  n = n + 1
  local name = string.gsub(template, "{}", tostring(n % users))
  local body = "csrfmiddlewaretoken=" .. token .. "&username=" .. name .. "&password=" .. secret
  return wrk.format("POST", "/sign-in/", headers, body)
end

function response(status, headers, body)
  if status == 302 and headers["Location"] == home then
    ok = ok + 1
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_failed = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_failed = total_failed + thread:get("failed")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"ok": %d, "failed": %d, "requests": %d, "duration_us": %d, ' ..
    '"socket_errors": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    total_ok, total_failed, summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


@dataclass
class Raw:
    rate: float  # verifies a second, all processes together
    cpu_ms: float  # CPU time of one verify
    other: float  # share of the machine other processes used meanwhile, 0..1


@dataclass
class Load:
    ok: int
    failed: int
    socket_errors: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    # CPU seconds during the run, and core-seconds the machine had.
    workers_s: float
    database_s: float
    wrk_s: float
    other_s: float
    capacity_s: float

    @property
    def rate(self) -> float:
        return self.ok / self.seconds


# --- CPU accounting (Linux /proc) ---------------------------------------------------------


def _stat(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def children_of(pid: int) -> list[int]:
    return [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and int(fields[1]) == pid
    ]


def cpu_seconds(pid: int | None, *, children: bool = False) -> float:
    """CPU time of a process; with children, also of its children, living or ended."""
    if pid is None:
        return 0.0
    fields = _stat(pid)
    if not fields:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime: ended children
        return ticks / TICKS + sum(cpu_seconds(c, children=True) for c in children_of(pid))
    return ticks / TICKS


class Machine:
    """Busy CPU time of the whole machine, in seconds of one core."""

    def __init__(self) -> None:
        self.cores = os.cpu_count() or 1
        self.started = self.busy()
        self.wall = time.monotonic()

    @staticmethod
    def busy() -> float:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:8]]
        return (sum(values) - values[3] - values[4]) / TICKS  # all but idle and iowait

    def capacity(self) -> float:
        """Core-seconds since this was made."""
        return (time.monotonic() - self.wall) * self.cores

    def busy_since(self) -> float:
        return self.busy() - self.started


# --- The raw verify rate ---------------------------------------------------------------


def _verify_loop(encoded: str, seconds: float, barrier: object, results: object) -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    barrier.wait()  # type: ignore[attr-defined]
    started = time.perf_counter()
    count = 0
    while time.perf_counter() - started < seconds:
        if not hasher.verify(PASSPHRASE, encoded):
            raise SystemExit("the benchmark hash does not verify")
        count += 1
    results.put((count, time.perf_counter() - started))  # type: ignore[attr-defined]


def raw_verify_rate(encoded: str, processes: int, seconds: float) -> Raw:
    """Verifies a second of `processes` processes verifying for `seconds`, and CPU a verify."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(processes)
    results = context.Queue()
    workers = [
        context.Process(target=_verify_loop, args=(encoded, seconds, barrier, results))
        for _ in range(processes)
    ]
    before = os.times()
    machine = Machine()
    for worker in workers:
        worker.start()
    done = [results.get(timeout=seconds + 60) for _ in workers]
    for worker in workers:
        worker.join()
    busy, capacity = machine.busy_since(), machine.capacity()
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    count = sum(c for c, _ in done)
    return Raw(
        rate=sum(c / s for c, s in done),
        cpu_ms=1000 * cpu / max(count, 1),
        other=max(0.0, busy - cpu) / capacity,
    )


# --- The database and the server ---------------------------------------------------------


@contextmanager
def postgres_database(url: str) -> Iterator[tuple[str, str]]:
    """A fresh database on the server of `url`, dropped afterwards: its URL and "PostgreSQL N"."""
    import psycopg

    parts = urlsplit(url)
    name = f"ihss_bench_signin_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        version = conn.info.server_version  # e.g. 150018
    try:
        label = f"PostgreSQL {version // 10000}.{version % 100}"
        yield urlunsplit(parts._replace(path=f"/{name}")), label
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database(folder: Path, throwaway_postgres: bool) -> Iterator[tuple[str, str, int | None]]:
    """(DATABASE_URL, description, postmaster PID if ours) of a fresh database for this run."""
    url = os.environ.get("DATABASE_URL", "")
    if throwaway_postgres:
        sys.path.insert(0, str(ROOT / "scripts"))
        from run_tests import ThrowawayPostgres, find_postgres_bin

        bindir = find_postgres_bin()
        if bindir is None:
            raise SystemExit("initdb not found (apt-get install postgresql)")
        cluster = ThrowawayPostgres(bindir)
        try:
            with postgres_database(cluster.start()) as (fresh, label):
                postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
                yield fresh, f"{label} (throwaway cluster, fsync off)", postmaster
        finally:
            cluster.stop()
    elif url.startswith(("postgres://", "postgresql://")):
        with postgres_database(url) as (fresh, label):
            yield fresh, label, None  # its CPU counts as other processes'
    else:
        label = f"SQLite {sqlite3.sqlite_version} (file, WAL)"
        yield f"sqlite:///{folder / 'bench.sqlite3'}", label, None


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(150):
        if server.poll() is not None:
            raise SystemExit("gunicorn exited at start-up")
        try:
            urllib.request.urlopen(base + "/sign-in/", timeout=2)  # noqa: S310 - loopback
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 30 seconds")


def csrf_pair(base: str) -> tuple[str, str]:
    """A CSRF cookie (as a Cookie header) and a form token that goes with it."""
    with urllib.request.urlopen(base + "/sign-in/", timeout=10) as page:  # noqa: S310
        cookies = [c.split(";")[0] for c in page.headers.get_all("Set-Cookie") or []]
        html = page.read().decode()
    cookie = next(c for c in cookies if c.split("=")[0].endswith("csrftoken"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if token is None:
        raise SystemExit("no CSRF token on the sign-in page")
    return cookie, token.group(1)


def run_wrk(base: str, env: dict[str, str], script: Path, connections: int, seconds: int) -> Load:
    server = int(env["BENCH_SERVER_PID"])
    postmaster = int(env["BENCH_POSTMASTER_PID"] or 0) or None
    workers = children_of(server)
    worker_cpu = sum(cpu_seconds(pid) for pid in workers)
    database_cpu = cpu_seconds(postmaster, children=True)
    machine = Machine()
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    wrk = subprocess.Popen(
        [*cmd, "-s", str(script), base + "/sign-in/"], env=env, stdout=subprocess.PIPE, text=True
    )
    assert wrk.stdout is not None
    out = wrk.stdout.read()
    _, status, usage = os.wait4(wrk.pid, 0)
    wrk.returncode = os.waitstatus_to_exitcode(status)
    busy, capacity = machine.busy_since(), machine.capacity()
    worker_cpu = sum(cpu_seconds(pid) for pid in workers) - worker_cpu
    database_cpu = cpu_seconds(postmaster, children=True) - database_cpu
    wrk_cpu = usage.ru_utime + usage.ru_stime
    if wrk.returncode != 0:
        raise SystemExit(f"wrk failed:\n{out}")
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    r = json.loads(line[6:])
    return Load(
        ok=r["ok"],
        failed=r["failed"],
        socket_errors=r["socket_errors"],
        seconds=r["duration_us"] / 1e6,
        p50_ms=r["p50_us"] / 1000,
        p90_ms=r["p90_us"] / 1000,
        p99_ms=r["p99_us"] / 1000,
        workers_s=worker_cpu,
        database_s=database_cpu,
        wrk_s=wrk_cpu,
        other_s=max(0.0, busy - worker_cpu - database_cpu - wrk_cpu),
        capacity_s=capacity,
    )


# --- The run ------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=4, help="of sign-ins (default 4)")
    parser.add_argument("--seconds", type=int, default=12, help="of sign-ins a round (12)")
    parser.add_argument(
        "--raw-seconds", type=int, default=6, help="of raw verifies before each round and after"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn workers = raw verify processes (2)"
    )
    parser.add_argument(
        "--connections", type=int, default=0, help="wrk connections (default 2 a worker)"
    )
    parser.add_argument("--users", type=int, default=500, help="fictional users (500)")
    parser.add_argument(
        "--postgres", action="store_true", help="start a throwaway PostgreSQL cluster"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk).")
        return 2
    connections = args.connections or 2 * args.workers
    load_at_start = os.getloadavg()

    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    # Every user gets this one hash: a verify costs the same as with a salt each.
    encoded = hasher.encode(PASSPHRASE, hasher.salt())
    params = f"t={hasher.time_cost}, m={hasher.memory_cost // 1024} MiB, p={hasher.parallelism}"

    folder = Path(tempfile.mkdtemp(prefix="ihss-bench-signin-"))
    server: subprocess.Popen[bytes] | None = None
    raws: list[Raw] = []
    loads: list[Load] = []
    try:
        with database(folder, args.postgres) as (url, db_label, postmaster):
            env = dict(
                os.environ,
                IHSS_ENV="development",
                DEBUG="false",
                IHSS_VAR_DIR=str(folder / "var"),
                DATABASE_URL=url,
                LOG_LEVEL="WARNING",
            )
            print(f"{db_label}: migrate, collectstatic, {args.users} users ...", flush=True)
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "collectstatic", "--noinput", "-v0")
            users_env = dict(
                env, BENCH_ENCODED=encoded, BENCH_USERNAME=USERNAME, BENCH_USERS=str(args.users)
            )
            manage(users_env, "shell", "-v0", "-c", USERS_CODE)

            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = subprocess.Popen(
                [
                    str(Path(PY).parent / "gunicorn"),
                    "ihss.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(args.workers),
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
            )
            wait_until_up(base, server)
            cookie, token = csrf_pair(base)
            script = folder / "sign_in.lua"
            script.write_text(WRK_SCRIPT)
            wrk_env = dict(
                os.environ,
                BENCH_SERVER_PID=str(server.pid),
                BENCH_POSTMASTER_PID=str(postmaster or ""),
                BENCH_CSRF_TOKEN=token,
                BENCH_CSRF_COOKIE=cookie,
                BENCH_USERS=str(args.users),
                BENCH_USERNAME=USERNAME,
                BENCH_PASSPHRASE=quote_plus(PASSPHRASE),
                BENCH_HOME=HOME,
            )
            if run_wrk(base, wrk_env, script, connections, 3).ok == 0:  # warm-up
                raise SystemExit("no sign-in succeeded in the warm-up")
            # Raw verifies (server idle) and sign-ins take turns, so that both see the
            # same machine even when other work comes and goes.
            print(
                f"{args.rounds} rounds: raw verify {args.raw_seconds} s, sign-ins "
                f"{args.seconds} s ({args.workers} workers, {connections} connections); "
                "then raw verify again",
                flush=True,
            )
            raws.append(raw_verify_rate(encoded, args.workers, args.raw_seconds))
            for _ in range(args.rounds):
                loads.append(run_wrk(base, wrk_env, script, connections, args.seconds))
                raws.append(raw_verify_rate(encoded, args.workers, args.raw_seconds))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)

    report(args, db_label, params, connections, raws, loads, load_at_start)
    return 0


def report(
    args: argparse.Namespace,
    db_label: str,
    params: str,
    connections: int,
    raws: list[Raw],
    loads: list[Load],
    load_at_start: tuple[float, float, float],
) -> None:
    cores = os.cpu_count() or 1

    def pct(part: float, whole: float) -> str:
        return f"{100 * part / whole:.0f}%"

    print(f"\n{platform.machine()}, {cores} cores, Python {platform.python_version()}")
    print(f"Argon2id {params}; {db_label}")
    print("Round | raw verifies/s (before, after) | sign-ins/s | ratio | other processes' CPU")
    for i, load in enumerate(loads):
        raw = (raws[i].rate + raws[i + 1].rate) / 2
        print(
            f"{i + 1} | {raws[i].rate:.2f}, {raws[i + 1].rate:.2f} | {load.rate:.2f} "
            f"| {load.rate / raw:.2f} | {pct(load.other_s, load.capacity_s)}"
        )
    raw = sum(r.rate for r in raws) / len(raws)
    raw_cpu = sum(r.cpu_ms for r in raws) / len(raws)
    ok = sum(x.ok for x in loads)
    seconds = sum(x.seconds for x in loads)
    rate = ok / seconds
    ratio = rate / raw
    failures = sum(x.failed + x.socket_errors for x in loads)
    capacity = sum(x.capacity_s for x in loads)
    workers, database = sum(x.workers_s for x in loads), sum(x.database_s for x in loads)
    wrk, other = sum(x.wrk_s for x in loads), sum(x.other_s for x in loads)
    other_share = max([other / capacity] + [r.other for r in raws])
    p50, p90, p99 = (max(getattr(x, f"p{n}_ms") for x in loads) for n in (50, 90, 99))
    # The same ratio from the phases in which other processes left the machine alone.
    quiet_raws = [r.rate for r in raws if r.other < QUIET]
    quiet_loads = [x for x in loads if x.other_s / x.capacity_s < QUIET]
    quiet_ratio = (
        sum(x.ok for x in quiet_loads)
        / sum(x.seconds for x in quiet_loads)
        / (sum(quiet_raws) / len(quiet_raws))
        if quiet_raws and quiet_loads
        else None
    )
    quiet = f"{quiet_ratio:.2f}" if quiet_ratio else "none quiet"
    server_cpu = 1000 * (workers + database) / max(ok, 1)
    print(
        f"Raw verify, {args.workers} processes: {raw:.2f} a second, {raw_cpu:.0f} ms CPU each\n"
        f"Sign-ins, {args.workers} gunicorn workers, {connections} connections: {ok} in "
        f"{seconds:.0f} s, {rate:.2f} a second; {failures} failed\n"
        f"Latency (worst round) p50 {p50:.0f} ms, p90 {p90:.0f} ms, p99 {p99:.0f} ms\n"
        f"CPU a sign-in: {1000 * workers / max(ok, 1):.0f} ms in gunicorn workers"
        + (f" + {1000 * database / max(ok, 1):.0f} ms in PostgreSQL" if database else "")
        + f" (a raw verify: {raw_cpu:.0f} ms); CPU-time ratio {raw_cpu / server_cpu:.2f}, "
        "the ratio a quiet machine gives if both are CPU-bound\n"
        f"Machine during the sign-ins: workers {pct(workers, capacity)}, "
        f"PostgreSQL {pct(database, capacity)}, wrk {100 * wrk / capacity:.1f}%, other processes "
        f"{pct(other, capacity)} (at most {100 * other_share:.0f}% in any phase)\n"
        f"Load average: {load_at_start[0]:.2f} at start, {os.getloadavg()[0]:.2f} at end\n"
        f"Ratio sign-ins / raw verifies: {ratio:.2f} "
        f"({'meets' if ratio >= 0.9 else 'BELOW'} the 0.9 target); from the quiet phases "
        f"only (other processes under {100 * QUIET:.0f}% of the machine: "
        f"{len(quiet_raws)} of {len(raws)} raw, {len(quiet_loads)} of {len(loads)} sign-in): "
        f"{quiet}\n"
    )
    print(
        "| Database | Workers | Raw verifies/s | Sign-ins/s | Ratio (quiet phases) "
        "| p50 / p90 / p99 | Failures | CPU a sign-in (a verify) | wrk CPU | Other CPU "
        "| Load average |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|"
    )
    print(
        f"| {db_label} | {args.workers} | {raw:.2f} | {rate:.2f} | **{ratio:.2f}** ({quiet}) "
        f"| {p50:.0f} / {p90:.0f} / {p99:.0f} ms | {failures} "
        f"| {server_cpu:.0f} ms ({raw_cpu:.0f} ms) | {100 * wrk / capacity:.1f}% "
        f"| {100 * other_share:.0f}% | {load_at_start[0]:.1f} |"
    )


if __name__ == "__main__":
    sys.exit(main())
