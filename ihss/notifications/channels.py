"""The outside channels: email over SMTP and text messages through a provider backend.

Each sender either returns (the message left us) or raises `TemporaryFailure` (try again
later) or `PermanentFailure` (trying again cannot help; `address_refused` when the fault
is the person's address or number, which the portal then shows them).
"""

from __future__ import annotations

import json
import smtplib
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone
from django.utils.module_loading import import_string

from ihss.notifications.rendering import Email
from ihss.notifications.rules import sms_refusal_is_permanent, smtp_refusal_is_permanent


class TemporaryFailure(Exception):
    """The channel could not take the message now; another try may work."""


class PermanentFailure(Exception):
    """Another try cannot work."""

    def __init__(self, reason: str, *, address_refused: bool = False) -> None:
        super().__init__(reason)
        self.address_refused = address_refused


# --- Email --------------------------------------------------------------------------------


def send_email(
    *, to: str, email: Email, message_id: str, headers: dict[str, str] | None = None
) -> None:
    """Send one email through Django's configured backend (SMTP in production)."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id, **(headers or {})},
        connection=get_connection(fail_silently=False),
    )
    message.attach_alternative(email.html, "text/html")
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()), (0, b""))
        reason = f"SMTP {code}: {_reply_text(reply)}"
        if smtp_refusal_is_permanent(code):
            raise PermanentFailure(reason, address_refused=True) from None
        raise TemporaryFailure(reason) from None
    except smtplib.SMTPSenderRefused as error:
        # Our own sending address was refused: a configuration fault, not the reader's.
        raise TemporaryFailure(f"SMTP {error.smtp_code}: sender refused") from None
    except smtplib.SMTPResponseException as error:
        reason = f"SMTP {error.smtp_code}: {_reply_text(error.smtp_error)}"
        if smtp_refusal_is_permanent(error.smtp_code):
            raise PermanentFailure(reason) from None
        raise TemporaryFailure(reason) from None
    except (smtplib.SMTPException, OSError) as error:
        raise TemporaryFailure(f"{type(error).__name__}: {error}"[:300]) from None


def _reply_text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())[:200]


# --- Text messages ------------------------------------------------------------------------


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str, reference: str) -> str:
        """Send `body` to the E.164 number `to`; return the provider's message id.

        `reference` is unique per message and stable across retries, so that a provider
        that supports idempotency keys drops a repeated request.
        """
        ...


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend


class FileSmsBackend:
    """Development: append each text as one JSON line to SMS_FILE_PATH (var/sms.log)."""

    _lock = threading.Lock()

    def send(self, *, to: str, body: str, reference: str) -> str:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"at": timezone.now().isoformat(), "to": to, "body": body, "reference": reference},
            ensure_ascii=False,
        )
        with self._lock, path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        return f"file:{reference}"


class ConsoleSmsBackend:
    """Development: print each text to standard output."""

    def send(self, *, to: str, body: str, reference: str) -> str:
        sys.stdout.write(f"[text to {to}] {body}\n")
        sys.stdout.flush()
        return f"console:{reference}"


class HttpSmsBackend:
    """A text provider reached by HTTPS: one JSON POST per message.

    POST SMS_HTTP_URL with `Authorization: Bearer SMS_HTTP_TOKEN`, an `Idempotency-Key`
    header and the body {"to", "from", "body", "reference"}; a 2xx answer carries
    {"id": "..."}. 400, 404, 410 and 422 mean the number is bad; any other failure,
    including a timeout or a refused connection, is tried again later.
    """

    def send(self, *, to: str, body: str, reference: str) -> str:
        if not settings.SMS_HTTP_URL:
            raise TemporaryFailure("SMS_HTTP_URL is not configured")
        payload = json.dumps(
            {"to": to, "from": settings.SMS_FROM, "body": body, "reference": reference}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
            settings.SMS_HTTP_URL,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
                "Idempotency-Key": reference,
            },
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.SMS_HTTP_TIMEOUT
            ) as response:
                answer: Any = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            reason = f"HTTP {error.code}"
            if sms_refusal_is_permanent(error.code):
                raise PermanentFailure(reason, address_refused=True) from None
            raise TemporaryFailure(reason) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise TemporaryFailure(f"{type(error).__name__}: {error}"[:300]) from None
        return str(answer.get("id", "")) if isinstance(answer, dict) else ""
