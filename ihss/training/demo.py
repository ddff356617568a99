"""Demo data of Career Pathways: the demo training provider's organization (fictional, as
every demo record is) and its catalog: courses of both categories in English and Spanish,
with classes in the coming weeks, so that the catalog can be searched and filtered."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ihss.cases.models import County
from ihss.core.demo import DemoContext
from ihss.training.models import (
    ClassSession,
    CoachingRequest,
    Course,
    CourseLanguage,
    Pathway,
    Registration,
    TrainingProvider,
)
from ihss.training.services import attendance, coaching, registrations

AFTER = ("cases", "accounts")
ORGANIZATION = "Golden Valley Caregiver Academy"  # the "training" demo account's organization

# code, title, pathway, modality, minutes, languages, description
COURSES = [
    ("GV-101", "Safe transfers and fall prevention", "general-health-safety", "in_person", 180,
     ["en", "es"], "How to help a person move from bed to chair safely, and how to make a home "
     "safer against falls. Practice with an instructor."),
    ("GV-102", "Infection control at home", "general-health-safety", "self_paced", 60, ["en"],
     "Hand washing, gloves, cleaning and what to do when someone in the home is sick."),
    ("GV-110", "Digital skills for caregivers", "adult-education", "online_live", 120,
     ["en", "es"], "Using email, video calls and the portal on a phone, step by step."),
    ("GV-201", "Understanding dementia", "cognitive-behavioral", "online_live", 240, ["en"],
     "What dementia is, how it changes a person's day, and ways to communicate that reduce "
     "distress."),
    ("GV-202", "Cuidado de personas con demencia", "cognitive-behavioral", "online_live", 240,
     ["es"], "Qué es la demencia, cómo cambia el día de la persona y formas de comunicarse que "
     "reducen la angustia. Clase en español con instructora."),
    ("GV-301", "Caring for a person with a feeding tube", "complex-physical", "in_person", 240,
     ["en", "es"], "Care of the tube site, feeding schedules and when to call the nurse."),
    ("GV-401", "Supporting a move home from a care facility", "community-transition",
     "self_paced", 90, ["en", "es"], "What changes when a person moves home from a nursing "
     "facility or from homelessness, and how to set up a safe routine together."),
]  # fmt: skip


def load(context: DemoContext) -> None:
    organization, _made = TrainingProvider.objects.update_or_create(
        name=ORGANIZATION,
        defaults={
            "email": "classes@example.org",
            "phone": "(555) 010-4400",
            "website": "https://example.org/golden-valley",
        },
    )
    counties = {c.code: c for c in County.objects.filter(code__in=["19", "10"])}
    pathways = {p.code: p for p in Pathway.objects.all()}
    zone = timezone.get_current_timezone()
    first_day = timezone.localdate() + dt.timedelta(days=7)
    for number, (code, title, pathway, modality, minutes, languages, text) in enumerate(COURSES):
        course, _made = Course.objects.update_or_create(
            provider=organization,
            code=code,
            defaults={
                "title": title,
                "description": text,
                "pathway": pathways[pathway],
                "modality": modality,
                "minutes": minutes,
                "registration_contact": "Call or write to the academy; say the course code.",
            },
        )
        for language in languages:
            CourseLanguage.objects.get_or_create(course=course, language=language)
        if modality == "self_paced" or course.sessions.exists():
            continue
        for week in range(3):
            day = first_day + dt.timedelta(days=7 * week + number % 5)
            starts = dt.datetime.combine(day, dt.time(10, 0), tzinfo=zone)
            in_person = modality == "in_person"
            county = counties.get("19" if week % 2 == 0 else "10") if in_person else None
            ClassSession.objects.create(
                course=course,
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=minutes),
                language=languages[week % len(languages)],
                county=county,
                place=f"Community room, 100 Main Street, {county.name}" if county else "",
                online_link="" if in_person else "https://example.org/golden-valley/class",
                capacity=12 if in_person else 25,
                instructor="Ana Flores" if week % 2 else "Sam Lee",
            )
    _full_spanish_class(context)
    _yesterdays_class(context)
    _james_attended(context)
    _james_asks_a_coach(context)
    context.say("Career Pathways", heading=True)
    context.say(
        f"  {len(COURSES)} courses of {ORGANIZATION} in the public catalog at /training/catalog/"
        " (no sign-in needed), in English and Spanish. The first class of GV-202 (dementia "
        "care, in Spanish) has one seat, held by provider.three: provider.one registers and "
        "joins the waitlist; provider.three cancels under Training and provider.one is moved "
        "into the class and told. The training account (Classes and rosters) records "
        "yesterday's GV-110 class, which provider.one attended: her training time then waits "
        "for her to confirm under Training, and the next payroll run pays it. provider.three "
        "attended GV-201 three weeks ago: Training > Incentives and progress shows his 4 of "
        "15 hours. He also asked for coaching about online classes: sign in as coach, open "
        "Coaching queue, offer him times; as provider.three, book one under Training > "
        "Coaching; as coach, mark it completed."
    )


def _full_spanish_class(context: DemoContext) -> None:
    """One seat in the first class of the Spanish dementia course, taken by James."""
    course = Course.objects.get(provider__name=ORGANIZATION, code="GV-202")
    first = course.sessions.order_by("starts_at").first()
    if first is None or first.registrations.exists():
        return
    first.capacity = 1
    first.save(update_fields=["capacity"])
    james = context.record("provider", "190000002")
    registrations.register(provider=james, session=first, by=None)


def _yesterdays_class(context: DemoContext) -> None:
    """A GV-110 class that took place yesterday, provider.one (Ana) registered for it, its
    attendance not yet recorded."""
    course = Course.objects.get(provider__name=ORGANIZATION, code="GV-110")
    zone = timezone.get_current_timezone()
    day = timezone.localdate() - dt.timedelta(days=1)
    starts = dt.datetime.combine(day, dt.time(10, 0), tzinfo=zone)
    if course.sessions.filter(starts_at__lt=timezone.now()).exists():
        return
    session = ClassSession.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=course.minutes),
        language="es",
        online_link="https://example.org/golden-valley/class",
        capacity=25,
        instructor="Ana Flores",
    )
    ana = context.record("provider", "190000001")
    Registration.objects.create(
        provider=ana,
        course=course,
        session=session,
        status=Registration.Status.REGISTERED,
        requested_at=starts - dt.timedelta(days=5),
    )


def _james_attended(context: DemoContext) -> None:
    """A GV-201 class three weeks ago that James attended (4 hours, recorded)."""
    course = Course.objects.get(provider__name=ORGANIZATION, code="GV-201")
    zone = timezone.get_current_timezone()
    day = timezone.localdate() - dt.timedelta(days=21)
    starts = dt.datetime.combine(day, dt.time(9, 0), tzinfo=zone)
    if course.sessions.filter(starts_at__lt=timezone.now()).exists():
        return
    session = ClassSession.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=course.minutes),
        language="en",
        online_link="https://example.org/golden-valley/class",
        capacity=25,
        instructor="Sam Lee",
    )
    james = context.record("provider", "190000002")
    Registration.objects.create(
        provider=james,
        course=course,
        session=session,
        status=Registration.Status.REGISTERED,
        requested_at=starts - dt.timedelta(days=5),
    )
    attendance.record(
        session=session, minutes_by_provider={james.provider_number: course.minutes}, by=None
    )


def _james_asks_a_coach(context: DemoContext) -> None:
    james = context.record("provider", "190000002")
    coaching.ask(
        provider=james,
        topic=CoachingRequest.Topic.TECHNOLOGY,
        message="My class is on video and I have never used it on my phone.",
        by=None,
    )
