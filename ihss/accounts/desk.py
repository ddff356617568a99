"""The Service Desk's account pages: find an account, see its state, unlock it, revoke
a personal access token.

Callers give their name and date of birth, or a number from a letter: one search box
takes any of them (docs/user-guide/service-desk.md). Names are compared without case or
accents (ihss/core/folding.py), with indexes on PostgreSQL; results come a page at a
time, in a fixed number of queries, and never show or even load an SSN."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ihss.accounts import lockout, second_factor, services
from ihss.accounts.decorators import role_required
from ihss.accounts.forms import RevokeReasonForm
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Membership, PersonalAccessToken, Role, SecurityEvent, User
from ihss.accounts.register_views import send_verification
from ihss.cases.models import Provider, Recipient
from ihss.core.folding import Folded, fold
from ihss.core.pagination import html_page

DESK_ROLES = (Role.SERVICE_DESK, Role.STATE_ADMIN)
PAGE_SIZE = 25
# Columns of the person records never read here: the SSN and what is derived from it.
SECRET = ("ssn", "ssn_index", "ssn_last4")


class UnlockForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why you are unlocking it"),
        help_text=gettext_lazy(
            "For example: caller confirmed name, date of birth and provider number."
        ),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Finding a caller ---------------------------------------------------------------------

# The longest search taken: far past any name, number and date typed together.
QUERY_MAX_LENGTH = 120
# Identifiers typed with spaces or dashes ("190-000-003"), by length.
PROVIDER_NUMBER_DIGITS = 9
CASE_NUMBER_DIGITS = 7
_DATE_LIKE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$")


@dataclass(frozen=True)
class DeskQuery:
    """What the agent typed in the one search box, taken apart.

    `names` holds (last, first) pairs to try, folded (no case, no accents): "Petrosyan",
    "Petrosyan, Nare" (last, first), or "Nare Petrosyan" and "Petrosyan Nare" (either
    order, as callers say them). `born` narrows to the person with that date of birth.
    """

    text: str
    number: str = ""
    names: tuple[tuple[str, str], ...] = ()
    born: dt.date | None = None
    problem: str = ""


def _as_date(token: str) -> dt.date | None:
    """A date typed the way the reader's language writes it (forms.DateField's formats)."""
    try:
        return forms.DateField().to_python(token)
    except ValidationError:
        return None


def parse_query(raw: str) -> DeskQuery:
    text = " ".join(raw.split())[:QUERY_MAX_LENGTH]
    compact = re.sub(r"[\s-]", "", text)
    if compact.isdigit() and len(compact) in (PROVIDER_NUMBER_DIGITS, CASE_NUMBER_DIGITS):
        return DeskQuery(text=text, number=compact)
    born = None
    words = []
    for token in text.replace(",", " , ").split():
        if _DATE_LIKE.match(token):
            born = _as_date(token)
            if born is None:
                example = date_format(dt.date(1948, 3, 14), "SHORT_DATE_FORMAT")
                return DeskQuery(
                    text=text,
                    problem=_("“%(typed)s” is not a date. Type a date of birth like %(example)s.")
                    % {"typed": token, "example": example},
                )
        else:
            words.append(token)
    name = " ".join(words).replace(" , ", ", ").strip(" ,")
    names: list[tuple[str, str]] = []
    if "," in name:
        last, first = (part.strip() for part in name.split(",", 1))
        names.append((fold(last), fold(first)))
    elif name:
        parts = name.split()
        names.append((fold(name), ""))
        if len(parts) > 1:
            names.append((fold(" ".join(parts[1:])), fold(parts[0])))  # first last
            names.append((fold(parts[0]), fold(" ".join(parts[1:]))))  # last first
    if born is not None and not names:
        return DeskQuery(
            text=text, problem=_("Type the caller's last name with the date of birth.")
        )
    return DeskQuery(text=text, names=tuple(dict.fromkeys(names)), born=born)


def _named(queryset: QuerySet[Any], query: DeskQuery) -> QuerySet[Any]:
    """People (or accounts) whose last name, and first name if given, start as typed."""
    match = Q()
    for last, first in query.names:
        one = Q(folded_last__startswith=last)
        if first:
            one &= Q(folded_first__startswith=first)
        match |= one
    folded: QuerySet[Any] = queryset.alias(
        folded_last=Folded("last_name"), folded_first=Folded("first_name")
    )
    return folded.filter(match)


def find_accounts(query: DeskQuery) -> QuerySet[User]:
    """Accounts by provider number (9 digits), case number (7), username, email, or the
    name of the person: on their provider or recipient record (a representative is found
    by the recipient's name), or on the account itself (staff). A date of birth narrows
    to the records born that day. Ids are gathered by a union of indexed lookups."""
    accounts = User.objects.all()
    if query.number:
        field = "provider" if len(query.number) == PROVIDER_NUMBER_DIGITS else "recipient"
        number_field = "provider_number" if field == "provider" else "case_number"
        return accounts.filter(**{f"memberships__{field}__{number_field}": query.number}).order_by(
            "last_name", "first_name", "username", "pk"
        )
    if query.problem or not query.text:
        return accounts.none()
    ids = User.objects.filter(Q(username__iexact=query.text) | Q(email__iexact=query.text))
    found: QuerySet[Any] = ids.values("pk")
    if query.names:
        providers = _named(Provider.objects.all(), query)
        recipients = _named(Recipient.objects.all(), query)
        if query.born is not None:
            providers = providers.filter(date_of_birth=query.born)
            recipients = recipients.filter(date_of_birth=query.born)
        found = found.union(
            Membership.objects.filter(provider__in=providers.values("pk")).values("user_id"),
            Membership.objects.filter(recipient__in=recipients.values("pk")).values("user_id"),
        )
        if query.born is None:  # an account's own name has no date of birth with it
            found = found.union(_named(User.objects.all(), query).values("pk"))
    return accounts.filter(pk__in=found).order_by("last_name", "first_name", "username", "pk")


@dataclass(frozen=True)
class FoundAccount:
    """One account in the results, with the records it is linked to (never an SSN)."""

    account: User
    name: str
    memberships: list[Membership]


def _found(accounts: list[User]) -> list[FoundAccount]:
    rows = []
    for account in accounts:
        memberships = list(account.memberships.all())
        people = [m.provider or m.recipient for m in memberships]
        on_record = next((p.full_name for p in people if p is not None), "")
        rows.append(
            FoundAccount(
                account=account,
                name=account.get_full_name() or on_record or account.username,
                memberships=memberships,
            )
        )
    return rows


def search_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """The search box and one page of accounts found, for the desk's home and Accounts."""
    query = parse_query(request.GET.get("q", ""))
    context: dict[str, Any] = {"query": query.text, "problem": query.problem, "page": None}
    if query.text and not query.problem:
        records = Membership.objects.select_related("provider", "recipient", "county").defer(
            *(f"{person}__{column}" for person in ("provider", "recipient") for column in SECRET)
        )
        accounts = find_accounts(query).prefetch_related(
            Prefetch("memberships", queryset=records.order_by("id"))
        )
        page = html_page(request, accounts, size=PAGE_SIZE)
        context["page"] = page
        context["results"] = _found(list(page.object_list))
    return context


@require_GET
@role_required(*DESK_ROLES)
def account_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "accounts/desk_search.html", search_context(request))


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
