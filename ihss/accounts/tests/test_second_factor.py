"""Second factors: authenticator apps, recovery codes, staff requirement, step-up."""

from __future__ import annotations

import re
import threading
import time

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from ihss import test as cast
from ihss.accounts import rules, second_factor
from ihss.accounts.models import AuthenticatorApp, RecoveryCodeSet, Role, SecurityEvent
from ihss.core.audit import trail
from ihss.notifications.models import Notification
from ihss.notifications.rendering import render_notice

pytestmark = pytest.mark.django_db
STAFF_ROLES = ["county_staff", "training_provider", "coach", "service_desk", "state_admin"]


def code_now(app: AuthenticatorApp, *, offset_steps: int = 0) -> str:
    key = rules.totp_secret_bytes(app.secret)
    return rules.hotp(key, rules.totp_step(time.time()) + offset_steps)


def sign_in(username: str, password: str = cast.PASSWORD) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, "the password step should pass"
    return client


def enroll_app(client: Client) -> tuple[AuthenticatorApp, list[str]]:
    """Through the pages: open the set-up page, then type the app's first code."""
    page = client.get(reverse("accounts:app-add"))
    assert page.status_code == 200
    app = AuthenticatorApp.objects.get(confirmed=False)
    done = client.post(reverse("accounts:app-add"), {"code": code_now(app)})
    assert done.status_code == 200
    codes = re.findall(
        r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>", done.content.decode()
    )
    app.refresh_from_db()
    return app, codes


def reaches_home(client: Client) -> bool:
    response = client.get("/", follow=True)
    stops = [url for url, _status in response.redirect_chain]
    return response.status_code == 200 and not any("second-factor" in url for url in stops)


def fully_signed_in(username: str, app: AuthenticatorApp, *, offset_steps: int = 0) -> Client:
    client = sign_in(username)
    given = client.post(
        reverse("accounts:second-factor"),
        {"method": "app", "code": code_now(app, offset_steps=offset_steps)},
    )
    assert given.status_code == 302
    return client


@pytest.fixture
def ana():
    return cast.make_user("ana.reyes")


@pytest.fixture
def ana_with_app(ana):
    client = sign_in("ana.reyes")
    app, codes = enroll_app(client)
    # The app's first code was used at set-up: later codes come from the next step.
    AuthenticatorApp.objects.filter(pk=app.pk).update(last_step=app.last_step - 5)
    app.refresh_from_db()
    return app, codes


def test_setting_up_an_app_shows_ten_recovery_codes_once_and_stores_only_digests(ana):
    client = sign_in("ana.reyes")
    app, codes = enroll_app(client)
    assert app.confirmed and len(codes) == 10 and len(set(codes)) == 10
    stored = RecoveryCodeSet.objects.get(user=ana).codes.values_list("digest", flat=True)
    assert not set(codes) & set(stored)
    assert ana.has_second_factor()
    assert SecurityEvent.objects.filter(user=ana, kind="second_factor_added").exists()
    assert Notification.objects.filter(user=ana, event="sign_in_protection").exists()
    assert trail(ana).filter(action="accounts.second_factor_added").exists()
    page = client.get(reverse("accounts:factors")).content.decode()
    assert "10 unused recovery codes" in page
    assert not any(code in page for code in codes)


def test_the_secret_of_an_app_is_encrypted_in_the_database(ana):
    app = second_factor.start_app(ana)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_authenticatorapp WHERE id = %s", [app.pk])
        (stored,) = cursor.fetchone()
    assert app.secret not in stored


def test_a_wrong_first_code_keeps_the_same_qr_code_and_says_why(ana):
    client = sign_in("ana.reyes")
    client.get(reverse("accounts:app-add"))
    app = AuthenticatorApp.objects.get(confirmed=False)
    wrong = "000000" if code_now(app) != "000000" else "111111"
    page = client.post(reverse("accounts:app-add"), {"code": wrong}).content.decode()
    assert "That code did not match" in page
    assert second_factor.grouped_secret(app.secret) in page
    assert AuthenticatorApp.objects.get(pk=app.pk).confirmed is False


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_says_a_right_first_code_typed_just_after_a_wrong_one_is_a_wait(ana, language):
    client = sign_in("ana.reyes")
    client.cookies["django_language"] = language
    client.get(reverse("accounts:app-add"))
    app = AuthenticatorApp.objects.get(confirmed=False)
    right = code_now(app)
    wrong = "000000" if right != "000000" else "111111"
    with time_machine.travel(time.time(), tick=False):
        client.post(reverse("accounts:app-add"), {"code": wrong})
        page = client.post(reverse("accounts:app-add"), {"code": right}).content.decode()
    assert {
        "en": "A wrong code makes the next try wait. Wait 1 second, then try again.",
        "es": "Un código incorrecto hace esperar el siguiente intento. Espere 1 segundo y",
    }[language] in page
    assert "did not match" not in page and "no coincide" not in page
    # Once the second is over, the right code sets the app up.
    with time_machine.travel(time.time() + 2, tick=False):
        done = client.post(reverse("accounts:app-add"), {"code": code_now(app)})
    assert done.status_code == 200 and AuthenticatorApp.objects.get(pk=app.pk).confirmed


