"""Coaching: a provider asks for help, a coach offers times, the provider books one, both
are told and reminded, the coach keeps notes only coaches see and completes the session."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.notifications.events import Event
from ihss.notifications.models import Notification
from ihss.training.models import CoachingRequest
from ihss.training.services import coaching
from ihss.training.tests.factories import account_of, enrolled_provider

pytestmark = pytest.mark.django_db
Status = CoachingRequest.Status


def local(days: int, hour: int = 10) -> str:
    day = timezone.localdate() + dt.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def test_a_provider_and_a_coach_complete_a_coaching_session(client):
    ana = enrolled_provider("ana")
    coach = cast.make_user("coach", Role.COACH, organization="Career Pathways Coaching")
    client.force_login(account_of(ana))
    client.post(reverse("training:coaching"), {"topic": "technology", "message": "Zoom?"})
    asked = CoachingRequest.objects.get()

    client.force_login(coach)
    queue = client.get(reverse("training:coach")).content.decode()
    page = reverse("training:coach-request", args=[asked.pk])
    client.post(page, {"action": "offer", "offer-time_1": local(2), "offer-time_2": local(3),
                       "offer-minutes": "30", "offer-how": "Phone call"})  # fmt: skip
    client.post(page, {"action": "note", "note-text": "Needs help with the camera."})
    offered = asked.times.order_by("starts_at")[0]

    client.force_login(account_of(ana))
    mine = client.get(reverse("training:coaching")).content.decode()
    client.post(reverse("training:coaching-book", args=[asked.pk]), {"time": offered.pk})
    client.post(reverse("training:coaching-book", args=[asked.pk]), {"time": offered.pk})

    client.force_login(coach)
    client.post(page, {"action": "complete"})

    asked.refresh_from_db()
    assert "Online classes: video, audio and chat" in queue
    assert "Choose a time" in mine and "Needs help with the camera." not in mine
    assert asked.status == Status.COMPLETED and asked.coach == coach
    assert asked.times.filter(booked=True).count() == 1
    events = sorted(Notification.objects.values_list("event", flat=True))
    assert events == [Event.COACHING_BOOKED, Event.COACHING_BOOKED, Event.COACHING_OFFERED]


def test_asking_twice_about_the_same_topic_keeps_one_request():
    ana = enrolled_provider()
    first = coaching.ask(provider=ana, topic="catalog", message="", by=None)
    second = coaching.ask(provider=ana, topic="catalog", message="again", by=None)
    assert first == second and CoachingRequest.objects.count() == 1


def test_times_in_the_past_are_refused_with_the_summary(client):
    asked = coaching.ask(provider=enrolled_provider(), topic="payment", message="", by=None)
    client.force_login(cast.make_user("coach", Role.COACH))

    response = client.post(
        reverse("training:coach-request", args=[asked.pk]),
        {"action": "offer", "offer-time_1": local(-1), "offer-minutes": "30", "offer-how": "Phone"},
    )

    assert response.status_code == 400
    assert "Offer times in the future." in response.content.decode()
    assert not asked.times.exists()


def test_another_coachs_request_cannot_be_changed():
    asked = coaching.ask(provider=enrolled_provider(), topic="payment", message="", by=None)
    first, second = cast.make_user("c1", Role.COACH), cast.make_user("c2", Role.COACH)
    start = timezone.now() + dt.timedelta(days=2)
    coaching.offer(request=asked, coach=first, times=[(start, 30, "Phone")])
    with pytest.raises(coaching.CoachingRefused):
        coaching.offer(request=asked, coach=second, times=[(start, 30, "Phone")])


def test_a_provider_reaches_only_their_own_requests(client):
    asked = coaching.ask(provider=enrolled_provider(), topic="payment", message="", by=None)
    client.force_login(account_of(enrolled_provider("ben")))
    assert client.post(reverse("training:coaching-cancel", args=[asked.pk])).status_code == 404
    assert client.get(reverse("training:coach")).status_code == 403


def test_both_are_reminded_the_day_before_once():
    ana = enrolled_provider("ana")
    coach = cast.make_user("coach", Role.COACH)
    asked = coaching.ask(provider=ana, topic="catalog", message="", by=None)
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    coaching.offer(request=asked, coach=coach, times=[(tomorrow, 30, "Phone")])
    coaching.book(request=asked, time_id=asked.times.get().pk, by=None)

    coaching.remind_due(on=timezone.localdate())
    coaching.remind_due(on=timezone.localdate())

    assert Notification.objects.filter(event=Event.COACHING_REMINDER).count() == 2  # both
