"""The "pay period ends tomorrow" reminder, run by the scheduler."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.notifications.models import Notification

pytestmark = pytest.mark.django_db

PACIFIC = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def working_provider(la_recipient):
    provider = cast.make_provider()
    cast.assign(provider, la_recipient, 100 * 60)
    return cast.make_user("ana.works", Role.PROVIDER, provider=provider)


@pytest.fixture
def idle_provider(db):
    return cast.make_user("idle", Role.PROVIDER, provider=cast.make_provider())


def run_scheduler_at(moment: dt.datetime) -> None:
    with time_machine.travel(moment, tick=False):
        call_command("run_scheduler", "--once", "--job", "timesheets.pay_period_ending")


def test_working_providers_are_reminded_the_day_before_the_period_ends(
    working_provider, idle_provider, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_scheduler_at(dt.datetime(2026, 11, 14, 9, 5, tzinfo=PACIFIC))
    [notice] = Notification.objects.filter(event="pay_period_ending")
    assert notice.user == working_provider
    assert notice.context == {"period_start": "2026-11-01", "period_end": "2026-11-15"}
    assert [m.subject for m in mailoutbox] == ["The pay period ends tomorrow"]


def test_a_second_run_or_a_second_scheduler_reminds_nobody_twice(working_provider):
    run_scheduler_at(dt.datetime(2026, 11, 14, 9, 5, tzinfo=PACIFIC))
    run_scheduler_at(dt.datetime(2026, 11, 14, 9, 6, tzinfo=PACIFIC))
    from ihss.timesheets.reminders import pay_period_ending

    pay_period_ending(dt.datetime(2026, 11, 14, 9, 0, tzinfo=PACIFIC))  # a forced rerun
    assert Notification.objects.filter(event="pay_period_ending").count() == 1


def test_no_reminder_on_other_days(working_provider):
    run_scheduler_at(dt.datetime(2026, 11, 10, 9, 5, tzinfo=PACIFIC))
    assert not Notification.objects.exists()
