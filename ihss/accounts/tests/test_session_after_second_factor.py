"""The session id changes when the second factor is given, as it does at the password."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from ihss import test as cast
from ihss.accounts.models import AuthenticatorApp, SignInSession
from ihss.accounts.tests.test_second_factor import code_now, enroll_app, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana_with_app():
    ana = cast.make_user("ana.reyes")
    app, _codes = enroll_app(sign_in("ana.reyes"))
    AuthenticatorApp.objects.filter(pk=app.pk).update(last_step=app.last_step - 5)
    app.refresh_from_db()
    return ana, app


def test_it_gives_the_session_a_new_id_once_the_code_is_accepted(ana_with_app):
    ana, app = ana_with_app
    client = sign_in("ana.reyes")
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    done = client.post(reverse("accounts:second-factor"), {"method": "app", "code": code_now(app)})
    assert done.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    # The id from before the second factor opens nothing any more.
    assert not Session.objects.filter(session_key=before).exists()
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = before
    assert stolen.get(reverse("accounts:security")).status_code == 302
    # The person goes on where they were, and their sign-in follows the new id.
    assert client.get(reverse("accounts:security")).status_code == 200
    assert SignInSession.objects.filter(user=ana, session_key=after).exists()
    assert not SignInSession.objects.filter(session_key=before).exists()


def test_signing_out_everywhere_still_reaches_a_session_after_its_second_factor(ana_with_app):
    ana, app = ana_with_app
    phone = sign_in("ana.reyes")
    phone.post(
        reverse("accounts:second-factor"),
        {"method": "app", "code": code_now(app)},
    )
    assert phone.get(reverse("accounts:security")).status_code == 200
    laptop = sign_in("ana.reyes")
    laptop.post(
        reverse("accounts:second-factor"),
        {"method": "app", "code": code_now(app, offset_steps=1)},
    )
    assert laptop.get(reverse("accounts:security")).status_code == 200
    laptop.post(reverse("accounts:security"))
    assert phone.get(reverse("accounts:security")).status_code == 302
    assert laptop.get(reverse("accounts:security")).status_code == 200
