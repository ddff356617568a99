"""Registering for classes: a seat or a first-come waitlist, promotion when a seat frees,
cancelling and switching, self-paced enrollment, and a calendar file per class."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.notifications.events import Event
from ihss.notifications.models import Notification
from ihss.training.models import Registration
from ihss.training.services import registrations
from ihss.training.tests.factories import account_of, class_of, enrolled_provider, live_course

pytestmark = pytest.mark.django_db
Status = Registration.Status


def test_an_enrolled_provider_registers_and_is_told(client):
    provider = enrolled_provider("ana")
    session = class_of(live_course(), seats=5)
    client.force_login(account_of(provider))

    response = client.post(reverse("training:register", args=[session.pk]), follow=True)

    registration = Registration.objects.get(provider=provider)
    assert registration.status == Status.REGISTERED
    assert "You are registered for this class." in response.content.decode()
    assert Notification.objects.filter(event=Event.CLASS_CONFIRMATION).count() == 1


def test_a_provider_who_has_not_finished_enrollment_is_told_what_to_do(client):
    provider = cast.make_provider()  # enrollment pending: no step done
    user = cast.make_user("new", Role.PROVIDER, provider=provider)
    course = live_course()
    session = class_of(course)
    client.force_login(user)

    page = client.get(reverse("training:course", args=[course.pk])).content.decode()
    refused = client.post(reverse("training:register", args=[session.pk]), follow=True)

    assert "finished enrollment" in page and "Register</button>" not in page
    assert "finished enrollment" in refused.content.decode()
    assert not Registration.objects.exists()


def test_a_full_class_puts_people_on_its_waitlist_in_the_order_they_asked():
    session = class_of(live_course(), seats=1)
    first, second, third = (enrolled_provider() for _ in range(3))

    seated = registrations.register(provider=first, session=session, by=None)
    waiting = [
        registrations.register(provider=p, session=session, by=None) for p in (second, third)
    ]

    assert seated.status == Status.REGISTERED
    assert [w.status for w in waiting] == [Status.WAITLISTED, Status.WAITLISTED]
    assert [registrations.waitlist_position(w) for w in waiting] == [1, 2]


def test_a_freed_seat_goes_to_the_first_person_waiting_who_is_told():
    session = class_of(live_course(), seats=1)
    seated = registrations.register(provider=enrolled_provider("ana"), session=session, by=None)
    first_waiting = registrations.register(
        provider=enrolled_provider("ben"), session=session, by=None
    )
    then = registrations.register(provider=enrolled_provider("cal"), session=session, by=None)

    registrations.cancel(registration=seated, by=None)

    first_waiting.refresh_from_db()
    then.refresh_from_db()
    assert first_waiting.status == Status.REGISTERED and first_waiting.promoted_at is not None
    assert then.status == Status.WAITLISTED and registrations.waitlist_position(then) == 1
    promoted = Notification.objects.get(event=Event.WAITLIST_PROMOTION)
    assert promoted.user.username == "ben"


def test_registering_twice_keeps_one_registration(client):
    provider = enrolled_provider("ana")
    session = class_of(live_course())
    client.force_login(account_of(provider))

    for _ in range(2):
        client.post(reverse("training:register", args=[session.pk]))

    assert Registration.objects.filter(provider=provider).count() == 1
    assert Notification.objects.filter(event=Event.CLASS_CONFIRMATION).count() == 1


def test_cancelling_twice_changes_nothing_more():
    session = class_of(live_course(), seats=1)
    seated = registrations.register(provider=enrolled_provider(), session=session, by=None)
    waiting = registrations.register(provider=enrolled_provider(), session=session, by=None)

    registrations.cancel(registration=seated, by=None)
    registrations.cancel(registration=seated, by=None)

    assert Registration.objects.filter(session=session, status=Status.REGISTERED).get() == waiting


def test_switching_moves_to_the_other_class_and_frees_the_seat(client):
    course = live_course()
    early, late = class_of(course, seats=1, days_ahead=5), class_of(course, seats=3, days_ahead=9)
    provider = enrolled_provider("ana")
    mine = registrations.register(provider=provider, session=early, by=None)
    waiting = registrations.register(provider=enrolled_provider(), session=early, by=None)
    client.force_login(account_of(provider))

    client.post(reverse("training:switch", args=[mine.pk]), {"session": late.pk})

    assert Registration.objects.get(provider=provider, status=Status.REGISTERED).session == late
    waiting.refresh_from_db()
    assert waiting.status == Status.REGISTERED


def test_switching_to_a_class_of_another_course_is_refused(client):
    provider = enrolled_provider("ana")
    mine = registrations.register(provider=provider, session=class_of(live_course()), by=None)
    other = class_of(live_course())
    client.force_login(account_of(provider))

    response = client.post(
        reverse("training:switch", args=[mine.pk]), {"session": other.pk}, follow=True
    )

    assert "Choose the class you want to move to." in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == Status.REGISTERED


def test_a_class_that_has_started_cannot_be_registered_for():
    session = class_of(live_course(), days_ahead=-1)
    with pytest.raises(registrations.RegistrationRefused) as refused:
        registrations.register(provider=enrolled_provider(), session=session, by=None)
    assert refused.value.code == "class_started"


def test_a_self_paced_course_enrolls_at_once_and_once(client):
    course = live_course(modality="self_paced")
    provider = enrolled_provider("ana")
    client.force_login(account_of(provider))

    for _ in range(2):
        client.post(reverse("training:enroll", args=[course.pk]))

    assert Registration.objects.get(provider=provider).status == Status.REGISTERED


def test_the_calendar_file_reads_back_with_the_class(client):
    session = class_of(live_course())
    provider = enrolled_provider("ana")
    registration = registrations.register(provider=provider, session=session, by=None)
    client.force_login(account_of(provider))

    response = client.get(reverse("training:calendar", args=[registration.pk]))

    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]).endswith("Understanding dementia")
    assert event.decoded("DTSTART") == session.starts_at.replace(microsecond=0)
    assert str(event["UID"]).startswith(f"registration-{registration.pk}@")


def test_no_one_else_reaches_a_providers_registration(client):
    registration = registrations.register(
        provider=enrolled_provider("ana"), session=class_of(live_course()), by=None
    )
    client.force_login(account_of(enrolled_provider("ben")))

    assert client.get(reverse("training:calendar", args=[registration.pk])).status_code == 404
    assert client.post(reverse("training:cancel", args=[registration.pk])).status_code == 404
    registration.refresh_from_db()
    assert registration.status == Status.REGISTERED


def test_my_training_lists_the_classes_with_the_waitlist_position(client):
    session = class_of(live_course(), seats=1)
    registrations.register(provider=enrolled_provider(), session=session, by=None)
    provider = enrolled_provider("ana")
    registrations.register(provider=provider, session=session, by=None)
    client.force_login(account_of(provider))

    body = client.get(reverse("training:mine")).content.decode()

    assert "Understanding dementia" in body and "On the waitlist: number 1" in body


def test_reminders_go_out_once_the_day_before_a_class():
    session = class_of(live_course(), days_ahead=1)
    registrations.register(provider=enrolled_provider("ana"), session=session, by=None)
    today = timezone.localdate(session.starts_at) - dt.timedelta(days=1)  # California's day

    sent = registrations.remind_due(on=today, days_before=1)
    again = registrations.remind_due(on=today, days_before=1)

    assert sent == 1 and again == 1  # the rerun finds it, and the notice key keeps it single
    assert Notification.objects.filter(event=Event.CLASS_REMINDER).count() == 1


def test_seats_added_to_a_class_go_to_those_waiting_before_anyone_new():
    session = class_of(live_course(), seats=1)
    registrations.register(provider=enrolled_provider(), session=session, by=None)
    waiting = registrations.register(provider=enrolled_provider(), session=session, by=None)
    session.capacity = 2
    session.save()

    newcomer = registrations.register(provider=enrolled_provider(), session=session, by=None)

    waiting.refresh_from_db()
    assert waiting.status == Status.REGISTERED and newcomer.status == Status.WAITLISTED
