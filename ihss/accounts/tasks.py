"""Background tasks of accounts: the answers to recovery requests."""

from __future__ import annotations

from django_tasks import task

from ihss.accounts import recovery


@task()
def answer_recovery_request(request_id: int, what: str, typed: str) -> str:
    """Find the account a username or reset request names and queue its email."""
    return recovery.answer_request(request_id=request_id, what=what, typed=typed)
