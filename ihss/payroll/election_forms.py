"""The form a provider asks for income tax withholding (and elective SDI) with."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

CENTS = Decimal(100)


class WithholdingForm(forms.Form):
    federal = forms.DecimalField(
        label=_("Federal income tax to withhold from each paycheck (W-4), in dollars"),
        help_text=_("0 to withhold none. For example 25.00."),
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
        error_messages={
            "required": _("Enter an amount in dollars, or 0 for none."),
            "invalid": _("Enter an amount in dollars and cents, such as 25.00."),
            "min_value": _("The amount cannot be less than 0."),
            "max_digits": _("Enter an amount under $1,000,000."),
            "max_decimal_places": _("Enter an amount with at most two digits of cents."),
        },
    )
    state = forms.DecimalField(
        label=_("California income tax to withhold from each paycheck (DE 4), in dollars"),
        help_text=_("0 to withhold none. For example 10.00."),
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
        error_messages={
            "required": _("Enter an amount in dollars, or 0 for none."),
            "invalid": _("Enter an amount in dollars and cents, such as 10.00."),
            "min_value": _("The amount cannot be less than 0."),
            "max_digits": _("Enter an amount under $1,000,000."),
            "max_decimal_places": _("Enter an amount with at most two digits of cents."),
        },
    )
    elective_sdi = forms.BooleanField(
        label=_("I am the recipient's spouse, parent or child and choose SDI coverage"),
        help_text=_(
            "State Disability Insurance is withheld from the pay of a family provider only "
            "if they choose it (Elective SDI Coverage)."
        ),
        required=False,
    )

    def cents(self, field: str) -> int:
        value: Any = self.cleaned_data[field]
        return int((value * CENTS).to_integral_value())
