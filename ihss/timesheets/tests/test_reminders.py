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


def test_a_timesheet_not_reviewed_in_3_days_reminds_the_recipient_and_tells_the_provider(
    world, django_capture_on_commit_callbacks
):
    from ihss.timesheets import services
    from ihss.timesheets.reminders import no_recipient_action

    sheet = world.fill(world.open(0, dt.date(2026, 11, 8)), {dt.date(2026, 11, 8): 120})
    with time_machine.travel(dt.datetime(2026, 11, 16, 12, 0, tzinfo=PACIFIC), tick=False):
        services.submit(timesheet=sheet, by=world.provider_user)
    reviewed = world.fill(world.open(1, dt.date(2026, 11, 8)), {dt.date(2026, 11, 9): 60})
    with time_machine.travel(dt.datetime(2026, 11, 16, 12, 0, tzinfo=PACIFIC), tick=False):
        services.submit(timesheet=reviewed, by=world.provider_user)
    services.approve(timesheet=reviewed, by=world.recipient_users[1], signature="Wei Chen")

    assert no_recipient_action(dt.datetime(2026, 11, 19, 10, 0, tzinfo=PACIFIC)) == 0  # 3rd day
    assert no_recipient_action(dt.datetime(2026, 11, 20, 10, 0, tzinfo=PACIFIC)) == 2
    assert no_recipient_action(dt.datetime(2026, 11, 21, 10, 0, tzinfo=PACIFIC)) == 0  # once
    reminder = Notification.objects.get(
        event="timesheet_ready_for_review", key__contains="reminder"
    )
    assert reminder.user == world.recipient_users[0]
    told = Notification.objects.get(event="timesheet_no_recipient_action")
    assert told.user == world.provider_user
    assert told.context["submitted_on"] == "2026-11-16"
