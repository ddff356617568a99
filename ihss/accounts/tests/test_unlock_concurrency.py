"""50 identical Service Desk unlocks at the same moment, on PostgreSQL (issue 12, section 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from ihss import test as cast
from ihss.accounts import services
from ihss.accounts.models import Role, SecurityEvent, SignInGuard
from ihss.core.audit import trail

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_fifty_unlocks_at_once_unlock_once_and_give_every_caller_the_same_answer():
    assert connection.vendor == "postgresql"
    ana = cast.make_user("ana.reyes")
    desk = cast.make_user("service.desk", Role.SERVICE_DESK)
    SignInGuard.objects.create(
        username="ana.reyes",
        failures=100,
        pauses=8,
        paused_until=timezone.now() + dt.timedelta(hours=5),
        stopped_at=timezone.now(),
    )
    SignInGuard.objects.create(username="ana.reyes", device="a-known-browser", failures=3)
    answers: list[services.UnlockOutcome] = []

    def unlock() -> None:
        answers.append(services.unlock(user=ana, by=desk, reason="Caller verified by phone."))

    assert cast.at_once([unlock] * 50) == [None] * 50
    assert len(answers) == 50
    assert len(set(answers)) == 1 and answers[0].unlocked_at is not None
    assert trail(ana).filter(action="accounts.unlock").count() == 1
    assert SecurityEvent.objects.filter(user=ana, kind="unlocked").count() == 1
    assert not SignInGuard.objects.filter(username="ana.reyes").exists()
