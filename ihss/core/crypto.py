"""Encryption at rest for SSNs and bank numbers, and blind indexes to find them.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a MultiFernet built
from settings.FIELD_ENCRYPTION_KEYS: the first key encrypts, every key decrypts, so keys
rotate without downtime. Exact lookups use an HMAC-SHA256 of the normalised value under a
separate key (BLIND_INDEX_KEY): without that key, the index cannot be brute-forced.
"""

from __future__ import annotations

import hashlib
import hmac
import multiprocessing
import os
from collections.abc import Sequence
from functools import cache
from multiprocessing.connection import Connection
from types import TracebackType

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be comma-separated Fernet keys "
            "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())')."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored value cannot be decrypted with FIELD_ENCRYPTION_KEYS; "
            "was a key removed before `manage.py rotate_field_keys` ran?"
        ) from exc


def decrypt_stored(token: str | None) -> str:
    """A stored value in clear: the empty string stays empty (it is never encrypted)."""
    return "" if token in (None, "") else decrypt(token)


class DecryptingProcess:
    """A process of its own that decrypts stored values, a list at a time, answering the
    lists in the order they were sent: `send` from one thread and `receive` from another,
    and the decrypting (Fernet, about 28 us a value in Python) runs on another core.

    Forked (Linux, macOS), so it has the keys the parent has; start it before starting
    other threads. It never touches the database connections it inherits (it ends with
    `os._exit`, as multiprocessing's forked processes do), and it ends when the parent
    closes it, or dies: its pipe from the parent then reads as closed. The values cross
    an OS pipe between the two processes only, never a file or a log.
    """

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self._tokens_in, self._tokens_out = context.Pipe(duplex=False)
        self._clear_in, self._clear_out = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_decrypt_lists,
            args=(self._tokens_in, self._tokens_out, self._clear_in, self._clear_out),
            name="decrypting",
            daemon=True,
        )
        self._process.start()
        self._tokens_in.close()  # the child's ends
        self._clear_out.close()

    def send(self, tokens: Sequence[str | None]) -> None:
        self._tokens_out.send(list(tokens))

    def receive(self) -> list[str]:
        """The next list sent, in clear (raises what decrypting it raised)."""
        try:
            answer = self._clear_in.recv()
        except EOFError as exc:
            raise RuntimeError("The decrypting process ended before answering.") from exc
        if isinstance(answer, BaseException):
            raise answer
        return list(answer)

    def close(self) -> None:
        self._tokens_out.close()
        self._clear_in.close()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def __enter__(self) -> DecryptingProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _decrypt_lists(
    tokens_in: Connection, tokens_out: Connection, clear_in: Connection, clear_out: Connection
) -> None:
    tokens_out.close()  # the parent's ends: with them closed here, a parent that dies
    clear_in.close()  # leaves the pipe closed, and this process ends
    while True:
        try:
            tokens = tokens_in.recv()
        except EOFError:
            break
        try:
            answer: list[str] | BaseException = [decrypt_stored(t) for t in tokens]
        except Exception as error:  # noqa: BLE001 - handed to the parent, which raises it
            answer = error
        try:
            clear_out.send(answer)
        except (BrokenPipeError, OSError):
            break
    os._exit(0)  # never the inherited connections' or atexit's clean-up


def rotate(token: str) -> str:
    """Re-encrypt a token under the first (current) key."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def digits_only(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def blind_index(value: str, *, purpose: str) -> str:
    """HMAC of the normalised value, scoped by purpose so an SSN index is not a bank index."""
    key = settings.BLIND_INDEX_KEY.encode()
    message = f"{purpose}:{digits_only(value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def mask(last4: str, *, width: int = 9) -> str:
    """Show only the last four digits: ***-**-1234 for an SSN, ****5678 otherwise."""
    if not last4:
        return ""
    if width == 9:
        return f"***-**-{last4}"
    return "*" * 4 + last4
