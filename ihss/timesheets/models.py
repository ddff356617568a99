"""Timesheets: one per provider, recipient, program and pay period, with its days.

A timesheet moves draft -> submitted -> approved, or submitted -> rejected -> submitted
again; the county may void one. Approved timesheets that need a county look first wait
in the exception queue (`county_review`). Every change is an audit event written by
`services`, so the history of a timesheet is its audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ihss.cases.models import Program, Provider, Recipient


class Timesheet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being filled in")
        SUBMITTED = "submitted", _("Waiting for the recipient")
        REJECTED = "rejected", _("Returned for correction")
        APPROVED = "approved", _("Approved")
        VOIDED = "voided", _("Voided by the county")

    class Review(models.TextChoices):
        NONE = "", _("No county review")
        WAITING = "waiting", _("Waiting for county review")
        HELD = "held", _("Held by the county")
        RELEASED = "released", _("Released for payment")

    # The provider may change the days only in these states.
    EDITABLE = frozenset({Status.DRAFT, Status.REJECTED})
    # Hours of other providers that count against a recipient's authorization.
    COUNTED_FOR_OTHERS = (Status.SUBMITTED, Status.APPROVED)

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="timesheets")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="timesheets")
    program = models.CharField(_("program"), max_length=4, choices=Program.choices)
    period_start = models.DateField(_("pay period start"))
    period_end = models.DateField(_("pay period end"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(default=timezone.now)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submissions = models.PositiveSmallIntegerField(default=0)
    decided_at = models.DateTimeField(_("reviewed by the recipient"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signature = models.CharField(_("signature"), max_length=120, blank=True)
    signed_as_representative = models.BooleanField(default=False)
    # The session the signature was typed in: a SHA-256 of its key, never the key itself
    # (blank when signed with a personal access token, whose use the audit trail records).
    signature_session = models.CharField(max_length=64, blank=True, default="")
    rejection_reason = models.TextField(_("reason for returning"), blank=True)
    county_review = models.CharField(
        _("county review"), max_length=10, choices=Review.choices, default=Review.NONE, blank=True
    )
    review_flags = models.JSONField(_("why the county reviews it"), default=list, blank=True)
    review_note = models.TextField(_("county's reason"), blank=True)

    class Meta:
        ordering = ["-period_start", "recipient_id", "program"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "recipient", "program", "period_start"],
                name="timesheet_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="timesheet_period_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "period_start"], name="timesheet_provider_idx"),
            models.Index(
                fields=["recipient", "program", "period_start"], name="timesheet_recipient_idx"
            ),
            models.Index(
                fields=["county_review", "period_start"],
                condition=~Q(county_review=""),
                name="timesheet_review_idx",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.provider.provider_number} → {self.recipient.case_number} {self.program} "
            f"{self.period_start:%Y-%m-%d}"
        )

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def payable(self) -> bool:
        return self.status == self.Status.APPROVED and self.county_review in (
            self.Review.NONE,
            self.Review.RELEASED,
        )


class Location(models.TextChoices):
    HOME = "home", _("Home")
    COMMUNITY = "community", _("Community")
    BOTH = "both", _("Home and community")


class DayEntry(models.Model):
    """The minutes worked on one day of one timesheet, when, and where (the EVV fields)."""

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("day"))
    minutes = models.PositiveIntegerField(_("minutes worked"))
    start = models.TimeField(_("start time"), null=True, blank=True)
    end = models.TimeField(_("end time"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=10, choices=Location.choices)
    # Why the start, end or location differ from the day's check-in and check-out (EVV),
    # as the provider said when changing them; blank when they agree or there is no visit.
    evv_reason = models.TextField(_("why it differs from the check-in and check-out"), blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["timesheet", "day"], name="day_once_per_timesheet"),
            models.CheckConstraint(
                condition=Q(minutes__gt=0, minutes__lte=24 * 60), name="day_minutes_in_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}: {self.minutes} min"


class WeeklyMaximumException(models.Model):
    """The county's approval (ACL 16-01) for a recipient's hours in one program and month
    to pass the weekly maximum (monthly / 4): for one provider, or for any of them. The
    monthly authorization still holds. Timesheets approved with hours over the weekly
    maximum under an exception wait in the county's review queue ("rule override")."""

    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="+")
    program = models.CharField(_("program"), max_length=4, choices=Program.choices)
    month = models.DateField(_("month"))  # its first day
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month", "-granted_at"]
        indexes = [
            models.Index(fields=["recipient", "program", "month"], name="exception_recipient_idx")
        ]
        # Granted once: the same exception asked for again (a double click, two workers
        # at once, a retried API call) is the one already in force.
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "program", "month", "provider"],
                condition=Q(provider__isnull=False),
                name="exception_once_for_a_provider",
            ),
            models.UniqueConstraint(
                fields=["recipient", "program", "month"],
                condition=Q(provider__isnull=True),
                name="exception_once_for_every_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient.case_number} {self.program} {self.month:%Y-%m}"


# --- Violations -------------------------------------------------------------------------------


class Violation(models.Model):
    """A workweek that broke a work-hour rule of ACL 16-36, found after approval, with
    its place in the provider's ledger (rules.record_violation decides the number and
    the consequence) and what happened after: the training, a dispute and its outcome.

    One row per provider and workweek: a week is judged once, when its hours are
    approved.
    """

    class Dispute(models.TextChoices):
        NONE = "", _("No dispute")
        FILED = "filed", _("Dispute filed (SOC 2272), waiting for the county")
        UPHELD = "upheld", _("Dispute upheld: the violation is cancelled")
        DENIED = "denied", _("Dispute denied: the violation stands")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="violations")
    week_start = models.DateField(_("workweek starting"))
    codes = models.JSONField(_("rules broken"), default=list)
    # The limit in force that each broken rule set, in minutes, by code (66 h, or 90 h for
    # an exempt provider...): the notice and the page state the value that was passed.
    limits = models.JSONField(_("limits passed"), default=dict, blank=True)
    found_by = models.ForeignKey(
        Timesheet, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recipient_ids = models.JSONField(default=list)  # whose hours were in the week
    noticed_on = models.DateField(_("notice date"))
    counted = models.BooleanField(_("counted"))
    number = models.PositiveSmallIntegerField(_("violation number"), null=True, blank=True)
    consequence = models.CharField(_("consequence"), max_length=24)
    dispute_by = models.DateField(_("dispute by"), null=True, blank=True)
    training_due = models.DateField(_("training due"), null=True, blank=True)
    training_completed_on = models.DateField(_("training completed"), null=True, blank=True)
    rescinded = models.BooleanField(_("rescinded by the training"), default=False)
    dispute = models.CharField(
        _("dispute"), max_length=8, choices=Dispute.choices, default=Dispute.NONE, blank=True
    )
    dispute_filed_on = models.DateField(_("dispute filed"), null=True, blank=True)
    dispute_note = models.TextField(_("county's decision"), blank=True)
    suspended_from = models.DateField(null=True, blank=True)
    suspended_until = models.DateField(null=True, blank=True)
    ineligible_from = models.DateField(null=True, blank=True)
    ineligible_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "week_start"], name="violation_once_a_week")
        ]

    def __str__(self) -> str:
        return f"{self.provider.provider_number} week of {self.week_start:%Y-%m-%d}"

    @property
    def overturned(self) -> bool:
        return self.dispute == self.Dispute.UPHELD

    @property
    def stands(self) -> bool:
        return self.counted and not self.rescinded and not self.overturned


