"""The Service Desk's account pages: find an account, see its state, unlock it, revoke
a personal access token."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ihss.accounts import lockout, second_factor, services
from ihss.accounts.decorators import role_required
from ihss.accounts.forms import RevokeReasonForm
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import PersonalAccessToken, Role, SecurityEvent, User
from ihss.accounts.register_views import send_verification

DESK_ROLES = (Role.SERVICE_DESK, Role.STATE_ADMIN)
LIMIT = 25


class UnlockForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why you are unlocking it"),
        help_text=gettext_lazy(
            "For example: caller confirmed name, date of birth and provider number."
        ),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def find_accounts(query: str) -> QuerySet[User]:
    """Accounts by provider number (9 digits), case number (7), username or email."""
    q = query.strip()
    accounts = User.objects.all()
    if re.fullmatch(r"\d{9}", q):
        accounts = accounts.filter(memberships__provider__provider_number=q)
    elif re.fullmatch(r"\d{7}", q):
        accounts = accounts.filter(memberships__recipient__case_number=q)
    else:
        accounts = accounts.filter(Q(username__iexact=q) | Q(email__iexact=q))
    return accounts.distinct().order_by("username")


@require_GET
@role_required(*DESK_ROLES)
def account_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    accounts = list(find_accounts(query)[:LIMIT]) if query else []
    return render(request, "accounts/desk_search.html", {"query": query, "accounts": accounts})


@require_http_methods(["GET", "POST"])
@role_required(*DESK_ROLES)
def account_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "resend":
        # Only an account whose email waits to be confirmed: following the link turns
        # the account on, which must not undo a deactivation (it has signed in before).
        if account.is_active or account.last_login or not account.email:
            messages.error(request, _("This account needs no confirmation link."))
        else:
            services.record_resend(user=account, by=request.user)
            send_verification(request, account)
            messages.success(
                request,
                _("A new confirmation link was sent to %(email)s.") % {"email": account.email},
            )
        return redirect("accounts:desk-account", pk=account.pk)
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.unlock(user=account, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The account is unlocked. The person can sign in now."))
        return redirect("accounts:desk-account", pk=account.pk)
    username = lockout.normalize(account.get_username())
    return render(
        request,
        "accounts/desk_account.html",
        {
            "account": account,
            "memberships": account.active_memberships(),
            "paused_until": lockout.paused_until(username),
            "stopped": lockout.stopped(username),
            "events": SecurityEvent.objects.filter(Q(user=account) | Q(username=username)).order_by(
                "-created_at", "-id"
            )[:20],
            "form": form,
            "tokens": account.access_tokens.order_by("-created_at", "-id"),
            "factors": second_factor.factors_of(account),
            "factor_required": second_factor.is_required(account),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*DESK_ROLES)
def token_revoke(request: AuthenticatedHttpRequest, pk: int, token_pk: int) -> HttpResponse:
    """Revoke a person's token for them (a lost laptop, a leak), with the reason."""
    token = get_object_or_404(
        PersonalAccessToken.objects.select_related("user"), pk=token_pk, user_id=pk
    )
    form = RevokeReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.revoke_token(token=token, by=request.user, reason=form.cleaned_data["reason"]):
            messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("accounts:desk-account", pk=pk)
    return render(
        request,
        "accounts/desk_token_revoke.html",
        {"account": token.user, "token": token, "form": form},
    )