def test_after_the_password_an_account_with_an_app_must_give_its_code(ana_with_app):
    app, _codes = ana_with_app
    client = sign_in("ana.reyes")
    held = client.get(reverse("notifications:inbox"))
    assert held.status_code == 302
    assert held["Location"].startswith(reverse("accounts:second-factor"))
    api = client.get("/api/v1/messages/")
    assert api.status_code == 401
    done = client.post(
        reverse("accounts:second-factor"),
        {"method": "app", "code": code_now(app), "next": "/messages/"},
    )
    assert done.status_code == 302 and done["Location"] == "/messages/"
    assert client.get(reverse("notifications:inbox")).status_code == 200


def test_a_replayed_app_code_is_refused(ana_with_app):
    app, _codes = ana_with_app
    code = code_now(app)
    first = sign_in("ana.reyes")
    assert (
        first.post(reverse("accounts:second-factor"), {"method": "app", "code": code}).status_code
        == 302
    )
    second = sign_in("ana.reyes")
    page = second.post(reverse("accounts:second-factor"), {"method": "app", "code": code})
    assert page.status_code == 200
    assert "Each code works only once" in page.content.decode()
    assert second.get(reverse("notifications:inbox")).status_code == 302


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_code_sent_twice_at_once_lets_only_one_in():
    user = cast.make_user("ana.reyes")
    app = second_factor.start_app(user)
    AuthenticatorApp.objects.filter(pk=app.pk).update(confirmed=True)
    code = code_now(app)
    results: list[bool] = []
    barrier = threading.Barrier(2)

    def attempt():
        device = AuthenticatorApp.objects.get(pk=app.pk)
        barrier.wait()
        results.append(device.verify_token(code))
        connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]


def test_a_code_older_than_the_last_accepted_one_is_refused(ana_with_app):
    app, _codes = ana_with_app
    assert app.verify_token(code_now(app))
    app.refresh_from_db()
    assert not app.verify_token(code_now(app, offset_steps=-1))


def test_wrong_codes_make_the_next_try_wait_and_are_recorded(ana_with_app):
    app, _codes = ana_with_app
    client = sign_in("ana.reyes")
    right = code_now(app)
    wrong = "123456" if right != "123456" else "654321"
    with time_machine.travel(time.time(), tick=False):
        client.post(reverse("accounts:second-factor"), {"method": "app", "code": wrong})
        page = client.post(reverse("accounts:second-factor"), {"method": "app", "code": right})
        assert "A wrong code makes the next try wait. Wait 1 second, then" in page.content.decode()
    assert SecurityEvent.objects.filter(kind="second_factor_wrong").count() == 1


def test_a_recovery_code_signs_in_once_and_tells_the_person(ana, ana_with_app):
    _app, codes = ana_with_app
    client = sign_in("ana.reyes")
    typed = codes[0].lower().replace("-", " ")  # case and separators do not matter
    done = client.post(
        reverse("accounts:second-factor"), {"method": "recovery", "recovery_code": typed}
    )
    assert done.status_code == 302
    notice = Notification.objects.filter(user=ana, event="sign_in_protection").latest("id")
    assert notice.context["remaining"] == 9
    assert "9 codes are left" in render_notice(notice.event, notice.context, "en").message
    again = sign_in("ana.reyes")
    page = again.post(
        reverse("accounts:second-factor"), {"method": "recovery", "recovery_code": codes[0]}
    )
    assert "already used" in page.content.decode()


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_must_add_a_second_factor_before_anything_else(settings, role):
    settings.SECOND_FACTOR_REQUIRED_ROLES = STAFF_ROLES
    scope = {"county": cast.county("19")} if role == Role.COUNTY_STAFF else {}
    cast.make_user("staff.person", role, **scope)
    client = sign_in("staff.person")
    held = client.get("/")
    assert held.status_code == 302 and held["Location"].startswith(reverse("accounts:factors"))
    assert "Add a second factor to continue" in client.get(held["Location"]).content.decode()
    enroll_app(client)
    assert reaches_home(client)


def test_providers_and_recipients_may_go_without_a_second_factor(settings, provider_user):
    settings.SECOND_FACTOR_REQUIRED_ROLES = STAFF_ROLES
    provider_user.set_password(cast.PASSWORD)
    provider_user.save()
    assert reaches_home(sign_in("provider"))