# --- Travel time ----------------------------------------------------------------------------


class TravelEntry(models.Model):
    """Minutes of travel claimed on one day, directly from another recipient to the
    recipient of the timesheet: travel is recorded against the recipient travelled to
    (ihss-facts §2.1). Paid only as a SOC 2255 travel agreement allows, at most 7 hours a
    workweek for all travel together, and never counted toward the hour caps (§3.3);
    `services.submit` checks it with rules.check_travel."""

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="travel")
    day = models.DateField(_("day"))
    from_recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, related_name="+", verbose_name=_("from recipient")
    )
    minutes = models.PositiveIntegerField(_("travel minutes"))

    class Meta:
        ordering = ["day", "from_recipient_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["timesheet", "day", "from_recipient"], name="travel_once_per_day_and_origin"
            ),
            models.CheckConstraint(
                condition=Q(minutes__gt=0, minutes__lte=24 * 60), name="travel_minutes_in_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}: {self.minutes} min of travel"


# --- Paid sick leave ------------------------------------------------------------------------


class SickLeaveClaim(models.Model):
    """Paid sick leave a provider claims for a day they missed (SOC 2302, ihss-facts
    §3.6), for the recipient whose care was missed, who approves or rejects it. A claim
    waiting or approved counts against the provider's balance of its fiscal year; a
    rejected one gives the hours back. Every step is an audit event (`services`)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for the recipient")
        APPROVED = "approved", _("Approved by the recipient")
        REJECTED = "rejected", _("Not approved")

    # Claims that use up the balance.
    USED = (Status.SUBMITTED, Status.APPROVED)

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="sick_leave_claims"
    )
    recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, related_name="sick_leave_claims"
    )
    program = models.CharField(_("program"), max_length=4, choices=Program.choices)
    day = models.DateField(_("day of leave"))
    minutes = models.PositiveIntegerField(_("minutes of leave"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    rejection_reason = models.TextField(_("reason for not approving"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(_("reviewed by the recipient"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gt=0, minutes__lte=24 * 60),
                name="sick_leave_minutes_in_a_day",
            ),
            # One claim waiting or approved per provider, recipient, program and day.
            models.UniqueConstraint(
                fields=["provider", "recipient", "program", "day"],
                condition=Q(status__in=["submitted", "approved"]),
                name="sick_leave_once_per_day",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "day"], name="sick_leave_provider_idx"),
            models.Index(fields=["recipient", "status"], name="sick_leave_recipient_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.provider.provider_number} → {self.recipient.case_number} "
            f"{self.day:%Y-%m-%d}: {self.minutes} min of sick leave"
        )
