"""The same request made again: opening a period's timesheet and granting an exception
to the weekly maximum answer as the first time did, with one effect."""

from __future__ import annotations

import datetime as dt

from ihss.core import audit
from ihss.timesheets import services
from ihss.timesheets.models import Timesheet, WeeklyMaximumException
from ihss.timesheets.tests.test_api import call, token

NOV_8 = dt.date(2026, 11, 8)


def grant(world, by, *, provider=None, reason="Unforeseen needs after a fall."):
    return services.grant_weekly_maximum_exception(
        recipient=world.recipients[0],
        program="IHSS",
        month=NOV_8,
        provider=provider,
        reason=reason,
        by=by,
    )


def test_it_grants_the_same_exception_once_however_often_it_is_asked(world, la_staff, state_admin):
    first = grant(world, la_staff, provider=world.provider)
    again = grant(world, state_admin, provider=world.provider, reason="Asked again")
    assert again.pk == first.pk
    stored = WeeklyMaximumException.objects.get()
    assert (stored.reason, stored.granted_by) == ("Unforeseen needs after a fall.", la_staff)
    trail = audit.trail(world.recipients[0]).filter(action="timesheet.weekly_maximum_exception")
    assert trail.count() == 1


def test_an_exception_for_every_provider_is_another_than_one_for_a_provider(world, la_staff):
    one = grant(world, la_staff, provider=world.provider)
    every = grant(world, la_staff)
    assert grant(world, la_staff).pk == every.pk
    assert one.pk != every.pk
    assert WeeklyMaximumException.objects.count() == 2


def test_the_api_answers_a_repeated_grant_as_it_answered_the_first(world, la_staff):
    county = token(la_staff)
    body = {
        "case_number": world.recipients[0].case_number,
        "program": "IHSS",
        "month": "2026-11",
        "reason": "Unforeseen needs after a fall.",
    }
    first = call("post", "/weekly-maximum-exceptions", county, body, status=201)
    again = call("post", "/weekly-maximum-exceptions", county, body, status=201)
    assert again == first
    assert WeeklyMaximumException.objects.count() == 1


def test_the_api_answers_a_repeated_open_as_it_answered_the_first(world):
    phone = token(world.provider_user)
    body = {"case_number": world.recipients[0].case_number, "day": "2026-11-08"}
    first = call("post", "/", phone, body, status=201)
    again = call("post", "/", phone, body, status=201)
    assert again == first
    sheet = Timesheet.objects.get()
    assert audit.trail(sheet).filter(action="timesheet.opened").count() == 1
