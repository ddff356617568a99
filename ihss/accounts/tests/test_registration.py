"""Registration: matched to the case record, confirmed by email, revealing nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from ihss import test as cast
from ihss.accounts.models import Membership, Role, SecurityAnswer, User
from ihss.accounts.registration import answer_matches, hash_answer
from ihss.core.audit import trail
from ihss.notifications.models import Delivery

pytestmark = pytest.mark.django_db

PASSWORD = "copper kettle river night"
ENROLLED: dict[str, Any] = {
    "soc426_received_on": dt.date(2025, 1, 2),
    "orientation_completed_on": dt.date(2025, 1, 3),
    "background_check_cleared_on": dt.date(2025, 1, 4),
    "soc846_signed_on": dt.date(2025, 1, 5),
}


@pytest.fixture
def daniel(db):
    return cast.make_provider(
        first_name="Daniel",
        last_name="Ortiz",
        date_of_birth=dt.date(1995, 5, 25),
        ssn="521460005",
        provider_number="190000077",
        **ENROLLED,
    )


def identity(**changes):
    return {
        "kind": "provider",
        "number": "190000077",
        "last_name": "ortiz",
        "date_of_birth": "1995-05-25",
        "ssn_last4": "0005",
        **changes,
    }


def account(**changes):
    return {
        "username": "daniel.o",
        "email": "daniel@example.org",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "question_1": "first_school",
        "answer_1": "Lincoln Elementary",
        "question_2": "birth_city",
        "answer_2": "São Paulo",
        "question_3": "first_pet",
        "answer_3": "Rex",
        **changes,
    }


def link_in(mail) -> str:
    found = re.search(r"https?://\S+/register/confirm/\S+/", mail.body)
    assert found, mail.body
    return found.group(0).split("testserver", 1)[-1].split("8000", 1)[-1]


@pytest.fixture
def create(client, django_capture_on_commit_callbacks):
    """Post step 2 as a person would: the confirmation email is queued and sent at commit."""

    def post(details: dict[str, Any], **extra: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("register-account"), details, **extra)

    return post


class MailServerDown(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("SMTP server down")


def test_a_provider_registers_confirms_the_email_and_signs_in(client, daniel, create, mailoutbox):
    response = client.post(reverse("register"), identity())
    assert response.url == reverse("register-account")
    assert "Daniel Ortiz" in client.get(reverse("register-account")).content.decode()
    response = create(account())
    assert response.url == reverse("register-sent")

    user = User.objects.get(username="daniel.o")
    assert not user.is_active
    assert Membership.objects.get(user=user).provider == daniel
    assert trail(user).filter(action="accounts.register").exists()
    refused = client.post(reverse("login"), {"username": "daniel.o", "password": PASSWORD})
    assert refused.status_code == 200  # not before the email is confirmed

    [mail] = mailoutbox
    assert mail.to == ["daniel@example.org"]
    link = link_in(mail)
    opened = client.get(link, follow=True)
    assert "Confirm my email" in opened.content.decode()  # asks first
    path = opened.redirect_chain[-1][0]
    assert link.rstrip("/").rsplit("/", 1)[1] not in path  # the token left the address
    user.refresh_from_db()
    assert not user.is_active
    assert "account is ready" in client.post(path).content.decode()
    user.refresh_from_db()
    assert user.is_active
    assert "expired or was already used" in client.post(path).content.decode()  # single use
    assert "expired or was already used" in client.get(link, follow=True).content.decode()

    signed_in = client.post(reverse("login"), {"username": "daniel.o", "password": PASSWORD})
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    "wrong",
    [
        {"number": "190000099"},  # no such provider
        {"date_of_birth": "1995-05-26"},
        {"ssn_last4": "0006"},
        {"last_name": "Ortega"},
    ],
)
def test_every_mismatch_gets_the_same_answer(client, daniel, wrong):
    page = client.post(reverse("register"), identity(**wrong)).content.decode()
    assert "We could not match these details to a record that can register." in page
    assert "register-account" not in page


def test_a_provider_whose_enrollment_is_not_complete_cannot_register(client, daniel):
    daniel.soc846_signed_on = None
    daniel.save()
    page = client.post(reverse("register"), identity()).content.decode()
    assert "We could not match these details to a record that can register." in page


def test_guessing_is_limited_per_address(client, daniel, settings):
    settings.REGISTRATION_ATTEMPTS_PER_HOUR = 3
    for n in range(3):
        client.post(reverse("register"), identity(ssn_last4=f"900{n}"))
    assert client.post(reverse("register"), identity()).status_code == 429
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61)):
        assert client.post(reverse("register"), identity()).status_code == 302


def test_taken_usernames_are_limited_per_address(client, daniel, settings):
    """Step 2's "That username is taken" is limited as step 1's mismatches are."""
    settings.REGISTRATION_TAKEN_USERNAMES_PER_HOUR = 3
    for name in ("ana.reyes", "rosa.d", "maria.g"):
        cast.make_user(name)
    client.post(reverse("register"), identity())
    for name in ("ana.reyes", "rosa.d", "maria.g"):
        page = client.post(reverse("register-account"), account(username=name))
        assert "That username is taken." in page.content.decode()
    # Past the limit every answer is "wait", whether the name is taken or free.
    for name in ("someone.else", "daniel.o"):
        assert client.post(reverse("register-account"), account(username=name)).status_code == 429
    assert not User.objects.filter(username="daniel.o").exists()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61)):
        client.post(reverse("register"), identity())  # the session of step 1 has expired
        done = client.post(reverse("register-account"), account(username="daniel.o"))
    assert done.url == reverse("register-sent")


def test_the_confirmation_email_waits_out_a_mail_outage(client, daniel, create, settings):
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    client.post(reverse("register"), identity())
    assert create(account()).url == reverse("register-sent")
    user = User.objects.get(username="daniel.o")
    [waiting] = Delivery.objects.filter(notification__user=user)
    assert waiting.status == Delivery.Status.QUEUED and "SMTP server down" in waiting.last_error
    # The link is made when the email goes out: none is stored meanwhile.
    assert "/register/confirm/" not in str(waiting.notification.context)


def test_a_representative_registers_for_a_recipient(client, la_recipient, mailoutbox):
    details = {
        "kind": "recipient",
        "number": la_recipient.case_number,
        "last_name": la_recipient.last_name,
        "date_of_birth": "1950-01-01",
        "ssn_last4": la_recipient.ssn_last4,
        "representative": "on",
    }
    assert client.post(reverse("register"), details).url == reverse("register-account")
    client.post(reverse("register-account"), account(username="rep.one"))
    membership = Membership.objects.get(user__username="rep.one")
    assert (membership.role, membership.recipient, membership.is_representative) == (
        Role.RECIPIENT,
        la_recipient,
        True,
    )


def test_a_record_with_an_account_says_so(client, daniel):
    cast.make_user("daniel.first", Role.PROVIDER, provider=daniel)
    page = client.post(reverse("register"), identity()).content.decode()
    assert "An account already exists for this record." in page


def test_a_refused_account_form_keeps_what_was_typed_but_not_the_password(client, daniel):
    client.post(reverse("register"), identity())
    page = client.post(
        reverse("register-account"), account(password_again="something else entirely")
    ).content.decode()
    assert "The two passwords are not the same." in page
    assert 'value="daniel.o"' in page and 'value="Lincoln Elementary"' in page
    assert PASSWORD not in page
    short = client.post(
        reverse("register-account"), account(password="short", password_again="short")
    ).content.decode()
    assert "at least 15 characters" in short


def test_the_email_link_expires_after_a_day(client, daniel, create, mailoutbox):
    client.post(reverse("register"), identity())
    create(account())
    link = link_in(mailoutbox[0])
    path = client.get(link).url
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        assert "expired or was already used" in client.post(path).content.decode()
        assert "expired or was already used" in client.get(link, follow=True).content.decode()
    assert not User.objects.get(username="daniel.o").is_active


def test_security_answers_are_hashed_and_forgiving(client, daniel):
    client.post(reverse("register"), identity())
    client.post(reverse("register-account"), account())
    stored = SecurityAnswer.objects.get(user__username="daniel.o", question="birth_city")
    assert "Paulo" not in stored.answer_hash and "paulo" not in stored.answer_hash
    assert answer_matches("  sao   PAULO ", stored.answer_hash)
    assert not answer_matches("Rio", stored.answer_hash)
    assert answer_matches("ÉCOLE", hash_answer("ecole"))
