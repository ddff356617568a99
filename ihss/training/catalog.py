"""Finding courses in the public catalog: one query for a page of courses, whatever the
size of the catalog, plus one for their languages and one for their next sessions.

Distance: an in-person class whose place is on the map (its coordinates) is found within a
number of miles of a point (a provider's home on their case record, or a point the API is
given), by the great-circle distance computed in the query. Cancelled classes are never
listed.

Free text is PostgreSQL full-text search (English and Spanish stemming over code, title
and description) where the database is PostgreSQL, and a case-insensitive match
elsewhere (SQLite, in development).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, FloatField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import ASin, Cast, Cos, Power, Radians, Sin, Sqrt
from django.utils import timezone

from ihss.core.units import EARTH_RADIUS_M
from ihss.training.models import ClassSession, Course, CourseLanguage, Modality, Pathway

MAX_QUERY = 200  # characters of free text searched (a longer one is cut, not refused)


@dataclass(frozen=True)
class Filters:
    """What a person asked the catalog for; every field optional."""

    text: str = ""
    pathway: str = ""  # Pathway.code
    category: int | None = None
    modality: str = ""
    language: str = ""
    county: int | None = None  # in-person classes held in this county
    starts_from: dt.date | None = None
    starts_until: dt.date | None = None
    # In-person classes within `within_miles` of `near` (latitude, longitude).
    near: tuple[Decimal, Decimal] | None = None
    within_miles: int | None = None

    @property
    def dated(self) -> bool:
        return self.starts_from is not None or self.starts_until is not None

    @property
    def by_distance(self) -> bool:
        return self.near is not None and self.within_miles is not None


def courses(filters: Filters) -> QuerySet[Course]:
    """The published courses that match, in title order."""
    found = Course.objects.filter(published=True).select_related("provider", "pathway")
    if filters.pathway:
        found = found.filter(pathway__code=filters.pathway)
    if filters.category is not None:
        found = found.filter(pathway__category=filters.category)
    if filters.modality:
        found = found.filter(modality=filters.modality)
    if filters.language:
        found = found.filter(
            Exists(CourseLanguage.objects.filter(course=OuterRef("pk"), language=filters.language))
        )
    sessions = _sessions(filters)
    if sessions is not None:
        found = found.filter(Exists(sessions.filter(course=OuterRef("pk"))))
    text = " ".join(filters.text.split())[:MAX_QUERY]
    if text:
        found = found.filter(_text_condition(text))
    return found.order_by("title", "pk")


def _sessions(filters: Filters) -> QuerySet[ClassSession] | None:
    """The sessions a course must have to match (county, dates, distance), or None when
    any does."""
    if filters.county is None and not filters.dated and not filters.by_distance:
        return None
    sessions = ClassSession.objects.filter(cancelled_at__isnull=True)
    if filters.by_distance:
        assert filters.near is not None and filters.within_miles is not None
        sessions = within(sessions, filters.near, filters.within_miles * METERS_PER_MILE)
    if filters.county is not None:
        sessions = sessions.filter(county_id=filters.county)
    zone = timezone.get_current_timezone()
    if filters.starts_from is not None:
        start = dt.datetime.combine(filters.starts_from, dt.time.min, tzinfo=zone)
        sessions = sessions.filter(starts_at__gte=start)
    if filters.starts_until is not None:
        end = dt.datetime.combine(filters.starts_until + dt.timedelta(days=1), dt.time.min, zone)
        sessions = sessions.filter(starts_at__lt=end)
    return sessions


METERS_PER_MILE = 1609.344  # the international mile: a unit, not a program number


def within(
    sessions: QuerySet[ClassSession], near: tuple[Decimal, Decimal], meters: float
) -> QuerySet[ClassSession]:
    """The sessions held on the map within `meters` of `near` (haversine, in SQL)."""
    lat, lon = (Value(float(v), output_field=FloatField()) for v in near)
    here = Radians(lat)
    there = Radians(Cast("latitude", FloatField()))
    east = Radians(Cast("longitude", FloatField()))
    half = Power(Sin((there - here) / 2), 2) + Cos(here) * Cos(there) * Power(
        Sin((east - Radians(lon)) / 2), 2
    )
    return (
        sessions.filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(distance_m=2 * EARTH_RADIUS_M * ASin(Sqrt(half)))
        .filter(distance_m__lte=meters)
    )


def _text_condition(text: str) -> Q:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        matches = Q()
        for config in ("english", "spanish"):
            vector = SearchVector("code", "title", "description", config=config)
            query = SearchQuery(text, config=config, search_type="websearch")
            matches |= Q(pk__in=Course.objects.annotate(v=vector).filter(v=query).values("pk"))
        return matches | Q(code__iexact=text)
    words = Q()
    for word in text.split():
        words &= Q(code__icontains=word) | Q(title__icontains=word) | Q(description__icontains=word)
    return words


@dataclass
class Listing:
    """A course as the catalog lists it."""

    course: Course
    languages: list[str] = field(default_factory=list)
    next_sessions: list[ClassSession] = field(default_factory=list)


NEXT_SESSIONS = 3


def listings(page: Sequence[Course], *, now: dt.datetime | None = None) -> list[Listing]:
    """A page of courses with their languages and next few sessions (two queries)."""
    ids = [course.pk for course in page]
    languages: dict[int, list[str]] = defaultdict(list)
    for course_id, language in CourseLanguage.objects.filter(course_id__in=ids).values_list(
        "course_id", "language"
    ):
        languages[course_id].append(language)
    upcoming: dict[int, list[ClassSession]] = defaultdict(list)
    for session in ClassSession.objects.filter(
        course_id__in=ids, starts_at__gte=now or timezone.now(), cancelled_at__isnull=True
    ).select_related("county"):
        if len(upcoming[session.course_id]) < NEXT_SESSIONS:
            upcoming[session.course_id].append(session)
    return [Listing(c, sorted(languages[c.pk]), upcoming[c.pk]) for c in page]


def pathways() -> list[Pathway]:
    return list(Pathway.objects.all())


MODALITIES = Modality
