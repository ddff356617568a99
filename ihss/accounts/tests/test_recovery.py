"""Self-service recovery: forgot username, forgot password (which also ends a pause).

The emails go through the notification outbox: the page answers the same, after the same
work, for an account and for a stranger, and a mail outage delays the email instead of
failing the page. Links carry their token only until their first request.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ihss import test as cast
from ihss.accounts import recovery
from ihss.accounts.models import SecurityAnswer, SecurityEvent
from ihss.accounts.registration import hash_answer
from ihss.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db

WRONG = "not the right password at all"
NEW = "lantern orchard pebble drum"
ANSWERS = {"first_school": "Lincoln", "birth_city": "Fresno", "first_pet": "Rex"}


@pytest.fixture
def ana(db):
    user = cast.make_user("ana.reyes")
    SecurityAnswer.objects.bulk_create(
        SecurityAnswer(user=user, question=q, answer_hash=hash_answer(a))
        for q, a in ANSWERS.items()
    )
    return user


class MailServerDown(BaseEmailBackend):
    """The SMTP server refuses every connection."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server down")


def reset_path(mail) -> str:
    found = re.search(r"/recover/password/[^/\s]+/[^/\s]+/", mail.body)
    assert found, mail.body
    return found.group(0)


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


def main(response: Any) -> str:
    page: str = response.content.decode()
    return page.split("<main")[1].split("</main>")[0]


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Post a recovery form as a person would: its email is queued and sent at commit."""

    def post(name: str, data: dict[str, str], **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse(name), data, **extra)

    return post


def answer(client, path, page_html):
    """Answer whichever two questions the page asks, rightly."""
    labels = {
        "What was the name of your first school?": ANSWERS["first_school"],
        "In what city were you born?": ANSWERS["birth_city"],
        "What was the name of your first pet?": ANSWERS["first_pet"],
    }
    data = {}
    for field, label in re.findall(
        r'<label class="usa-label[^"]*" for="id_(answer_\d)">([^<]+?)(?: <span|</label>)', page_html
    ):
        data[field] = "  " + labels[label.strip()].upper() + " "
    assert len(data) == 2, page_html
    return client.post(path, data)


def test_a_forgotten_username_is_emailed_and_the_page_reveals_nothing(ana, ask, mailoutbox):
    known = ask("recover-username", {"email": "ANA.REYES@example.org"})
    unknown = ask("recover-username", {"email": "nobody@example.org"})
    assert main(known) == main(unknown)
    [mail] = mailoutbox
    assert mail.to == ["ana.reyes@example.org"]
    assert "ana.reyes" in mail.body
    assert "/sign-in/" in mail.body


def test_a_paused_person_resets_the_password_and_gets_back_in(
    client, ana, ask, mailoutbox, django_capture_on_commit_callbacks
):
    elsewhere = Client()
    elsewhere.force_login(ana)
    for _ in range(5):
        client.post(reverse("login"), {"username": "ana.reyes", "password": WRONG})
    assert (
        client.post(
            reverse("login"), {"username": "ana.reyes", "password": cast.PASSWORD}
        ).status_code
        == 429
    )

    page = ask("recover-password", {"username_or_email": "ana.reyes@example.org"})
    assert "If that is one of our accounts" in page.content.decode()
    link = reset_path(mailoutbox[-1])

    opened = client.get(link, follow=True)
    path = opened.redirect_chain[-1][0]
    assert token_of(link) not in path  # the token left the address at the first request
    asked = opened.content.decode()
    wrong = client.post(path, {"answer_0": "no", "answer_1": "no"}).content.decode()
    assert "Those answers are not right." in wrong
    assert answer(client, path, asked).url == path
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(path, {"new_password1": NEW, "new_password2": NEW})
    assert "Your password is changed." in done.content.decode()

    assert (
        client.post(reverse("login"), {"username": "ana.reyes", "password": NEW}).status_code == 302
    )
    # The other session ended with the old password.
    assert elsewhere.get(reverse("notifications:inbox")).status_code == 302
    assert Notification.objects.filter(user=ana, event="password_changed").count() == 1
    # The link works once.
    assert "expired or was already used" in Client().get(link, follow=True).content.decode()


def test_it_takes_the_reset_token_out_of_the_address_at_the_first_request(ana, ask, mailoutbox):
    ask("recover-password", {"username_or_email": "ana.reyes"})
    link = reset_path(mailoutbox[-1])
    person = Client()
    first = person.get(link)
    assert first.status_code == 302
    path = first["Location"]
    assert token_of(link) not in path and path.endswith("/set-password/")
    # Every later step reads the token from the session, so the address alone is nothing.
    assert "expired or was already used" in Client().get(path).content.decode()
    assert "Answer two of your security questions" in person.get(path).content.decode()


def test_the_message_center_and_the_outbox_never_show_the_reset_token(
    ana, ask, mailoutbox, signed_in, service_desk
):
    ask("recover-password", {"username_or_email": "ana.reyes"})
    token = token_of(reset_path(mailoutbox[-1]))
    notice = Notification.objects.get(user=ana, event="password_reset_link")
    delivery = notice.deliveries.get()
    assert delivery.status == Delivery.Status.SENT
    assert token not in str(notice.context) and token not in notice.link
    desk = signed_in(service_desk)
    outbox = desk.get(reverse("notifications:outbox-detail", args=[delivery.pk]))
    assert "Reset your IHSS Portal password" in outbox.content.decode()
    assert token not in outbox.content.decode()
    own = signed_in(ana)
    entry = own.get(reverse("notifications:message", args=[notice.pk])).content.decode()
    assert "only in the email" in entry and token not in entry


def test_three_wrong_answers_stop_the_link(client, ana, ask, mailoutbox):
    ask("recover-password", {"username_or_email": "ana.reyes"})
    path = client.get(reset_path(mailoutbox[-1])).url
    for _ in range(3):
        client.post(path, {"answer_0": "no", "answer_1": "no"})
    assert "Too many wrong answers" in client.get(path).content.decode()


def test_an_unknown_name_gets_the_same_page_and_no_email(ana, ask, mailoutbox):
    unknown = ask("recover-password", {"username_or_email": "nobody.here"})
    assert "If that is one of our accounts" in unknown.content.decode()
    assert mailoutbox == []
    known = ask("recover-password", {"username_or_email": "ana.reyes"})
    assert main(known) == main(unknown)
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("page", "known", "unknown"),
    [
        ("recover-password", {"username_or_email": "ana.reyes"}, {"username_or_email": "no.one"}),
        ("recover-username", {"email": "ana.reyes@example.org"}, {"email": "no.one@example.org"}),
    ],
)
def test_an_account_and_a_stranger_cost_the_page_the_same_work(client, ana, page, known, unknown):
    """The page only records and queues the request; the account is looked up later."""
    with CaptureQueriesContext(connection) as for_account:
        answered_known = client.post(reverse(page), known)
    with CaptureQueriesContext(connection) as for_stranger:
        answered_unknown = client.post(reverse(page), unknown)

    def shape(queries):  # each statement with its values (and savepoint names) blanked
        return [re.sub(r"'[^']*'|\"s\d+_x\d+\"|\b\d+\b", "?", q["sql"]) for q in queries]

    assert shape(for_account.captured_queries) == shape(for_stranger.captured_queries)
    assert main(answered_known) == main(answered_unknown)


@pytest.mark.parametrize(
    ("page", "known", "unknown"),
    [
        ("recover-password", {"username_or_email": "ana.reyes"}, {"username_or_email": "no.one"}),
        ("recover-username", {"email": "ana.reyes@example.org"}, {"email": "no.one@example.org"}),
    ],
)
def test_a_mail_outage_delays_the_email_instead_of_failing_the_page(
    ana, ask, settings, page, known, unknown
):
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    answered_known = ask(page, known)
    answered_unknown = ask(page, unknown)
    assert answered_known.status_code == answered_unknown.status_code == 200
    assert main(answered_known) == main(answered_unknown)
    [waiting] = Delivery.objects.filter(notification__user=ana)
    assert waiting.status == Delivery.Status.QUEUED  # tried again later by the worker
    assert waiting.address == "ana.reyes@example.org" and "SMTP server down" in waiting.last_error


def test_reset_emails_are_limited_per_account_whatever_the_address(ana, ask, settings, mailoutbox):
    settings.RECOVERY_EMAILS_PER_ACCOUNT_PER_HOUR = 2
    pages = [
        ask("recover-password", {"username_or_email": "ana.reyes"}, REMOTE_ADDR=f"203.0.113.{n}")
        for n in range(1, 6)
    ]
    assert {p.status_code for p in pages} == {200}
    assert len({main(p) for p in pages}) == 1
    assert len(mailoutbox) == 2
    # The username emails count too: they flood the same mailbox.
    ask("recover-username", {"email": "ana.reyes@example.org"}, REMOTE_ADDR="203.0.113.9")
    assert len(mailoutbox) == 2
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61)):
        ask("recover-password", {"username_or_email": "ana.reyes"}, REMOTE_ADDR="203.0.113.7")
    assert len(mailoutbox) == 3
    # Every request is still on the account's record, for the Service Desk.
    assert SecurityEvent.objects.filter(user=ana, kind="recovery_requested").count() == 7


def test_a_reset_email_goes_by_email_even_to_a_person_who_chose_texts(ana, ask, mailoutbox):
    from ihss.notifications.models import ContactSettings, Preference

    ContactSettings.objects.create(
        user=ana, mobile_number="+15305550123", mobile_verified_at=timezone.now()
    )
    Preference.objects.create(user=ana, event="password_changed", choice="sms")
    Preference.objects.create(user=ana, event="password_reset_link", choice="sms")
    ask("recover-password", {"username_or_email": "ana.reyes"})
    [delivery] = Delivery.objects.filter(notification__user=ana)
    assert delivery.channel == Delivery.Channel.EMAIL
    assert reset_path(mailoutbox[-1])


def test_requests_are_limited_per_address(client, ana, settings):
    settings.RECOVERY_REQUESTS_PER_HOUR = 2
    for _ in range(2):
        client.post(reverse("recover-password"), {"username_or_email": "ana.reyes"})
    assert (
        client.post(reverse("recover-password"), {"username_or_email": "ana.reyes"}).status_code
        == 429
    )


def test_answering_a_request_twice_sends_one_email(ana, django_capture_on_commit_callbacks):
    request = SecurityEvent.objects.create(username="", kind="recovery_requested")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            recovery.answer_request(request_id=request.pk, what=recovery.RESET, typed="ana.reyes")
    assert Notification.objects.filter(user=ana, event="password_reset_link").count() == 1


def test_the_notice_settings_offer_no_choice_for_the_emails_asked_for(ana, signed_in):
    client = signed_in(ana)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "Password changed" in page and "Password reset link" not in page
    listed = client.get("/api/v1/messages/preferences/").json()
    assert "password_reset_link" not in {p["event"] for p in listed}
    refused = client.put(
        "/api/v1/messages/preferences/",
        data='{"choices": {"password_reset_link": "sms"}}',
        content_type="application/json",
    )
    assert refused.status_code == 422 and "always comes by email" in refused.json()["detail"]
