"""The county side's repeatable writes at the same moment, on PostgreSQL: an export asked
for from two tabs is one export, and two schedulers reminding at once send one notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.core.parameters import parameter
from ihss.evv.models import Punch, VisitExport
from ihss.evv.services import export as exports
from ihss.evv.services import reminders, retention
from ihss.evv.tests.factories import local, punch, worker_and_recipient
from ihss.notifications.events import Event
from ihss.notifications.models import Notification

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DAY = dt.date(2026, 11, 3)


def test_the_same_export_asked_for_at_once_is_one_export():
    assert connection.vendor == "postgresql"
    staff = cast.make_user("sac.staff", Role.COUNTY_STAFF, county=cast.county("34"))
    county = cast.county("34").pk

    def ask():
        exports.start_export(user=staff, county_id=county, first=DAY, last=DAY, format="csv")

    assert cast.at_once([ask] * 6) == [None] * 6
    assert VisitExport.objects.count() == 1


def test_reminders_run_twice_at_once_send_one_notice():
    provider, recipient, user, _a = worker_and_recipient()
    punch(provider, recipient, user, kind="in", at=local(DAY, 8))
    due = local(DAY, 0) + dt.timedelta(minutes=parameter(reminders.REMINDER_MINUTE, on=DAY))

    def remind():
        reminders.remind_due(now=due)

    assert cast.at_once([remind] * 4) == [None] * 4
    assert Notification.objects.filter(event=Event.EVV_CHECKOUT_REMINDER).count() == 1


def test_retention_run_twice_at_once_drops_each_punchs_coordinates():
    provider, recipient, user, _a = worker_and_recipient()
    for hour in (8, 9, 10):
        punch(provider, recipient, user, kind="in", at=local(DAY, hour))
    later = DAY + dt.timedelta(days=parameter(retention.RETENTION_DAYS, on=DAY) + 1)

    def drop():
        retention.drop_old_coordinates(today=later)

    assert cast.at_once([drop] * 3) == [None] * 3
    assert not Punch.objects.filter(latitude__isnull=False).exists()
    assert set(Punch.objects.values_list("position", flat=True)) == {"dropped"}
