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
