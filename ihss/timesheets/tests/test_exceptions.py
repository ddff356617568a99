"""The county's exception to a recipient's weekly maximum (ACL 16-01), and its review."""

from __future__ import annotations

import datetime as dt

import pytest

from ihss import test as cast
from ihss.timesheets import rules, services
from ihss.timesheets.models import WeeklyMaximumException
from ihss.timesheets.tests.conftest import H

NOV_8 = dt.date(2026, 11, 8)


def five_days(start: dt.date, minutes: int) -> dict[dt.date, int]:
    return {start + dt.timedelta(days=i): minutes for i in range(1, 6)}


@pytest.fixture
def past_the_maximum(world):
    """Rosa is authorized 100 h a month (25 h a week); Ana's week is 30 h for her and 15 h
    for Wei: 45 h, so none of ACL 16-01's adjustments applies."""
    cast.authorize(world.recipients[0], 100 * H, start=dt.date(2026, 11, 1))
    world.fill(world.open(1, NOV_8), five_days(NOV_8, 3 * H))
    return world.fill(world.open(0, NOV_8), five_days(NOV_8, 6 * H))


def test_without_the_countys_exception_the_weekly_maximum_stops_the_timesheet(
    world, past_the_maximum
):
    with pytest.raises(services.TimesheetError) as caught:
        services.submit(timesheet=past_the_maximum, by=world.provider_user)
    assert [r.rule for r in caught.value.refusals] == [rules.WEEKLY_MAXIMUM]


def test_with_the_exception_it_is_sent_and_waits_for_the_county_after_approval(
    world, past_the_maximum, la_staff
):
    services.grant_weekly_maximum_exception(
        recipient=world.recipients[0],
        program="IHSS",
        month=dt.date(2026, 11, 20),
        provider=world.provider,
        reason="Recovering from surgery this month.",
        by=la_staff,
    )
    services.submit(timesheet=past_the_maximum, by=world.provider_user)
    services.approve(
        timesheet=past_the_maximum, by=world.recipient_users[0], signature="Rosa Delgado"
    )
    past_the_maximum.refresh_from_db()
    assert rules.RULE_OVERRIDE in past_the_maximum.review_flags
    assert past_the_maximum.county_review == "waiting"


def test_an_exception_for_another_provider_does_not_help(world, past_the_maximum, la_staff):
    other = cast.make_active_provider()
    cast.assign(other, world.recipients[0], 10 * H)
    services.grant_weekly_maximum_exception(
        recipient=world.recipients[0],
        program="IHSS",
        month=NOV_8,
        provider=other,
        reason="For the other provider only.",
        by=la_staff,
    )
    with pytest.raises(services.TimesheetError):
        services.submit(timesheet=past_the_maximum, by=world.provider_user)


def test_county_staff_grant_an_exception_on_the_page_for_their_county_only(
    world, client, la_staff, fresno_staff
):
    form = {
        "case_number": world.recipients[0].case_number,
        "program": "IHSS",
        "month": "2026-11",
        "provider_number": "",
        "reason": "Unforeseen needs after a fall.",
    }
    client.force_login(fresno_staff)
    refused = client.post("/timesheets/weekly-maximum-exceptions/", form)
    assert refused.status_code == 400
    assert "No recipient of your county has this case number." in refused.content.decode()
    client.force_login(la_staff)
    assert client.post("/timesheets/weekly-maximum-exceptions/", form).status_code == 302
    granted = WeeklyMaximumException.objects.get()
    assert (granted.month, granted.provider, granted.granted_by) == (
        dt.date(2026, 11, 1),
        None,
        la_staff,
    )
    page = client.get("/timesheets/weekly-maximum-exceptions/").content.decode()
    assert "Unforeseen needs after a fall." in page
