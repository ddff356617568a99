"""Sign-in lockout: temporary, growing, never revealing whether a username exists."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ihss import test as cast
from ihss.accounts.models import SecurityEvent
from ihss.notifications.models import Notification

pytestmark = pytest.mark.django_db

RIGHT = cast.PASSWORD
WRONG = "not the right password at all"


@pytest.fixture
def ana(db):
    return cast.make_user("ana.reyes")


def same_page(html: str) -> str:
    """A page without what differs on every response (CSP nonces, CSRF tokens)."""
    return re.sub(r'(nonce|value)="[^"]*"', "", html)


def sign_in(client, username, password, ip="203.0.113.10"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def fail(client, username, times, ip="203.0.113.10"):
    return [sign_in(client, username, WRONG, ip).status_code for _ in range(times)]


def test_five_wrong_passwords_pause_the_account_for_fifteen_minutes(client, ana):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert fail(client, "ana.reyes", 5) == [200, 200, 200, 200, 429]
        paused = sign_in(client, "ana.reyes", RIGHT)
        assert paused.status_code == 429  # even the right password waits
        assert "paused for 15 minutes" in paused.content.decode()
        clock.move_to(start + dt.timedelta(minutes=14))
        assert sign_in(client, "ana.reyes", RIGHT).status_code == 429
        clock.move_to(start + dt.timedelta(minutes=16))
        response = sign_in(client, "ana.reyes", RIGHT)
    assert response.status_code == 302
    assert SecurityEvent.objects.filter(user=ana, kind="signed_in").count() == 1


def test_the_owner_is_told_once_per_lockout(
    client, ana, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fail(client, "ana.reyes", 7)
    [notice] = Notification.objects.filter(user=ana, event="sign_in_locked")
    assert notice.context == {"failures": 5, "locked_minutes": 15}
    assert [m.subject for m in mailoutbox] == ["Sign-in to your IHSS account was paused"]


def test_an_unknown_username_gets_the_very_same_answer(
    client, ana, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = fail(client, "ana.reyes", 6)
        unknown = fail(client, "nobody.here", 6, ip="198.51.100.7")
    assert known == unknown
    page_known = sign_in(client, "ana.reyes", WRONG).content.decode()
    page_unknown = sign_in(client, "nobody.here", WRONG, ip="198.51.100.7").content.decode()
    assert same_page(page_known) == same_page(page_unknown)
    assert not Notification.objects.exclude(user=ana).exists()
    assert SecurityEvent.objects.filter(username="nobody.here", kind="locked_out").count() == 1


def test_a_repeat_lockout_lasts_twice_as_long_but_never_for_good(client, ana):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fail(client, "ana.reyes", 5)
        clock.move_to(start + dt.timedelta(minutes=16))
        fail(client, "ana.reyes", 5)
        assert "paused for 30 minutes" in sign_in(client, "ana.reyes", RIGHT).content.decode()
        clock.move_to(start + dt.timedelta(minutes=16 + 29))
        assert sign_in(client, "ana.reyes", RIGHT).status_code == 429
        clock.move_to(start + dt.timedelta(minutes=16 + 31))
        assert sign_in(client, "ana.reyes", RIGHT).status_code == 302


def test_case_and_spaces_do_not_give_extra_tries(client, ana):
    statuses = [
        sign_in(client, name, WRONG).status_code
        for name in ["ana.reyes", "ANA.REYES", " Ana.Reyes ", "ana.REYES", "Ana.reyes"]
    ]
    assert statuses[-1] == 429


def test_a_success_starts_the_count_again(client, ana):
    fail(client, "ana.reyes", 4)
    assert sign_in(client, "ana.reyes", RIGHT).status_code == 302
    client.logout()
    assert fail(client, "ana.reyes", 4) == [200] * 4
    assert sign_in(client, "ana.reyes", RIGHT).status_code == 302


def test_one_address_trying_many_usernames_is_slowed_without_pausing_anyone(client, ana, settings):
    settings.SIGN_IN_IP_FAILURE_LIMIT = 8
    attacker = "192.0.2.66"
    for n in range(8):
        sign_in(client, f"someone{n}", WRONG, ip=attacker)
    slowed = sign_in(client, "ana.reyes", WRONG, ip=attacker)
    assert slowed.status_code == 429
    assert "too many failed sign-ins from your network" in slowed.content.decode()
    # Ana, on her own phone, is not paused.
    assert sign_in(client, "ana.reyes", RIGHT, ip="203.0.113.10").status_code == 302
    assert SecurityEvent.objects.filter(kind="throttled", ip_address=attacker).count() == 1
