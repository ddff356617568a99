"""The Service Desk removes a caller's second factors after checking who they are, and
corrects the email of an account that never got its confirmation link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from ihss import test as cast
from ihss.accounts import second_factor
from ihss.accounts.models import AuthenticatorApp, RecoveryCodeSet, Role, SecurityEvent, User
from ihss.core.audit import trail
from ihss.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(db):
    provider = cast.make_provider(ssn="123-45-6789", date_of_birth=dt.date(1986, 4, 28))
    user = cast.make_user("ana.reyes", Role.PROVIDER, provider=provider)
    app = second_factor.start_app(user)
    AuthenticatorApp.objects.filter(pk=app.pk).update(confirmed=True)
    second_factor.make_recovery_codes(None, user)
    return user


def reset(client: Client, user: User, **data: str):
    return client.post(reverse("accounts:desk-factor-reset", args=[user.pk]), data)


def test_the_desk_removes_every_second_factor_once_the_callers_details_match(
    signed_in, service_desk, ana
):
    phone = Client()
    phone.force_login(ana)
    desk = signed_in(service_desk)
    page = desk.get(reverse("accounts:desk-account", args=[ana.pk])).content.decode()
    assert "1 authenticator app" in page and "10 recovery codes left" in page
    done = reset(
        desk,
        ana,
        date_of_birth="4/28/1986",
        ssn_last4="6789",
        reason="Lost phone; DOB and SSN match",
    )
    assert done.status_code == 302
    assert not ana.has_second_factor()
    assert not RecoveryCodeSet.objects.filter(user=ana).exists()
    assert phone.get(reverse("accounts:security")).status_code == 302  # signed out
    entry = trail(ana).get(action="accounts.second_factor_reset")
    assert entry.reason == "Lost phone; DOB and SSN match" and entry.actor == service_desk
    assert SecurityEvent.objects.filter(user=ana, kind="second_factor_reset").exists()
    assert Notification.objects.filter(user=ana, event="sign_in_protection").exists()


def test_details_that_do_not_match_the_record_remove_nothing(signed_in, service_desk, ana):
    page = reset(
        signed_in(service_desk),
        ana,
        date_of_birth="4/28/1986",
        ssn_last4="0000",
        reason="Lost phone",
    )
    assert page.status_code == 200
    assert "do not match the case record" in page.content.decode()
    assert ana.has_second_factor()
    assert trail(ana).filter(action="accounts.identity_check_failed").exists()


def test_only_the_desk_removes_second_factors(signed_in, la_staff, ana):
    assert (
        reset(
            signed_in(la_staff), ana, date_of_birth="4/28/1986", ssn_last4="6789", reason="x"
        ).status_code
        == 403
    )
    assert ana.has_second_factor()


def test_the_desk_corrects_a_mistyped_email_and_the_old_link_stops_working(
    signed_in, service_desk, django_capture_on_commit_callbacks
):
    waiting = cast.make_user("new.person")
    User.objects.filter(pk=waiting.pk).update(is_active=False, email="new.person@exampel.org")
    desk = signed_in(service_desk)
    with django_capture_on_commit_callbacks(execute=True):  # the email goes at commit
        done = desk.post(
            reverse("accounts:desk-email", args=[waiting.pk]),
            {"email": "new.person@example.org", "reason": "Caller misspelled the domain"},
        )
    assert done.status_code == 302
    waiting.refresh_from_db()
    assert waiting.email == "new.person@example.org"
    assert mail.outbox[-1].to == ["new.person@example.org"]
    entry = trail(waiting).get(action="accounts.email_corrected")
    assert entry.before == {"email": "new.person@exampel.org"}
    assert SecurityEvent.objects.filter(user=waiting, kind="email_corrected").exists()


def test_a_confirmed_email_is_not_the_desks_to_change(signed_in, service_desk, ana):
    before = ana.email
    desk = signed_in(service_desk)
    desk.post(
        reverse("accounts:desk-email", args=[ana.pk]), {"email": "x@example.org", "reason": "y"}
    )
    ana.refresh_from_db()
    assert ana.email == before
