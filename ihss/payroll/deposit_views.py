"""Direct deposit pages: the provider's enrollments, the form to enroll or change, and
the confirmation to cancel. Which recipient a page is about comes as `?for=<recipient id>`
or `?for=all`; the account number never goes in an address, a log or the page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role, User
from ihss.cases.models import Assignment, Provider, Recipient
from ihss.core import stepup
from ihss.core.refusals import add_to_form
from ihss.payroll import deposit_access as access
from ihss.payroll.deposit_forms import SECRET_FIELDS, DepositForm
from ihss.payroll.models import DirectDeposit
from ihss.payroll.services import deposits

ALL = "all"


@dataclass
class ScopeRow:
    """One line of the provider's page: all recipients, or one recipient."""

    key: str  # "all" or the recipient's id, as in ?for=
    recipient: Recipient | None
    enrollments: list[DirectDeposit] = field(default_factory=list)
    states: dict[int, str] = field(default_factory=dict)
    in_use: DirectDeposit | None = None  # the scope's own account in force today
    waiting: DirectDeposit | None = None  # a request not yet in force
    paid_by: str = ""  # for a recipient: "own", "all" or "check"

    @property
    def open(self) -> bool:
        return self.in_use is not None or self.waiting is not None

    @property
    def history(self) -> list[tuple[DirectDeposit, str, str]]:
        """(enrollment, state, the state's label), newest first."""
        return [
            (e, self.states[e.pk], str(DirectDeposit.State(self.states[e.pk]).label))
            for e in self.enrollments
        ]


def _provider(request: AuthenticatedHttpRequest) -> Provider:
    own = access.own_providers(request.user)
    if not own:
        raise Http404
    return own[0]


def _recipients(provider: Provider, today: dt.date) -> list[Recipient]:
    """The recipients the provider works for now or will, and those they have an
    enrollment for."""
    assigned = Assignment.objects.filter(provider=provider).in_force(today, None)
    enrolled = DirectDeposit.objects.filter(provider=provider, recipient__isnull=False)
    return list(
        Recipient.objects.filter(
            Q(pk__in=assigned.values("recipient_id")) | Q(pk__in=enrolled.values("recipient_id"))
        )
        .defer("ssn", "ssn_index")
        .order_by("last_name", "first_name", "pk")
    )


def scope_rows(provider: Provider, today: dt.date) -> list[ScopeRow]:
    """The provider's scopes ("all" first, then each recipient), with their enrollments
    (newest first) and their states today. A fixed number of queries."""
    recipients = _recipients(provider, today)
    rows = {ALL: ScopeRow(ALL, None)} | {str(r.pk): ScopeRow(str(r.pk), r) for r in recipients}
    enrollments = list(
        DirectDeposit.objects.filter(provider=provider)
        .defer("account_number")
        .order_by("-requested_at", "-id")
    )
    states = deposits.states_on(enrollments, on=today)
    for enrollment in enrollments:
        row = rows.get(str(enrollment.recipient_id) if enrollment.recipient_id else ALL)
        if row is None:
            continue
        row.enrollments.append(enrollment)
        row.states[enrollment.pk] = states[enrollment.pk]
        if states[enrollment.pk] == DirectDeposit.State.ACTIVE:
            row.in_use = enrollment
        elif states[enrollment.pk] == DirectDeposit.State.PENDING and row.waiting is None:
            row.waiting = enrollment
    everyone = rows[ALL]
    for row in rows.values():
        if row.recipient is not None:
            row.paid_by = "own" if row.in_use else "all" if everyone.in_use else "check"
    return list(rows.values())


def _scope(
    request: AuthenticatedHttpRequest, provider: Provider, today: dt.date
) -> tuple[str, Recipient | None]:
    """The scope named by ?for= (or the form's `for`): "all" (also when absent) or one
    of the provider's recipients; 404 for anything else."""
    key = (request.POST.get("for") if request.method == "POST" else None) or request.GET.get(
        "for", ALL
    )
    if key == ALL:
        return ALL, None
    recipient = next((r for r in _recipients(provider, today) if str(r.pk) == key), None)
    if recipient is None:
        raise Http404
    return key, recipient


