"""Sign-in lockout: temporary, growing, never revealing whether a username exists."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from ihss import test as cast
from ihss.accounts import lockout, services
from ihss.accounts.models import AuthenticatorApp, FailedSignIn, SecurityEvent, SignInGuard
from ihss.core.audit import trail
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
    assert notice.context["failures"] == 5 and notice.context["locked_minutes"] == 15
    assert notice.context["stopped"] is False
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


# --- Device cookies, the cap, and what the page and the notice say (issue 12, section 2) --


def own_browser(username="ana.reyes"):
    """A browser the owner has signed in from before: it carries the device cookie."""
    browser = Client()
    assert sign_in(browser, username, RIGHT, ip="203.0.113.20").status_code == 302
    assert lockout.DEVICE_COOKIE in browser.cookies
    sign_out(browser)
    return browser


def sign_out(browser):
    """Sign out as a person does: the browser keeps its other cookies."""
    assert browser.post(reverse("logout")).status_code == 302


def test_failures_from_other_browsers_do_not_pause_the_owners_usual_browser(client, ana):
    usual = own_browser()
    assert fail(client, "ana.reyes", 5, ip="198.51.100.1")[-1] == 429
    assert sign_in(client, "ana.reyes", RIGHT, ip="198.51.100.1").status_code == 429
    assert sign_in(usual, "ana.reyes", RIGHT, ip="203.0.113.20").status_code == 302


def test_failures_from_the_owners_browser_pause_only_that_browser(client, ana):
    usual = own_browser()
    assert fail(usual, "ana.reyes", 5, ip="203.0.113.20") == [200, 200, 200, 200, 429]
    paused = sign_in(usual, "ana.reyes", RIGHT, ip="203.0.113.20")
    assert paused.status_code == 429
    assert "from this browser is paused for 15 minutes" in paused.content.decode()
    # Other browsers were not paused by it.
    assert sign_in(client, "ana.reyes", RIGHT, ip="198.51.100.1").status_code == 302


def test_a_device_cookie_counts_only_for_its_own_username_and_cannot_be_forged(client, ana):
    cast.make_user("ben.ortiz")
    usual = own_browser()
    fail(client, "ben.ortiz", 5, ip="198.51.100.1")
    # Ana's browser is not Ben's usual browser: Ben's pause holds there.
    assert sign_in(usual, "ben.ortiz", RIGHT).status_code == 429
    fail(client, "ana.reyes", 5, ip="198.51.100.1")
    forged = Client()
    forged.cookies[lockout.DEVICE_COOKIE] = usual.cookies[lockout.DEVICE_COOKIE].value[:-2] + "xx"
    assert sign_in(forged, "ana.reyes", RIGHT).status_code == 429


def test_a_device_cookie_stops_counting_after_it_expires(client, ana, settings):
    settings.SIGN_IN_DEVICE_COOKIE_DAYS = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        usual = own_browser()
        clock.move_to(start + dt.timedelta(days=31))
        fail(client, "ana.reyes", 5, ip="198.51.100.1")
        assert sign_in(usual, "ana.reyes", RIGHT).status_code == 429


def test_the_device_cookie_is_given_only_after_the_second_factor(ana):
    from ihss.accounts.tests.test_second_factor import code_now, enroll_app

    first = Client()
    sign_in(first, "ana.reyes", RIGHT)
    app, _codes = enroll_app(first)
    AuthenticatorApp.objects.filter(pk=app.pk).update(last_step=app.last_step - 5)
    app.refresh_from_db()

    browser = Client()
    assert sign_in(browser, "ana.reyes", RIGHT).status_code == 302
    assert lockout.DEVICE_COOKIE not in browser.cookies  # the password alone is not enough
    assert browser.get("/").status_code == 302  # held at the second-factor page
    assert lockout.DEVICE_COOKIE not in browser.cookies
    given = browser.post(
        reverse("accounts:second-factor"), {"method": "app", "code": code_now(app)}
    )
    assert given.status_code == 302
    assert lockout.DEVICE_COOKIE in browser.cookies
    assert lockout.device_of(_request_with(browser), "ana.reyes") is not None


def _request_with(browser):
    request = RequestFactory().get("/")
    request.COOKIES = {k: m.value for k, m in browser.cookies.items()}
    return request


def pause_through(client, clock, username, pauses, ip="198.51.100.1"):
    """Make `pauses` pauses in a row, waiting out each; the clock ends at the last start."""
    for n in range(pauses):
        if n:
            clock.shift(dt.timedelta(minutes=15 * 2 ** (n - 1), seconds=1))
        assert fail(client, username, 5, ip=ip)[-1] == 429


def test_a_long_pause_lasts_exactly_what_the_page_and_the_email_say(
    client, ana, mailoutbox, django_capture_on_commit_callbacks
):
    """Issue 12: a pause announced as 960 minutes ended after about 8 hours, because its
    length was computed again at each try from the pauses of the last 24 hours."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC), tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            pause_through(client, clock, "ana.reyes", 7)
        started = timezone.now()
        page = sign_in(client, "ana.reyes", RIGHT).content.decode()
        assert "paused for 960 minutes" in page
        ends = timezone.localtime(started + dt.timedelta(minutes=960))
        email = mailoutbox[-1].body
        assert "paused for 960 minutes, until " + ends.strftime("%H:%M") in email
        assert "Pacific time on Dec. 2, 2026" in email

        clock.move_to(started + dt.timedelta(hours=8, minutes=30))
        later = sign_in(client, "ana.reyes", RIGHT)
        assert later.status_code == 429
        assert "paused for 450 minutes" in later.content.decode()
        clock.move_to(started + dt.timedelta(minutes=959, seconds=30))
        last = sign_in(client, "ana.reyes", RIGHT)
        assert last.status_code == 429 and "paused for 1 minute" in last.content.decode()
        clock.move_to(started + dt.timedelta(minutes=960, seconds=1))
        assert sign_in(client, "ana.reyes", RIGHT).status_code == 302


