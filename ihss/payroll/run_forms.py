"""The form a state administrator starts a payroll run with."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ihss.core.dates import date_range


def ended_periods(today: dt.date, count: int = 6) -> list[tuple[dt.date, dt.date]]:
    """The last `count` pay periods that have ended, newest first."""
    periods: list[tuple[dt.date, dt.date]] = []
    start = today.replace(day=16) if today.day > 15 else today.replace(day=1)
    while len(periods) < count:
        if start.day == 16:
            start = start.replace(day=1)
        else:
            start = (start - dt.timedelta(days=1)).replace(day=16)
        end = (
            start.replace(day=15)
            if start.day == 1
            else (
                (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            )
        )
        periods.append((start, end))
    return periods


class StartRunForm(forms.Form):
    period = forms.TypedChoiceField(
        label=_("Pay period"),
        coerce=dt.date.fromisoformat,
        error_messages={"invalid_choice": _("Choose one of the pay periods listed.")},
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        period = self.fields["period"]
        assert isinstance(period, forms.TypedChoiceField)
        period.choices = [
            (start.isoformat(), date_range(start, end)) for start, end in ended_periods(today)
        ]
