"""The timesheet lists cost the same whatever they show (issue 13: pinned query counts).

Each page is opened once with a little on it and once with more; both must run the same
number of queries, and that number is pinned, so an N+1 shows up as a failing test.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.timesheets import rules, services
from ihss.timesheets.models import DayEntry, Timesheet
from ihss.timesheets.tests.conftest import H

NOV_1 = dt.date(2026, 11, 1)
NOV_2 = dt.date(2026, 11, 2)


def _queries(client, url: str) -> int:
    client.get(url)  # warm the session and memberships
    with CaptureQueriesContext(connection) as caught:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(caught)


def _carried_over(world, n: int, hours: dict[dt.date, int], status: str) -> Timesheet:
    period = rules.pay_period_containing(min(hours))
    sheet = Timesheet.objects.create(
        provider=world.provider,
        recipient=world.recipients[n],
        program="IHSS",
        period_start=period.start,
        period_end=period.end,
        status=status,
    )
    DayEntry.objects.bulk_create(
        DayEntry(timesheet=sheet, day=d, minutes=m, location="home") for d, m in hours.items()
    )
    return sheet


def _violation(world, sunday: dt.date) -> None:
    """Hours carried over from before the portal: 70 h in one week for two recipients."""
    week = {sunday + dt.timedelta(days=i): 8 * H for i in range(1, 6)}
    _carried_over(world, 0, week, Timesheet.Status.APPROVED)
    second = _carried_over(world, 1, {d: 6 * H for d in week}, Timesheet.Status.SUBMITTED)
    services.approve(timesheet=second, by=world.recipient_users[1], signature="Wei Chen")


# Each figure: session, user, memberships, unread count and the page's own reads.
PROVIDER_LIST_QUERIES = 9
VIOLATIONS_QUERIES = 10
EXCEPTIONS_QUERIES = 9
HOURS_USED_QUERIES = 10


def test_the_providers_timesheet_list_costs_the_same_for_one_or_three_timesheets(world, client):
    client.force_login(world.provider_user)
    world.fill(world.open(0, NOV_2), {NOV_2: 2 * H})
    few = _queries(client, "/timesheets/")
    for n in (1, 2):
        world.fill(world.open(n, NOV_2), {NOV_2: 2 * H})
    _carried_over(world, 0, {dt.date(2026, 10, 5): 3 * H}, Timesheet.Status.APPROVED)
    many = _queries(client, "/timesheets/")
    assert (few, many) == (PROVIDER_LIST_QUERIES, PROVIDER_LIST_QUERIES)


def test_the_violations_list_costs_the_same_for_one_or_three_violations(world, client, la_staff):
    client.force_login(la_staff)
    _violation(world, dt.date(2026, 9, 6))
    few = _queries(client, "/timesheets/violations/")
    _violation(world, dt.date(2026, 10, 18))
    _violation(world, dt.date(2026, 10, 4))
    many = _queries(client, "/timesheets/violations/")
    assert (few, many) == (VIOLATIONS_QUERIES, VIOLATIONS_QUERIES)


def test_the_exceptions_list_costs_the_same_for_one_or_three_exceptions(world, client, la_staff):
    client.force_login(la_staff)

    def grant(n: int, provider) -> None:
        services.grant_weekly_maximum_exception(
            recipient=world.recipients[n],
            program="IHSS",
            month=NOV_1,
            provider=provider,
            reason="Hospital discharge",
            by=la_staff,
        )

    grant(0, world.provider)
    few = _queries(client, "/timesheets/weekly-maximum-exceptions/")
    grant(1, world.provider)
    grant(2, None)
    many = _queries(client, "/timesheets/weekly-maximum-exceptions/")
    assert (few, many) == (EXCEPTIONS_QUERIES, EXCEPTIONS_QUERIES)


def test_the_hours_used_page_costs_the_same_for_one_or_three_providers(world, client):
    recipient = world.recipients[0]
    client.force_login(world.recipient_users[0])
    _carried_over(world, 0, {NOV_2: 4 * H}, Timesheet.Status.APPROVED)
    few = _queries(client, "/timesheets/hours/")
    for _ in range(2):
        provider = cast.make_active_provider()
        cast.assign(provider, recipient, 20 * H)
        user = cast.make_user(f"p{provider.pk}", Role.PROVIDER, provider=provider)
        sheet = services.open_timesheet(
            provider=provider, recipient=recipient, program="IHSS", day=NOV_2, by=user
        )
        services.save_week(
            timesheet=sheet,
            days={NOV_2: services.DayInput(60, dt.time(8), dt.time(9), "home")},
            by=user,
        )
        services.submit(timesheet=sheet, by=user)
    many = _queries(client, "/timesheets/hours/")
    assert (few, many) == (HOURS_USED_QUERIES, HOURS_USED_QUERIES)
