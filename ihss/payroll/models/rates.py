"""County wage rates, effective-dated."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ihss.cases.models import County


class WageRate(models.Model):
    """A county's hourly wage for IHSS providers, in force from a date.

    Either a fixed rate, or the state minimum wage (the `state_minimum_wage` program
    parameter) plus a supplement, as several county agreements are written.
    """

    class Basis(models.TextChoices):
        FIXED = "fixed", _("Fixed hourly rate")
        MINIMUM_PLUS = "minimum_plus", _("State minimum wage plus a supplement")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="wage_rates")
    effective_from = models.DateField(_("effective from"))
    basis = models.CharField(_("basis"), max_length=15, choices=Basis.choices)
    hourly_cents = models.PositiveIntegerField(_("hourly rate (cents)"), null=True, blank=True)
    supplement_cents = models.PositiveIntegerField(
        _("supplement over minimum wage (cents)"), null=True, blank=True
    )
    agreement = models.CharField(_("agreement"), max_length=200, blank=True)

    class Meta:
        ordering = ["county", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["county", "effective_from"], name="wage_once_per_day"),
            models.CheckConstraint(
                name="wage_basis_has_amount",
                condition=Q(basis="fixed", hourly_cents__isnull=False)
                | Q(basis="minimum_plus", supplement_cents__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county} from {self.effective_from}"

    def hourly_cents_with(self, minimum_wage_cents: int) -> int:
        if self.basis == self.Basis.FIXED:
            assert self.hourly_cents is not None
            return self.hourly_cents
        assert self.supplement_cents is not None
        return minimum_wage_cents + self.supplement_cents
