"""Days, weeks, periods and months read in the reader's own order: "Nov. 16 to Nov. 30,
2026" in English, "Del 16 al 30 de nov. de 2026" in Spanish (never "Del nov. 16 al nov. 30,
2026"), on every page that names one."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ihss.core import dates
from ihss.timesheets.tests.conftest import H, week_of
from ihss.timesheets.tests.test_sick_leave import worked

D = dt.date
NOV_15 = D(2026, 11, 15)  # the Sunday that starts this workweek; today is Friday Nov 20

# A Spanish month abbreviation or name right before a day number: the English order.
MONTHS = (
    r"(ene\.|feb\.|ago\.|sept\.|oct\.|nov\.|dic\.|enero|febrero|marzo|abril|mayo|junio|julio|"
    r"agosto|septiembre|octubre|noviembre|diciembre)"
)
ENGLISH_ORDER_IN_SPANISH = re.compile(MONTHS + r" \d{1,2}\b", re.IGNORECASE)


def page(client, user, url: str, language: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    answer = client.get(url)
    assert answer.status_code == 200, url
    return str(answer.content.decode())


@pytest.fixture
def sent(world):
    """A timesheet for Nov 16-30 with the week of Nov 15 filled in and sent, 300 hours worked
    in August and September (so sick leave is usable), and a claim on Nov 16."""
    worked(world, D(2026, 8, 3), 30, 10 * H)
    timesheet = world.open(0)
    world.fill(timesheet, week_of(D(2026, 11, 16), 4 * H, days=5))
    return timesheet


def test_it_writes_spanish_periods_weeks_and_days_day_first(world, sent, client):
    es = {
        "/timesheets/": page(client, world.provider_user, "/timesheets/", "es"),
        "timesheet": page(client, world.provider_user, f"/timesheets/{sent.pk}/", "es"),
        "week": page(client, world.provider_user, f"/timesheets/{sent.pk}/week/2026-11-15/", "es"),
        "sick leave": page(client, world.provider_user, "/timesheets/sick-leave/", "es"),
        "hours used": page(client, world.recipient_users[0], "/timesheets/hours/", "es"),
    }
    assert "Del 16 al 30 de nov. de 2026" in es["/timesheets/"]
    assert "Del 16 al 30 de nov. de 2026" in es["timesheet"]
    assert "Semana del 15 al 21 de nov." in es["timesheet"]
    assert "Semana del 15 al 21 de nov." in es["week"]
    assert "lunes, 16 de nov." in es["week"]
    assert "Su saldo, del 1 de julio de 2026 al 30 de junio de 2027" in es["sick leave"]
    assert "Horas usadas en noviembre de 2026" in es["hours used"]
    assert "Semana del 1 de nov." in es["hours used"]
    for name, html in es.items():
        text = re.sub(r"<[^>]+>", " ", html)
        assert ENGLISH_ORDER_IN_SPANISH.findall(text) == [], name


def test_it_keeps_english_periods_month_first(world, sent, client):
    assert "Nov. 16 to Nov. 30, 2026" in page(client, world.provider_user, "/timesheets/", "en")
    timesheet = page(client, world.provider_user, f"/timesheets/{sent.pk}/", "en")
    assert "Week of Nov. 15 to Nov. 21" in timesheet
    week = page(client, world.provider_user, f"/timesheets/{sent.pk}/week/2026-11-15/", "en")
    assert "Monday, Nov. 16" in week
    hours = page(client, world.recipient_users[0], "/timesheets/hours/", "en")
    assert "Hours used in November 2026" in hours and "Week of Nov. 1" in hours


@pytest.mark.parametrize(
    ("start", "end", "english", "spanish"),
    [
        (D(2026, 12, 1), D(2026, 12, 15), "Dec. 1 to Dec. 15, 2026", "Del 1 al 15 de dic. de 2026"),
        (
            D(2026, 11, 29),
            D(2026, 12, 5),
            "Nov. 29 to Dec. 5, 2026",
            "Del 29 de nov. al 5 de dic. de 2026",
        ),
        (
            D(2026, 12, 27),
            D(2027, 1, 2),
            "Dec. 27, 2026 to Jan. 2, 2027",
            "Del 27 de dic. de 2026 al 2 de ene. de 2027",
        ),
    ],
)
def test_it_writes_a_range_in_each_languages_order(start, end, english, spanish):
    from django.utils import translation

    with translation.override("en"):
        assert dates.date_range(start, end) == english
    with translation.override("es"):
        assert dates.date_range(start, end) == spanish


def test_it_names_may_as_a_month_in_spanish_not_as_a_verb():
    from django.utils import translation

    with translation.override("es"):
        assert dates.month_year(D(2026, 5, 1)) == "mayo de 2026"


def test_it_ends_a_sentence_on_a_time_with_one_period_and_puts_no_space_before_a_colon(
    world, sent, client
):
    from ihss import test as cast
    from ihss.accounts.models import Role
    from ihss.timesheets import services

    services.submit(timesheet=sent, by=world.provider_user, confirm_early=True)
    services.approve(timesheet=sent, by=world.recipient_users[0], signature="Rosa Delgado")
    staff = cast.make_user("la.worker", Role.COUNTY_STAFF, county=cast.county("19"))
    services.decide_review(timesheet=sent, by=staff, decision="hold", reason="Checked")
    html = page(client, world.provider_user, f"/timesheets/{sent.pk}/", "en")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "Signed by Rosa Delgado on 11/20/2026 10:00 AM." in text
    assert ".." not in text
    assert "held it: Checked" in text and " :" not in text
