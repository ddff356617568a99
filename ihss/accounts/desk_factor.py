"""Service Desk: remove a caller's second factors, or correct the email of an account
that never got its confirmation link. Both after checking who is calling; both audited
with the agent's reason.

For a provider or recipient the desk checks the caller against the case record and
removes the factors itself. For staff (no case record) it files a request that a state
administrator decides on their own page (ihss/accounts/factor_reset.py says why).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ihss.accounts import factor_reset as resets
from ihss.accounts import second_factor, services
from ihss.accounts.decorators import role_required
from ihss.accounts.desk import DESK_ROLES
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role, SecondFactorResetRequest, User
from ihss.accounts.register_views import send_verification
from ihss.cases.models import Provider, Recipient
from ihss.core import audit

RECENT_DECISIONS = 20


def _record_of(account: User) -> Provider | Recipient | None:
    """The case record the account was registered with (loaded with its memberships)."""
    for membership in account.active_memberships():
        if membership.provider or membership.recipient:
            return membership.provider or membership.recipient
    return None


class IdentityCheckForm(forms.Form):
    """What the caller says, checked against their case record."""

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
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept in the account's history)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, record: Provider | Recipient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record = record

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
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


class StaffCheckForm(forms.Form):
    """For a staff account: how the agent (or state administrator) checked the caller."""

    statement = forms.CharField(
        label=gettext_lazy("How you checked who is calling"),
        help_text=gettext_lazy(
            "For example: called back the number on file in the county directory; their "
            "supervisor Dana Lee confirmed the phone was lost."
        ),
        max_length=resets.STATEMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Approve: remove every second factor")),
            ("decline", gettext_lazy("Decline: remove nothing")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept in the account's history)"),
        max_length=resets.STATEMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


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
    if resets.needs_state_admin(account):
        return _staff_factor_reset(request, account)
    record = _record_of(account)
    assert record is not None  # noqa: S101 - needs_state_admin is false only with one
    form = IdentityCheckForm(request.POST or None, record=record)
    if request.method == "POST":
        if form.is_valid():
            try:
                removed = resets.remove_for_caller(
                    account=account, by=request.user, reason=form.cleaned_data["reason"]
                )
            except resets.FactorResetRefused as refused:
                form.add_error(None, refused.message)
            else:
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


def _staff_factor_reset(request: AuthenticatedHttpRequest, account: User) -> HttpResponse:
    """A staff account: the desk files a request; a state administrator removes."""
    user = request.user
    state = resets.is_state_admin(user)
    own = account.pk == user.pk
    form = StaffCheckForm(request.POST or None)
    if request.method == "POST" and not own and form.is_valid():
        statement = form.cleaned_data["statement"]
        try:
            if state:
                removed = resets.remove_by_state_admin(account=account, by=user, reason=statement)
            else:
                resets.request_removal(account=account, by=user, statement=statement)
        except resets.FactorResetRefused as refused:
            form.add_error(None, refused.message)
        else:
            if state:
                messages.success(
                    request,
                    _(
                        "Removed %(count)s second factors. The person was told, and sets up "
                        "a new one when they sign in."
                    )
                    % {"count": removed},
                )
            else:
                messages.success(
                    request,
                    _(
                        "The request is sent to the state administrators. The person was "
                        "told; nothing is removed until a state administrator approves it."
                    ),
                )
            return redirect("accounts:desk-account", pk=account.pk)
    return render(
        request,
        "accounts/desk_factor_request.html",
        {
            "account": account,
            "form": form,
            "factors": second_factor.factors_of(account),
            "waiting": resets.waiting_request(account),
            "state": state,
            "own": own,
        },
    )


@require_GET
@role_required(Role.STATE_ADMIN)
def factor_requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The state administrators' list: requests waiting, then the latest decided."""
    requests = SecondFactorResetRequest.objects.select_related(
        "account", "requested_by", "decided_by"
    )
    return render(
        request,
        "accounts/factor_requests.html",
        {
            "waiting": requests.filter(status=SecondFactorResetRequest.Status.PENDING).order_by(
                "requested_at", "id"
            ),
            "decided": requests.exclude(status=SecondFactorResetRequest.Status.PENDING).order_by(
                "-decided_at", "-id"
            )[:RECENT_DECISIONS],
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.STATE_ADMIN)
def factor_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A state administrator approves or declines one request."""
    found = get_object_or_404(
        SecondFactorResetRequest.objects.select_related("account", "requested_by", "decided_by"),
        pk=pk,
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = resets.approve if form.cleaned_data["decision"] == "approve" else resets.decline
        try:
            decided, now = decide(
                request=found, by=request.user, reason=form.cleaned_data["reason"]
            )
        except resets.FactorResetRefused as refused:
            form.add_error(None, refused.message)
        else:
            if not now:
                messages.info(request, _("This request was already decided."))
            elif decided.status == SecondFactorResetRequest.Status.APPROVED:
                messages.success(
                    request,
                    _(
                        "Approved: every second factor of %(username)s is removed, and they "
                        "were told."
                    )
                    % {"username": decided.account.get_username()},
                )
            else:
                messages.success(request, _("Declined: nothing was removed."))
            return redirect("accounts:factor-requests")
    return render(
        request,
        "accounts/factor_request.html",
        {
            "found": found,
            "form": form,
            "factors": second_factor.factors_of(found.account),
            "roles": found.account.active_memberships(),
            "own": found.account_id == request.user.pk,
            "filed": found.requested_by_id == request.user.pk,
        },
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
