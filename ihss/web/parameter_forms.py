"""The form a state administrator schedules a parameter's new value with.

The value is typed in the unit people use (hours and minutes, dollars, percent, days, a
count) and kept in the stored unit (minutes, cents, basis points) as an integer: decimal
text is read with Decimal, never a float, and refused past two decimals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ihss.core.models import ProgramParameter
from ihss.core.services import LONGEST_REASON
from ihss.web.forms import DateInput

Unit = ProgramParameter.Unit
# Bounds of what may be typed: far above any real program value, far below an overflow.
MAX_HOURS = 100_000
MAX_DOLLARS = Decimal("10000000")
MAX_PERCENT = Decimal("1000")
MAX_NUMBER = 100_000


def _two_decimals(raw: str, *, most: Decimal, label: Any) -> int:
    """ "12.5" -> 1250: a non-negative amount with at most two decimals, in hundredths."""
    text = raw.replace("$", "").replace("%", "").replace(" ", "").strip()
    whole, comma, tail = text.rpartition(",")
    if comma and "." not in text and "," not in whole and 1 <= len(tail) <= 2:
        text = f"{whole}.{tail}"  # a decimal comma, as Spanish writes "0,5"
    else:
        text = text.replace(",", "")  # thousands: "1,000.50"
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(
            _("Enter %(what)s as a number, such as 12.5.") % {"what": label}
        ) from None
    if not amount.is_finite():
        raise forms.ValidationError(
            _("Enter %(what)s as a number, such as 12.5.") % {"what": label}
        )
    if amount < 0 or amount > most:
        raise forms.ValidationError(
            _("Enter %(what)s from 0 to %(most)s.") % {"what": label, "most": most}
        )
    hundredths = amount * 100
    if hundredths != hundredths.to_integral_value():
        raise forms.ValidationError(_("Use at most two decimals."))
    return int(hundredths)


class ScheduleParameterForm(forms.Form):
    """Fields for the parameter's unit, then the day it starts and the reason."""

    effective_from = forms.DateField(
        label=_("Takes effect on"),
        widget=DateInput(),
        help_text=_("Today or later. The value in force before stays until the day before."),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        help_text=_("Kept in the parameter's history with your name and the time."),
        max_length=LONGEST_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, unit: str, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.today = today
        value_fields: dict[str, forms.Field]
        if unit == Unit.MINUTES:
            value_fields = {
                "hours": forms.IntegerField(label=_("Hours"), min_value=0, max_value=MAX_HOURS),
                "minutes": forms.IntegerField(
                    label=_("Plus minutes"),
                    min_value=0,
                    max_value=59,
                    required=False,
                    help_text=_("0 to 59"),
                ),
            }
        elif unit == Unit.CENTS:
            value_fields = {
                "dollars": forms.CharField(
                    label=_("Amount in dollars"), max_length=20, help_text=_("For example 16.90")
                )
            }
        elif unit == Unit.BASIS_POINTS:
            value_fields = {
                "percent": forms.CharField(
                    label=_("Percent"),
                    max_length=20,
                    help_text=_("Up to two decimals, for example 0.5 or 70"),
                )
            }
        else:
            label = _("Days") if unit == Unit.DAYS else _("Number")
            value_fields = {
                "number": forms.IntegerField(label=label, min_value=0, max_value=MAX_NUMBER)
            }
        self.fields = {**value_fields, **self.fields}

    def clean_effective_from(self) -> dt.date:
        day: dt.date = self.cleaned_data["effective_from"]
        if day < self.today:
            raise forms.ValidationError(
                _("Choose today or a later day: hours already checked and paid keep their value.")
            )
        return day

    def clean_dollars(self) -> int:
        return _two_decimals(self.cleaned_data["dollars"], most=MAX_DOLLARS, label=_("the amount"))

    def clean_percent(self) -> int:
        return _two_decimals(self.cleaned_data["percent"], most=MAX_PERCENT, label=_("the percent"))

    def stored_value(self) -> int:
        """The value typed, in the parameter's stored unit (call after is_valid)."""
        data = self.cleaned_data
        if self.unit == Unit.MINUTES:
            return int(data["hours"]) * 60 + int(data.get("minutes") or 0)
        if self.unit == Unit.CENTS:
            return int(data["dollars"])
        if self.unit == Unit.BASIS_POINTS:
            return int(data["percent"])
        return int(data["number"])

    @staticmethod
    def initial_for(value: int, unit: str) -> dict[str, Any]:
        """The fields filled with a value in force, to start from."""
        if unit == Unit.MINUTES:
            return {"hours": value // 60, "minutes": value % 60}
        if unit in (Unit.CENTS, Unit.BASIS_POINTS):
            amount = (Decimal(value) / 100).normalize()
            text = f"{amount:f}"
            return {"dollars" if unit == Unit.CENTS else "percent": text}
        return {"number": value}
