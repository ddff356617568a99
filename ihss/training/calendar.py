"""A registration's class as a calendar file (.ics, RFC 5545), built with `icalendar`.

The event's UID is stable (the registration's key and the portal's host), so that
downloading the file again updates the event in the person's calendar rather than adding
a second one; a cancelled registration's file says CANCELLED.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from ihss.training.models import Registration
from ihss.training.services.registrations import place_of

PRODUCT = "-//IHSS Portal//Career Pathways classes//EN"


def registration_ics(registration: Registration, *, url: str) -> bytes:
    session = registration.session
    assert session is not None
    course = registration.course
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    host = settings.PORTAL_BASE_URL.split("//", 1)[-1].split("/", 1)[0] or "ihss-portal"
    event.add("uid", f"registration-{registration.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", f"{course.code} {course.title}")
    event.add("location", session.online_link or place_of(session))
    event.add(
        "description",
        f"{course.provider.name}. {course.registration_contact or course.provider.email}\n{url}",
    )
    event.add("url", url)
    cancelled = registration.status == Registration.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return bytes(calendar.to_ical())
