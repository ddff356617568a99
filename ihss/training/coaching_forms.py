"""The coaching forms: a provider's question, a coach's offered times and notes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ihss.training.models import CoachingRequest

LOCAL_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class AskForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("What do you need help with?"),
        choices=CoachingRequest.Topic.choices,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Your question (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _time_field(label: Any, required: bool) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=LOCAL_INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class OfferForm(forms.Form):
    time_1 = _time_field(_("First time"), True)
    time_2 = _time_field(_("Second time (optional)"), False)
    time_3 = _time_field(_("Third time (optional)"), False)
    minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=10, max_value=120, initial=30
    )
    how = forms.CharField(
        label=_("How you will meet"),
        max_length=200,
        help_text=_("For example: a phone call to the number on file, or a video link."),
    )

    def times(self) -> list[tuple[dt.datetime, int, str]]:
        data = self.cleaned_data
        return [
            (data[name], data["minutes"], data["how"])
            for name in ("time_1", "time_2", "time_3")
            if data.get(name)
        ]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note (only coaches see it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
