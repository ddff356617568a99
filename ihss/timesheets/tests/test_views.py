"""The timesheet pages: what each person sees and can do, and that typing is never lost."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.core.stepup import CONFIRMED_AT_KEY
from ihss.timesheets import services
from ihss.timesheets.models import Timesheet
from ihss.timesheets.tests.conftest import H

NOV_8 = dt.date(2026, 11, 8)


def day_fields(day: dt.date, hours="", minutes="", start="", end="", location="") -> dict[str, str]:
    p = day.isoformat()
    return {
        f"{p}-hours": str(hours),
        f"{p}-minutes": str(minutes),
        f"{p}-start": start,
        f"{p}-end": end,
        f"{p}-location": location,
    }


def test_a_provider_starts_a_timesheet_from_the_list(world, client):
    client.force_login(world.provider_user)
    page = client.get("/timesheets/")
    assert page.status_code == 200
    assert "Rosa Delgado" in page.content.decode()
    answer = client.post(
        "/timesheets/start/",
        {"assignment": world.provider.assignments.first().pk, "period": "2026-11-20"},
    )
    sheet = Timesheet.objects.get()
    assert answer["Location"] == f"/timesheets/{sheet.pk}/week/2026-11-15/"
    assert (sheet.period_start, sheet.period_end) == (dt.date(2026, 11, 16), dt.date(2026, 11, 30))


def test_the_week_page_saves_the_days_typed(world, client):
    sheet = world.open(0, NOV_8)
    client.force_login(world.provider_user)
    answer = client.post(
        f"/timesheets/{sheet.pk}/week/2026-11-08/",
        day_fields(NOV_8, 7, 30, "08:00", "16:00", "home"),
    )
    assert answer.status_code == 302
    entry = sheet.days.get()
    assert (entry.minutes, entry.start, entry.end, entry.location) == (
        7 * H + 30,
        dt.time(8),
        dt.time(16),
        "home",
    )


def test_a_wrong_day_keeps_everything_typed_and_saves_nothing(world, client):
    sheet = world.open(0, NOV_8)
    client.force_login(world.provider_user)
    nov_9 = NOV_8 + dt.timedelta(days=1)
    answer = client.post(
        f"/timesheets/{sheet.pk}/week/2026-11-08/",
        {
            **day_fields(NOV_8, 9, 0, "08:00", "12:00", "home"),  # 9 h in a 4-hour span
            **day_fields(nov_9, 3, 15, "09:00", "13:00", "community"),
        },
    )
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "You worked more hours than there are between the start and end times." in text
    assert 'value="15"' in text and 'value="13:00"' in text
    assert not sheet.days.exists()


def test_the_live_panel_counts_the_typed_hours_before_saving(world, client):
    sheet = world.open(0, NOV_8)
    world.fill(world.open(1, NOV_8), {NOV_8: 14 * H})
    client.force_login(world.provider_user)
    for i in range(1, 6):
        world.fill(world.open(2, NOV_8), {NOV_8 + dt.timedelta(days=i): 9 * H})  # 45 h
    panel = client.post(
        f"/timesheets/{sheet.pk}/week/2026-11-08/check/",
        day_fields(NOV_8 + dt.timedelta(days=6), 8, 0),
    )
    text = panel.content.decode()
    assert panel.status_code == 200
    assert "67 h" in text and "66 h" in text
    assert "would total 67 h for all your recipients; the limit is 66 h." in text


def test_the_panel_speaks_spanish_to_a_spanish_reader(world, client):
    sheet = world.open(0, NOV_8)
    client.force_login(world.provider_user)
    client.cookies["django_language"] = "es"
    panel = client.post(f"/timesheets/{sheet.pk}/week/2026-11-08/check/", day_fields(NOV_8, 2, 0))
    assert "Horas restantes" in panel.content.decode()


def test_a_recipient_never_sees_a_providers_draft(world, client):
    sheet = world.fill(world.open(0, NOV_8), {NOV_8: 2 * H})
    client.force_login(world.recipient_users[0])
    assert client.get(f"/timesheets/{sheet.pk}/").status_code == 404
    services.submit(timesheet=sheet, by=world.provider_user)
    assert client.get(f"/timesheets/{sheet.pk}/").status_code == 200


def test_another_recipient_cannot_see_or_review_the_timesheet(world, client):
    sheet = world.fill(world.open(0, NOV_8), {NOV_8: 2 * H})
    services.submit(timesheet=sheet, by=world.provider_user)
    client.force_login(world.recipient_users[1])
    assert client.get(f"/timesheets/{sheet.pk}/").status_code == 404
    assert client.post(f"/timesheets/{sheet.pk}/return/", {"reason": "x"}).status_code == 404


def test_another_countys_staff_cannot_see_the_timesheet(world, client, fresno_staff, la_staff):
    sheet = world.fill(world.open(0, NOV_8), {NOV_8: 2 * H})
    services.submit(timesheet=sheet, by=world.provider_user)
    client.force_login(fresno_staff)
    assert client.get(f"/timesheets/{sheet.pk}/").status_code == 404
    client.force_login(la_staff)
    assert client.get(f"/timesheets/{sheet.pk}/").status_code == 200


def test_signing_after_an_old_sign_in_asks_to_confirm_first(world, client):
    sheet = world.fill(world.open(0, NOV_8), {NOV_8: 2 * H})
    services.submit(timesheet=sheet, by=world.provider_user)
    client.force_login(world.recipient_users[0])
    session = client.session
    session[CONFIRMED_AT_KEY] = int(time.time()) - 3600
    session.save()
    answer = client.get(f"/timesheets/{sheet.pk}/approve/")
    assert answer["Location"].startswith("/accounts/confirm/?next=")


def test_a_recipient_approves_with_the_attestation_and_a_typed_name(world, client):
    sheet = world.fill(world.open(0, NOV_8), {NOV_8: 2 * H})
    services.submit(timesheet=sheet, by=world.provider_user)
    client.force_login(world.recipient_users[0])  # signing in counts as a confirmation
    missing = client.post(f"/timesheets/{sheet.pk}/approve/", {"signature": "Rosa Delgado"})
    assert missing.status_code == 400
    assert "Check the box to confirm the hours." in missing.content.decode()
    answer = client.post(
        f"/timesheets/{sheet.pk}/approve/", {"signature": "Rosa Delgado", "attest": "on"}
    )
    assert answer.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.status, sheet.signature) == ("approved", "Rosa Delgado")


def test_returning_without_a_reason_says_so_and_changes_nothing(world, client):
    sheet = world.fill(world.open(0, NOV_8), {NOV_8: 2 * H})
    services.submit(timesheet=sheet, by=world.provider_user)
    client.force_login(world.recipient_users[0])
    answer = client.post(f"/timesheets/{sheet.pk}/return/", {"reason": ""})
    assert answer.status_code == 400
    assert "Say what is wrong, so the provider can correct it." in answer.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == "submitted"


def test_a_blocked_submission_shows_the_rule_in_plain_words(world, client):
    for n in (0, 1):
        world.fill(world.open(n, NOV_8), {NOV_8 + dt.timedelta(days=i): 7 * H for i in range(5)})
    client.force_login(world.provider_user)
    sheet = Timesheet.objects.get(recipient=world.recipients[1])
    answer = client.post(f"/timesheets/{sheet.pk}/submit/")
    assert answer.status_code == 400
    assert (
        "The week starting Nov. 8, 2026 would total 70 h for all your recipients; the limit is 66 h."
        in answer.content.decode()
    )


def test_the_county_queue_lists_only_its_countys_flagged_timesheets(
    world, client, la_staff, fresno_staff, django_assert_num_queries
):
    for n in (0, 1, 2):
        sheet = world.fill(world.open(n, NOV_8), {NOV_8: 2 * H})
        services.submit(timesheet=sheet, by=world.provider_user)
        services.approve(
            timesheet=sheet, by=world.recipient_users[n], signature=sheet.recipient.full_name
        )
        services.decide_review(timesheet=sheet, by=la_staff, decision="hold", reason="Check.")
    client.force_login(la_staff)
    client.get("/timesheets/county-review/")  # warm the session and memberships
    with django_assert_num_queries(QUEUE_QUERIES):
        page = client.get("/timesheets/county-review/")
    assert page.content.decode().count("/timesheets/") >= 3
    client.force_login(fresno_staff)
    assert (
        "Nothing is waiting for the county."
        in client.get("/timesheets/county-review/").content.decode()
    )


@pytest.mark.parametrize("count", [1, 4])
def test_the_review_list_costs_the_same_for_one_or_many_providers(
    world, client, count, django_assert_num_queries
):
    recipient = world.recipients[0]
    for _ in range(count):
        provider = cast.make_active_provider()
        cast.assign(provider, recipient, 10 * H)
        user = cast.make_user(f"p{provider.pk}", Role.PROVIDER, provider=provider)
        sheet = services.open_timesheet(
            provider=provider, recipient=recipient, program="IHSS", day=NOV_8, by=user
        )
        services.save_week(
            timesheet=sheet,
            days={NOV_8: services.DayInput(60, dt.time(8), dt.time(9), "home")},
            by=user,
        )
        services.submit(timesheet=sheet, by=user)
    client.force_login(world.recipient_users[0])
    client.get("/timesheets/review/")
    with django_assert_num_queries(REVIEW_QUERIES):
        client.get("/timesheets/review/")


# Session, user, memberships, unread count, the header links, the page of timesheets
# (and its count), and the first-half share in force (issue 13: the page states it).
QUEUE_QUERIES = 10
REVIEW_QUERIES = 8


def test_the_recipient_sees_authorized_against_used_hours_per_provider_and_week(world, client):
    other = cast.make_active_provider(first_name="Luis", last_name="Mora")
    cast.assign(other, world.recipients[0], 100 * H)
    other_user = cast.make_user("luis", Role.PROVIDER, provider=other)
    mine = world.fill(world.open(0, NOV_8), {NOV_8: 8 * H, NOV_8 + dt.timedelta(days=7): 2 * H})
    services.submit(timesheet=mine, by=world.provider_user)
    theirs = services.open_timesheet(
        provider=other, recipient=world.recipients[0], program="IHSS", day=NOV_8, by=other_user
    )
    services.save_week(
        timesheet=theirs,
        days={NOV_8: services.DayInput(3 * H, dt.time(18), dt.time(21), "home")},
        by=other_user,
    )
    services.submit(timesheet=theirs, by=other_user)
    world.fill(world.open(0, dt.date(2026, 11, 16)), {dt.date(2026, 11, 16): 5 * H})  # a draft

    [table] = services.recipient_hours([world.recipients[0]], dt.date(2026, 11, 1))
    assert (table.authorized, table.month_total, table.remaining) == (283 * H, 13 * H, 270 * H)
    assert table.week_totals[NOV_8] == 11 * H
    assert [(u.provider.last_name, u.month) for u in table.providers] == [
        ("Mora", 3 * H),
        ("Reyes", 10 * H),
    ]
    client.force_login(world.recipient_users[0])
    page = client.get("/timesheets/hours/?month=2026-11").content.decode()
    assert "Luis Mora" in page and "11 h" in page and "13 h" in page
