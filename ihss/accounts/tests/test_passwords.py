"""The password policy (NIST SP 800-63B-4): long, any characters, not known, not guessable."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import random
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ihss import test as cast
from ihss.accounts import passwords
from ihss.accounts.models import AuthenticatorApp, SecurityAnswer, User
from ihss.accounts.registration import hash_answer

STRONG = "tulip saddle comet harbor"  # passes every offline check
BREACHED = "saffron gutter violin 1987"  # what the fake breach service says was breached
PADDED = "walnut prairie engine mosaic"  # listed by the service only as padding (count 0)


def refusals(password: str, user=None) -> list[str]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return [str(message) for message in error.messages]
    return []


def codes(password: str, user=None) -> set[str | None]:
    found: set[str | None] = set()
    for validator in password_validation.get_default_password_validators():
        try:
            validator.validate(password, user)
        except ValidationError as error:
            found.add(error.code)
    return found


@pytest.fixture
def with_second_factor(db):
    user = cast.make_user("second.factor")
    AuthenticatorApp.objects.create(
        user=user, name="app", secret="JBSWY3DPEHPK3PXP", confirmed=True
    )
    return user


# --- Length -----------------------------------------------------------------------------


def test_it_refuses_fourteen_characters_while_the_password_is_the_only_factor():
    assert refusals("tulip saddle c") == [
        "This password is too short: use at least 15 characters (it has 14)."
    ]
    assert refusals("tulip saddle co") == []


def test_it_accepts_eight_characters_once_a_second_factor_is_enrolled(with_second_factor):
    assert refusals("vX7#qm2L", with_second_factor) == []
    assert refusals("vX7#qm2", with_second_factor) == [
        "This password is too short: use at least 8 characters (it has 7)."
    ]


@pytest.mark.django_db
def test_an_unconfirmed_second_factor_does_not_shorten_the_minimum():
    user = cast.make_user("not.yet")
    AuthenticatorApp.objects.create(
        user=user, name="app", secret="JBSWY3DPEHPK3PXP", confirmed=False
    )
    assert "password_too_short" in codes("vX7#qm2L", user)


def test_an_unsaved_user_needs_fifteen():
    assert "password_too_short" in codes("vX7#qm2L", User(username="new.person"))


def test_it_accepts_64_and_128_characters_and_refuses_129():
    words = "plum river ticket lantern garden velvet ocean mirror "
    sixty_four = (words * 3)[:64]
    assert refusals(sixty_four) == []
    assert refusals((words * 3)[:128]) == []
    assert refusals((words * 3)[:129]) == ["This password is too long: use at most 128 characters."]


def test_it_counts_code_points_after_nfkc_normalization():
    validator = passwords.LengthValidator()
    decomposed = "e\u0301" * 14  # 28 code points as typed, 14 once composed
    with pytest.raises(ValidationError, match="it has 14"):
        validator.validate(decomposed)
    validator.validate("e\u0301" * 15)
    # A ligature is two letters: "ﬁ" is "fi".
    with pytest.raises(ValidationError, match="it has 14"):
        validator.validate("\ufb01" * 7)
    validator.validate("\ufb01" * 7 + "x")


@pytest.mark.parametrize(
    "password",
    [
        "tulip saddle comet harbor",  # lower case, spaces, no digit, no symbol
        "mañana café corazón lluvia",  # Spanish, with accents
        "夏の川で泳ぐ魚たちと青い空の下で",  # Japanese
        "🌵🐢🌮🎸🚲 cactus turtle taco",  # emoji
        "   leading and trailing spaces count   ",
        "7305 9182 4471 6630",  # digits only
    ],
)
def test_it_imposes_no_composition_rules_and_takes_any_characters(password):
    assert refusals(password) == []


# --- Known and breached passwords, offline ---------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "Correct Horse Battery Staple",
        "correcthorsebatterystaple",
        "  correct   horse battery staple ",
        "1q2w3e4r5t6y7u8i9o0p",
        "manchesterunited",
        "the quick brown fox jumps over the lazy dog",
    ],
)
def test_it_refuses_breached_passwords_on_the_offline_lists(password):
    assert refusals(password) == [
        "This password is on lists of passwords stolen from other sites, so attackers try "
        "it first. Choose another."
    ]


@given(known=st.sampled_from(sorted(passwords.known_passwords())), shout=st.booleans())
@hypothesis_settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_every_password_on_the_offline_list_is_refused(known, shout, with_second_factor):
    typed = known.upper() if shout else known
    assert refusals(typed, with_second_factor)


# --- Guessable passwords, by the estimator ----------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("sunshine12345678", "it is a common word with numbers."),
        ("basketball1234567", "it is a common word with numbers."),
        ("zxcvbnm,./asdfghjkl", "it is a row or pattern of keys, like qwerty."),
        ("aaaaaaaaaaaaaaaaaaaa", "it repeats characters or words, like aaa or abcabc."),
        ("p4ssw0rd p4ssw0rd", "it repeats characters or words, like aaa or abcabc."),
        ("abcdefghijklmnopqrs", "it is a sequence, like abcd or 9876."),
        ("l1ght h0use k33p3r", "swapping letters for look-alike numbers or symbols"),
        ("qazwsxedcrfvtgbyhn", "it is close to a common password."),
    ],
)
def test_it_refuses_a_guessable_password_with_the_specific_reason(password, reason):
    [message] = refusals(password)
    assert message.startswith("This password is too easy to guess")
    assert reason in message


def test_it_refuses_a_password_made_of_the_persons_own_names():
    person = User(username="daniel.o", email="daniel.ortiz@example.org")
    person.first_name, person.last_name = "Daniel", "Ortiz"
    for password in ("danielortiz12345", "Daniel Ortiz 1995!"):
        assert refusals(password, person) == [
            "This password is too easy to guess: it uses your name, username or email "
            "address, or the portal's name."
        ]
    assert refusals("danielortiz12345") == []  # for somebody else it is fine
    assert refusals("ihss california 2025") == [
        "This password is too easy to guess: it uses your name, username or email "
        "address, or the portal's name."
    ]


def test_the_estimators_own_english_is_never_shown():
    ours = {make() for make in passwords.REASONS.values()}
    for password in ["sunshine12345678", "zxcvbnm,./asdfghjkl", "aaaaaaaaaaaaaaaaaaaa"]:
        for message in refusals(password):
            assert message in ours
    assert "Add another word or two. Uncommon words are better." not in " ".join(
        refusals("sunshine12345678")
    )


ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-!?"
    "áéíóúñüçßøåæœ" + "αβγδεζηθλμνξπρστφχψω" + "жзийклмнопрстуфхцч" + "日月火水木金土山川"
)


@given(rng=st.randoms(use_true_random=True), length=st.integers(min_value=15, max_value=128))
@hypothesis_settings(max_examples=150, deadline=None)
def test_any_random_high_entropy_password_of_15_or_more_is_accepted(rng, length):
    password = "".join(rng.choice(ALPHABET) for _ in range(length))
    assert refusals(password) == [], password


def test_the_meter_levels_follow_the_same_validators():
    assert passwords.assess("").level == "empty"
    assert passwords.assess("short one").level == "too_short"
    assert passwords.assess("sunshine12345678").level == "weak"
    assert passwords.assess("correct horse battery staple").level == "weak"
    assert passwords.assess(STRONG).level == "strong"


def test_refusals_are_in_spanish_for_a_spanish_speaker():
    with translation.override("es"):
        assert refusals("corto") == [
            "Esta contraseña es demasiado corta: use al menos 15 caracteres (tiene 5)."
        ]
        assert refusals("correct horse battery staple") == [
            "Esta contraseña está en listas de contraseñas robadas de otros sitios, así que "
            "los atacantes la prueban primero. Elija otra."
        ]
        [message] = refusals("sunshine12345678")
        assert message == (
            "Esta contraseña es demasiado fácil de adivinar: es una palabra común con números."
        )


# --- The breach lookup (k-anonymity), against a real local HTTP server ---------------------


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest().upper()


class FakePwnedPasswords(BaseHTTPRequestHandler):
    """Answers like the range API: every suffix of the prefix, with padding of count 0."""

    seen: list[dict[str, str]]
    mode = "ok"  # "ok", "down" or "slow"

    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.seen.append({"path": self.path, **dict(self.headers)})
        if self.mode == "down":
            self.send_error(503)
            return
        if self.mode == "slow":
            time.sleep(1.0)
        prefix = self.path.rsplit("/", 1)[-1]
        rng = random.Random(prefix)
        lines = [f"{rng.getrandbits(140):035X}:{rng.randint(1, 500)}" for _ in range(20)]
        for password, count in ((BREACHED, 42), (PADDED, 0)):
            if sha1(password).startswith(prefix):
                lines.append(f"{sha1(password)[5:]}:{count}")
        lines += [f"{rng.getrandbits(140):035X}:0" for _ in range(10)]  # padding
        body = "\r\n".join(lines).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def pwned(settings):
    handler = type("Handler", (FakePwnedPasswords,), {"seen": [], "mode": "ok"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PWNED_PASSWORDS_URL = f"http://127.0.0.1:{server.server_port}/range/"
    settings.PWNED_PASSWORDS_TIMEOUT = 0.5
    yield handler
    server.shutdown()
    server.server_close()


BREACH_MESSAGE = (
    "This password has appeared in data breaches of other sites, so attackers will try it. "
    "Choose another, and change it anywhere you use it."
)


def test_the_breach_lookup_is_off_unless_configured(settings):
    assert settings.PWNED_PASSWORDS_URL == ""
    assert refusals(BREACHED) == []


def test_it_refuses_a_password_found_in_breaches(pwned):
    assert refusals(BREACHED) == [BREACH_MESSAGE]
    [request] = pwned.seen
    # Only the first five hex characters of the SHA-1 leave the server, asking for padding.
    assert request["path"] == "/range/" + sha1(BREACHED)[:5]
    assert request["Add-Padding"] == "true"
    sent = json.dumps(request)
    assert sha1(BREACHED)[5:] not in sent and "saffron" not in sent


def test_a_padding_entry_with_count_zero_is_not_a_breach(pwned):
    assert refusals(PADDED) == []
    assert refusals(STRONG) == []
    assert len(pwned.seen) == 2


def test_a_known_password_is_refused_without_asking_the_service(pwned):
    assert len(refusals("correct horse battery staple")) == 1
    assert pwned.seen == []


@pytest.mark.parametrize("mode", ["down", "slow"])
def test_when_the_service_fails_the_offline_checks_decide_and_a_warning_is_logged(
    pwned, mode, caplog
):
    pwned.mode = mode
    with caplog.at_level(logging.DEBUG):
        assert refusals(BREACHED) == []  # not known offline: accepted
        assert refusals("sunshine12345678") != []  # the offline checks still run
    warnings = [r for r in caplog.records if r.name == "ihss.accounts.passwords"]
    assert warnings and all(r.levelno == logging.WARNING for r in warnings)
    logged = caplog.text
    for secret in (BREACHED, sha1(BREACHED), sha1(BREACHED)[:5], "sunshine"):
        assert secret not in logged


def test_when_nothing_listens_the_offline_checks_decide(settings, caplog):
    settings.PWNED_PASSWORDS_URL = "http://127.0.0.1:9/range/"  # the discard port: closed
    settings.PWNED_PASSWORDS_TIMEOUT = 0.5
    with caplog.at_level(logging.WARNING):
        assert refusals(BREACHED) == []
    assert "Pwned Passwords lookup failed" in caplog.text
    assert sha1(BREACHED)[:5] not in caplog.text


# --- Through the pages -------------------------------------------------------------------


ENROLLED: dict[str, Any] = {
    "soc426_received_on": dt.date(2025, 1, 2),
    "orientation_completed_on": dt.date(2025, 1, 3),
    "background_check_cleared_on": dt.date(2025, 1, 4),
    "soc846_signed_on": dt.date(2025, 1, 5),
}


@pytest.fixture
def registering(client, db):
    cast.make_provider(
        first_name="Daniel",
        last_name="Ortiz",
        date_of_birth=dt.date(1995, 5, 25),
        ssn="521460005",
        provider_number="190000077",
        **ENROLLED,
    )
    identity = {
        "kind": "provider",
        "number": "190000077",
        "last_name": "Ortiz",
        "date_of_birth": "1995-05-25",
        "ssn_last4": "0005",
    }
    assert client.post(reverse("register"), identity).status_code == 302
    return client


def account(password: str) -> dict[str, str]:
    return {
        "username": "dan.the.provider",
        "email": "dan@example.org",
        "password": password,
        "password_again": password,
        "question_1": "first_school",
        "answer_1": "Lincoln Elementary",
        "question_2": "birth_city",
        "answer_2": "Stockton",
        "question_3": "first_pet",
        "answer_3": "Rex",
    }


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("correct horse battery staple", "on lists of passwords stolen from other sites"),
        ("sunshine12345678", "it is a common word with numbers"),
        ("danielortiz12345", "it uses your name, username or email address"),
        ("tiny pass 9", "use at least 15 characters"),
    ],
)
def test_registration_shows_the_reason_and_keeps_what_was_typed(registering, password, reason):
    page = registering.post(reverse("register-account"), account(password)).content.decode()
    assert reason in page
    assert 'id="id_password_error"' in page  # beside the field, not only at the top
    assert 'value="dan.the.provider"' in page and 'value="dan@example.org"' in page
    assert 'value="Lincoln Elementary"' in page and 'value="Stockton"' in page
    assert password not in page
    assert not User.objects.filter(username="dan.the.provider").exists()


def test_registration_refuses_a_breached_password(registering, pwned):
    page = registering.post(reverse("register-account"), account(BREACHED)).content.decode()
    assert "appeared in data breaches of other sites" in page
    assert not User.objects.filter(username="dan.the.provider").exists()
    page = registering.post(reverse("register-account"), account(STRONG))
    assert page.status_code == 302


def test_the_register_page_shows_the_guidance_and_the_meter(registering):
    page = registering.get(reverse("register-account")).content.decode()
    assert "Use three or four unrelated words, 15 characters or more. Spaces are fine." in page
    assert 'data-password-meter="id_password"' in page
    assert 'role="status"' in page and "js/password-meter.js" in page


@pytest.fixture
def resetting(client, db, mailoutbox, django_capture_on_commit_callbacks):
    user = cast.make_user("ana.reyes")
    user.first_name, user.last_name = "Ana", "Reyes"
    user.save()
    answers = {"first_school": "Lincoln", "birth_city": "Fresno", "first_pet": "Rex"}
    SecurityAnswer.objects.bulk_create(
        SecurityAnswer(user=user, question=q, answer_hash=hash_answer(a))
        for q, a in answers.items()
    )
    with django_capture_on_commit_callbacks(execute=True):  # the email goes at commit
        client.post(reverse("recover-password"), {"username_or_email": "ana.reyes"})
    found = re.search(r"/recover/password/[^/\s]+/[^/\s]+/", mailoutbox[-1].body)
    assert found
    path = client.get(found.group(0)).url  # the link moves its token into the session
    by_label = {
        "What was the name of your first school?": "Lincoln",
        "In what city were you born?": "Fresno",
        "What was the name of your first pet?": "Rex",
    }
    asked = re.findall(
        r'<label class="usa-label[^"]*" for="id_(answer_\d)">([^<]+?)(?: <span|</label>)',
        client.get(path).content.decode(),
    )
    assert client.post(path, {f: by_label[label.strip()] for f, label in asked}).status_code == 302
    return client, path, user


def test_the_reset_page_shows_the_reason_beside_the_new_password(resetting):
    client, path, _user = resetting
    page = client.get(path).content.decode()
    assert "Use three or four unrelated words, 15 characters or more." in page
    assert 'data-password-meter="id_new_password1"' in page
    refused = client.post(
        path, {"new_password1": "ana reyes 1990", "new_password2": "ana reyes 1990"}
    ).content.decode()
    assert 'id="id_new_password1_error"' in refused
    assert "use at least 15 characters" in refused
    refused = client.post(
        path, {"new_password1": "anareyes12345678", "new_password2": "anareyes12345678"}
    ).content.decode()
    assert "it uses your name, username or email address" in refused
    assert "anareyes12345678" not in refused
    done = client.post(path, {"new_password1": STRONG, "new_password2": STRONG})
    assert "Your password is changed." in done.content.decode()


def test_the_reset_page_asks_eight_once_a_second_factor_is_enrolled(resetting):
    client, path, user = resetting
    AuthenticatorApp.objects.create(
        user=user, name="app", secret="JBSWY3DPEHPK3PXP", confirmed=True
    )
    page = client.get(path).content.decode()
    assert "Use three or four unrelated words, 8 characters or more." in page
    done = client.post(path, {"new_password1": "vX7#qm2L", "new_password2": "vX7#qm2L"})
    assert "Your password is changed." in done.content.decode()


# --- The meter's check ---------------------------------------------------------------------


def test_the_check_answers_only_a_page_that_offered_the_meter(client, db):
    assert client.post(reverse("password-check"), {"password": STRONG}).status_code == 403


def test_the_check_gives_the_level_and_the_reasons(registering):
    registering.get(reverse("register-account"))
    check = reverse("password-check")
    answer = registering.post(check, {"password": "sunshine12345678"}).json()
    assert answer["level"] == "weak" and not answer["acceptable"]
    assert answer["messages"] == [
        "This password is too easy to guess: it is a common word with numbers."
    ]
    answer = registering.post(check, {"password": STRONG}).json()
    assert (answer["level"], answer["label"], answer["acceptable"]) == ("strong", "Strong", True)
    # The names on the record and the username typed on the form count against it.
    assert registering.post(check, {"password": "danielortiz12345"}).json()["level"] == "weak"
    typed = {"password": "hummingbird.zed 77", "username": "hummingbird.zed"}
    assert registering.post(check, typed).json()["level"] == "weak"


def test_the_check_needs_post_and_the_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    assert client.get(reverse("password-check")).status_code == 405
    assert client.post(reverse("password-check"), {"password": STRONG}).status_code == 403


def test_the_check_is_limited_per_session_and_never_logs_the_password(
    registering, settings, caplog
):
    settings.PASSWORD_CHECKS_PER_HOUR = 3
    registering.get(reverse("register-account"))
    with caplog.at_level(logging.DEBUG):
        answers = [
            registering.post(reverse("password-check"), {"password": f"{STRONG} {n}"})
            for n in range(4)
        ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "tulip" not in caplog.text


def test_the_check_does_not_ask_the_breach_service(registering, pwned):
    registering.get(reverse("register-account"))
    answer = registering.post(reverse("password-check"), {"password": BREACHED}).json()
    assert answer["level"] == "strong"
    assert pwned.seen == []  # the submit asks it, once
