"""Service Desk: remove a caller's second factors, or correct the email of an account
that never got its confirmation link. Both after checking who is calling; both audited
with the agent's reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ihss.accounts import second_factor, services
from ihss.accounts.decorators import role_required
from ihss.accounts.desk import DESK_ROLES
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import User
from ihss.accounts.register_views import send_verification
from ihss.cases.models import Provider, Recipient
from ihss.core import audit


def _record_of(account: User) -> Provider | Recipient | None:
    """The case record the account was registered with (loaded with its memberships)."""
    for membership in account.active_memberships():
        if membership.provider or membership.recipient:
            return membership.provider or membership.recipient
    return None


class IdentityCheckForm(forms.Form):
    """What the caller says, checked against their case record; or, for staff accounts
    (no record), the agent's statement of how they checked."""

    date_of_birth = forms.DateField(
        label=gettext_lazy("Date of birth the caller gives"),
        help_text=gettext_lazy("For example: 4/28/1986"),
        required=False,
        widget=forms.DateInput(attrs={"autocomplete": "off"}),
    )
    ssn_last4 = forms.CharField(
        label=gettext_lazy("Last four digits of the SSN the caller gives"),
        max_length=4,
        min_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    checked_otherwise = forms.BooleanField(
        label=gettext_lazy(
            "This staff account has no case record: I checked who is calling with their "
            "supervisor, by a call back to a number on file."
        ),
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept in the account's history)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, record: Provider | Recipient | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record = record
        if record is None:
            del self.fields["date_of_birth"], self.fields["ssn_last4"]
        else:
            del self.fields["checked_otherwise"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.record is None:
            if not data.get("checked_otherwise"):
                self.add_error(
                    "checked_otherwise", _("Check who is calling first, then tick this box.")
                )
            return data
        dob, last4 = data.get("date_of_birth"), data.get("ssn_last4") or ""
        if dob is None:
            self.add_error("date_of_birth", _("Ask the caller for their date of birth."))
        if len(last4) != 4:
            self.add_error("ssn_last4", _("Ask the caller for the last four SSN digits."))
        if self.errors:
            return data
        same = dob == self.record.date_of_birth and constant_time_compare(
            last4, self.record.ssn_last4
        )
        if not same:
            raise forms.ValidationError(
                _(
                    "These details do not match the case record. Do not go on: the caller "
                    "may not be who they say."
                ),
                code="identity_mismatch",
            )
        return data


class EmailCorrectionForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Correct email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept in the account's history)"),
        help_text=gettext_lazy("For example: caller misspelled the address when registering."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@require_http_methods(["GET", "POST"])
@role_required(*DESK_ROLES)
def factor_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    record = _record_of(account)
    form = IdentityCheckForm(request.POST or None, record=record)
    if request.method == "POST":
        if form.is_valid():
            removed = second_factor.reset_all(
                user=account, by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request,
                _(
                    "Removed %(count)s second factors. The person can sign in with their "
                    "password and set up a new one."
                )
                % {"count": removed},
            )
            return redirect("accounts:desk-account", pk=account.pk)
        if form.has_error("__all__", "identity_mismatch"):
            audit.record(
                actor=request.user,
                action="accounts.identity_check_failed",
                subject=account,
                reason=form.cleaned_data.get("reason", ""),
            )
    return render(
        request,
        "accounts/desk_factor_reset.html",
        {"account": account, "form": form, "factors": second_factor.factors_of(account)},
    )


def _unconfirmed(account: User) -> bool:
    return not account.is_active and account.last_login is None


@require_http_methods(["GET", "POST"])
@role_required(*DESK_ROLES)
def email_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Only for an account whose email was never confirmed: a confirmed address is the
    person's to change, after confirming it is them."""
    account = get_object_or_404(User, pk=pk)
    if not _unconfirmed(account):
        messages.error(
            request,
            _("Only the email of an account waiting for confirmation can be corrected here."),
        )
        return redirect("accounts:desk-account", pk=account.pk)
    form = EmailCorrectionForm(request.POST or None, initial={"email": account.email})
    if request.method == "POST" and form.is_valid():
        services.correct_email(
            user=account,
            email=form.cleaned_data["email"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
        send_verification(request, account)
        messages.success(
            request,
            _("The email is corrected and a new confirmation link was sent to %(email)s.")
            % {"email": account.email},
        )
        return redirect("accounts:desk-account", pk=account.pk)
    return render(request, "accounts/desk_email.html", {"account": account, "form": form})
