"""Encryption at rest for SSNs and bank numbers, and blind indexes to find them.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a MultiFernet built
from settings.FIELD_ENCRYPTION_KEYS: the first key encrypts, every key decrypts, so keys
rotate without downtime. Exact lookups use an HMAC-SHA256 of the normalised value under a
separate key (BLIND_INDEX_KEY): without that key, the index cannot be brute-forced.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

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
