"""Requests per second and latency of a few pages under `make serve`'s production setup.

Starts gunicorn (DEBUG off, WhiteNoise) on a free loopback port against the current
database (run `make demo` first; set DATABASE_URL for PostgreSQL), signs in the demo
county worker by creating a session, runs wrk against each page for a fixed time, then
stops the server. Loopback only; bounded in time. Needs wrk (apt-get install wrk).

    .venv/bin/python bench/web_load.py [--seconds 15] [--connections 16] [--workers 3]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PAGES = [
    ("sign-in page (anonymous)", "/sign-in/", False),
    ("county home", "/county/", True),
    ("recipient whole picture", "/cases/recipients/1900001/", True),
    ("recipient search by name", "/cases/recipients/?q=Delgado", True),
    ("API recipient detail", "/api/v1/cases/recipients/1900001", True),
]

SESSION_CODE = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from ihss.accounts.models import User
user = User.objects.get(username="county.la")
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(store.session_key)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk).")
        return 2
    env = dict(os.environ, DEBUG="false")
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    session = (
        subprocess.run(
            [PY, "manage.py", "shell", "-c", SESSION_CODE],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    port = free_port()
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
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(base + "/sign-in/", timeout=1)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.2)
        print(
            f"{args.connections} connections, {args.workers} workers, {args.seconds} s a page\n"
            "| Page | Requests/s | p50 | p99 | Errors |"
        )
        for label, path, signed_in in PAGES:
            cmd = [
                "wrk",
                "-t2",
                f"-c{args.connections}",
                f"-d{args.seconds}s",
                "--latency",
                base + path,
            ]
            if signed_in:
                cmd[1:1] = ["-H", f"Cookie: sessionid={session}"]
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
            p50 = re.search(r"50%\s+([\d.]+\w+)", out)
            p99 = re.search(r"99%\s+([\d.]+\w+)", out)
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            print(
                f"| {label} | {float(rps.group(1)) if rps else 0:,.0f} "
                f"| {p50.group(1) if p50 else '?'} | {p99.group(1) if p99 else '?'} "
                f"| {errors.group(1) if errors else 0} |"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
