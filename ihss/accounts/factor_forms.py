"""Forms of second factors and of confirming it is you."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ihss.accounts.models import User

CODE_WIDGET = forms.TextInput(
    attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "class": "usa-input--medium"}
)


class AppCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=12,
        widget=CODE_WIDGET,
        error_messages={"required": _("Enter the 6-digit code your app shows now.")},
    )


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label=_("Recovery code"),
        help_text=_(
            "One of the codes you saved when you set up your second factor, "
            "like 7KQ2-M9XD-4HVA-PT3E."
        ),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter one of your recovery codes.")},
    )


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password. Try again."))
        return password


class ConfirmCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code we sent you"),
        max_length=12,
        widget=CODE_WIDGET,
        error_messages={"required": _("Enter the 6-digit code we sent you.")},
    )
