"""Personal access tokens: their text, how it is stored, and finding the token of a call.

The text is `ihss_pat_<prefix>_<secret>`:

- `ihss_pat_` lets secret scanners (GitHub's push protection, gitleaks, trufflehog) tell
  an IHSS token from random text, so a token pasted into a repository can be caught.
- `<prefix>`, 8 random characters, is not secret: it finds the row through a unique index
  and is shown in lists, so that a person can tell their tokens apart.
- `<secret>`, 40 random characters from 62 (about 238 bits, from `secrets`), is.

Only the SHA-256 digest of the whole text is stored, never the text. A password needs a
slow, salted hash (Argon2id) because people choose guessable ones: each guess must cost.
A 238-bit random secret cannot be guessed, however fast the hash, so a slow hash would
add nothing but 20 ms and 19 MiB of memory to every API call. Digests are compared with
hmac.compare_digest, in constant time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import string

from django.db.models import Q
from django.utils import timezone

from ihss.accounts.models import PersonalAccessToken, User
from ihss.core import registry

TEXT_PREFIX = "ihss_pat_"
PREFIX_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
PREFIX_LENGTH = 8
SECRET_ALPHABET = string.ascii_letters + string.digits
SECRET_LENGTH = 40
TOKEN_TEXT = re.compile(
    rf"{TEXT_PREFIX}(?P<prefix>[{PREFIX_ALPHABET}]{{{PREFIX_LENGTH}}})_[A-Za-z0-9]{{{SECRET_LENGTH}}}"
)

EXPIRY_DAYS = (30, 90, 365)  # the choices offered; a token never lives longer than a year
DEFAULT_EXPIRY_DAYS = 90
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often, not at every call.
LAST_USED_EVERY = dt.timedelta(minutes=1)

# Compared against when no token has the prefix, so that the answer takes as long.
_NO_DIGEST = "0" * 64


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def new_text() -> tuple[str, str]:
    """A fresh (prefix, token text)."""
    prefix = _random(PREFIX_ALPHABET, PREFIX_LENGTH)
    return prefix, f"{TEXT_PREFIX}{prefix}_{_random(SECRET_ALPHABET, SECRET_LENGTH)}"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def find_usable(text: str, *, now: dt.datetime | None = None) -> PersonalAccessToken | None:
    """The token with this text if it may be used now, with its owner; else None.

    None for every reason (malformed, unknown, wrong secret, expired, revoked, owner
    deactivated), so that callers answer them all alike.
    """
    match = TOKEN_TEXT.fullmatch(text)
    if match is None:
        return None
    token = (
        PersonalAccessToken.objects.select_related("user").filter(prefix=match["prefix"]).first()
    )
    matches = hmac.compare_digest(token.digest if token else _NO_DIGEST, digest(text))
    if token is None or not matches:
        return None
    if not token.is_active(now) or not token.user.is_active:
        return None
    return token


def allowed_scopes(user: User) -> list[registry.Scope]:
    """The scopes the person's roles allow now, as each app declares them in its `app.py`
    (for example case records only for those who use them; never timesheets:write for the
    service desk, which only reads them)."""
    return [scope for scope in registry.token_scopes() if scope.may_hold(user)]


def note_use(token: PersonalAccessToken, *, now: dt.datetime | None = None) -> None:
    """Record when the token was last used: at most one write a minute, not one a call."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    PersonalAccessToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_EVERY), pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now
