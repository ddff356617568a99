"""A provider who works for three recipients of Los Angeles County, and their sign-ins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine

from ihss import test as cast
from ihss.accounts.models import Role, User
from ihss.cases.models import Provider, Recipient
from ihss.core.models import ProgramParameter
from ihss.timesheets import services
from ihss.timesheets.models import Timesheet

H = 60
TODAY = dt.date(2026, 11, 20)  # a Friday; the 1st of November 2026 is a Sunday


@dataclass
class World:
    provider: Provider
    provider_user: User
    recipients: list[Recipient]
    recipient_users: list[User]

    def open(self, n: int, day: dt.date = TODAY, program: str = "IHSS") -> Timesheet:
        return services.open_timesheet(
            provider=self.provider,
            recipient=self.recipients[n],
            program=program,
            day=day,
            by=self.provider_user,
        )

    def fill(self, timesheet: Timesheet, hours: dict[dt.date, int]) -> Timesheet:
        days = {
            day: services.DayInput(minutes, dt.time(8, 0), dt.time(23, 59), "home")
            for day, minutes in hours.items()
        }
        return services.save_week(timesheet=timesheet, days=days, by=self.provider_user)


@pytest.fixture
def today():
    with time_machine.travel(
        dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8))), tick=False
    ):
        yield TODAY


@pytest.fixture
def world(db, today) -> World:
    # No random signature checks here (0.5 % by default): a test that wants the county's
    # queue puts a timesheet there itself.
    ProgramParameter.objects.create(
        key="timesheet_random_hold_share",
        effective_from=dt.date(2026, 1, 1),
        value=0,
        unit="bp",
        description="No random holds in the tests",
    )
    provider = cast.make_active_provider(first_name="Ana", last_name="Reyes")
    recipients = []
    users = []
    for i, (first, last) in enumerate([("Rosa", "Delgado"), ("Wei", "Chen"), ("Sam", "Okafor")]):
        recipient = cast.make_recipient(first_name=first, last_name=last)
        cast.authorize(recipient, 283 * H)
        cast.assign(provider, recipient, 283 * H)
        recipients.append(recipient)
        users.append(cast.make_user(f"recipient{i}", Role.RECIPIENT, recipient=recipient))
    user = cast.make_user("ana", Role.PROVIDER, provider=provider)
    return World(provider, user, recipients, users)


def week_of(start: dt.date, minutes_a_day: int, days: int = 7) -> dict[dt.date, int]:
    return {start + dt.timedelta(days=i): minutes_a_day for i in range(days)}
