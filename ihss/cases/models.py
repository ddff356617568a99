"""Case records: counties, recipients, providers and what links them.

These are the county's records that every later capability reads: timesheets check hours
against authorized and assigned hours, payroll reads assignments and exemptions, and
Career Pathways matches specialized care needs. Durations are integer minutes.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ihss.cases.validators import validate_case_number, validate_provider_number
from ihss.core import crypto
from ihss.core.dated import EffectiveDated
from ihss.core.fields import EncryptedTextField


class Program(models.TextChoices):
    IHSS = "IHSS", _("IHSS")
    WPCS = "WPCS", _("WPCS")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    CHINESE = "zh", _("Chinese")
    ARMENIAN = "hy", _("Armenian")
    OTHER = "other", _("Other")


class County(models.Model):
    """One of California's 58 counties, with its state county code (01-58)."""

    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "counties"

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Fields shared by recipients and providers. The SSN is encrypted at rest."""

    first_name = models.CharField(_("first name"), max_length=60)
    middle_name = models.CharField(_("middle name"), max_length=60, blank=True)
    last_name = models.CharField(_("last name"), max_length=60)
    date_of_birth = models.DateField(_("date of birth"))
    ssn = EncryptedTextField(_("Social Security number"), blank=True)
    ssn_last4 = models.CharField(max_length=4, blank=True, editable=False)
    ssn_index = models.CharField(max_length=64, blank=True, editable=False)
    street = models.CharField(_("street address"), max_length=120, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True)
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, verbose_name=_("county"))

    class Meta:
        abstract = True

    @property
    def full_name(self) -> str:
        return " ".join(p for p in [self.first_name, self.middle_name, self.last_name] if p)

    @property
    def ssn_masked(self) -> str:
        return crypto.mask(self.ssn_last4)

    def set_ssn(self, digits: str) -> None:
        """Store nine SSN digits: encrypted, last four for display, blind index for lookup."""
        self.ssn = digits
        self.ssn_last4 = digits[-4:] if digits else ""
        self.ssn_index = crypto.blind_index(digits, purpose="ssn") if digits else ""


class Recipient(Person):
    """A person who receives IHSS (and possibly WPCS) services; identified by case number."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ON_HOLD = "on_hold", _("On hold")
        CLOSED = "closed", _("Closed")

    case_number = models.CharField(
        _("case number"), max_length=7, unique=True, validators=[validate_case_number]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    severely_impaired = models.BooleanField(_("severely impaired"), default=False)
    # Specialized care needs, one per Category 2 Career Pathway.
    needs_cognitive_behavioral = models.BooleanField(
        _("cognitive impairments or behavioral health needs"), default=False
    )
    needs_complex_physical = models.BooleanField(_("complex physical care needs"), default=False)
    needs_community_transition = models.BooleanField(
        _("transition to home and community-based living"), default=False
    )
    representative_name = models.CharField(
        _("authorized representative"), max_length=120, blank=True
    )
    representative_relationship = models.CharField(
        _("representative's relationship"), max_length=60, blank=True
    )
    representative_phone = models.CharField(_("representative's phone"), max_length=20, blank=True)
    representative_email = models.EmailField(_("representative's email"), blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "case_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["ssn_index"], condition=~Q(ssn_index=""), name="recipient_ssn_unique"
            )
        ]
        indexes = [
            models.Index(Upper("last_name"), Upper("first_name"), name="recipient_name_idx"),
            models.Index(fields=["county", "last_name"], name="recipient_county_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.case_number})"

    def care_needs(self) -> list[str]:
        fields = [
            "needs_cognitive_behavioral",
            "needs_complex_physical",
            "needs_community_transition",
        ]
        return [str(self._meta.get_field(f).verbose_name) for f in fields if getattr(self, f)]  # type: ignore[union-attr]


class AuthorizedHours(EffectiveDated):
    """Monthly hours a recipient is authorized for in one program, from a date.

    A change is a new row; the row it replaces is closed the day before. The weekly
    maximum is derived (monthly / 4) by the timesheet rules, never stored.
    """

    recipient = models.ForeignKey(
        Recipient, on_delete=models.CASCADE, related_name="authorized_hours"
    )
    program = models.CharField(_("program"), max_length=4, choices=Program.choices)
    monthly_minutes = models.PositiveIntegerField(_("authorized minutes per month"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    class Meta:
        ordering = ["recipient", "program", "-effective_from"]
        verbose_name_plural = "authorized hours"
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "program", "effective_from"], name="authorized_once_per_day"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="authorized_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient.case_number} {self.program} {self.monthly_minutes} min/month"


class Provider(Person):
    """A home-care provider (caregiver), identified by a 9-digit provider number."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Enrollment pending")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        INELIGIBLE = "ineligible", _("Ineligible")
        TERMINATED = "terminated", _("Terminated")

    provider_number = models.CharField(
        _("provider number"), max_length=9, unique=True, validators=[validate_provider_number]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    # The four enrollment steps (WIC 12305.81 / 12306.5): dates they were completed.
    soc426_received_on = models.DateField(
        _("SOC 426 enrollment form received"), null=True, blank=True
    )
    orientation_completed_on = models.DateField(_("orientation completed"), null=True, blank=True)
    background_check_cleared_on = models.DateField(
        _("background check cleared"), null=True, blank=True
    )
    soc846_signed_on = models.DateField(
        _("SOC 846 enrollment agreement signed"), null=True, blank=True
    )
    # Where paid sick leave starts for a provider who worked before the portal, as the
    # county records it (the import or the provider's page): the hours worked up to and
    # including a day, and the days leave was earned and became usable. The portal's own
    # hours count from the next day (timesheets.rules.SickLeaveStart).
    worked_to_date_minutes = models.PositiveIntegerField(
        _("hours worked to date, before the portal"), default=0
    )
    worked_to_date_through = models.DateField(
        _("hours worked counted up to"), null=True, blank=True
    )
    sick_leave_earned_on = models.DateField(_("paid sick leave earned on"), null=True, blank=True)
    sick_leave_usable_on = models.DateField(_("paid sick leave usable from"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "provider_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["ssn_index"], condition=~Q(ssn_index=""), name="provider_ssn_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status="active")
                | Q(
                    soc426_received_on__isnull=False,
                    orientation_completed_on__isnull=False,
                    background_check_cleared_on__isnull=False,
                    soc846_signed_on__isnull=False,
                ),
                name="active_provider_is_enrolled",
            ),
            models.CheckConstraint(
                condition=Q(worked_to_date_minutes=0) | Q(worked_to_date_through__isnull=False),
                name="provider_worked_to_date_has_a_day",
            ),
            models.CheckConstraint(
                condition=Q(sick_leave_usable_on__isnull=True)
                | Q(
                    sick_leave_earned_on__isnull=False,
                    sick_leave_usable_on__gte=models.F("sick_leave_earned_on"),
                ),
                name="provider_sick_leave_usable_after_earned",
            ),
        ]
        indexes = [
            models.Index(Upper("last_name"), Upper("first_name"), name="provider_name_idx"),
            models.Index(fields=["county", "last_name"], name="provider_county_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.provider_number})"

    # The county's starting point for paid sick leave (see the fields above).
    SICK_LEAVE_START = (
        "worked_to_date_minutes",
        "worked_to_date_through",
        "sick_leave_earned_on",
        "sick_leave_usable_on",
    )

    ENROLLMENT_STEPS = (
        "soc426_received_on",
        "orientation_completed_on",
        "background_check_cleared_on",
        "soc846_signed_on",
    )

    @property
    def sick_leave_start(self) -> tuple[dt.date, int, dt.date | None, dt.date | None] | None:
        """The county's starting point for paid sick leave (through, minutes, earned on,
        usable from), or None when the provider has none."""
        through = self.worked_to_date_through or self.sick_leave_earned_on
        if through is None:
            return None
        return (
            through,
            self.worked_to_date_minutes,
            self.sick_leave_earned_on,
            self.sick_leave_usable_on,
        )

    @property
    def enrollment_complete(self) -> bool:
        return all(getattr(self, step) for step in self.ENROLLMENT_STEPS)

    def enrollment_steps(self) -> list[tuple[str, dt.date | None]]:
        return [
            (str(self._meta.get_field(step).verbose_name), getattr(self, step))  # type: ignore[union-attr]
            for step in self.ENROLLMENT_STEPS
        ]


class FamilyRelationship(models.TextChoices):
    """How the provider is related to the recipient (drives FICA/SDI exemptions)."""

    NONE = "none", _("Not related")
    SPOUSE = "spouse", _("Spouse")
    PARENT = "parent", _("Parent of the recipient")
    CHILD = "child", _("Child of the recipient")
    OTHER = "other", _("Other relative")


class Assignment(EffectiveDated):
    """A provider working for a recipient in one program, with assigned monthly hours."""

    starts_field = "start_date"
    ends_field = "end_date"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="assignments")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="assignments")
    program = models.CharField(_("program"), max_length=4, choices=Program.choices)
    assigned_monthly_minutes = models.PositiveIntegerField(_("assigned minutes per month"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    live_in_certified_on = models.DateField(
        _("live-in self-certification (SOC 2298) received"), null=True, blank=True
    )
    family_relationship = models.CharField(
        _("family relationship"),
        max_length=10,
        choices=FamilyRelationship.choices,
        default=FamilyRelationship.NONE,
    )

    class Meta:
        ordering = ["-start_date", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "recipient", "program", "start_date"],
                name="assignment_once_per_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "program"], name="assignment_recipient_idx")]

    def __str__(self) -> str:
        return f"{self.provider.provider_number} → {self.recipient.case_number} ({self.program})"

    @property
    def is_live_in(self) -> bool:
        return self.live_in_certified_on is not None


class OvertimeExemption(EffectiveDated):
    """Exemption 1 (live-in family care, SOC 2279) or 2 (extraordinary, SOC 2305).

    Lets a provider with several recipients work up to 90 h a week and 360 h a month
    instead of 66 h a week.
    """

    class Kind(models.IntegerChoices):
        LIVE_IN_FAMILY = 1, _("Exemption 1: live-in family care provider (SOC 2279)")
        EXTRAORDINARY = 2, _("Exemption 2: extraordinary circumstances (SOC 2305)")

    class Circumstance(models.TextChoices):
        NONE = "", _("Not applicable")
        COMPLEX_NEEDS = "complex_needs", _("Complex medical or behavioral needs")
        REMOTE_AREA = "remote_area", _("Rural or remote area with few providers")
        LANGUAGE = "language", _("No other provider speaks the recipient's language")

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="overtime_exemptions"
    )
    kind = models.PositiveSmallIntegerField(_("exemption"), choices=Kind.choices)
    circumstance = models.CharField(
        _("circumstance"), max_length=20, choices=Circumstance.choices, blank=True
    )
    approved_on = models.DateField(_("approved on"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="exemption_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.provider.provider_number}"


class TravelAgreement(EffectiveDated):
    """SOC 2255: travel time a provider may claim between two recipients each week."""

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="travel_agreements"
    )
    from_recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, related_name="+", verbose_name=_("from recipient")
    )
    to_recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, related_name="+", verbose_name=_("to recipient")
    )
    weekly_minutes = models.PositiveIntegerField(_("travel minutes per week"))
    signed_on = models.DateField(_("SOC 2255 signed on"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_recipient=models.F("to_recipient")),
                name="travel_between_two_recipients",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="travel_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.provider.provider_number}: {self.from_recipient.case_number} → "
            f"{self.to_recipient.case_number}"
        )


class ImportJob(models.Model):
    """One bulk import of case records from CSV files: its progress and its outcome.

    The files themselves are kept (encrypted) only until the job finishes; the job row
    keeps their names, the counts and the row-by-row problems found.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        VALIDATING = "validating", _("Checking rows")
        IMPORTING = "importing", _("Saving records")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Nothing was imported")

    FINISHED = frozenset({Status.SUCCEEDED, Status.FAILED})

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    dry_run = models.BooleanField(_("check only"), default=False)
    file_names = models.JSONField(_("files"), default=list)
    stored_files = models.JSONField(default=list, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    written_rows = models.PositiveIntegerField(_("rows saved"), default=0)
    created_recipients = models.PositiveIntegerField(_("recipients created"), default=0)
    created_providers = models.PositiveIntegerField(_("providers created"), default=0)
    created_assignments = models.PositiveIntegerField(_("assignments created"), default=0)
    created_hours = models.PositiveIntegerField(_("authorized hours created"), default=0)
    error_count = models.PositiveIntegerField(_("problems found"), default=0)
    errors = models.JSONField(_("problems"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="importjob_user_idx")]

    def __str__(self) -> str:
        return f"Import #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED
