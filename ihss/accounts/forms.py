"""Forms of registration and of personal access tokens."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ihss.accounts import passwords, tokens
from ihss.accounts.models import SecurityQuestion, User
from ihss.accounts.registration import PROVIDER, RECIPIENT
from ihss.core.registry import Scope

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _guidance(minimum: int) -> str:
    return gettext(
        "Use three or four unrelated words, %(minimum)d characters or more. Spaces are fine."
    ) % {"minimum": minimum}


password_guidance = lazy(_guidance, str)


def new_password_field(*, label: StrOrPromise, minimum: int = 15) -> forms.CharField:
    """A field for choosing a password: the guidance is its hint, shown with or without JS.

    Render it with includes/password_meter.html to add the strength meter.
    """
    return forms.CharField(
        label=label,
        help_text=password_guidance(minimum),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class IdentityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("I am registering as"),
        choices=[
            (PROVIDER, _("A provider (I give care)")),
            (RECIPIENT, _("A recipient, or a recipient's authorized representative")),
        ],
        widget=forms.RadioSelect,
    )
    number = forms.CharField(
        label=_("Provider number or case number"),
        help_text=_(
            "Providers: the 9-digit provider number. Recipients: the 7-digit case number. "
            "Both are on the letters from your county."
        ),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    ssn_last4 = forms.CharField(
        label=_("Last four digits of the Social Security number"),
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    representative = forms.BooleanField(
        label=_("I am the recipient's authorized representative, not the recipient"),
        help_text=_("Then give the recipient's details above, not your own."),
        required=False,
    )

    def clean_ssn_last4(self) -> str:
        digits: str = self.cleaned_data["ssn_last4"].strip()
        if not re.fullmatch(r"\d{4}", digits):
            raise forms.ValidationError(_("Enter the last four digits, for example 1234."))
        return digits

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = re.sub(r"[\s-]", "", data.get("number", ""))
        kind = data.get("kind")
        if kind == PROVIDER and not re.fullmatch(r"\d{9}", number):
            self.add_error("number", _("A provider number has 9 digits."))
        elif kind == RECIPIENT and not re.fullmatch(r"\d{7}", number):
            self.add_error("number", _("A case number has 7 digits."))
        data["number"] = number
        return data


QUESTIONS = [("", _("Choose a question"))] + list(SecurityQuestion.choices)


USERNAME_TAKEN = (
    "taken"  # the error code registration counts (registration.too_many_taken_usernames)
)


class AccountForm(forms.Form):
    """The sign-in details and the three security questions of a new account."""

    username = forms.CharField(
        label=_("Username"),
        help_text=_("Letters, digits and . _ - only. You will sign in with it."),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We send a link to confirm it. Notices and password resets go here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = new_password_field(label=_("Password"))
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, names: tuple[str, str] = ("", ""), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names = names  # of the matched record: a password made of them is guessable
        for n in (1, 2, 3):
            self.fields[f"question_{n}"] = forms.ChoiceField(
                label=_("Security question %(n)s") % {"n": n}, choices=QUESTIONS
            )
            self.fields[f"answer_{n}"] = forms.CharField(
                label=_("Answer %(n)s") % {"n": n},
                help_text=_("Capitals, accents and extra spaces do not matter."),
                max_length=100,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if not re.fullmatch(r"[A-Za-z0-9._-]{3,40}", username):
            raise forms.ValidationError(
                _("Use 3 to 40 letters, digits, dots, dashes or underscores.")
            )
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("That username is taken. Choose another."), code=USERNAME_TAKEN
            )
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password and data.get("password_again") != password:
            self.add_error("password_again", _("The two passwords are not the same."))
        elif password:
            candidate = User(
                username=data.get("username", ""),
                email=data.get("email", ""),
                first_name=self.names[0],
                last_name=self.names[1],
            )
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        questions = [data.get(f"question_{n}") for n in (1, 2, 3)]
        if all(questions) and len(set(questions)) < 3:
            self.add_error("question_3", _("Choose three different questions."))
        for n in (1, 2, 3):
            answer = (data.get(f"answer_{n}") or "").strip()
            if answer and len(answer) < 2:
                self.add_error(f"answer_{n}", _("Give an answer of at least 2 characters."))
        return data

    def answers(self) -> dict[str, str]:
        return {
            self.cleaned_data[f"question_{n}"]: self.cleaned_data[f"answer_{n}"] for n in (1, 2, 3)
        }


class TokenForm(forms.Form):
    """A new personal access token: its name, what it may do, how long it lasts."""

    name = forms.CharField(
        label=_("Name"),
        help_text=_(
            "What the token is for, so you can tell your tokens apart. For example: "
            "County payroll export."
        ),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        help_text=_("Choose only what the program needs."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one permission.")},
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        widget=forms.RadioSelect,
        initial=tokens.DEFAULT_EXPIRY_DAYS,
    )
    password = forms.CharField(
        label=_("Your current password"),
        help_text=_("A token can use your account, so we ask for your password again."),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, scopes: list[Scope], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_field = self.fields["scopes"]
        assert isinstance(scope_field, forms.MultipleChoiceField)
        scope_field.choices = [(s.value, f"{s.label} ({s.value})") for s in scopes]
        days_field = self.fields["days"]
        assert isinstance(days_field, forms.TypedChoiceField)
        days_field.choices = [(d, EXPIRY_LABELS[d]) for d in tokens.EXPIRY_DAYS]


EXPIRY_LABELS = {30: _("30 days"), 90: _("90 days"), 365: _("1 year")}


class RevokeReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you are revoking it"),
        help_text=_("For example: the person called, their laptop was stolen."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """Django's form for a new password (reset, change), with our guidance as its hint."""

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        minimum = passwords.minimum_length(user)
        self.fields["new_password1"] = new_password_field(label=_("New password"), minimum=minimum)
        self.fields["new_password2"].label = _("New password again")
        self.fields["new_password2"].help_text = ""

    error_messages = {"password_mismatch": _("The two passwords are not the same.")}

    def clean(self) -> dict[str, Any]:
        # The reason a password is refused belongs beside it, not under the second copy.
        self.validate_passwords("new_password1", "new_password2")
        if "new_password2" not in self.errors:
            self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self) or {}


class ChangePasswordForm(NewPasswordForm):
    """Change a password while signed in: the current one first, as the confirmation."""

    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.order_fields(self.field_order)

    def clean_old_password(self) -> str:
        typed: str = self.cleaned_data["old_password"]
        if not self.user.check_password(typed):
            raise forms.ValidationError(
                _("That is not your current password. Try again."), code="password_incorrect"
            )
        return typed
