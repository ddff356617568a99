"""The scheduled jobs: coordinates deleted after the retention period, and the check-out
reminder, sent once."""

from __future__ import annotations

import datetime as dt

import pytest

from ihss.core.parameters import parameter
from ihss.evv.models import Punch, Visit
from ihss.evv.services import reminders, retention
from ihss.evv.tests.factories import local, punch, worker_and_recipient
from ihss.notifications.events import Event
from ihss.notifications.models import Notification
from ihss.notifications.scheduler import REGISTRY

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 3)


def test_coordinates_older_than_the_retention_period_are_deleted_once():
    provider, recipient, user, _a = worker_and_recipient()
    punch(provider, recipient, user, kind="in", at=local(DAY, 8))
    punch(provider, recipient, user, kind="in", at=local(DAY + dt.timedelta(days=30), 8))
    days = parameter(retention.RETENTION_DAYS, on=DAY)
    today = DAY + dt.timedelta(days=days + 1)
    assert retention.drop_old_coordinates(today=today) == 1
    assert retention.drop_old_coordinates(today=today) == 0  # a rerun changes nothing
    old, recent = Punch.objects.order_by("punched_at")
    assert (old.latitude, old.longitude, old.accuracy_m, old.position) == (
        None,
        None,
        None,
        "dropped",
    )
    assert old.range == "in" and old.distance_m is not None  # what the county needs stays
    assert recent.latitude is not None and recent.position == "fix"


def test_the_jobs_are_scheduled():
    assert REGISTRY["evv.checkout_reminders"].every == dt.timedelta(minutes=15)
    assert REGISTRY["evv.coordinates_retention"].daily_at is not None


def test_a_check_in_with_no_check_out_gets_one_reminder_after_the_reminder_time():
    provider, recipient, user, _a = worker_and_recipient()
    punch(provider, recipient, user, kind="in", at=local(DAY, 8))
    minute = parameter(reminders.REMINDER_MINUTE, on=DAY)
    due = local(DAY, 0) + dt.timedelta(minutes=minute)
    assert reminders.remind_due(now=due - dt.timedelta(minutes=15)) == 0
    assert reminders.remind_due(now=due) == 1
    assert reminders.remind_due(now=due + dt.timedelta(minutes=15)) == 0
    [notice] = Notification.objects.filter(event=Event.EVV_CHECKOUT_REMINDER)
    assert notice.user == user
    assert notice.context["recipient_name"] == "Rosa Delgado" and notice.context["time"] == "08:00"
    assert Visit.objects.get().reminded_at == due


def test_a_checked_out_visit_gets_no_reminder():
    provider, recipient, user, _a = worker_and_recipient()
    punch(provider, recipient, user, kind="in", at=local(DAY, 8))
    punch(provider, recipient, user, kind="out", at=local(DAY, 12))
    assert reminders.remind_due(now=local(DAY, 23, 45)) == 0
    assert not Notification.objects.filter(event=Event.EVV_CHECKOUT_REMINDER).exists()


def test_the_reminder_names_the_recipient_and_the_check_in_time():
    from ihss.notifications.rendering import render_notice

    sample = {"recipient_name": "Rosa Delgado", "day": "2026-11-03", "time": "08:00"}
    english = render_notice(Event.EVV_CHECKOUT_REMINDER, sample, "en")
    assert "Rosa Delgado" in english.message and "08:00" in english.sms
