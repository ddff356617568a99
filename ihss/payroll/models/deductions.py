"""What a provider asked to have withheld, and a recipient's monthly share of cost, both
effective-dated (docs/payroll.md, "Withholdings and share of cost")."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ihss.cases.models import Provider, Recipient
from ihss.core.dated import EffectiveDated
from ihss.payroll.rules.withholding import Elections


class WithholdingElection(EffectiveDated):
    """A provider's requests in force from a date: extra income tax per paycheck (W-4,
    DE 4), elective SDI coverage for a family provider, union membership (dues as a share
    of gross, the union's rate) and a monthly health-plan premium. A change is a new row;
    the row it replaces ends the day before. No row in force: nothing is withheld but the
    payroll taxes."""

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="withholding_elections"
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    federal_income_tax_cents = models.PositiveIntegerField(
        _("federal income tax per paycheck (cents)"), default=0
    )
    state_income_tax_cents = models.PositiveIntegerField(
        _("state income tax per paycheck (cents)"), default=0
    )
    elective_sdi = models.BooleanField(_("elected SDI coverage"), default=False)
    union_dues_bp = models.PositiveIntegerField(_("union dues (basis points of gross)"), default=0)
    health_premium_cents = models.PositiveIntegerField(
        _("health plan premium per month (cents)"), default=0
    )

    class Meta:
        ordering = ["provider", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "effective_from"], name="election_once_per_day"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="election_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(union_dues_bp__lte=10_000), name="election_dues_at_most_all"
            ),
        ]

    def __str__(self) -> str:
        return f"Withholding elections of {self.provider_id} from {self.effective_from}"

    def elections(self) -> Elections:
        return Elections(
            federal_income_tax_cents=self.federal_income_tax_cents,
            state_income_tax_cents=self.state_income_tax_cents,
            elective_sdi=self.elective_sdi,
            union_dues_bp=self.union_dues_bp,
            health_premium_cents=self.health_premium_cents,
        )


class ShareOfCost(EffectiveDated):
    """A recipient's monthly share of cost from a date: the first wages of each month, up
    to this amount, the recipient pays the provider directly."""

    recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, related_name="shares_of_cost"
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    monthly_cents = models.PositiveIntegerField(_("share of cost per month (cents)"))

    class Meta:
        ordering = ["recipient", "-effective_from"]
        verbose_name = _("share of cost")
        verbose_name_plural = _("shares of cost")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "effective_from"], name="share_of_cost_once_per_day"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="share_of_cost_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Share of cost of {self.recipient_id} from {self.effective_from}"
