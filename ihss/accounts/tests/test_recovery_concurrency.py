"""Recovery requests for one account at the same moment, on PostgreSQL: the per-account
limit on emails holds, and one request answered twice sends one email."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from ihss import test as cast
from ihss.accounts import recovery
from ihss.accounts.models import SecurityEvent
from ihss.notifications.models import Notification

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_reset_requests_at_the_same_moment_send_no_more_emails_than_the_limit(settings, mailoutbox):
    assert connection.vendor == "postgresql"
    settings.RECOVERY_EMAILS_PER_ACCOUNT_PER_HOUR = 2
    ana = cast.make_user("ana.reyes")

    def ask(n: int):
        def post():
            answer = Client(REMOTE_ADDR=f"203.0.113.{n}").post(
                reverse("recover-password"), {"username_or_email": "ana.reyes"}
            )
            assert answer.status_code == 200

        return post

    assert cast.at_once([ask(n) for n in range(1, 9)]) == [None] * 8
    assert Notification.objects.filter(user=ana, event="password_reset_link").count() == 2
    assert len(mailoutbox) == 2
    assert SecurityEvent.objects.filter(user=ana, kind="recovery_requested").count() == 8


def test_one_request_answered_twice_at_once_sends_one_email(mailoutbox):
    ana = cast.make_user("ana.reyes")
    request = SecurityEvent.objects.create(username="", kind="recovery_requested")

    def answer():
        recovery.answer_request(request_id=request.pk, what=recovery.RESET, typed="ana.reyes")

    assert cast.at_once([answer, answer]) == [None, None]
    assert Notification.objects.filter(user=ana, event="password_reset_link").count() == 1
    assert len(mailoutbox) == 1