@require_GET
@role_required(Role.PROVIDER)
def deposits_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The provider's direct deposit: for all recipients and for each, the account in
    use, a change waiting, and the history."""
    provider = _provider(request)
    today = timezone.localdate()
    return render(
        request,
        "payroll/deposits.html",
        {
            "provider": provider,
            "rows": scope_rows(provider, today),
            "wait_days": deposits.wait_days(on=today),
        },
    )


@sensitive_variables("form")
@sensitive_post_parameters(*SECRET_FIELDS)
@require_http_methods(["GET", "POST"])
@role_required(Role.PROVIDER)
@stepup.recent_confirmation_required
def deposit_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enroll, or change the account, for all recipients or one."""
    provider = _provider(request)
    today = timezone.localdate()
    key, recipient = _scope(request, provider, today)
    row = next(r for r in scope_rows(provider, today) if r.key == key)
    form = DepositForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                change = deposits.enroll(
                    provider=provider,
                    recipient=recipient,
                    routing_number=form.cleaned_data["routing_number"],
                    account_number=form.cleaned_data["account_number"],
                    account_type=form.cleaned_data["account_type"],
                    by=request.user,
                )
            except deposits.DepositRefused as refused:
                for problem in refused.problems:
                    add_to_form(form, problem)
            else:
                assert change.enrollment is not None
                if change.changed:
                    messages.success(
                        request,
                        _(
                            "Saved. Payments issued from %(day)s go to the account ending in "
                            "%(last4)s, once a test entry has reached your bank. We sent you "
                            "an email and a text about this change."
                        )
                        % {
                            "day": _date(change.enrollment.effective_on),
                            "last4": change.enrollment.account_last4,
                        },
                    )
                else:
                    messages.info(request, _("This account was already saved; nothing changed."))
                return redirect("payroll:deposits")
        form.forget_account_numbers()
    return render(
        request,
        "payroll/deposit_change.html",
        {
            "form": form,
            "row": row,
            "scope_key": key,
            "recipient": recipient,
            "wait_days": deposits.wait_days(on=today),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.PROVIDER)
@stepup.recent_confirmation_required
def deposit_cancel(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask before cancelling direct deposit for all recipients or one; it stops at once."""
    provider = _provider(request)
    today = timezone.localdate()
    key, recipient = _scope(request, provider, today)
    rows = scope_rows(provider, today)
    row = next(r for r in rows if r.key == key)
    all_in_use = recipient is not None and rows[0].in_use is not None
    if request.method == "POST":
        change = deposits.cancel(provider=provider, recipient=recipient, by=request.user)
        if not change.changed:
            messages.info(request, _("There was no direct deposit to cancel."))
        elif all_in_use:
            messages.success(
                request,
                _(
                    "Direct deposit for this recipient is cancelled: this pay now goes to your "
                    "account for all recipients. We sent you an email and a text about it."
                ),
            )
        else:
            messages.success(
                request,
                _(
                    "Direct deposit is cancelled: payments issued from today come by paper "
                    "check. We sent you an email and a text about it."
                ),
            )
        return redirect("payroll:deposits")
    return render(
        request,
        "payroll/deposit_cancel.html",
        {"row": row, "scope_key": key, "recipient": recipient, "all_in_use": all_in_use},
    )


def _date(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


def desk_history(user: User, provider: Provider, today: dt.date) -> list[ScopeRow] | None:
    """The masked status and history the service desk (or county staff of the
    provider's county) reads; None for anyone else."""
    if not access.can_read_provider_deposits(user, provider):
        return None
    return [row for row in scope_rows(provider, today) if row.enrollments]
