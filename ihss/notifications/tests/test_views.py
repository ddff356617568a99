"""The message center, the notice settings, mobile confirmation, unsubscribe and the outbox."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.core.audit import trail
from ihss.notifications import services
from ihss.notifications.events import SPECS, Event
from ihss.notifications.models import ContactSettings, Delivery, MobileVerification, Notification

pytestmark = pytest.mark.django_db

APPROVED = SPECS[Event.TIMESHEET_APPROVED].sample


def raise_notices(user, count, event=Event.TIMESHEET_APPROVED):
    with transaction.atomic():
        return [
            services.notify(
                user=user,
                event=event,
                context=SPECS[event].sample,
                key=f"k{n}",
                link="/messages/",
            )
            for n in range(count)
        ]


@pytest.fixture
def ana(db):
    return cast.make_user("ana", Role.PROVIDER, provider=cast.make_provider())


@pytest.fixture
def sms_file(settings, tmp_path):
    settings.SMS_BACKEND = "ihss.notifications.channels.FileSmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    return tmp_path / "sms.log"


def code_in(text: str) -> str:
    found = re.search(r"\b(\d{6})\b", text)
    assert found is not None, text
    return found.group(1)


def texts(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


# --- The message center -------------------------------------------------------------------


def test_the_header_counts_unread_messages_on_every_page(client, ana):
    raise_notices(ana, 3)
    client.force_login(ana)
    page = client.get(reverse("provider-home")).content.decode()
    assert re.search(r'portal-badge" aria-hidden="true">3<', page)
    assert "(3 unread)" in page


def test_opening_a_message_marks_it_read_and_it_can_be_marked_unread(client, ana):
    [notice] = raise_notices(ana, 1)
    client.force_login(ana)
    response = client.get(reverse("notifications:message", args=[notice.pk]))
    assert response.status_code == 200
    assert "Rosa Delgado approved your timesheet" in response.content.decode()
    notice.refresh_from_db()
    assert notice.read_at is not None
    client.post(reverse("notifications:message-unread", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_unread_filter_and_mark_all_read(client, ana):
    first, second = raise_notices(ana, 2)
    services.mark_read(first)
    client.force_login(ana)
    unread = client.get(reverse("notifications:inbox") + "?show=unread").content.decode()
    assert f'href="/messages/{second.pk}/"' in unread
    assert f'href="/messages/{first.pk}/"' not in unread
    client.post(reverse("notifications:read-all"))
    assert services.unread_count(ana) == 0


def test_a_message_says_how_it_was_sent(client, ana):
    ana.email = ""
    ana.save()
    [notice] = raise_notices(ana, 1)
    client.force_login(ana)
    page = client.get(reverse("notifications:message", args=[notice.pk])).content.decode()
    assert "not sent, because there is no email address on the account" in page


def test_nobody_opens_another_persons_message(client, ana):
    [notice] = raise_notices(ana, 1)
    client.force_login(cast.make_user("someone.else", Role.PROVIDER, provider=cast.make_provider()))
    assert client.get(reverse("notifications:message", args=[notice.pk])).status_code == 404
    response = client.post(reverse("notifications:message-unread", args=[notice.pk]))
    assert response.status_code == 404


def test_the_message_center_costs_the_same_queries_for_many_messages(
    client, ana, django_assert_num_queries
):
    raise_notices(ana, 2)
    client.force_login(ana)
    client.get(reverse("notifications:inbox"))  # warm the session
    with django_assert_num_queries(10) as few:
        client.get(reverse("notifications:inbox"))
    raise_notices(ana, 30, event=Event.CLASS_REMINDER)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("notifications:inbox"))
    assert response.content.decode().count('class="portal-inbox__item') == 20  # one page


# --- Settings -----------------------------------------------------------------------------


def test_settings_offer_texts_only_after_a_number_is_confirmed(client, ana):
    client.force_login(ana)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert 'value="sms"' not in page
    assert "Add a mobile number" in page
    ContactSettings.objects.create(
        user=ana, mobile_number="+15305550123", mobile_verified_at=timezone.now()
    )
    page = client.get(reverse("notifications:settings")).content.decode()
    assert 'value="sms"' in page
    assert "(530) 555-0123" in page


def test_required_notices_offer_no_way_to_switch_them_off(client, ana):
    client.force_login(ana)
    page = client.get(reverse("notifications:settings")).content.decode()
    violation = re.search(r'name="violation_notice" value="(\w+)"', page)
    assert violation is not None
    assert 'name="violation_notice" value="none"' not in page
    assert 'name="timesheet_approved" value="none"' in page
    everything = {event: "email" for event in services.notices_offered_to(ana)}
    response = client.post(
        reverse("notifications:settings"), {**everything, "violation_notice": "none"}
    )
    assert response.status_code == 200  # refused, with the form shown again
    assert services.preferences_of(ana)["violation_notice"] == "email"


def test_saving_settings_keeps_them_audits_and_tells_the_person(client, ana, mailoutbox):
    client.force_login(ana)
    choices = {event: "email" for event in services.notices_offered_to(ana)} | {
        "timesheet_approved": "none"
    }
    with time_machine.travel(timezone.now()):
        response = client.post(reverse("notifications:settings"), choices, follow=True)
    assert "Your notice settings are saved." in response.content.decode()
    assert services.preferences_of(ana)["timesheet_approved"] == "none"
    [event] = trail(ana).filter(action="notifications.preferences.change")
    assert event.before == {"timesheet_approved": "email"}
    assert Notification.objects.filter(user=ana, event=Event.PREFERENCES_CHANGED).count() == 1


def test_the_settings_offer_only_the_notices_of_the_persons_roles_that_something_sends(client, ana):
    client.force_login(ana)
    page = client.get(reverse("notifications:settings")).content.decode()
    # A provider: their timesheet, pay and class notices, not the recipient's, and no
    # travel claim notice, which nothing in the portal sends yet. Direct deposit changes
    # always go by email and text: not a choice.
    assert 'name="timesheet_approved"' in page and 'name="payment_issued"' in page
    assert 'name="timesheet_ready_for_review"' not in page
    for unsent in ["travel_claim_not_paid", "direct_deposit_changed"]:
        assert f'name="{unsent}"' not in page
    assert 'name="class_reminder"' in page and "Career Pathways training" in page
    rosa = cast.make_user("rosa", Role.RECIPIENT, recipient=cast.make_recipient())
    client.force_login(rosa)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert 'name="timesheet_ready_for_review"' in page
    for provider_only in ["timesheet_approved", "timesheet_rejected", "pay_period_ending"]:
        assert f'name="{provider_only}"' not in page
    assert "For providers" not in page
    spanish = client.get(
        reverse("notifications:settings"), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Para proveedores" not in spanish


# --- Mobile number ------------------------------------------------------------------------


def test_a_mobile_number_is_confirmed_with_the_texted_code(client, ana, sms_file):
    client.force_login(ana)
    response = client.post(reverse("notifications:mobile-add"), {"number": "(530) 555-0123"})
    assert response.url == reverse("notifications:mobile-confirm")
    [text] = texts(sms_file)
    assert text["to"] == "+15305550123"
    code = code_in(text["body"])
    # Only a keyed hash of the code is stored.
    assert code not in MobileVerification.objects.get().code_hash

    wrong = "000000" if code != "000000" else "111111"
    page = client.post(reverse("notifications:mobile-confirm"), {"code": wrong}).content.decode()
    assert "That code is not right. You can try 4 more times." in page
    response = client.post(reverse("notifications:mobile-confirm"), {"code": code})
    assert response.url == reverse("notifications:settings")
    contact = ContactSettings.objects.get(user=ana)
    assert contact.mobile_verified and contact.mobile_number == "+15305550123"
    assert trail(ana).filter(action="notifications.mobile.confirm").exists()


def test_a_code_expires_and_wrong_guesses_run_out(client, ana, sms_file):
    client.force_login(ana)
    client.post(reverse("notifications:mobile-add"), {"number": "5305550123"})
    code = code_in(texts(sms_file)[0]["body"])
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        page = client.post(reverse("notifications:mobile-confirm"), {"code": wrong})
    assert "Too many wrong codes" in page.content.decode()
    # Even the right code is refused now.
    page = client.post(reverse("notifications:mobile-confirm"), {"code": code})
    assert "Too many wrong codes" in page.content.decode()
    assert not ContactSettings.objects.filter(user=ana, mobile_verified_at__isnull=False).exists()

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        client.post(reverse("notifications:mobile-add"), {"number": "5305550123"})
        later = texts(sms_file)[-1]["body"]
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=22)):
        fresh = code_in(later)
        response = client.post(reverse("notifications:mobile-confirm"), {"code": fresh})
        assert response.url == reverse("notifications:mobile-add")  # expired: ask again


def test_codes_cannot_be_asked_for_again_and_again(client, ana, sms_file):
    client.force_login(ana)
    client.post(reverse("notifications:mobile-add"), {"number": "5305550123"})
    page = client.post(reverse("notifications:mobile-add"), {"number": "5305550123"})
    assert "Wait a minute before asking again" in page.content.decode()
    assert len(texts(sms_file)) == 1


def test_a_bad_number_is_refused_with_what_was_typed_kept(client, ana, sms_file):
    client.force_login(ana)
    page = client.post(reverse("notifications:mobile-add"), {"number": "555-0123"})
    body = page.content.decode()
    assert "Enter a US mobile number with its area code" in body
    assert 'value="555-0123"' in body
    assert texts(sms_file) == []


def test_removing_the_number_moves_texts_back_to_email(client, ana):
    ContactSettings.objects.create(
        user=ana, mobile_number="+15305550123", mobile_verified_at=timezone.now()
    )
    services.set_preferences(user=ana, choices={"payment_issued": "sms"}, by=ana)
    client.force_login(ana)
    client.post(reverse("notifications:mobile-remove"))
    assert services.preferences_of(ana)["payment_issued"] == "email"
    assert ContactSettings.objects.get(user=ana).mobile_number == ""


# --- Unsubscribe --------------------------------------------------------------------------


def test_an_unsubscribe_link_asks_before_it_acts_and_needs_no_sign_in(client, ana):
    path = services.unsubscribe_path(ana.pk, Event.CLASS_REMINDER)
    answer = client.get(path, follow=True)
    page = answer.content.decode()
    assert "Stop emails for “Class reminder”?" in page
    assert services.preferences_of(ana)[Event.CLASS_REMINDER] == "email"
    # The token left the address at the first request; the page asks at a plain address.
    token = path.rstrip("/").rsplit("/", 1)[-1]
    assert answer.redirect_chain == [("/messages/unsubscribe/", 302)]
    assert token not in page
    page = client.post("/messages/unsubscribe/").content.decode()
    assert "You will no longer get emails for “Class reminder”" in page
    assert services.preferences_of(ana)[Event.CLASS_REMINDER] == "none"


def test_the_unsubscribe_page_without_its_link_is_not_found(client, ana):
    assert client.get("/messages/unsubscribe/").status_code == 404
    assert client.post("/messages/unsubscribe/").status_code == 404
    assert services.preferences_of(ana)[Event.CLASS_REMINDER] == "email"


def test_a_tampered_unsubscribe_link_is_not_found(client, ana):
    path = services.unsubscribe_path(ana.pk, Event.CLASS_REMINDER)
    assert client.get(path.replace("/unsubscribe/", "/unsubscribe/x")).status_code == 404


def test_a_required_notice_cannot_be_unsubscribed(client, ana):
    path = services.unsubscribe_path(ana.pk, Event.PAYMENT_ISSUED)
    page = client.post(path).content.decode()
    assert "cannot be switched off" in page
    assert services.preferences_of(ana)[Event.PAYMENT_ISSUED] == "email"


# --- The outbox ---------------------------------------------------------------------------


def test_only_the_service_desk_and_state_read_the_outbox(client, ana, service_desk, state_admin):
    client.force_login(ana)
    assert client.get(reverse("notifications:outbox")).status_code == 403
    for reader in (service_desk, state_admin):
        client.force_login(reader)
        assert client.get(reverse("notifications:outbox")).status_code == 200


def test_the_outbox_filters_by_status_event_and_address(client, ana, service_desk, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    raise_notices(ana, 2)
    raise_notices(ana, 1, event=Event.CLASS_REMINDER)
    Delivery.objects.filter(notification__event=Event.CLASS_REMINDER).update(
        status=Delivery.Status.FAILED, last_error="SMTP 451: try later"
    )
    client.force_login(service_desk)
    url = reverse("notifications:outbox")
    failed = client.get(url, {"status": "failed"}).content.decode()
    assert "1 message." in failed and "Class reminder" in failed
    by_event = client.get(url, {"event": Event.TIMESHEET_APPROVED}).content.decode()
    assert "2 messages." in by_event
    by_address = client.get(url, {"address": "ANA@example.org"}).content.decode()
    assert "3 messages." in by_address


def test_the_outbox_costs_the_same_queries_for_many_rows(
    client, ana, service_desk, django_assert_num_queries
):
    raise_notices(ana, 2)
    client.force_login(service_desk)
    client.get(reverse("notifications:outbox"))
    with django_assert_num_queries(9) as few:
        client.get(reverse("notifications:outbox"))
    for n in range(5):
        raise_notices(cast.make_user(f"other{n}"), 5)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications:outbox"))


def test_the_service_desk_sends_a_failed_message_again(
    client, ana, service_desk, django_capture_on_commit_callbacks, mailoutbox
):
    [notice] = raise_notices(ana, 1)
    delivery = notice.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, attempts=6)
    client.force_login(service_desk)
    page = client.get(reverse("notifications:outbox-detail", args=[delivery.pk])).content.decode()
    assert "Try sending again" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notifications:outbox-retry", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(mailoutbox) == 1
    assert trail(delivery).get().actor == service_desk
