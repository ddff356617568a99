"""Incentives from verified hours and case data: earned once, told, shown on the progress
page, and paid by payroll as an amount."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from ihss import test as cast
from ihss.notifications.events import Event
from ihss.notifications.models import Notification
from ihss.payroll.models import PayLine
from ihss.payroll.services import runs
from ihss.payroll.tests.factories import H, fixed_rate, timesheet
from ihss.training.models import ClassSession, Incentive
from ihss.training.services import attendance, incentives, registrations
from ihss.training.tests.factories import account_of, enrolled_provider, live_course

pytestmark = pytest.mark.django_db
PACIFIC = ZoneInfo("America/Los_Angeles")


def attended(provider, course, day: dt.date, minutes: int) -> None:
    """A class of `course` on `day` that `provider` attended for `minutes`."""
    starts = dt.datetime.combine(day, dt.time(9, 0), tzinfo=PACIFIC)
    session = ClassSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=8),
        language="en", capacity=5,
    )  # fmt: skip
    with time_machine.travel(starts - dt.timedelta(days=2), tick=False):
        registrations.register(provider=provider, session=session, by=None)
    with time_machine.travel(starts + dt.timedelta(days=1), tick=False):
        attendance.record(
            session=session, minutes_by_provider={provider.provider_number: minutes}, by=None
        )


def test_fifteen_verified_hours_earn_the_incentive_once_with_a_notice(client):
    ana = enrolled_provider("ana")
    course = live_course(pathway="general-health-safety")
    attended(ana, course, dt.date(2026, 11, 2), 8 * H)
    with time_machine.travel(dt.datetime(2026, 11, 4, 9, tzinfo=PACIFIC), tick=False):
        client.force_login(account_of(ana))
        halfway = client.get(reverse("training:progress")).content.decode()

    attended(ana, course, dt.date(2026, 11, 9), 7 * H)
    with time_machine.travel(dt.datetime(2026, 11, 12, 9, tzinfo=PACIFIC), tick=False):
        again = incentives.refresh(ana)
        client.force_login(account_of(ana))
        page = client.get(reverse("training:progress")).content.decode()

    assert "8 h of 15 h toward the next hours incentive" in halfway
    [earned] = Incentive.objects.filter(provider=ana)
    assert (earned.kind, earned.cents, earned.earned_on) == ("hours", 50_000, dt.date(2026, 11, 9))
    assert again == []
    assert Notification.objects.filter(event=Event.INCENTIVE_EARNED).count() == 1
    assert "$500.00" in page and "0 h of 15 h toward the next hours incentive" in page


def test_a_specialized_pathway_and_a_month_of_matching_care_earn_the_month_incentive():
    ana = enrolled_provider()
    rosa = cast.make_recipient(needs_cognitive_behavioral=True)
    cast.assign(ana, rosa, 200 * H)
    course = live_course(pathway="cognitive-behavioral")
    attended(ana, course, dt.date(2026, 9, 1), 8 * H)
    attended(ana, course, dt.date(2026, 9, 8), 7 * H)
    # 42 hours for Rosa in October, approved.
    timesheet(ana, rosa, {dt.date(2026, 10, d): 6 * H for d in range(1, 8)})

    with time_machine.travel(dt.datetime(2026, 11, 2, 6, tzinfo=PACIFIC), tick=False):
        made = incentives.refresh_specialized(today=dt.date(2026, 11, 2))

    kinds = sorted(Incentive.objects.filter(provider=ana).values_list("kind", "earned_on"))
    assert made == 1  # the hours incentive was kept when the attendance was recorded
    assert kinds == [("hours", dt.date(2026, 9, 8)), ("one_month", dt.date(2026, 10, 31))]


def test_payroll_pays_an_earned_incentive_once_as_an_amount():
    fixed_rate("19", 2000)
    ana = enrolled_provider()
    attended(ana, live_course(pathway="adult-education"), dt.date(2026, 12, 2), 8 * H)
    attended(ana, live_course(pathway="adult-education"), dt.date(2026, 12, 3), 7 * H)

    run = runs.start_run(period_start=dt.date(2026, 12, 1), by=None, today=dt.date(2026, 12, 20))
    runs.calculate(run=run)
    runs.calculate(run=run)

    line = PayLine.objects.get(source="training_incentive")
    assert (line.kind, line.cents, line.minutes) == ("incentive", 50_000, 0)
