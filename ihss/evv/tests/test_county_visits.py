"""Who sees a visit, and what of it: county staff of the recipient's county see where it
was made; the state and the desk see it without coordinates; the recipient sees times
and Home or Community only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.evv.services.visits import correct_visit
from ihss.evv.tests.factories import local, punch, worker_and_recipient

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 3)
LATITUDE = "38.576600"  # the factories' home


@pytest.fixture
def corrected():
    provider, recipient, user, _a = worker_and_recipient()
    punch(provider, recipient, user, kind="in", at=local(DAY, 8))
    visit = punch(provider, recipient, user, kind="out", at=local(DAY, 12)).recorded[1]
    return correct_visit(
        visit=visit, start=None, end=dt.time(13), place=None, reason="Stayed for lunch", by=user
    ), recipient


def test_county_staff_see_where_and_why_it_was_corrected(client, corrected):
    visit, _r = corrected
    client.force_login(cast.make_user("sac", Role.COUNTY_STAFF, county=cast.county("34")))
    listed = client.get(reverse("evv:county-visits"), {"day": "2026-11-03"}).content.decode()
    assert reverse("evv:county-visit", args=[visit.pk]) in listed
    page = client.get(reverse("evv:county-visit", args=[visit.pk])).content.decode()
    assert LATITUDE in page and "Stayed for lunch" in page


@pytest.mark.parametrize("role", [Role.STATE_ADMIN, Role.SERVICE_DESK])
def test_the_state_and_the_desk_see_the_visit_but_not_where(client, corrected, role):
    visit, _r = corrected
    client.force_login(cast.make_user("statewide", role))
    page = client.get(reverse("evv:county-visit", args=[visit.pk]))
    assert page.status_code == 200
    assert LATITUDE not in page.content.decode() and "Stayed for lunch" in page.content.decode()


def test_staff_of_another_county_get_not_found(client, corrected):
    visit, _r = corrected
    client.force_login(cast.make_user("la", Role.COUNTY_STAFF, county=cast.county("19")))
    assert client.get(reverse("evv:county-visit", args=[visit.pk])).status_code == 404


def test_the_recipient_sees_times_and_place_never_coordinates(client, corrected):
    visit, recipient = corrected
    client.force_login(cast.make_user("rosa", Role.RECIPIENT, recipient=recipient))
    page = client.get(reverse("evv:recipient-visits"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Home" in html and "corrected by the provider" in html
    assert LATITUDE not in html and "-121.49" not in html
    assert client.get(reverse("evv:county-visit", args=[visit.pk])).status_code == 403


def test_someone_elses_visits_are_not_on_a_recipients_page(client, corrected):
    other = cast.make_recipient(county_code="34", first_name="Wei", last_name="Chen")
    client.force_login(cast.make_user("wei", Role.RECIPIENT, recipient=other))
    assert (
        "No visit was recorded for you yet."
        in client.get(reverse("evv:recipient-visits")).content.decode()
    )


def test_the_visit_list_filters_what_to_look_at(client, corrected):
    visit, _r = corrected
    client.force_login(cast.make_user("sac", Role.COUNTY_STAFF, county=cast.county("34")))
    url = reverse("evv:county-visits")
    link = reverse("evv:county-visit", args=[visit.pk])
    assert link in client.get(url, {"day": "2026-11-03", "flag": "corrected"}).content.decode()
    assert (
        link not in client.get(url, {"day": "2026-11-03", "flag": "out_of_range"}).content.decode()
    )