def test_staff_cannot_remove_their_last_second_factor(settings):
    settings.SECOND_FACTOR_REQUIRED_ROLES = STAFF_ROLES
    user = cast.make_user("desk.agent", Role.SERVICE_DESK)
    client = sign_in("desk.agent")
    app, _codes = enroll_app(client)
    page = client.post(reverse("accounts:factor-remove", args=["app", app.pk]), follow=True)
    assert "Your role needs a second factor" in page.content.decode()
    assert user.has_second_factor()


def test_removing_the_last_factor_of_a_provider_also_ends_the_recovery_codes(ana, ana_with_app):
    app, _codes = ana_with_app
    client = fully_signed_in("ana.reyes", app)
    client.post(reverse("accounts:factor-remove", args=["app", app.pk]))
    assert not ana.has_second_factor()
    assert not RecoveryCodeSet.objects.filter(user=ana).exists()


def test_nobody_removes_another_persons_app(ana_with_app):
    app, _codes = ana_with_app
    mallory = cast.make_user("mallory")
    client = sign_in("mallory")
    assert client.post(reverse("accounts:factor-remove", args=["app", app.pk])).status_code == 404
    assert AuthenticatorApp.objects.filter(pk=app.pk).exists()
    assert mallory.pk != app.user_id


# --- Step-up -----------------------------------------------------------------------------


def test_changing_a_second_factor_long_after_sign_in_asks_for_the_password_again(ana):
    client = sign_in("ana.reyes")
    with time_machine.travel(time.time() + 11 * 60):
        asked = client.get(reverse("accounts:app-add"))
        assert asked.status_code == 302
        assert asked["Location"].startswith(reverse("accounts:confirm"))
        wrong = client.post(
            asked["Location"], {"action": "password", "pw-password": "not it at all"}
        )
        assert "That is not your password" in wrong.content.decode()
        back = client.post(asked["Location"], {"action": "password", "pw-password": cast.PASSWORD})
        assert back.status_code == 302 and back["Location"] == reverse("accounts:app-add")
        assert client.get(back["Location"]).status_code == 200
    assert SecurityEvent.objects.filter(user=ana, kind="step_up_failed").count() == 1


def test_a_code_sent_by_email_confirms_it_is_you(ana):
    client = sign_in("ana.reyes")
    with time_machine.travel(time.time() + 11 * 60):
        url = reverse("accounts:confirm") + "?next=" + reverse("accounts:app-add")
        sent = client.post(url, {"action": "email"}, follow=True).content.decode()
        assert "We emailed a 6-digit code to a•••@example.org" in sent
        found = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
        assert found
        code = found.group(1)
        assert code not in sent
        back = client.post(url, {"action": "code", "otc-code": code})
        assert back.status_code == 302 and back["Location"] == reverse("accounts:app-add")


def test_five_wrong_confirmations_sign_the_person_out(ana):
    client = sign_in("ana.reyes")
    with time_machine.travel(time.time() + 11 * 60):
        url = reverse("accounts:confirm")
        for _ in range(4):
            assert (
                client.post(url, {"action": "password", "pw-password": "guess"}).status_code == 200
            )
        out = client.post(url, {"action": "password", "pw-password": "guess"})
        assert out.status_code == 302 and out["Location"] == reverse("login")
        assert client.get(reverse("accounts:security")).status_code == 302


def test_a_confirmation_request_for_another_site_goes_home_instead(ana):
    client = sign_in("ana.reyes")
    back = client.post(
        reverse("accounts:confirm") + "?next=https://evil.example/",
        {"action": "password", "pw-password": cast.PASSWORD},
    )
    assert back["Location"] == "/"


# --- Rules -------------------------------------------------------------------------------


def test_totp_matches_the_rfc_6238_test_vectors():
    # RFC 6238 appendix B, SHA-1, secret "12345678901234567890", 8 digits.
    key = b"12345678901234567890"
    vectors = {
        59: "94287082",
        1111111109: "07081804",
        1234567890: "89005924",
        2000000000: "69279037",
    }
    for moment, expected in vectors.items():
        assert rules.hotp(key, rules.totp_step(moment), digits=8) == expected


def test_recovery_codes_read_look_alike_letters_as_digits():
    code = rules.format_recovery_code(bytes(range(10)))
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    sloppy = code.replace("0", "o").replace("1", "l").lower()
    assert rules.recovery_code_digest(sloppy) == rules.recovery_code_digest(code)
    assert rules.recovery_code_digest("too-short") is None


# --- Password change, recovery with a second factor, mobile step-up ------------------------


