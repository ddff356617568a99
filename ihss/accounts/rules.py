"""Pure rules of accounts: lockouts, one-time codes, recovery codes, fresh confirmations.

No Django, no clock: times, counts and limits are arguments.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass


def normalize_username(username: str | None) -> str:
    """The form a username is counted and recorded under: case and spaces do not matter."""
    return (username or "").strip().lower()


def lockout_minutes(previous_lockouts: int, *, base_minutes: int, cap_minutes: int) -> int:
    """The length of a lockout after `previous_lockouts` others in the recent past.

    The first lasts `base_minutes`; each repeat doubles it, up to `cap_minutes`. Never
    permanent: NIST SP 800-63B limits failed attempts without locking a person out for
    good, so the real owner can always come back.
    """
    if previous_lockouts < 0:
        raise ValueError("a count of lockouts cannot be negative")
    return int(min(cap_minutes, base_minutes * 2 ** min(previous_lockouts, 32)))


@dataclass(frozen=True)
class AfterFailure:
    """What one more wrong password does to a count: a pause, the stop, or nothing yet."""

    failures: int  # consecutive failures, this one included
    pause_minutes: int  # 0 when this failure starts no pause
    stopped: bool  # the cap is reached: no more tries until recovery, unlock or success


def after_failure(
    *,
    failures_before: int,
    pauses_before: int,
    limit: int,
    cap: int,
    base_minutes: int,
    cap_minutes: int,
) -> AfterFailure:
    """Count one more consecutive failure of one browser group (NIST SP 800-63B rev 4).

    Every `limit`-th failure pauses the group, longer each time (`lockout_minutes`); the
    `cap`-th stops it. The cap wins when both fall on the same failure, so the count
    never passes the cap.
    """
    if failures_before < 0 or pauses_before < 0:
        raise ValueError("a count of failures or pauses cannot be negative")
    if limit < 1 or cap < 1:
        raise ValueError("the failure limit and the cap must be at least 1")
    failures = failures_before + 1
    if failures >= cap:
        return AfterFailure(failures=failures, pause_minutes=0, stopped=True)
    if failures % limit == 0:
        minutes = lockout_minutes(pauses_before, base_minutes=base_minutes, cap_minutes=cap_minutes)
        return AfterFailure(failures=failures, pause_minutes=minutes, stopped=False)
    return AfterFailure(failures=failures, pause_minutes=0, stopped=False)


def tries_before_pause(*, failures: int, limit: int, cap: int) -> int:
    """How many more wrong passwords this browser group may type before the next one
    pauses (or, at the cap, stops) it: what the sign-in page tells the person."""
    if failures < 0:
        raise ValueError("a count of failures cannot be negative")
    if limit < 1 or cap < 1:
        raise ValueError("the failure limit and the cap must be at least 1")
    return max(0, min(limit - failures % limit, cap - failures))


def minutes_left(seconds: int) -> int:
    """Whole minutes a person must still wait, rounded up: never "0 minutes" while paused."""
    return max(0, -(-seconds // 60))


def too_many_from_one_address(failures: int, *, limit: int) -> bool:
    """Whether one network address has failed so often that it must wait.

    This throttle is looser than the per-account lockout and never locks an account: it
    slows one attacker trying many usernames without touching the people they target.
    """
    return failures >= limit


# --- Second factors ---------------------------------------------------------------------

TOTP_PERIOD_SECONDS = 30
TOTP_DIGITS = 6
# Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_CODE_LENGTH = 16  # 80 bits: a plain digest is safe to store, unlike a password
_CROCKFORD_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def hotp(secret: bytes, counter: int, *, digits: int = TOTP_DIGITS) -> str:
    """The HOTP code of RFC 4226 for one counter value."""
    mac = hmac.new(secret, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def totp_step(now: float, *, period: int = TOTP_PERIOD_SECONDS) -> int:
    """The RFC 6238 time step a moment falls in."""
    return int(now // period)


def totp_secret_bytes(secret: str) -> bytes:
    """Decode a base32 secret as apps show it (any case, spaces allowed, no padding)."""
    cleaned = "".join(secret.split()).upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def totp_step_matching(
    *, secret: str, code: str, now: float, after_step: int, window: int
) -> int | None:
    """The time step whose code is `code`, or None.

    Steps within `window` of now count (phone clocks drift), but only steps after
    `after_step`, the last one accepted: a code works once, and an older code never works
    after a newer one.
    """
    typed = "".join(code.split())
    if len(typed) != TOTP_DIGITS or not typed.isascii() or not typed.isdigit():
        return None
    key = totp_secret_bytes(secret)
    current = totp_step(now)
    for step in range(current - window, current + window + 1):
        if step > after_step and hmac.compare_digest(hotp(key, step), typed):
            return step
    return None


def format_recovery_code(raw: bytes) -> str:
    """A recovery code from 10 random bytes, in four groups: `7KQ2-M9XD-...`."""
    if len(raw) * 8 < RECOVERY_CODE_LENGTH * 5:
        raise ValueError("not enough random bytes for a recovery code")
    number = int.from_bytes(raw, "big")
    chars = []
    for _ in range(RECOVERY_CODE_LENGTH):
        number, index = divmod(number, len(RECOVERY_ALPHABET))
        chars.append(RECOVERY_ALPHABET[index])
    code = "".join(chars)
    return "-".join(code[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))


def recovery_code_digest(typed: str) -> str | None:
    """The stored form of a recovery code as typed (any case, spaces or dashes), or None.

    Look-alike letters read as the digits they resemble, as in Crockford's base32.
    """
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t\n").translate(
        _CROCKFORD_ALIASES
    )
    if len(cleaned) != RECOVERY_CODE_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in cleaned):
        return None
    return hashlib.sha256(cleaned.encode("ascii")).hexdigest()


def second_factor_required(roles: set[str], *, required_roles: set[str]) -> bool:
    """Whether someone holding `roles` must use a second factor to sign in."""
    return bool(roles & required_roles)


def confirmation_is_fresh(confirmed_at: float | None, *, now: float, max_age: int) -> bool:
    """Whether a password or code given at `confirmed_at` still covers a sensitive change."""
    return confirmed_at is not None and 0 <= now - confirmed_at <= max_age
