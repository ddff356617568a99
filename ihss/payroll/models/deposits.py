"""Direct deposit: a provider's bank account for one recipient's pay, or for all of it.

One row per enrollment (a request to pay into an account), never edited but for the
dates the payroll issuer and the cancellations fill in. Which account is in force for a
payment issued on a day is worked out from those dates (ihss/payroll/services/deposits.py):

- a new enrollment waits: it is in force for payments issued on or after `effective_on`
  (the day asked + the `direct_deposit_wait_days` parameter), and only once a prenote
  (a zero-dollar test entry) was sent for it at least `direct_deposit_prenote_days`
  before. Until then the scope's earlier account, if any, is still used;
- `stopped_on` ends an enrollment for payments issued on or after it: cancelled by the
  provider (at once: the pay goes by check), dis-enrolled after 60 days without a
  payment, or replaced by a newer request before it ever took effect.

The account number is encrypted at rest; only its last four digits are kept in clear,
to be shown masked ("••••1234"). Never log it, put it in an address, or audit it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ihss.cases.models import Provider, Recipient
from ihss.core.fields import EncryptedTextField

MASK = "••••"


def masked(last4: str) -> str:
    """An account number as shown anywhere: "••••1234"."""
    return f"{MASK}{last4}" if last4 else ""


class DirectDeposit(models.Model):
    """A provider's request to be paid by direct deposit into one account."""

    class AccountType(models.TextChoices):
        CHECKING = "checking", _("Checking")
        SAVINGS = "savings", _("Savings")

    class State(models.TextChoices):
        """Worked out for a day, never stored (see `services.deposits.state_of`)."""

        PENDING = "pending", _("Waiting to take effect")
        ACTIVE = "active", _("In use")
        REPLACED = "replaced", _("Replaced")
        CANCELLED = "cancelled", _("Cancelled")

    class Stop(models.TextChoices):
        CANCELLED = "cancelled", _("Cancelled by the provider")
        UNUSED = "unused", _("Ended: no payment to this account for too long")
        REPLACED = "replaced", _("Replaced by a newer request before it took effect")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="direct_deposits")
    # None: every recipient the provider works for who has no enrollment of their own.
    recipient = models.ForeignKey(
        Recipient,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    routing_number = models.CharField(_("routing number"), max_length=9)
    account_number = EncryptedTextField(_("account number"))
    account_last4 = models.CharField(_("last 4 digits of the account"), max_length=4)
    account_type = models.CharField(_("account type"), max_length=8, choices=AccountType.choices)
    requested_at = models.DateTimeField(_("requested at"))
    requested_on = models.DateField(_("requested on"))
    effective_on = models.DateField(_("for payments issued from"))
    prenote_sent_on = models.DateField(_("prenote sent on"), null=True, blank=True)
    # The payroll run whose file carried the prenote (a number: runs are payroll's own).
    prenote_run_id = models.BigIntegerField(null=True, blank=True)
    last_used_on = models.DateField(_("last payment on"), null=True, blank=True)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    stop_reason = models.CharField(max_length=10, choices=Stop.choices, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["provider", "-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="deposit_stop_has_reason",
                condition=Q(stopped_on__isnull=True, stop_reason="")
                | Q(stopped_on__isnull=False) & ~Q(stop_reason=""),
            ),
            models.CheckConstraint(
                name="deposit_effective_after_request",
                condition=Q(effective_on__gte=models.F("requested_on")),
            ),
        ]
        indexes = [
            # The issuer's reads: the enrollments not stopped, and those owing a prenote.
            models.Index(
                fields=["provider", "recipient"],
                name="deposit_open_idx",
                condition=Q(stopped_on__isnull=True),
            ),
            models.Index(
                fields=["requested_on"],
                name="deposit_prenote_due_idx",
                condition=Q(prenote_sent_on__isnull=True, stopped_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        scope = self.recipient_id if self.recipient_id else "all"
        return f"Direct deposit {masked(self.account_last4)} ({self.provider_id}, {scope})"

    @property
    def masked_account(self) -> str:
        return masked(self.account_last4)

    def stopped_by_day(self, day: dt.date) -> bool:
        return self.stopped_on is not None and self.stopped_on <= day
