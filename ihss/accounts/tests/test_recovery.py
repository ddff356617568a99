"""Self-service recovery: forgot username, forgot password (which also ends a pause)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ihss import test as cast
from ihss.accounts.models import SecurityAnswer
from ihss.accounts.registration import hash_answer
from ihss.notifications.models import Notification

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


def reset_path(mail) -> str:
    found = re.search(r"/recover/password/[^/\s]+/[^/\s]+/", mail.body)
    assert found, mail.body
    return found.group(0)


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


def test_a_forgotten_username_is_emailed_and_the_page_reveals_nothing(client, ana, mailoutbox):
    known = client.post(reverse("recover-username"), {"email": "ANA.REYES@example.org"})
    unknown = client.post(reverse("recover-username"), {"email": "nobody@example.org"})
    main = lambda r: r.content.decode().split("<main")[1].split("</main>")[0]  # noqa: E731
    assert main(known) == main(unknown)
    [mail] = mailoutbox
    assert mail.to == ["ana.reyes@example.org"]
    assert "ana.reyes" in mail.body


def test_a_paused_person_resets_the_password_and_gets_back_in(
    client, ana, mailoutbox, django_capture_on_commit_callbacks
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

    page = client.post(reverse("recover-password"), {"username_or_email": "ana.reyes@example.org"})
    assert "If that is one of our accounts" in page.content.decode()
    path = reset_path(mailoutbox[-1])

    asked = client.get(path).content.decode()
    wrong = client.post(path, {"answer_0": "no", "answer_1": "no"}).content.decode()
    assert "Those answers are not right." in wrong
    assert answer(client, path, asked).status_code == 302
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
    assert "expired or was already used" in Client().get(path).content.decode()


def test_three_wrong_answers_stop_the_link(client, ana, mailoutbox):
    client.post(reverse("recover-password"), {"username_or_email": "ana.reyes"})
    path = reset_path(mailoutbox[-1])
    for _ in range(3):
        client.post(path, {"answer_0": "no", "answer_1": "no"})
    assert "Too many wrong answers" in client.get(path).content.decode()


def test_an_unknown_name_gets_the_same_page_and_no_email(client, ana, mailoutbox):
    page = client.post(reverse("recover-password"), {"username_or_email": "nobody.here"})
    assert "If that is one of our accounts" in page.content.decode()
    assert mailoutbox == []


def test_requests_are_limited_per_address(client, ana, settings):
    settings.RECOVERY_REQUESTS_PER_HOUR = 2
    for _ in range(2):
        client.post(reverse("recover-password"), {"username_or_email": "ana.reyes"})
    assert (
        client.post(reverse("recover-password"), {"username_or_email": "ana.reyes"}).status_code
        == 429
    )