def test_unknown_browsers_are_stopped_at_the_cap_until_a_known_browser_signs_in(
    client, ana, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SIGN_IN_FAILURE_CAP = 10
    usual = own_browser()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            pause_through(client, clock, "ana.reyes", 2)
        assert SignInGuard.objects.get(username="ana.reyes", device="").failures == 10
        clock.shift(dt.timedelta(days=30))
        stopped = sign_in(Client(), "ana.reyes", RIGHT, ip="192.0.2.9")
        assert stopped.status_code == 429  # not even the right password, from a new browser
        assert "is stopped on browsers where it was not used before" in stopped.content.decode()
        assert reverse("recover-password") in stopped.content.decode()
        [told] = Notification.objects.filter(user=ana, context__stopped=True)
        assert told.context["failures"] == 10
        assert (
            mailoutbox[-1].subject == "Sign-in to your IHSS account from new browsers was stopped"
        )
        # The owner's usual browser still gets in, and that lifts the stop.
        assert sign_in(usual, "ana.reyes", RIGHT).status_code == 302
        assert sign_in(Client(), "ana.reyes", WRONG, ip="192.0.2.9").status_code == 200


def test_asking_for_a_reset_link_gives_no_fresh_guesses_but_completing_recovery_does(
    client, ana, settings
):
    settings.SIGN_IN_FAILURE_CAP = 10
    with time_machine.travel(timezone.now(), tick=False) as clock:
        pause_through(client, clock, "ana.reyes", 2)
        clock.shift(dt.timedelta(days=2))
        Client().post(reverse("recover-password"), {"username_or_email": "ana.reyes"})
        assert sign_in(client, "ana.reyes", RIGHT).status_code == 429
        assert SignInGuard.objects.get(username="ana.reyes", device="").failures == 10
        services.reset_password(user=ana, password="a brand new passphrase 2026")
        assert sign_in(client, "ana.reyes", "a brand new passphrase 2026").status_code == 302


def test_a_reset_link_asked_during_a_pause_does_not_shorten_it(client, ana):
    fail(client, "ana.reyes", 4)
    Client().post(reverse("recover-password"), {"username_or_email": "ana.reyes"})
    assert sign_in(client, "ana.reyes", WRONG).status_code == 429


def test_an_unknown_username_is_stopped_with_the_very_same_page(client, ana, settings):
    settings.SIGN_IN_FAILURE_CAP = 5
    known = fail(client, "ana.reyes", 5)
    unknown = fail(client, "nobody.here", 5, ip="198.51.100.7")
    assert known == unknown == [200, 200, 200, 200, 429]
    page_known = sign_in(client, "ana.reyes", RIGHT)
    page_unknown = sign_in(client, "nobody.here", RIGHT, ip="198.51.100.7")
    assert page_known.status_code == page_unknown.status_code == 429
    assert same_page(page_known.content.decode()) == same_page(page_unknown.content.decode())


def test_the_desk_unlock_ends_the_stop_and_the_pause(client, ana, service_desk, settings):
    settings.SIGN_IN_FAILURE_CAP = 5
    fail(client, "ana.reyes", 5)
    outcome = services.unlock(user=ana, by=service_desk, reason="Caller verified by phone.")
    assert outcome.unlocked_at is not None and outcome.by == "service.desk"
    assert sign_in(client, "ana.reyes", RIGHT).status_code == 302


def test_a_second_unlock_changes_nothing_and_gives_the_same_answer(client, ana, service_desk):
    fail(client, "ana.reyes", 5)
    first = services.unlock(user=ana, by=service_desk, reason="Verified.")
    again = services.unlock(user=ana, by=service_desk, reason="Verified.")
    assert first == again
    assert trail(ana).filter(action="accounts.unlock").count() == 1
    assert SecurityEvent.objects.filter(user=ana, kind="unlocked").count() == 1


def test_a_day_of_guessing_from_100_addresses_never_keeps_the_owner_out(client, ana, settings):
    """Issue 12's 24-hour simulation: wrong passwords for one username from 100 rotating
    addresses every 3 minutes, while the owner signs in from her usual browser every 2
    hours. She always gets in; the attacker is held far under the cap."""
    usual = own_browser()
    attacker = Client()
    checked = 0  # the attacker's tries whose password was really checked
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for minute in range(0, 24 * 60, 3):
            clock.move_to(start + dt.timedelta(minutes=minute))
            before = FailedSignIn.objects.filter(known_browser=False).count()
            sign_in(attacker, "ana.reyes", WRONG, ip=f"198.51.100.{minute // 3 % 100 + 1}")
            checked += FailedSignIn.objects.filter(known_browser=False).count() - before
            guard = SignInGuard.objects.get(username="ana.reyes", device="")
            assert guard.failures < settings.SIGN_IN_FAILURE_CAP
            if minute % 120 == 0:
                assert sign_in(usual, "ana.reyes", RIGHT, ip="203.0.113.20").status_code == 302
                sign_out(usual)
    assert checked == 35  # 7 rounds of 5: pauses of 15, 30, 60, ... 960 minutes fill the day
    assert checked < settings.SIGN_IN_FAILURE_CAP


@pytest.mark.parametrize("cap", ["101", "0"])
def test_the_portal_refuses_to_start_with_a_cap_over_nists_100(cap):
    env = {**os.environ, "IHSS_ENV": "test", "SIGN_IN_FAILURE_CAP": cap}
    started = subprocess.run(
        [sys.executable, "-c", "import ihss.settings"], env=env, capture_output=True, text=True
    )
    assert started.returncode != 0
    assert "SIGN_IN_FAILURE_CAP must be between 1 and 100" in started.stderr


@pytest.mark.parametrize("typed", ["ana\x00reyes", "a" * 300, "\x00"])
def test_an_impossible_username_is_refused_plainly_and_never_breaks_the_count(client, ana, typed):
    for _ in range(6):
        response = sign_in(client, typed, WRONG)
        # Refused before the sign-in reads it (ihss.core.input, ADR 0013), a form error or
        # a pause: never a 500.
        assert response.status_code in (200, 400, 429)
    for guard in SignInGuard.objects.all():
        assert "\x00" not in guard.username and len(guard.username) <= 150


def test_the_desk_sees_and_ends_a_pause_of_the_persons_own_browser(ana, service_desk):
    usual = own_browser()
    assert fail(usual, "ana.reyes", 5, ip="203.0.113.20")[-1] == 429
    assert lockout.paused_until("ana.reyes") is not None  # "Paused until …" on the desk page
    services.unlock(user=ana, by=service_desk, reason="Caller verified by phone.")
    assert sign_in(usual, "ana.reyes", RIGHT, ip="203.0.113.20").status_code == 302


@pytest.mark.parametrize(
    ("language", "first", "last"),
    [
        (
            "en",
            "The username or the password is not right. You can try 4 more times before "
            "sign-in is paused for a while.",
            "You can try 1 more time before sign-in is paused for a while.",
        ),
        (
            "es",
            "El nombre de usuario o la contraseña no son correctos. Puede intentarlo 4 veces "
            "más antes de que el inicio de sesión se pause por un tiempo.",
            "Puede intentarlo 1 vez más antes de que el inicio de sesión se pause por un tiempo.",
        ),
    ],
)
def test_it_says_in_our_words_how_many_tries_remain_before_a_pause(
    client, ana, language, first, last
):
    client.cookies["django_language"] = language
    answers = [sign_in(client, "ana.reyes", WRONG).content.decode() for _ in range(4)]
    assert first in answers[0]
    assert last in answers[3]
    assert "clave" not in answers[0] and "Please enter a correct" not in answers[0]
    # A username that does not exist is told the very same, try for try (ADR 0012).
    strangers = [sign_in(client, "nobody.here", WRONG).content.decode() for _ in range(4)]
    assert [same_page(a) for a in strangers] == [same_page(a) for a in answers]
