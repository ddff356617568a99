"""A person sees where they are signed in and can sign out everywhere else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ihss import test as cast
from ihss.core.audit import trail

pytestmark = pytest.mark.django_db


def signed_in_from(ip: str) -> Client:
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=f"Browser at {ip}")
    response = client.post(reverse("login"), {"username": "ana.reyes", "password": cast.PASSWORD})
    assert response.status_code == 302
    return client


def test_a_person_sees_their_sign_ins_and_ends_the_others():
    ana = cast.make_user("ana.reyes")
    phone = signed_in_from("203.0.113.5")
    laptop = signed_in_from("198.51.100.9")
    page = phone.get(reverse("accounts:security")).content.decode()
    assert "203.0.113.5" in page and "198.51.100.9" in page
    assert page.count("This device") == 1

    page = phone.post(reverse("accounts:security"), follow=True).content.decode()
    assert "1 other sign-in was ended." in page
    assert laptop.get(reverse("accounts:security")).status_code == 302  # signed out
    assert phone.get(reverse("accounts:security")).status_code == 200  # still in
    assert trail(ana).filter(action="accounts.sign_out_elsewhere").exists()


def test_nobody_sees_another_persons_sign_ins(client):
    cast.make_user("ana.reyes")
    signed_in_from("203.0.113.5")
    other = cast.make_user("someone.else")
    client.force_login(other)
    assert "203.0.113.5" not in client.get(reverse("accounts:security")).content.decode()


def test_stay_signed_in_renews_the_session_and_only_goes_back_inside_the_portal(client):
    ana = cast.make_user("ana.reyes")
    client.force_login(ana)
    page = client.get(reverse("accounts:security")).content.decode()
    assert 'id="session-warning"' in page and 'data-idle-seconds="1800"' in page
    quiet = client.post(reverse("accounts:keep-alive"), HTTP_X_REQUESTED_WITH="fetch")
    assert quiet.status_code == 204
    back = client.post(reverse("accounts:keep-alive"), {"next": "/messages/"})
    assert back.url == "/messages/"
    away = client.post(reverse("accounts:keep-alive"), {"next": "https://evil.example/"})
    assert away.url == "/"
