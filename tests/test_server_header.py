"""gunicorn, run with the portal's gunicorn.conf.py, does not name itself in a Server header."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str) -> http.client.HTTPResponse:
    deadline = time.monotonic() + 30
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        finally:
            connection.close()


def test_the_server_does_not_name_itself():
    port = _free_port()
    env = dict(os.environ, IHSS_ENV="test", DJANGO_SETTINGS_MODULE="ihss.settings_test")
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "ihss.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        response = _get(port, "/sign-in/")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert response.status == 200
    assert response.getheader("Server") is None
    assert response.getheader("Date")  # gunicorn's other headers are still there
