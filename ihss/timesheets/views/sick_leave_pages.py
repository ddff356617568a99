"""Paid sick leave: the provider's claims, the recipient's review and decision."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.core import audit
from ihss.core.refusals import add_to_form
from ihss.timesheets import access, rules, services
from ihss.timesheets.forms import SickLeaveClaimForm, SickLeaveRejectForm
from ihss.timesheets.models import SickLeaveClaim
from ihss.timesheets.views.common import _explained

CLAIMS_LISTED = 24  # claims listed on the provider's and the recipient's pages


def _claim_choices(
    request: AuthenticatedHttpRequest, provider_id: int, today: dt.date
) -> list[tuple[str, str]]:
    """The provider's assignments in force this fiscal year or the last, as the claim
    form's choices ("recipient id:program" -> "Rosa Delgado · IHSS")."""
    this_year = rules.fiscal_year_containing(today).start
    since = this_year.replace(year=this_year.year - 1)
    assignments = (
        access.own_assignments(request.user)
        .filter(provider_id=provider_id)
        .in_force(since, today)
        .select_related("recipient")
        .defer("recipient__ssn")
        .order_by("recipient__last_name", "recipient__first_name", "program")
    )
    choices: dict[str, str] = {}
    for a in assignments:
        choices.setdefault(
            f"{a.recipient_id}:{a.program}", f"{a.recipient.full_name} · {a.get_program_display()}"
        )
    return list(choices.items())


@require_http_methods(["GET", "POST"])
@role_required(Role.PROVIDER)
def sick_leave(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The provider's paid sick leave: the balance of this fiscal year, the claims, and
    the form to claim leave taken (the recipient whose care was missed approves it)."""
    today = timezone.localdate()
    own = access.own_providers(request.user)
    if not own:
        raise Http404
    provider = own[0]
    form = SickLeaveClaimForm(
        request.POST if request.method == "POST" else None,
        assignments=_claim_choices(request, provider.pk, today),
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        recipient_id, program = form.recipient_and_program()
        recipient = access.served_recipient(request.user, recipient_id)
        try:
            claim = services.claim_sick_leave(
                provider=provider,
                recipient=recipient,
                program=program,
                day=form.cleaned_data["day"],
                minutes=form.cleaned_data["total"],
                by=request.user,
            )
        except services.SickLeaveError as error:
            add_to_form(form, error)
            for message in _explained(error.refusals):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Your sick leave claim was sent to %(name)s for approval.")
                % {"name": claim.recipient.full_name},
            )
            return redirect("timesheets:sick-leave")
    leave = services.balance_for(provider, today)
    claims = list(
        access.own_sick_leave_claims(request.user)
        .filter(provider=provider)
        .select_related("recipient")
        .defer("recipient__ssn")[:CLAIMS_LISTED]
    )
    usable_on = leave.balance.usable_on
    return render(
        request,
        "timesheets/sick_leave.html",
        {
            "leave": leave,
            "balance": leave.balance,
            "claims": claims,
            "form": form,
            # The claim form is offered only once the leave can be used, and while some
            # is left; otherwise the page says when it can be. A refused claim (sent from
            # a page opened before) keeps its form, to show why.
            "can_claim": bool(form.errors)
            or (usable_on is not None and usable_on <= today and leave.balance.balance > 0),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@role_required(Role.RECIPIENT)
def sick_leave_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The recipient's sick leave claims: those waiting for approval first, then recent."""
    claims = list(
        access.sick_leave_claims_to_decide(request.user)
        .select_related("provider", "recipient")
        .defer("provider__ssn", "recipient__ssn")
        .order_by("-created_at", "-id")[:CLAIMS_LISTED]
    )
    waiting = [c for c in claims if c.status == SickLeaveClaim.Status.SUBMITTED]
    others = [c for c in claims if c.status != SickLeaveClaim.Status.SUBMITTED]
    return render(
        request, "timesheets/sick_leave_review.html", {"waiting": waiting, "others": others}
    )


def _claim_page(
    request: AuthenticatedHttpRequest,
    claim: SickLeaveClaim,
    *,
    reject_form: SickLeaveRejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    history = audit.trail(claim).order_by("-occurred_at", "-id")[:50]
    return render(
        request,
        "timesheets/sick_leave_claim.html",
        {
            "claim": claim,
            "is_claimant": access.is_claimant(user, claim),
            "can_review": access.decides_sick_leave(user, claim)
            and claim.status == SickLeaveClaim.Status.SUBMITTED,
            "reject_form": reject_form or SickLeaveRejectForm(),
            "history": history,
        },
        status=status,
    )


@require_GET
def sick_leave_claim(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _claim_page(request, access.sick_leave_claim_for(request.user, pk))


def _decidable(request: AuthenticatedHttpRequest, pk: int) -> SickLeaveClaim:
    claim = access.sick_leave_claim_for(request.user, pk)
    if not access.decides_sick_leave(request.user, claim):
        raise PermissionDenied
    return claim


@require_POST
@role_required(Role.RECIPIENT)
def sick_leave_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = _decidable(request, pk)
    try:
        services.approve_sick_leave(claim=claim, by=request.user)
    except services.SickLeaveError as error:
        messages.error(request, error.message)
        return redirect("timesheets:sick-leave-claim", claim.pk)
    messages.success(request, _("You approved the sick leave claim."))
    return redirect("timesheets:sick-leave-review")


@require_POST
@role_required(Role.RECIPIENT)
def sick_leave_reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = _decidable(request, pk)
    form = SickLeaveRejectForm(request.POST)
    if not form.is_valid():
        return _claim_page(request, claim, reject_form=form, status=400)
    try:
        services.reject_sick_leave(claim=claim, by=request.user, reason=form.cleaned_data["reason"])
    except services.SickLeaveError as error:
        messages.error(request, error.message)
        return redirect("timesheets:sick-leave-claim", claim.pk)
    messages.success(
        request, _("You did not approve the claim. The provider will see your reason.")
    )
    return redirect("timesheets:sick-leave-review")
