"""Electronic visit verification: punches made on a phone, and the visits they make.

A `Punch` is one check-in or check-out as the phone made it: its id (made on the phone,
so that sending it again never makes a second punch), the time on the phone and the time
it arrived, and, for Home only, the position the browser gave at that moment with its
accuracy. Punches are never changed, except that their coordinates are dropped after the
retention period (`evv_coordinates_retention_days`).

A `Visit` pairs a check-in with its check-out: one provider, one recipient, one program,
one day. It holds the six data elements of the 21st Century Cures Act (type of service =
the program's personal care service, recipient, date, location, provider, start and end
time). Its times are the punches' unless the provider corrected them (with a reason, in
`VisitCorrection`); the punches keep what the phone said.

WIC 10836: nothing here creates a violation or cuts hours. Out of range, no location,
an implausible phone clock are flags the county sees, never refusals.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ihss.cases.models import County, Program, Provider, Recipient


class Place(models.TextChoices):
    HOME = "home", _("Home")
    COMMUNITY = "community", _("Community")


class Position(models.TextChoices):
    """What the browser gave when the location was asked (Home only)."""

    FIX = "fix", _("Location recorded")
    DENIED = "denied", _("Location permission refused")
    UNAVAILABLE = "unavailable", _("No location fix")
    NOT_ASKED = "not_asked", _("Not asked (Community)")
    DROPPED = "dropped", _("Location deleted after the retention period")


class Range(models.TextChoices):
    """Where the fix was against the recipient's address (`rules.range_of`)."""

    IN = "in", _("Within range")
    OUT = "out", _("Out of range")
    UNKNOWN = "unknown", _("Recipient's location not on file")
    NONE = "", _("No location")


class Channel(models.TextChoices):
    APP = "app", _("EVV app")
    API = "api", _("API")


class Flag(models.TextChoices):
    """Why the county may look at a visit. Never a violation (WIC 10836)."""

    NO_LOCATION = "no_location", _("Home visit without a location")
    OUT_OF_RANGE = "out_of_range", _("Out of range")
    UNKNOWN_RANGE = "unknown_range", _("Recipient's location not on file")
    PHONE_TIME = "phone_time", _("Implausible phone time")
    NO_CHECK_IN = "no_check_in", _("Check-out without a check-in")
    NO_CHECK_OUT = "no_check_out", _("No check-out")
    CORRECTED = "corrected", _("Corrected by hand")


class Punch(models.Model):
    class Kind(models.TextChoices):
        CHECK_IN = "in", _("Check in")
        CHECK_OUT = "out", _("Check out")

    phone_id = models.UUIDField(_("id made on the phone"), unique=True)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="+")
    program = models.CharField(_("program"), max_length=4, choices=Program.choices)
    kind = models.CharField(_("check in or out"), max_length=3, choices=Kind.choices)
    place = models.CharField(_("location"), max_length=10, choices=Place.choices)
    punched_at = models.DateTimeField(_("time on the phone"))
    received_at = models.DateTimeField(_("time received"), default=timezone.now)
    position = models.CharField(max_length=12, choices=Position.choices)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("accuracy (meters)"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(
        _("distance from the recipient's address (meters)"), null=True, blank=True
    )
    range = models.CharField(max_length=8, choices=Range.choices, default=Range.NONE, blank=True)
    implausible_time = models.BooleanField(default=False)
    channel = models.CharField(max_length=4, choices=Channel.choices, default=Channel.APP)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["punched_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False, place="home"),
                name="punch_coordinates_only_at_home",
            ),
        ]
        indexes = [
            # The retention job's scan.
            models.Index(
                fields=["punched_at"], condition=Q(latitude__isnull=False), name="punch_located_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.punched_at:%Y-%m-%d %H:%M} ({self.phone_id})"


class Visit(models.Model):
    """One check-in and its check-out."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="visits")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="visits")
    program = models.CharField(_("program"), max_length=4, choices=Program.choices)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    place = models.CharField(_("location"), max_length=10, choices=Place.choices)
    check_in = models.OneToOneField(
        Punch, on_delete=models.PROTECT, null=True, blank=True, related_name="visit_in"
    )
    check_out = models.OneToOneField(
        Punch, on_delete=models.PROTECT, null=True, blank=True, related_name="visit_out"
    )
    # The times that count (the punches' phone times, or the provider's correction).
    started_at = models.DateTimeField(_("start time"), null=True, blank=True)
    ended_at = models.DateTimeField(_("end time"), null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    corrected = models.BooleanField(_("corrected by hand"), default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day", "started_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(check_in__isnull=False) | Q(check_out__isnull=False),
                name="visit_has_a_punch",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "recipient", "program", "day"], name="visit_day_idx"),
            models.Index(fields=["county", "day"], name="visit_county_idx"),
            models.Index(
                fields=["provider", "day"],
                condition=Q(ended_at__isnull=True),
                name="visit_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} → {self.recipient_id} {self.program} {self.day:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.check_in_id is not None and self.check_out_id is None and self.ended_at is None


class VisitCorrection(models.Model):
    """A provider's change to a visit's start, end or location, with their reason."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="corrections")
    before = models.JSONField()
    after = models.JSONField()
    reason = models.TextField(_("reason"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["made_at", "id"]

    def __str__(self) -> str:
        return f"correction of visit {self.visit_id}"


class VisitExport(models.Model):
    """A period's visits exported by county staff for the state aggregator, as a
    background job (docs/evv.md, "Aggregator export").

    The file is built by the job and kept encrypted in the default storage
    (ihss/core/jobs.py); only the person who asked for it may download it.
    """

    class Format(models.TextChoices):
        CSV = "csv", _("CSV (spreadsheet)")
        ALTEVV = "altevv", _("Aggregator file (Sandata OpenEVV alternate EVV, JSON)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Writing the file")
        SUCCEEDED = "succeeded", _("Ready to download")
        FAILED = "failed", _("The export stopped")

    FINISHED = frozenset({Status.SUCCEEDED, Status.FAILED})

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total_visits = models.PositiveIntegerField(_("visits"), default=0)
    written_visits = models.PositiveIntegerField(_("visits written"), default=0)
    stored_file = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="visitexport_user_idx")]

    def __str__(self) -> str:
        return f"Visit export #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def file_name(self) -> str:
        extension = "csv" if self.format == self.Format.CSV else "json"
        days = f"{self.first_day:%Y%m%d}-{self.last_day:%Y%m%d}"
        return f"evv-visits-{self.county.code}-{days}.{extension}"
