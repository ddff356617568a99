"""A catalog course for the page walker (tests/browser/test_every_page.py), made once
whatever the number of visits: taught in English and Spanish, with an in-person class."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ihss.cases.models import County, Provider
from ihss.training.models import (
    ClassSession,
    Course,
    CourseLanguage,
    Pathway,
    Registration,
    TrainingProvider,
)


def walker_course() -> int:
    provider, _made = TrainingProvider.objects.get_or_create(
        name="Walker Academy",
        defaults={"email": "classes@example.org", "phone": "(555) 010-0000"},
    )
    course, made = Course.objects.get_or_create(
        provider=provider,
        code="WK-201",
        defaults={
            "title": "Understanding dementia",
            "description": "What dementia is, and ways to communicate that reduce distress.",
            "pathway": Pathway.objects.get(code="cognitive-behavioral"),
            "modality": "in_person",
            "minutes": 240,
            "prerequisites": "None.",
        },
    )
    if made:
        for language in ("en", "es"):
            CourseLanguage.objects.create(course=course, language=language)
        starts = timezone.now() + dt.timedelta(days=10)
        ClassSession.objects.create(
            course=course,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=4),
            language="es",
            county=County.objects.get(code="19"),
            place="Community room, 100 Main Street",
            capacity=12,
            instructor="Ana Flores",
        )
    return course.pk


def walker_registration(provider: Provider) -> int:
    """`provider`'s seat in the walker course's class (made once), for My training and the
    calendar file."""
    course = Course.objects.get(pk=walker_course())
    registration, _made = Registration.objects.get_or_create(
        provider=provider,
        course=course,
        session=course.sessions.first(),
        status=Registration.Status.REGISTERED,
        defaults={"requested_at": timezone.now()},
    )
    return registration.pk


WALKER_ORGANIZATION = "Golden State Care Academy"  # the walker's training provider staff


def walker_roster(provider: Provider | None = None) -> int:
    """A class of the walker's training provider that took place yesterday, with one
    person registered (made once), for the roster pages."""
    organization, _made = TrainingProvider.objects.get_or_create(
        name=WALKER_ORGANIZATION, defaults={"email": "classes@example.org"}
    )
    course, made = Course.objects.get_or_create(
        provider=organization,
        code="GS-101",
        defaults={
            "title": "Safe transfers",
            "description": "Moving a person safely.",
            "pathway": Pathway.objects.get(code="general-health-safety"),
            "modality": "online_live",
            "minutes": 120,
        },
    )
    if made:
        CourseLanguage.objects.create(course=course, language="en")
        starts = timezone.now() - dt.timedelta(days=1)
        ClassSession.objects.create(
            course=course,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            language="en",
            capacity=10,
        )
    session = course.sessions.get()
    someone = provider or Provider.objects.order_by("pk").first()
    if someone is not None and not session.registrations.exists():
        Registration.objects.create(
            provider=someone,
            course=course,
            session=session,
            status=Registration.Status.REGISTERED,
            requested_at=session.starts_at - dt.timedelta(days=3),
        )
    return session.pk


def walker_coaching(provider: Provider, *, offered: bool = False) -> int:
    """`provider`'s coaching request about online classes (made once), with times offered
    by a coach when `offered`."""
    from ihss.training.models import CoachingRequest, CoachingTime

    request, _made = CoachingRequest.objects.get_or_create(
        provider=provider,
        topic=CoachingRequest.Topic.TECHNOLOGY,
        defaults={"message": "How do I turn on my camera?", "created_at": timezone.now()},
    )
    if offered and not request.times.exists():
        starts = timezone.now() + dt.timedelta(days=2)
        for hours in (0, 24):
            CoachingTime.objects.create(
                request=request, starts_at=starts + dt.timedelta(hours=hours), how="Phone call"
            )
        request.status = CoachingRequest.Status.OFFERED
        request.save(update_fields=["status"])
    return request.pk


def walker_certificate(provider: Provider) -> int:
    """`provider`'s attended class of the walker roster (made once), with its certificate."""
    from ihss.training.models import Attendance
    from ihss.training.services import certificates

    session = ClassSession.objects.get(pk=walker_roster(provider))
    registration = session.registrations.get()
    recorded, _made = Attendance.objects.get_or_create(
        registration=registration,
        defaults={"day": session.starts_at.date(), "minutes": 90, "recorded_at": timezone.now()},
    )
    certificates.certificate_for(recorded)
    return registration.pk


def walker_self_paced(provider: Provider) -> int:
    """A self-paced course of the walker's training provider, `provider` enrolled (once)."""
    walker_roster(provider)  # makes the organization
    organization = TrainingProvider.objects.get(name=WALKER_ORGANIZATION)
    course, made = Course.objects.get_or_create(
        provider=organization,
        code="GS-102",
        defaults={
            "title": "Infection control at home",
            "description": "Hand washing, gloves, cleaning.",
            "pathway": Pathway.objects.get(code="general-health-safety"),
            "modality": "self_paced",
            "minutes": 60,
        },
    )
    if made:
        CourseLanguage.objects.create(course=course, language="en")
        Registration.objects.create(
            provider=provider,
            course=course,
            status=Registration.Status.REGISTERED,
            requested_at=timezone.now(),
        )
    return course.pk
