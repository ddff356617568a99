"""Career Pathways: the pathways, the training providers, their courses and class sessions.

The five pathways are fixed by statute (WIC 12316.1; ../shared/domain/ihss-facts.md 7) and
kept as data, seeded by a migration: each Category 2 (specialized) pathway names the
recipient care needs it serves (fields of cases.Recipient). Training providers are
organizations; their staff are the portal's training provider accounts whose membership
names the organization. Course length is integer minutes.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ihss.cases.models import County


class Pathway(models.Model):
    class Category(models.IntegerChoices):
        GENERAL = 1, _("Category 1: General pathways")
        SPECIALIZED = 2, _("Category 2: Specialized pathways")

    code = models.SlugField(max_length=40, unique=True)
    category = models.PositiveSmallIntegerField(choices=Category.choices)
    # The English name; pages show it in the reader's language (msgids in names.py).
    name = models.CharField(max_length=120)
    # Recipient care needs it serves (cases.Recipient boolean fields), Category 2 only.
    serves_needs = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class TrainingProvider(models.Model):
    """An organization that teaches catalog courses. Its staff accounts hold the training
    provider role with `organization` set to its name."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Modality(models.TextChoices):
    ONLINE_LIVE = "online_live", _("Online with an instructor")
    SELF_PACED = "self_paced", _("Self-paced online")
    IN_PERSON = "in_person", _("In person")


class Course(models.Model):
    provider = models.ForeignKey(TrainingProvider, on_delete=models.PROTECT, related_name="courses")
    code = models.CharField(_("course code"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="courses")
    modality = models.CharField(_("how it is taught"), max_length=12, choices=Modality.choices)
    minutes = models.PositiveIntegerField(_("length"))
    prerequisites = models.TextField(_("prerequisites"), blank=True)
    # Whom to ask about registering (the letter asks each course to say so); the
    # training provider's own contact details when blank.
    registration_contact = models.CharField(_("registration contact"), max_length=200, blank=True)
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "code"], name="course_code_per_provider"),
            models.CheckConstraint(condition=Q(minutes__gt=0), name="course_has_length"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CourseLanguage(models.Model):
    """A language a course is taught in (a course may be given in several)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["course", "language"], name="course_language_once")
        ]
        indexes = [models.Index(fields=["language", "course"], name="course_language_idx")]

    def __str__(self) -> str:
        return self.language


class ClassSession(models.Model):
    """A dated class of a course taught live (online or in person). Self-paced courses
    have none: providers enroll and work through them at their own pace."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # where an in-person class is held
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("seats"))
    instructor = models.CharField(_("instructor"), max_length=120, blank=True)
    # Where an in-person class is held, on the map, so that providers can find classes
    # near their home (optional: a class without it is found by its county).
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after"
            )
        ]
        indexes = [models.Index(fields=["course", "starts_at"], name="session_course_idx")]

    def __str__(self) -> str:
        return f"{self.course.code} {self.starts_at:%Y-%m-%d %H:%M}"


class Registration(models.Model):
    """A provider's seat in a class session, or place on its waitlist; for a self-paced
    course (no session), their enrollment in it. One active registration a provider per
    session (per course when self-paced): registering twice answers with the first."""

    class Status(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("class registration", "Registered")
        WAITLISTED = "waitlisted", pgettext_lazy("class registration", "On the waitlist")
        CANCELLED = "cancelled", pgettext_lazy("class registration", "Cancelled")

    ACTIVE = (Status.REGISTERED, Status.WAITLISTED)

    provider = models.ForeignKey(
        "cases.Provider", on_delete=models.PROTECT, related_name="training_registrations"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="registrations")
    session = models.ForeignKey(
        ClassSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    # The waitlist is first come, first served: by when the person asked, then by key.
    requested_at = models.DateTimeField()
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "session"],
                condition=Q(status__in=["registered", "waitlisted"], session__isnull=False),
                name="one_active_registration_per_session",
            ),
            models.UniqueConstraint(
                fields=["provider", "course"],
                condition=Q(status__in=["registered", "waitlisted"], session__isnull=True),
                name="one_active_self_paced_enrollment",
            ),
        ]
        indexes = [
            models.Index(
                fields=["session", "status", "requested_at"], name="registration_queue_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.course_id} {self.status}"


class Attendance(models.Model):
    """What the training provider recorded for a registration: minutes attended (0 when
    the person did not come) on the class's day, or the day a self-paced course was
    completed. Recorded again, it is corrected (one row a registration)."""

    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="attendance"
    )
    day = models.DateField()
    minutes = models.PositiveIntegerField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["day", "pk"]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.minutes} min on {self.day}"


