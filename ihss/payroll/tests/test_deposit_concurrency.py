"""The same enrollment sent at the same moment (a double tap, two tabs), on PostgreSQL:
one enrollment, one notice, and the same answer to every caller."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from ihss import test as cast
from ihss.core.models import AuditEvent
from ihss.notifications.models import Notification
from ihss.payroll.models import DirectDeposit
from ihss.payroll.services import deposits
from ihss.payroll.tests.deposit_cast import ACCOUNT, GOOD

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
CALLERS = 8


def many_at_once(call):
    answers: list[object] = [None] * CALLERS
    lock = threading.Lock()

    def one(index: int):
        def run() -> None:
            answer = call()
            with lock:
                answers[index] = answer

        return run

    errors = cast.at_once([one(i) for i in range(CALLERS)])
    assert errors == [None] * CALLERS, [e for e in errors if e][:3]
    return answers


def ana():
    from ihss.accounts.models import Role

    provider = cast.make_active_provider(first_name="Ana", last_name="Reyes")
    recipient = cast.make_recipient(first_name="Rosa", last_name="Delgado")
    cast.assign(provider, recipient, 3000)
    return provider, recipient, cast.make_user("ana", Role.PROVIDER, provider=provider)


def test_the_same_enrollment_posted_at_once_is_one_enrollment_and_one_answer():
    assert connection.vendor == "postgresql"
    provider, recipient, user = ana()
    clients = []
    for _ in range(CALLERS):
        client = Client()
        client.force_login(user)
        clients.append(client)
    calls = iter(clients)
    payload = json.dumps(
        {
            "case_number": recipient.case_number,
            "routing_number": GOOD,
            "account_number": ACCOUNT,
            "account_number_again": ACCOUNT,
            "account_type": "checking",
        }
    )
    lock = threading.Lock()

    def send():
        with lock:
            client = next(calls)
        response = client.post(
            "/api/v1/pay/deposits", data=payload, content_type="application/json"
        )
        return response.status_code, response.json()

    answers = many_at_once(send)
    assert {status for status, _ in answers} == {201}
    assert all(answer == answers[0] for answer in answers)
    assert DirectDeposit.objects.count() == 1
    assert Notification.objects.filter(event="direct_deposit_changed").count() == 1
    assert AuditEvent.objects.filter(action=deposits.ENROLLED).count() == 1


def test_two_cancels_at_once_stop_it_once():
    provider, _recipient, user = ana()
    deposits.enroll(
        provider=provider,
        recipient=None,
        routing_number=GOOD,
        account_number=ACCOUNT,
        account_type="checking",
        by=user,
    )
    changes = many_at_once(lambda: deposits.cancel(provider=provider, recipient=None, by=user))
    assert sum(1 for c in changes if c.changed) == 1
    assert AuditEvent.objects.filter(action=deposits.CANCELLED).count() == 1
