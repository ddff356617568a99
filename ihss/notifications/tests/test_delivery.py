"""Notices arrive once, in the person's language, by the channels they chose.

Email goes to a real SMTP server started by the test, text messages to a local stand-in
for a provider's HTTPS API, and the message center is read through the portal's page.
The task backend of the tests runs each task when it is queued (after the commit).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ihss import test as cast
from ihss.notifications import services
from ihss.notifications.channels import PermanentFailure
from ihss.notifications.events import SPECS, Event
from ihss.notifications.models import ContactSettings, Delivery, Notification, Preference
from ihss.notifications.tests.smtp_server import free_port

pytestmark = pytest.mark.django_db

PAYMENT = SPECS[Event.PAYMENT_ISSUED].sample
APPROVED = SPECS[Event.TIMESHEET_APPROVED].sample


@pytest.fixture
def raise_notice(django_capture_on_commit_callbacks):
    """notify() in its own transaction, with the after-commit sending run as in production."""

    def raise_it(**kwargs):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return services.notify(**kwargs)

    return raise_it


@pytest.fixture
def maria(db):
    """A provider who reads Spanish, with a confirmed mobile number."""
    user = cast.make_user("maria.lopez")
    user.first_name, user.preferred_language = "María", "es"
    user.save()
    ContactSettings.objects.create(
        user=user, mobile_number="+15305550123", mobile_verified_at=timezone.now()
    )
    return user


def test_a_notice_arrives_once_by_email_text_and_message_center_in_spanish(
    maria, smtp, text_provider, raise_notice, client
):
    services.set_preferences(user=maria, choices={Event.PAYMENT_ISSUED: "both"}, by=maria)
    smtp.messages.clear()  # the "settings changed" notice
    for _try in range(2):  # the caller retries: the key keeps it one notice
        raise_notice(user=maria, event=Event.PAYMENT_ISSUED, context=PAYMENT, key="pay:2026-11-25")
    notice = Notification.objects.get(user=maria, event=Event.PAYMENT_ISSUED)
    for delivery in notice.deliveries.all():  # a late duplicate task sends nothing
        assert services.deliver(delivery.pk) == "not-due"

    [mail] = smtp.to("maria.lopez@example.org")
    assert mail["Subject"] == "Se emitió su pago de IHSS de $1,234.56"
    assert "Hola María" in mail.get_body(("plain",)).get_content()
    assert "25 de noviembre de 2026" in mail.get_body(("html",)).get_content()
    assert len(text_provider.received) == 1
    assert text_provider.received[0]["to"] == "+15305550123"
    assert text_provider.received[0]["body"].startswith("IHSS: se emitió un pago de $1,234.56")

    client.force_login(maria)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert page.count("Se emitió su pago de IHSS de $1,234.56") == 1
    assert {d.status for d in notice.deliveries.all()} == {Delivery.Status.SENT}


def test_email_is_the_default_and_texts_wait_for_a_confirmed_number(
    smtp, text_provider, raise_notice
):
    ana = cast.make_user("ana")
    raise_notice(user=ana, event=Event.TIMESHEET_APPROVED, context=APPROVED, key="t1")
    assert len(smtp.to("ana@example.org")) == 1
    assert text_provider.received == []


def test_a_required_notice_falls_back_to_email_when_the_number_is_not_confirmed(
    smtp, text_provider, raise_notice
):
    ana = cast.make_user("ana")
    ContactSettings.objects.create(user=ana, mobile_number="+15305550123")  # not confirmed
    Preference.objects.create(user=ana, event=Event.PAYMENT_ISSUED, choice="sms")
    notice = raise_notice(user=ana, event=Event.PAYMENT_ISSUED, context=PAYMENT, key="p1")
    assert len(smtp.to("ana@example.org")) == 1
    assert text_provider.received == []
    skipped = notice.deliveries.get(channel="sms")
    assert (skipped.status, skipped.skip_reason) == ("skipped", "mobile_not_verified")


def test_nothing_is_sent_when_the_change_behind_the_notice_rolls_back(smtp, raise_notice):
    ana = cast.make_user("ana")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(user=ana, event=Event.TIMESHEET_APPROVED, context=APPROVED, key="t1")
        raise RuntimeError("the approval failed")
    assert not Notification.objects.filter(user=ana).exists()
    assert smtp.messages == []


def test_every_try_of_an_email_carries_the_same_message_id(smtp, raise_notice, settings):
    ana = cast.make_user("ana")
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # the mail server is down for the first try
    notice = raise_notice(user=ana, event=Event.TIMESHEET_APPROVED, context=APPROVED, key="t1")
    delivery = notice.deliveries.get()
    assert delivery.status == "queued" and delivery.attempts == 1
    settings.EMAIL_PORT = port
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        services.sweep()
    [mail] = smtp.to("ana@example.org")
    assert mail["Message-ID"] == services.message_id(delivery)


def test_it_retries_with_growing_waits_then_fails_visibly(raise_notice, settings, smtp):
    settings.EMAIL_PORT = free_port()  # nothing listens: connection refused
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "MAX_ATTEMPTS": 3}
    ana = cast.make_user("ana")
    start = timezone.now()
    notice = raise_notice(user=ana, event=Event.TIMESHEET_APPROVED, context=APPROVED, key="t1")
    delivery = notice.deliveries.get()
    waits = []
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            delivery.refresh_from_db()
            if delivery.status != "queued":
                break
            waits.append(round((delivery.next_attempt_at - timezone.now()).total_seconds()))
            clock.move_to(delivery.next_attempt_at + dt.timedelta(seconds=1))
            services.sweep()
    delivery.refresh_from_db()
    assert waits[:2] == [60, 120]  # the first try, then doubling waits
    assert delivery.status == "failed"
    assert delivery.attempts == 3
    assert "ConnectionRefusedError" in delivery.last_error


def test_a_refused_address_is_shown_to_the_person_and_not_tried_again(smtp, raise_notice, client):
    ana = cast.make_user("ana")
    smtp.refuse.add("ana@example.org")
    notice = raise_notice(user=ana, event=Event.TIMESHEET_APPROVED, context=APPROVED, key="t1")
    delivery = notice.deliveries.get()
    assert (delivery.status, delivery.attempts) == ("refused", 1)
    assert delivery.last_error.startswith("SMTP 550")

    client.force_login(ana)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "We could not email you at ana@example.org" in page
    assert "We could not email you this message" in page

    later = raise_notice(user=ana, event=Event.TIMESHEET_APPROVED, context=APPROVED, key="t2")
    skipped = later.deliveries.get()
    assert (skipped.status, skipped.skip_reason) == ("skipped", "email_refused")

    ana.email = "ana.new@example.org"  # a new address is tried again
    ana.save()
    newest = raise_notice(user=ana, event=Event.TIMESHEET_APPROVED, context=APPROVED, key="t3")
    assert newest.deliveries.get().status == "sent"


def test_a_text_provider_outage_is_retried_and_a_bad_number_is_refused(
    maria, text_provider, raise_notice, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.set_preferences(user=maria, choices={Event.PAYMENT_ISSUED: "sms"}, by=maria)
    text_provider.answers = [503]
    notice = raise_notice(user=maria, event=Event.PAYMENT_ISSUED, context=PAYMENT, key="p1")
    text = notice.deliveries.get(channel="sms")
    assert (text.status, text.last_error) == ("queued", "HTTP 503")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        services.sweep()
    text.refresh_from_db()
    assert (text.status, text.attempts) == ("sent", 2)
    assert text.provider_id == "msg-1"
    assert text_provider.headers[0]["Idempotency-Key"] == f"ihss-delivery-{text.pk}"
    assert text_provider.headers[0]["Authorization"] == "Bearer test-token-not-secret"

    text_provider.answers = [404]
    later = raise_notice(user=maria, event=Event.PAYMENT_ISSUED, context=PAYMENT, key="p2")
    assert later.deliveries.get(channel="sms").status == "refused"
    assert ContactSettings.objects.get(user=maria).mobile_refused_at is not None
    # A required notice then comes by email instead of to the refused number.
    third = raise_notice(user=maria, event=Event.PAYMENT_ISSUED, context=PAYMENT, key="p3")
    assert third.deliveries.get(channel="email").status == "sent"


def test_optional_emails_carry_a_one_click_unsubscribe_that_works(smtp, raise_notice):
    ana = cast.make_user("ana")
    raise_notice(user=ana, event=Event.TIMESHEET_APPROVED, context=APPROVED, key="t1")
    raise_notice(user=ana, event=Event.PAYMENT_ISSUED, context=PAYMENT, key="p1")
    approved, paid = smtp.to("ana@example.org")
    assert "List-Unsubscribe" not in paid  # a pay notice cannot be switched off
    assert "cannot be switched off" in paid.get_body(("plain",)).get_content()
    link = approved["List-Unsubscribe"].strip().strip("<>")
    assert approved["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in approved.get_body(("plain",)).get_content()

    # The mail program posts without a session or CSRF token (RFC 8058).
    response = Client(enforce_csrf_checks=True).post(
        urlsplit(link).path, {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert services.preferences_of(ana)[Event.TIMESHEET_APPROVED] == "none"

    later = raise_notice(user=ana, event=Event.TIMESHEET_APPROVED, context=APPROVED, key="t2")
    assert later.deliveries.count() == 0  # only in the message center now
    assert len(smtp.to("ana@example.org")) == 2


def test_a_worker_that_outlived_its_lease_cannot_undo_the_send_of_the_next(
    smtp, raise_notice, settings
):
    ana = cast.make_user("ana")
    settings.EMAIL_PORT, port = free_port(), settings.EMAIL_PORT
    notice = raise_notice(user=ana, event=Event.TIMESHEET_APPROVED, context=APPROVED, key="t1")
    settings.EMAIL_PORT = port
    delivery = notice.deliveries.get()
    later = delivery.next_attempt_at + dt.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert services.claim(delivery.pk, now=timezone.now())  # worker A, then it stalls
        stalled = Delivery.objects.get(pk=delivery.pk)
    lease_over = later + dt.timedelta(seconds=settings.NOTIFICATIONS["LEASE_SECONDS"] + 1)
    with time_machine.travel(lease_over, tick=False):
        assert services.deliver(delivery.pk) == "sent"  # worker B takes over and sends
        # Worker A wakes up with a failure of its own: it must change nothing.
        assert services._temporary_failure(stalled, "timed out") == services.LEASE_LOST
        assert (
            services._permanent_failure(stalled, PermanentFailure("550", address_refused=True))
            == services.LEASE_LOST
        )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 3)
    assert not ContactSettings.objects.filter(user=ana).exists()
    assert len(smtp.to("ana@example.org")) == 1


def test_many_notices_at_once_follow_each_persons_settings_and_are_not_repeated(
    maria, smtp, text_provider, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    services.set_preferences(user=maria, choices={Event.CLASS_REMINDER: "sms"}, by=maria)
    quiet = cast.make_user("quiet")
    Preference.objects.create(user=quiet, event=Event.CLASS_REMINDER, choice="none")
    others = [cast.make_user(f"person{n}") for n in range(30)]
    reminder = SPECS[Event.CLASS_REMINDER].sample
    people = [maria, quiet, *others]

    def remind():
        return services.notify_many(
            event=Event.CLASS_REMINDER,
            notices=[services.Notice(user=p, context=reminder, key="class:1") for p in people],
            chunk=20,
        )

    # Two chunks: a handful of queries each, whatever the number of people in them.
    with django_assert_max_num_queries(20):
        assert remind() == 32
    with django_capture_on_commit_callbacks(execute=True):
        assert remind() == 0  # a rerun raises nothing
    assert Notification.objects.filter(event=Event.CLASS_REMINDER).count() == 32
    assert [
        d.channel
        for d in Delivery.objects.filter(
            notification__user=maria, notification__event=Event.CLASS_REMINDER
        )
    ] == ["sms"]
    assert not Delivery.objects.filter(notification__user=quiet).exists()
    assert Delivery.objects.filter(notification__user__in=others, channel="email").count() == 30


def test_many_notices_are_sent_by_the_worker_after_the_commit(
    smtp, django_capture_on_commit_callbacks
):
    people = [cast.make_user(f"person{n}") for n in range(120)]
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_many(
            event=Event.TIMESHEET_APPROVED,
            notices=[services.Notice(user=p, context=APPROVED, key="t1") for p in people],
        )
    assert len(smtp.messages) == 120
    assert Delivery.objects.filter(status="sent").count() == 120
