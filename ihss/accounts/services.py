"""Workflows that change accounts. Views, the API and commands call these.

Each runs in one transaction and writes its audit event there; who may call it is
decided before, in the view (the Service Desk's role).
"""

from __future__ import annotations

from axes.utils import reset as reset_axes
from django.db import transaction

from ihss.accounts.lockout import normalize
from ihss.accounts.models import SecurityEvent, User
from ihss.core import audit


class ReasonRequired(ValueError):
    """A Service Desk action was attempted without the reason the trail needs."""


def unlock(*, user: User, by: User, reason: str) -> int:
    """End a sign-in pause now (the Service Desk, after checking who is calling).

    Returns how many counted failures were cleared. The reason typed by the agent goes
    into the audit trail with their name.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise ReasonRequired("Write why the account is unlocked.")
    username = normalize(user.get_username())
    with transaction.atomic():
        cleared = int(reset_axes(username=username))
        SecurityEvent.objects.create(user=user, username=username, kind=SecurityEvent.Kind.UNLOCKED)
        audit.record(
            actor=by,
            action="accounts.unlock",
            subject=user,
            before={"failed_attempts_counted": cleared},
            after={"failed_attempts_counted": 0},
            reason=reason,
        )
    return cleared
