"""Pure rules of accounts: how long a sign-in lockout lasts.

No Django, no clock: counts and limits are arguments.
"""

from __future__ import annotations


def lockout_minutes(previous_lockouts: int, *, base_minutes: int, cap_minutes: int) -> int:
    """The length of a lockout after `previous_lockouts` others in the recent past.

    The first lasts `base_minutes`; each repeat doubles it, up to `cap_minutes`. Never
    permanent: NIST SP 800-63B limits failed attempts without locking a person out for
    good, so the real owner can always come back.
    """
    if previous_lockouts < 0:
        raise ValueError("a count of lockouts cannot be negative")
    return int(min(cap_minutes, base_minutes * 2 ** min(previous_lockouts, 32)))


def too_many_from_one_address(failures: int, *, limit: int) -> bool:
    """Whether one network address has failed so often that it must wait.

    This throttle is looser than the per-account lockout and never locks an account: it
    slows one attacker trying many usernames without touching the people they target.
    """
    return failures >= limit
