"""A class changed or cancelled after people registered: everyone is told, seats never go
below the people seated, a cancelled class leaves the catalog; in-person classes found by
distance from a provider's home; training time to confirm is reminded once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.notifications.events import Event
from ihss.notifications.models import Notification
from ihss.training.models import Registration, TrainingClaim
from ihss.training.services import attendance, claims, registrations, sessions
from ihss.training.tests.factories import account_of, class_of, enrolled_provider, live_course
from ihss.training.tests.test_catalog import course, session

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def academy():
    live_course()  # makes the organization
    return cast.make_user("academy", Role.TRAINING_PROVIDER, organization="Test Academy")


def test_moving_a_class_tells_everyone_registered_or_waiting(academy):
    klass = class_of(live_course(), seats=1)
    registrations.register(provider=enrolled_provider("ana"), session=klass, by=None)
    registrations.register(provider=enrolled_provider("ben"), session=klass, by=None)
    later = klass.starts_at + dt.timedelta(days=2)

    sessions.change(
        session=klass,
        values={"starts_at": later, "ends_at": later + dt.timedelta(hours=2)},
        by=academy,
    )

    told = Notification.objects.filter(event=Event.CLASS_CHANGED)
    assert told.count() == 2
    assert {n.context["starts_on"] for n in told} == {timezone.localdate(later).isoformat()}


def test_more_seats_go_to_the_first_waiting_and_fewer_than_seated_is_refused(academy):
    klass = class_of(live_course(), seats=1)
    registrations.register(provider=enrolled_provider("ana"), session=klass, by=None)
    waiting = registrations.register(provider=enrolled_provider("ben"), session=klass, by=None)

    sessions.change(session=klass, values={"capacity": 2}, by=academy)
    waiting.refresh_from_db()
    assert waiting.status == Status.REGISTERED

    with pytest.raises(sessions.SessionRefused) as refused:
        sessions.change(session=klass, values={"capacity": 1}, by=academy)
    assert "2 people are registered" in refused.value.message


def test_cancelling_a_class_cancels_its_registrations_with_the_reason(academy, client):
    klass = class_of(live_course(), seats=1)
    seated = registrations.register(provider=enrolled_provider("ana"), session=klass, by=None)
    waiting = registrations.register(provider=enrolled_provider("ben"), session=klass, by=None)

    with pytest.raises(sessions.SessionRefused):
        sessions.cancel(session=klass, reason="  ", by=academy)
    sessions.cancel(session=klass, reason="The instructor is ill.", by=academy)
    sessions.cancel(session=klass, reason="Twice", by=academy)  # a second tap changes nothing

    for registration in (seated, waiting):
        registration.refresh_from_db()
        assert registration.status == Status.CANCELLED
    told = Notification.objects.filter(event=Event.CLASS_CANCELLED)
    assert told.count() == 2
    assert {n.context["reason"] for n in told} == {"The instructor is ill."}
    with pytest.raises(registrations.RegistrationRefused) as refused:
        registrations.register(provider=enrolled_provider(), session=klass, by=None)
    assert refused.value.code == "class_cancelled"
    page = client.get(reverse("training:course", args=[klass.course_id]))
    assert page.context["sessions"] == []


def test_a_class_that_began_cannot_be_cancelled(academy):
    klass = class_of(live_course(), seats=2)
    registrations.register(provider=enrolled_provider("ana"), session=klass, by=None)
    klass.starts_at = timezone.now() - dt.timedelta(minutes=5)
    klass.ends_at = klass.starts_at + dt.timedelta(hours=2)
    klass.save()

    with pytest.raises(sessions.SessionRefused) as refused:
        sessions.cancel(session=klass, reason="Late", by=academy)

    assert refused.value.code == "class_begun"
    assert Registration.objects.get().status == Status.REGISTERED


def test_staff_change_and_cancel_a_class_on_its_pages(academy, client):
    klass = class_of(live_course(), seats=3)
    registrations.register(provider=enrolled_provider("ana"), session=klass, by=None)
    client.force_login(academy)
    edit = reverse("training:class-edit", args=[klass.pk])
    form = client.get(edit)
    assert form.status_code == 200
    typed = {
        "starts_at": timezone.localtime(klass.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "language": "en",
        "online_link": "https://example.org/class",
        "capacity": "0",
        "instructor": "",
    }
    refused = client.post(edit, typed)
    assert refused.status_code == 400
    assert "1 person is registered" in refused.content.decode()
    saved = client.post(edit, typed | {"capacity": "5"})
    assert saved.status_code == 302
    klass.refresh_from_db()
    assert klass.capacity == 5

    cancel = reverse("training:class-cancel", args=[klass.pk])
    empty = client.post(cancel, {"reason": ""})
    assert empty.status_code == 400 and "error-summary" in empty.content.decode()
    done = client.post(cancel, {"reason": "Room flooded"})
    assert done.status_code == 302
    klass.refresh_from_db()
    assert klass.cancelled_at is not None
    assert client.get(cancel).status_code == 404  # nothing more to do with it


def test_another_organizations_staff_cannot_change_the_class():
    klass = class_of(live_course(), seats=3)
    other = cast.make_user("other.academy", Role.TRAINING_PROVIDER, organization="Elsewhere")
    from django.test import Client

    browser = Client()
    browser.force_login(other)
    assert browser.get(reverse("training:class-edit", args=[klass.pk])).status_code == 404
    assert (
        browser.post(reverse("training:class-cancel", args=[klass.pk]), {"reason": "x"}).status_code
        == 404
    )


# --- Distance --------------------------------------------------------------------------------

SACRAMENTO = (Decimal("38.576600"), Decimal("-121.493500"))


def _in_person_near(title: str, *, north: Decimal) -> None:
    made = course(title[:6].upper(), title, modality="in_person")
    klass = session(made, county_code="34")
    klass.latitude, klass.longitude = SACRAMENTO[0] + north, SACRAMENTO[1]
    klass.save()


def test_a_provider_finds_in_person_classes_near_their_home(client):
    provider = enrolled_provider("ana.near")
    provider.latitude, provider.longitude = SACRAMENTO
    provider.save()
    _in_person_near("Across town", north=Decimal("0.1"))  # about 11 km, 7 miles
    _in_person_near("Two hours away", north=Decimal("1.0"))  # about 111 km, 69 miles
    client.force_login(account_of(provider))

    near = client.get("/training/catalog/", {"within": "10"})
    farther = client.get("/training/catalog/", {"within": "100"})

    assert [i.course.title for i in near.context["listings"]] == ["Across town"]
    assert sorted(i.course.title for i in farther.context["listings"]) == [
        "Across town",
        "Two hours away",
    ]


def test_without_a_home_on_the_map_the_distance_filter_is_not_offered(client):
    page = client.get("/training/catalog/")
    assert "within" not in page.context["form"].fields


def test_the_api_finds_classes_within_miles_of_a_point(client):
    _in_person_near("Across town", north=Decimal("0.1"))
    _in_person_near("Two hours away", north=Decimal("1.0"))
    answer = client.get(
        "/api/v1/training/catalog",
        {"near_latitude": "38.5766", "near_longitude": "-121.4935", "within_miles": 25},
    )
    assert answer.status_code == 200
    assert [c["title"] for c in answer.json()["results"]] == ["Across town"]


# --- Claim deadline reminders ----------------------------------------------------------------


def test_training_time_to_confirm_is_reminded_once_a_week_before_its_deadline():
    ana = enrolled_provider("ana.claims")
    cast.assign(ana, cast.make_recipient(), 6000)
    klass = class_of(live_course(), seats=2, days_ahead=3)
    registrations.register(provider=ana, session=klass, by=None)
    klass.starts_at = timezone.now() - dt.timedelta(hours=3)
    klass.ends_at = klass.starts_at + dt.timedelta(hours=2)
    klass.save()
    attendance.record(session=klass, minutes_by_provider={ana.provider_number: 120}, by=None)
    claim = TrainingClaim.objects.get()
    week_before = claim.confirm_by - dt.timedelta(days=7)

    assert claims.remind_due(on=week_before - dt.timedelta(days=1), days_before=7) == 0
    claims.remind_due(on=week_before, days_before=7)
    claims.remind_due(on=week_before, days_before=7)

    told = Notification.objects.filter(event=Event.TRAINING_CLAIM_DUE)
    assert told.count() == 1
    assert told.get().context["confirm_by"] == claim.confirm_by.isoformat()
