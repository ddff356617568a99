"""Forms of the message center and the notice settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ihss.notifications import rules
from ihss.notifications.events import Category, Event, EventSpec
from ihss.notifications.models import Delivery, Preference


class PreferencesForm(forms.Form):
    """One choice per kind of notice offered to the person (`offered`: those of their roles
    that something sends), grouped by category.

    Text messages are offered once a mobile number is confirmed; "only in the portal" is
    not offered for required notices (security, pay, program).
    """

    def __init__(
        self,
        *args: Any,
        initial_choices: dict[str, str],
        mobile_verified: bool,
        offered: dict[str, EventSpec],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offered = offered
        for event, spec in offered.items():
            allowed = [
                (value, label)
                for value, label in Preference.Choice.choices
                if (mobile_verified or value not in (rules.CHOICE_SMS, rules.CHOICE_BOTH))
                and not (spec.required and value == rules.CHOICE_NONE)
            ]
            initial = initial_choices[event]
            if initial not in dict(allowed):
                initial = rules.CHOICE_EMAIL
            self.fields[event] = forms.ChoiceField(
                label=spec.event.label,
                help_text=spec.description,
                choices=allowed,
                initial=initial,
                widget=forms.RadioSelect,
            )

    def groups(self) -> list[tuple[Any, bool, list[forms.BoundField]]]:
        """(category label, required?, its fields) in the order of the categories."""
        grouped = []
        for category in Category:
            fields = [self[e] for e, spec in self.offered.items() if spec.category == category]
            if fields:
                required = self.offered[fields[0].name].required
                grouped.append((category.label, required, fields))
        return grouped


class MobileNumberForm(forms.Form):
    number = forms.CharField(
        label=_("Mobile number"),
        help_text=_("A US number that can receive text messages, with its area code."),
        max_length=24,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel-national"}),
    )

    def clean_number(self) -> str:
        e164 = rules.normalize_us_mobile(self.cleaned_data["number"])
        if e164 is None:
            raise forms.ValidationError(
                _("Enter a US mobile number with its area code, like (530) 555-0123.")
            )
        return e164


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("The code has 6 digits."))
        return code


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status"))] + list(Delivery.Status.choices),
    )
    event = forms.ChoiceField(
        label=_("Notice"), required=False, choices=[("", _("Any notice"))] + list(Event.choices)
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("Any channel"))] + list(Delivery.Channel.choices),
    )
    address = forms.CharField(
        label=_("Email address or mobile number"),
        required=False,
        max_length=254,
        help_text=_("Exact address, to answer a caller who did not get a message."),
    )

    def clean_address(self) -> str:
        typed = self.cleaned_data["address"].strip()
        return rules.normalize_us_mobile(typed) or typed if typed else ""
