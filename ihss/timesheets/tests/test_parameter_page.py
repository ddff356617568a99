"""A parameter changed on the state page changes the timesheet rule and its wording."""

from __future__ import annotations

import datetime as dt

import time_machine

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.timesheets import rules, services
from ihss.timesheets.explain import explain
from ihss.timesheets.tests.conftest import TODAY, H

PACIFIC = dt.timezone(dt.timedelta(hours=-8))
NOV_16 = dt.date(2026, 11, 16)  # the first day of the pay period, a Monday


def over_60_hours_for_two_recipients(world):
    """Two timesheets of the period from November 16: 64 h in the week, 8 h a day each."""
    days = {NOV_16 + dt.timedelta(days=i): 8 * H for i in range(4)}
    first = world.fill(world.open(0, day=NOV_16), days)
    world.fill(world.open(1, day=NOV_16), days)
    return first


def multi_recipient_refusals(timesheet):
    refusals, _ = services.check(timesheet, today=TODAY)
    return [r for r in refusals if r.rule == rules.MULTI_RECIPIENT_WEEK]


def test_it_changes_the_weekly_maximum_and_its_explanation_from_the_state_page(
    world, today, client
):
    sheet = over_60_hours_for_two_recipients(world)
    assert multi_recipient_refusals(sheet) == []  # 64 h is within 66 h

    admin = cast.make_user("state", Role.STATE_ADMIN)
    client.force_login(admin)
    with time_machine.travel(dt.datetime(2026, 11, 16, 9, 0, tzinfo=PACIFIC), tick=False):
        answer = client.post(
            "/parameters/multi_recipient_weekly_cap/new/",
            {
                "hours": "60",
                "minutes": "0",
                "effective_from": "2026-11-16",
                "reason": "A test of a lower maximum",
            },
        )
    assert answer.status_code == 302

    [refusal] = multi_recipient_refusals(sheet)
    assert refusal.limit == 60 * H
    text = explain(refusal)
    assert "60 h" in text and "66" not in text
