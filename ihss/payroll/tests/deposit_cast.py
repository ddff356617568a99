"""The people and records of the direct deposit tests: Ana Reyes (Los Angeles) works for
Rosa Delgado and Wei Chen; Omar is another provider; desk, county staff of both counties.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.utils import timezone

from ihss import test as cast
from ihss.accounts.models import Role, User
from ihss.cases.models import Provider, Recipient
from ihss.notifications.models import ContactSettings

H = 60
GOOD = "121000358"  # passes the ABA check
OTHER_GOOD = "011000015"
BAD = "121000359"  # nine digits, wrong check digit
ACCOUNT = "000123456789"
OTHER_ACCOUNT = "987654321"
TODAY = dt.date(2026, 12, 1)
PACIFIC = dt.timezone(dt.timedelta(hours=-8))


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=PACIFIC)


@dataclass
class World:
    provider: Provider
    ana: User
    rosa: Recipient
    wei: Recipient
    other_provider: Provider
    omar: User
    desk: User
    la_staff: User
    fresno_staff: User


@pytest.fixture
def clock():
    with time_machine.travel(at(TODAY), tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, clock) -> World:
    provider = cast.make_active_provider(first_name="Ana", last_name="Reyes")
    rosa = cast.make_recipient(first_name="Rosa", last_name="Delgado")
    wei = cast.make_recipient(first_name="Wei", last_name="Chen")
    for recipient in (rosa, wei):
        cast.authorize(recipient, 100 * H)
        cast.assign(provider, recipient, 50 * H)
    ana = cast.make_user("ana", Role.PROVIDER, provider=provider)
    ContactSettings.objects.create(
        user=ana, mobile_number="+15305550123", mobile_verified_at=timezone.now()
    )
    other = cast.make_active_provider(first_name="Omar", last_name="Haddad")
    omar = cast.make_user("omar", Role.PROVIDER, provider=other)
    return World(
        provider=provider,
        ana=ana,
        rosa=rosa,
        wei=wei,
        other_provider=other,
        omar=omar,
        desk=cast.make_user("desk", Role.SERVICE_DESK),
        la_staff=cast.make_user("la.staff", Role.COUNTY_STAFF, county=cast.county("19")),
        fresno_staff=cast.make_user("fresno.staff", Role.COUNTY_STAFF, county=cast.county("10")),
    )
