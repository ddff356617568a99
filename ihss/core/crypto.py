"""Encryption at rest for SSNs and bank numbers, and blind indexes to find them.

Values are encrypted with AES-256-GCM (NIST SP 800-38D, `cryptography`'s AESGCM): a random
96-bit nonce a value, the 128-bit tag checked on reading. Each key of
settings.FIELD_ENCRYPTION_KEYS (32 random bytes, written as a Fernet key) gives, by
HKDF-SHA256, an AES key and a public key id carried in each token: the first key
encrypts, every key decrypts, so keys rotate without downtime (ADR 21). Values written
before ADR 21 are Fernet tokens (AES-128-CBC + HMAC-SHA256); they still read, under the
same keys, and `manage.py rotate_field_keys` rewrites them. Exact lookups use an
HMAC-SHA256 of the normalised value under a separate key (BLIND_INDEX_KEY): without that
key, the index cannot be brute-forced.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from multiprocessing.connection import Connection
from types import TracebackType

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# A token: PREFIX, then base64url of the key id, the nonce, and the ciphertext with its
# tag. ":" is never in a Fernet token (base64url), so the two kinds cannot be confused.
PREFIX = "v2:"
KEY_ID_BYTES = 4
NONCE_BYTES = 12  # 96 bits, GCM's own size (SP 800-38D 8.2.2: random, under 2**32 a key)
# Read with each token as associated data: the format and the key id are authenticated.
_HEADER = b"ihss field v2"
_KEY_INFO = b"ihss field encryption: AES-256-GCM key"
_KEY_ID_INFO = b"ihss field encryption: key id"
_KEY_ERROR = (
    "A stored value cannot be decrypted with FIELD_ENCRYPTION_KEYS; "
    "was a key removed before `manage.py rotate_field_keys` ran?"
)


def _derive(secret: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(secret)


@dataclass(frozen=True)
class _Keys:
    current: bytes  # the first key's id
    by_id: dict[bytes, AESGCM]
    legacy: MultiFernet  # for tokens written before ADR 21


@cache
def _keys(keys: tuple[str, ...]) -> _Keys:
    try:
        secrets = [base64.urlsafe_b64decode(key.encode()) for key in keys]
        legacy = MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, binascii.Error) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be comma-separated Fernet keys "
            "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())')."
        ) from exc
    by_id: dict[bytes, AESGCM] = {}
    for secret in secrets:  # a key listed twice is the same key: kept once
        by_id.setdefault(
            _derive(secret, _KEY_ID_INFO, KEY_ID_BYTES), AESGCM(_derive(secret, _KEY_INFO, 32))
        )
    return _Keys(next(iter(by_id)), by_id, legacy)


def keys() -> _Keys:
    return _keys(tuple(settings.FIELD_ENCRYPTION_KEYS))


def fernet() -> MultiFernet:
    """The keys as Fernet keys (for encrypted files: ihss/core/jobs.py)."""
    return keys().legacy


def encrypt(plaintext: str) -> str:
    current = keys()
    nonce = os.urandom(NONCE_BYTES)
    sealed = current.by_id[current.current].encrypt(
        nonce, plaintext.encode(), _HEADER + current.current
    )
    return PREFIX + base64.urlsafe_b64encode(current.current + nonce + sealed).decode("ascii")


def decrypt(token: str) -> str:
    found = keys()
    try:
        if not token.startswith(PREFIX):
            return found.legacy.decrypt(token.encode("ascii")).decode()
        raw = base64.urlsafe_b64decode(token[len(PREFIX) :])
        key_id = raw[:KEY_ID_BYTES]
        nonce = raw[KEY_ID_BYTES : KEY_ID_BYTES + NONCE_BYTES]
        key = found.by_id.get(key_id)
        if key is None or len(nonce) != NONCE_BYTES:
            raise InvalidTag
        return key.decrypt(nonce, raw[KEY_ID_BYTES + NONCE_BYTES :], _HEADER + key_id).decode()
    except (InvalidTag, InvalidToken, ValueError, binascii.Error) as exc:
        raise ImproperlyConfigured(_KEY_ERROR) from exc


def decrypt_stored(token: str | None) -> str:
    """A stored value in clear: the empty string stays empty (it is never encrypted)."""
    return "" if token in (None, "") else decrypt(token)


def is_current(token: str) -> bool:
    """Whether `token` is written as `encrypt` writes now, under the first key, and reads."""
    if not token.startswith(PREFIX):
        return False
    try:
        raw = base64.urlsafe_b64decode(token[len(PREFIX) :])
    except (ValueError, binascii.Error):
        return False
    if raw[:KEY_ID_BYTES] != keys().current:
        return False
    try:
        decrypt(token)
    except ImproperlyConfigured:
        return False
    return True


class DecryptingProcess:
    """A process of its own that decrypts stored values, a list at a time, answering the
    lists in the order they were sent: `send` from one thread and `receive` from another,
    and the decrypting (about 5 us a value; 30 us for a Fernet token) runs on another core.

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
    """Re-encrypt a token under the first (current) key, as `encrypt` writes now."""
    return encrypt(decrypt(token))


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
