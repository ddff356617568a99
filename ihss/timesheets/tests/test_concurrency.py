"""Two submissions at the same moment, on PostgreSQL: a cap holds, and a double click is
one submission."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.notifications.models import Notification
from ihss.timesheets import rules, services
from ihss.timesheets.models import Timesheet
from ihss.timesheets.tests.conftest import H

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
NOV_8 = dt.date(2026, 11, 8)


@pytest.fixture
def slow_check(monkeypatch):
    """Hold each submission a moment between reading the hours and writing, so that two
    submissions overlap for certain (without the locks, both would pass). The test then
    checks the patch was hit: if `submit` stopped reading the hours through
    `services.picture` (a module split), the race would slow nothing and pass without locks."""
    real = services.picture
    calls: list[int] = []

    def slow(*args, **kwargs):
        calls.append(1)
        found = real(*args, **kwargs)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(services, "picture", slow)
    yield
    assert calls, "submit no longer reads the hours through services.picture: nothing was slowed"


def test_two_providers_sending_at_once_cannot_both_pass_the_recipients_month(world, slow_check):
    assert connection.vendor == "postgresql"
    recipient = world.recipients[0]
    cast.authorize(recipient, 20 * H, start=dt.date(2026, 11, 1))
    other = cast.make_active_provider()
    cast.assign(other, recipient, 283 * H)
    other_user = cast.make_user("other.provider", Role.PROVIDER, provider=other)
    mine = world.fill(world.open(0, NOV_8), {NOV_8: 12 * H})
    theirs = services.open_timesheet(
        provider=other, recipient=recipient, program="IHSS", day=NOV_8, by=other_user
    )
    services.save_week(
        timesheet=theirs,
        days={
            NOV_8 + dt.timedelta(days=1): services.DayInput(12 * H, dt.time(6), dt.time(20), "home")
        },
        by=other_user,
    )

    errors = cast.at_once(
        [
            lambda: services.submit(timesheet=mine, by=world.provider_user),
            lambda: services.submit(timesheet=theirs, by=other_user),
        ]
    )

    refused = [e for e in errors if e is not None]
    assert len(refused) == 1, errors
    assert isinstance(refused[0], services.TimesheetError)
    assert [r.rule for r in refused[0].refusals] == [rules.RECIPIENT_MONTH]
    assert Timesheet.objects.filter(status="submitted").count() == 1


def test_a_double_click_on_send_is_one_submission(world, slow_check):
    sheet = world.fill(world.open(0, NOV_8), {NOV_8: 2 * H})

    def send():
        services.submit(timesheet=sheet, by=world.provider_user)

    assert cast.at_once([send, send]) == [None, None]
    sheet.refresh_from_db()
    assert (sheet.status, sheet.submissions) == ("submitted", 1)
    assert Notification.objects.filter(event="timesheet_ready_for_review").count() == 1
