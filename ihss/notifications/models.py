"""The outbox, the message center and each person's notice settings.

A `Notification` is one notice to one person: it is their message-center entry and the
parent of one `Delivery` per outside channel (email, text). Both are written in the
transaction of the change that caused them; the worker sends the deliveries afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ihss.notifications import rules
from ihss.notifications.events import Event


class Notification(models.Model):
    """One notice to one person, unique per (person, event, key): raised twice, kept once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(_("notice"), max_length=40, choices=Event.choices)
    key = models.CharField(
        max_length=200, help_text="The caller's idempotency key: same key, same notice."
    )
    context = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8)
    link = models.CharField(
        max_length=300, blank=True, help_text="Portal path of what the notice is about."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event", "key"], name="notification_once_per_key"
            ),
            models.CheckConstraint(
                name="notification_link_is_a_portal_path",
                condition=Q(link="") | (Q(link__startswith="/") & ~Q(link__startswith="//")),
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_event_display()} for {self.user}"


class Delivery(models.Model):
    """One notice on one outside channel: the outbox row the worker claims and sends."""

    class Channel(models.TextChoices):
        EMAIL = rules.EMAIL, _("Email")
        SMS = rules.SMS, _("Text message")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to send")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed after every try")
        REFUSED = "refused", _("Address refused")
        SKIPPED = "skipped", _("Not sent")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    address = models.CharField(max_length=254, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    skip_reason = models.CharField(max_length=24, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    provider_id = models.CharField(
        max_length=120, blank=True, help_text="The text provider's message id, once sent."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_once_per_channel"
            ),
        ]
        indexes = [
            # The sweep's question: what is due to be (re)sent?
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["queued", "sending"]),
                name="delivery_due",
            ),
            models.Index(fields=["status", "-created_at"], name="delivery_by_status"),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.get_status_display()} ({self.pk})"

    def get_skip_reason_display(self) -> str:
        return str(SKIP_REASONS.get(self.skip_reason, self.skip_reason))


SKIP_REASONS = {
    rules.NO_EMAIL: _("there is no email address on the account"),
    rules.EMAIL_REFUSED: _("the email address was refused before"),
    rules.MOBILE_NOT_VERIFIED: _("there is no confirmed mobile number"),
    rules.MOBILE_REFUSED: _("the mobile number was refused before"),
}


class Preference(models.Model):
    """How one person wants one kind of notice. No row means the default: email."""

    class Choice(models.TextChoices):
        EMAIL = rules.CHOICE_EMAIL, _("Email")
        SMS = rules.CHOICE_SMS, _("Text message")
        BOTH = rules.CHOICE_BOTH, _("Email and text message")
        NONE = rules.CHOICE_NONE, _("Only in the portal")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    event = models.CharField(max_length=40, choices=Event.choices)
    choice = models.CharField(max_length=8, choices=Choice.choices, default=Choice.EMAIL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="preference_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.event} by {self.choice}"


class ContactSettings(models.Model):
    """A person's mobile number for texts, and addresses that were refused."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_settings"
    )
    mobile_number = models.CharField(_("mobile number"), max_length=16, blank=True)
    mobile_verified_at = models.DateTimeField(null=True, blank=True)
    # A permanent refusal is remembered per address: a new address clears it.
    email_refused_address = models.CharField(max_length=254, blank=True)
    email_refused_at = models.DateTimeField(null=True, blank=True)
    mobile_refused_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Contact settings of {self.user}"

    @property
    def mobile_verified(self) -> bool:
        return bool(self.mobile_number) and self.mobile_verified_at is not None


class MobileVerification(models.Model):
    """A 6-digit code texted to a number; only its keyed hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mobile_verifications"
    )
    mobile_number = models.CharField(max_length=16)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="verification_latest")]

    def __str__(self) -> str:
        return f"Mobile verification {self.pk} of {self.user}"


class ScheduledJob(models.Model):
    """The state of one scheduled job, shared by every scheduler process."""

    name = models.CharField(max_length=80, unique=True)
    last_slot = models.DateTimeField(null=True, blank=True)
    running_until = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.name