def test_changing_the_password_signs_out_elsewhere_and_tells_the_person(ana):
    here = sign_in("ana.reyes")
    elsewhere = sign_in("ana.reyes")
    new = "a different long passphrase of mine"
    done = here.post(
        reverse("accounts:password-change"),
        {"old_password": cast.PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302
    assert here.get(reverse("accounts:security")).status_code == 200
    assert elsewhere.get(reverse("accounts:security")).status_code == 302
    assert SecurityEvent.objects.filter(user=ana, kind="password_changed").exists()
    assert Notification.objects.filter(user=ana, event="password_changed").exists()


def test_a_wrong_current_password_keeps_the_new_one_typed_out_of_sight_and_counts(ana):
    client = sign_in("ana.reyes")
    page = client.post(
        reverse("accounts:password-change"),
        {"old_password": "wrong", "new_password1": "x" * 20, "new_password2": "x" * 20},
    )
    assert page.status_code == 200
    assert SecurityEvent.objects.filter(user=ana, kind="step_up_failed").count() == 1


def test_a_reset_link_asks_for_the_second_factor_instead_of_the_answers(
    ana, ana_with_app, django_capture_on_commit_callbacks
):
    from ihss.accounts import recovery

    app, codes = ana_with_app
    with django_capture_on_commit_callbacks(execute=True):  # the email goes at commit
        recovery.send_reset_link(username_or_email="ana.reyes", ip_address=None)
    found = re.search(r"https?://\S+/recover/\S+", str(mail.outbox[-1].body))
    assert found
    link = found.group(0)
    client = Client()
    # The link moves its token into the session and continues without it.
    path = client.get("/" + link.split("://", 1)[1].split("/", 1)[1])["Location"].lstrip("/")
    page = client.get("/" + path).content.decode()
    assert "Your account has a second factor" in page
    wrong = client.post("/" + path, {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}).content.decode()
    assert "That code did not work" in wrong
    with time_machine.travel(time.time() + 5):  # a wrong code makes the next wait 1 second
        assert client.post("/" + path, {"code": codes[1]}).status_code == 302
        new = "a brand new passphrase for ana"
        done = client.post("/" + path, {"new_password1": new, "new_password2": new})
    assert "Your password is changed" in done.content.decode()
    ana.refresh_from_db()
    assert ana.check_password(new)
    assert trail(ana).filter(reason="Emailed link and second factor").exists()


def test_adding_a_mobile_number_long_after_sign_in_asks_to_confirm_first(ana):
    client = sign_in("ana.reyes")
    with time_machine.travel(time.time() + 11 * 60):
        asked = client.get(reverse("notifications:mobile-add"))
        assert asked["Location"].startswith(reverse("accounts:confirm"))
    # Sending a form back gets the idle timeout on top; past that it asks again too.
    with time_machine.travel(time.time() + 25 * 60):
        assert client.get(reverse("notifications:settings")).status_code == 200
    with time_machine.travel(time.time() + 45 * 60):
        removed = client.post(reverse("notifications:mobile-remove"))
        assert removed["Location"].startswith(reverse("accounts:confirm"))
        assert "next=%2Fmessages%2Fsettings%2F" in removed["Location"]


def _passkey_added_in(client: Client, user, name: str = "Phone") -> None:
    """What the passkey script's last request does on the server (django-otp-webauthn has
    checked the browser's answer): a confirmed credential, then passkey_added."""
    from django.test import RequestFactory
    from django_otp_webauthn.models import WebAuthnCredential

    credential = WebAuthnCredential.objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=f"credential-{user.pk}-{name}".encode(),
        public_key=b"public-key",
        sign_count=0,
    )
    request = RequestFactory().post("/webauthn/registration/complete/")
    request.session = client.session
    request.user = user
    second_factor.passkey_added(request, credential)
    request.session.save()


def test_it_gives_ten_recovery_codes_once_after_a_first_passkey(ana):
    client = sign_in("ana.reyes")
    _passkey_added_in(client, ana)
    page = client.get(reverse("accounts:factors")).content.decode()
    codes = re.findall(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>", page)
    assert len(set(codes)) == 10 and "Your second factor is set up." in page
    assert RecoveryCodeSet.objects.get(user=ana).remaining() == 10
    # Shown once: the next visit lists the factors and the count, not the codes.
    again = client.get(reverse("accounts:factors")).content.decode()
    assert "10 unused recovery codes" in again and not any(code in again for code in codes)


def test_it_gives_no_new_codes_for_a_second_passkey(ana):
    client = sign_in("ana.reyes")
    _passkey_added_in(client, ana)
    client.get(reverse("accounts:factors"))
    first_set = RecoveryCodeSet.objects.get(user=ana).pk
    _passkey_added_in(client, ana, name="Laptop")
    page = client.get(reverse("accounts:factors")).content.decode()
    assert "Your recovery codes" not in page.split("<main", 1)[1].split("</h1>", 1)[0]
    assert RecoveryCodeSet.objects.get(user=ana).pk == first_set
