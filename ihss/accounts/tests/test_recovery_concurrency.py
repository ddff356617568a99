"""Recovery requests for one account at the same moment, on PostgreSQL: one request
answered twice sends one email."""

from __future__ import annotations

import pytest

from ihss import test as cast
from ihss.accounts import recovery
from ihss.accounts.models import SecurityEvent
from ihss.notifications.models import Notification

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_one_request_answered_twice_at_once_sends_one_email(mailoutbox):
    ana = cast.make_user("ana.reyes")
    request = SecurityEvent.objects.create(username="", kind="recovery_requested")

    def answer():
        recovery.answer_request(request_id=request.pk, what=recovery.RESET, typed="ana.reyes")

    assert cast.at_once([answer, answer]) == [None, None]
    assert Notification.objects.filter(user=ana, event="password_reset_link").count() == 1
    assert len(mailoutbox) == 1
