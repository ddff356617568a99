"""Fixtures of the notification tests: a real SMTP server and a fake text provider."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from ihss.notifications.tests.smtp_server import Mailbox, smtp_server


@pytest.fixture
def smtp(settings) -> Iterator[Mailbox]:
    """Email goes over SMTP to a server started for the test; read it back from the mailbox."""
    with smtp_server() as (port, mailbox):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 5
        yield mailbox


@dataclass
class TextProvider:
    """A stand-in for a text-message provider's HTTPS API, on a local port."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    # Status codes to answer, in order; when empty, 200.
    answers: list[int] = field(default_factory=list)

    def bodies(self) -> list[str]:
        return [r["body"] for r in self.received]


@pytest.fixture
def text_provider(settings) -> Iterator[TextProvider]:
    provider = TextProvider(url="")
    lock = threading.Lock()

    class Handle(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            length = int(self.headers.get("Content-Length", "0"))
            payload = json.loads(self.rfile.read(length))
            with lock:
                status = provider.answers.pop(0) if provider.answers else 200
                if status == 200:
                    provider.received.append(payload)
                    provider.headers.append(dict(self.headers))
                answer = {"id": f"msg-{len(provider.received)}"} if status == 200 else {}
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    provider.url = f"http://127.0.0.1:{server.server_address[1]}/messages"
    settings.SMS_BACKEND = "ihss.notifications.channels.HttpSmsBackend"
    settings.SMS_HTTP_URL = provider.url
    settings.SMS_HTTP_TOKEN = "test-token-not-secret"
    settings.SMS_HTTP_TIMEOUT = 5
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