class TrainingClaim(models.Model):
    """Paid training time: made from verified attendance, ready for the provider to
    confirm (choosing whose county wage applies when they serve several recipients), then
    a payable item that payroll pays once (source "training_claim")."""

    class Status(models.TextChoices):
        READY = "ready", _("Ready to confirm")
        CONFIRMED = "confirmed", _("Confirmed: to be paid")
        EXPIRED = "expired", _("Not confirmed in time")

    attendance = models.OneToOneField(Attendance, on_delete=models.PROTECT, related_name="claim")
    provider = models.ForeignKey(
        "cases.Provider", on_delete=models.PROTECT, related_name="training_claims"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    start = models.TimeField(default=dt.time(0, 0))  # the class's local start: overtime order
    minutes = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READY)
    # Whose county wage applies (and the program): chosen by the provider on confirming.
    recipient = models.ForeignKey(
        "cases.Recipient", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    program = models.CharField(max_length=4, blank=True)
    confirm_by = models.DateField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "-pk"]
        indexes = [
            models.Index(fields=["provider", "day"], name="training_claim_provider_idx"),
            models.Index(fields=["status", "day"], name="training_claim_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="claim_has_minutes"),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(recipient__isnull=False),
                name="confirmed_claim_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.day} {self.minutes} min"


class Incentive(models.Model):
    """An incentive payment earned (ihss/training/rules.py): computed from verified hours
    and case data, never typed in. Paid once by payroll (source "training_incentive")."""

    class Kind(models.TextChoices):
        HOURS = "hours", _("15 hours in one pathway")
        ONE_MONTH = "one_month", _("Specialized pathway and a month of matching care")
        SIX_MONTHS = "six_months", _("Specialized pathway and six months of matching care")

    provider = models.ForeignKey(
        "cases.Provider", on_delete=models.PROTECT, related_name="training_incentives"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    number = models.PositiveSmallIntegerField()  # 1, 2... of this kind for the provider
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="+")
    cents = models.PositiveIntegerField()
    earned_on = models.DateField()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["earned_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "kind", "number"], name="incentive_once_per_number"
            ),
            models.CheckConstraint(condition=Q(cents__gt=0), name="incentive_has_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.kind} {self.number}"


class CoachingRequest(models.Model):
    """A provider asking a Career Pathways coach for help, tracked to completion."""

    class Topic(models.TextChoices):
        CATALOG = "catalog", _("The course catalog: choosing and registering for courses")
        PAYMENT = "payment", _("Getting paid for training time and incentives")
        TECHNOLOGY = "technology", _("Online classes: video, audio and chat")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a coach")
        OFFERED = "offered", _("Times offered: choose one")
        BOOKED = "booked", _("Session booked")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.OPEN, Status.OFFERED, Status.BOOKED)

    provider = models.ForeignKey(
        "cases.Provider", on_delete=models.PROTECT, related_name="coaching_requests"
    )
    topic = models.CharField(_("what you need help with"), max_length=12, choices=Topic.choices)
    message = models.TextField(_("your question"), max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coaching_requests",
    )
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="coaching_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "topic"],
                condition=Q(status__in=["open", "offered", "booked"]),
                name="one_active_request_per_topic",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.topic} {self.status}"


class CoachingTime(models.Model):
    """A time a coach offered for a request; the provider books one of them."""

    request = models.ForeignKey(CoachingRequest, on_delete=models.CASCADE, related_name="times")
    starts_at = models.DateTimeField(_("starts"))
    minutes = models.PositiveIntegerField(default=30)
    how = models.CharField(_("how"), max_length=200)  # "Phone call", a video link
    booked = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=Q(booked=True), name="one_booked_time_per_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.starts_at:%Y-%m-%d %H:%M}"


class CoachingNote(models.Model):
    """A coach's note on a request: seen by coaches only, never by the provider."""

    request = models.ForeignKey(CoachingRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"note on {self.request_id}"


class Certificate(models.Model):
    """A completion certificate for verified attendance, with a code anyone can check on
    the public verification page. Made when attendance is recorded."""

    attendance = models.OneToOneField(
        Attendance, on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(max_length=16, unique=True)
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["issued_at", "pk"]

    def __str__(self) -> str:
        return self.code


class CareersPage(models.Model):
    """The page to explore healthcare careers (the program letter mentions it), one text a
    language, kept by state administrators. Plain text: paragraphs and links typed as
    addresses, never HTML."""

    language = models.CharField(max_length=10, choices=settings.LANGUAGES, unique=True)
    body = models.TextField(max_length=10_000)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.language
