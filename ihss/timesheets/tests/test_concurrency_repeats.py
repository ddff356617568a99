"""Fifty identical requests at the same moment, on PostgreSQL: opening a pay period's
timesheet, granting an exception to the weekly maximum, approving a timesheet and
returning a sick leave claim each have one effect, and every caller gets the same
answer."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connection
from django.test import Client

from ihss import test as cast
from ihss.core import audit
from ihss.core.models import AuditEvent
from ihss.notifications.models import Notification
from ihss.timesheets import services
from ihss.timesheets.models import Timesheet, WeeklyMaximumException
from ihss.timesheets.tests.test_api import API, token

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
CALLERS = 50
NOV_8 = dt.date(2026, 11, 8)


def fifty_at_once(call):
    """Run `call` CALLERS times at the same moment; what each returned, in order."""
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


def post(path: str, bearer: str, body: dict[str, object]) -> tuple[int, object]:
    response = Client(enforce_csrf_checks=True).post(
        f"{API}{path}",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {bearer}"},
    )
    return response.status_code, response.json()


def test_fifty_opens_of_one_period_at_once_make_one_timesheet_and_one_answer(world):
    assert connection.vendor == "postgresql"
    phone = token(world.provider_user)
    body = {"case_number": world.recipients[0].case_number, "day": NOV_8.isoformat()}

    answers = fifty_at_once(lambda: post("/", phone, body))

    assert Timesheet.objects.count() == 1
    sheet = Timesheet.objects.get()
    assert {status for status, _body in answers} == {201}
    assert all(answer == answers[0] for answer in answers)
    assert answers[0][1]["id"] == sheet.pk
    assert audit.trail(sheet).filter(action="timesheet.opened").count() == 1
    assert not Notification.objects.exists()


def test_fifty_opens_through_the_service_at_once_are_one_timesheet(world):
    opened = fifty_at_once(lambda: world.open(1, NOV_8).pk)
    assert len(set(opened)) == 1
    assert Timesheet.objects.count() == 1
    assert AuditEvent.objects.filter(action="timesheet.opened").count() == 1


def test_fifty_grants_of_one_exception_at_once_make_one_exception_and_one_answer(world, la_staff):
    county = token(la_staff)
    body = {
        "case_number": world.recipients[0].case_number,
        "program": "IHSS",
        "month": "2026-11",
        "provider_number": world.provider.provider_number,
        "reason": "Unforeseen needs after a fall.",
    }

    answers = fifty_at_once(lambda: post("/weekly-maximum-exceptions", county, body))

    assert WeeklyMaximumException.objects.count() == 1
    assert {status for status, _body in answers} == {201}
    assert all(answer == answers[0] for answer in answers)
    assert answers[0][1]["id"] == WeeklyMaximumException.objects.get().pk
    granted = audit.trail(world.recipients[0]).filter(action="timesheet.weekly_maximum_exception")
    assert granted.count() == 1
    assert not Notification.objects.exists()


def test_fifty_grants_through_the_service_at_once_are_one_exception(world, state_admin):
    def grant() -> int:
        return services.grant_weekly_maximum_exception(
            recipient=world.recipients[1],
            program="IHSS",
            month=NOV_8,
            provider=None,
            reason="Hospital discharge",
            by=state_admin,
        ).pk

    granted = fifty_at_once(grant)
    assert len(set(granted)) == 1
    assert WeeklyMaximumException.objects.filter(provider=None).count() == 1
    assert AuditEvent.objects.filter(action="timesheet.weekly_maximum_exception").count() == 1


# --- Decisions: approve and return (ihss/core/decisions.py) ---------------------------------


def test_fifty_approvals_of_one_timesheet_at_once_are_one_approval(world):
    sheet = services.submit(
        timesheet=world.fill(world.open(0, NOV_8), {NOV_8: 2 * 60}), by=world.provider_user
    )
    recipient = world.recipient_users[0]

    def sign() -> tuple[str, int | None]:
        done = services.approve(timesheet=sheet, by=recipient, signature=sheet.recipient.full_name)
        return done.status, done.decided_by_id

    answers = fifty_at_once(sign)

    assert set(answers) == {(Timesheet.Status.APPROVED, recipient.pk)}
    assert audit.trail(sheet).filter(action="timesheet.approved").count() == 1
    assert Notification.objects.filter(event="timesheet_approved").count() == 1  # one notice


def test_fifty_returns_of_one_sick_leave_claim_at_once_are_one_return(world):
    from ihss.timesheets.tests.test_sick_leave import claim, worked

    worked(world, dt.date(2026, 8, 3), 30, 10 * 60)
    sent = claim(world, 2 * 60)
    recipient = world.recipient_users[0]

    def refuse() -> tuple[str, str]:
        done = services.reject_sick_leave(claim=sent, by=recipient, reason="I was home.")
        return done.status, done.rejection_reason

    answers = fifty_at_once(refuse)

    assert set(answers) == {("rejected", "I was home.")}
    assert audit.trail(sent).filter(action="sick_leave.rejected").count() == 1
    with pytest.raises(services.SickLeaveError, match="not waiting"):
        services.approve_sick_leave(claim=sent, by=recipient)
