"""Courses, classes and providers for the Career Pathways tests."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from ihss import test as cast
from ihss.accounts.models import Role, User
from ihss.cases.models import Provider
from ihss.training.models import ClassSession, Course, CourseLanguage, Pathway, TrainingProvider

_numbers = itertools.count(1)


def live_course(*, modality: str = "online_live", pathway: str = "cognitive-behavioral") -> Course:
    provider, _made = TrainingProvider.objects.get_or_create(
        name="Test Academy", defaults={"email": "classes@example.org"}
    )
    course = Course.objects.create(
        provider=provider,
        code=f"T-{next(_numbers)}",
        title="Understanding dementia",
        description="A course.",
        pathway=Pathway.objects.get(code=pathway),
        modality=modality,
        minutes=120,
    )
    CourseLanguage.objects.create(course=course, language="en")
    return course


def class_of(course: Course, *, seats: int = 2, days_ahead: int = 10) -> ClassSession:
    starts = timezone.now() + dt.timedelta(days=days_ahead)
    return ClassSession.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        language="en",
        capacity=seats,
    )


def enrolled_provider(username: str | None = None) -> Provider:
    """An active provider who finished enrollment, with an account when `username`."""
    provider = cast.make_active_provider()
    if username:
        cast.make_user(username, Role.PROVIDER, provider=provider)
    return provider


def account_of(provider: Provider) -> User:
    return User.objects.get(memberships__provider=provider)
