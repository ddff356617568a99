"""Paid sick leave: a provider's balance and claims, the recipient's approval."""

from __future__ import annotations

from django.db.models import Case, Q, When
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from ihss.accounts.models import User
from ihss.core.pagination import api_page
from ihss.timesheets import access, rules, services
from ihss.timesheets.api.common import (
    NO_TIMESHEETS,
    PAGE_SIZE,
    SICK_LEAVE_CLAIMANTS_ONLY,
    SICK_LEAVE_DECIDERS_ONLY,
    SICK_LEAVE_HOLDERS_ONLY,
    Page,
    _invalid,
    _provider_ref,
    _refuse,
    _refused,
    _refused_input,
    _require,
    _user,
)
from ihss.timesheets.explain import explain
from ihss.timesheets.models import SickLeaveClaim
from ihss.timesheets.schemas import (
    MINUTES_A_DAY,
    Conflict,
    RecipientName,
    ReturnIn,
    SickLeaveAction,
    SickLeaveBalanceOut,
    SickLeaveClaimOut,
    SickLeaveIn,
    SickLeaveOut,
)

router = Router()


# --- Paid sick leave ------------------------------------------------------------------------
# (Before the /{timesheet_id} routes: ninja matches paths in the order they are declared.)


def _claim(user: User, c: SickLeaveClaim) -> SickLeaveClaimOut:
    actions: list[SickLeaveAction] = []
    if c.status == SickLeaveClaim.Status.SUBMITTED and access.decides_sick_leave(user, c):
        actions = ["approve", "return"]
    return SickLeaveClaimOut(
        id=c.pk,
        provider=_provider_ref(c.provider),
        recipient=RecipientName(case_number=c.recipient.case_number, name=c.recipient.full_name),
        program=c.program,
        day=c.day,
        minutes=c.minutes,
        status=c.status,
        status_label=str(c.get_status_display()),
        rejection_reason=c.rejection_reason,
        created_at=c.created_at,
        decided_at=c.decided_at,
        actions=actions,
    )


def _claim_decidable(request: HttpRequest, claim_id: int) -> tuple[User, SickLeaveClaim]:
    """A claim for the care of the caller, as the recipient or their representative."""
    user = _user(request)
    _require(access.is_recipient(user), SICK_LEAVE_DECIDERS_ONLY)
    claim = access.sick_leave_claim_for(user, claim_id)
    _require(access.decides_sick_leave(user, claim), SICK_LEAVE_DECIDERS_ONLY)
    return user, claim


@router.get(
    "/sick-leave",
    operation_id="ihss_timesheets_api_sick_leave",
    response=SickLeaveOut,
    summary="Paid sick leave: the balance and the claims",
    description="For a provider, the balance of this fiscal year and their claims; for a "
    "recipient (or representative), the claims for their care, those waiting for their "
    "approval first.",
)
def sick_leave(request: HttpRequest, page: Page = 1) -> SickLeaveOut:
    user = _user(request)
    _require(access.is_provider(user) or access.is_recipient(user), SICK_LEAVE_HOLDERS_ONLY)
    providers, recipients = access.provider_ids(user), access.recipient_ids(user)
    waiting_for_me = Case(
        When(status=SickLeaveClaim.Status.SUBMITTED, recipient_id__in=recipients, then=0),
        default=1,
    )
    claims = (
        access.visible_sick_leave_claims(user)
        .filter(Q(provider_id__in=providers) | Q(recipient_id__in=recipients))
        .select_related("provider", "recipient")
        .defer("provider__ssn", "provider__ssn_index", "recipient__ssn", "recipient__ssn_index")
        .order_by(waiting_for_me, "-created_at", "-pk")
    )
    rows, has_next = api_page(claims, page)
    balance = None
    if own := access.own_providers(user):
        b = services.balance_for(own[0]).balance
        balance = SickLeaveBalanceOut(
            earned_on=b.earned_on,
            usable_on=b.usable_on,
            granted_minutes=b.granted,
            used_minutes=b.used,
            balance_minutes=b.balance,
            expires_on=b.expires_on,
        )
    return SickLeaveOut(
        page=page,
        page_size=PAGE_SIZE,
        has_next=has_next,
        balance=balance,
        results=[_claim(user, c) for c in rows],
    )


@router.post(
    "/sick-leave",
    operation_id="ihss_timesheets_api_claim_sick_leave",
    response={201: SickLeaveClaimOut},
    summary="Claim paid sick leave taken",
    description="For a recipient the caller is assigned to in that program on that day; "
    "the recipient then approves or returns it. A claim the rules refuse (not yet usable, "
    "under 1 hour, off the 30-minute steps, over the balance, already claimed) answers 422 "
    "with each reason; a recipient the caller is not assigned to answers 404.",
)
def claim_sick_leave(request: HttpRequest, data: SickLeaveIn) -> Status[SickLeaveClaimOut]:
    user = _user(request)
    _require(access.is_provider(user), SICK_LEAVE_CLAIMANTS_ONLY)
    assignment = access.own_assignment(user, data.case_number, data.program)
    if not 0 < data.minutes <= MINUTES_A_DAY:
        _refuse(_invalid("minutes", _("A day has only 24 hours.")))
    try:
        claim = services.claim_sick_leave(
            provider=assignment.provider,
            recipient=assignment.recipient,
            program=assignment.program,
            day=data.day,
            minutes=data.minutes,
            by=user,
        )
    except services.SickLeaveError as error:
        if not error.refusals:
            _refused_input(error, field="day")
        _refuse(
            *(
                {
                    **_invalid("day" if r.rule == rules.SICK_NOT_YET_USABLE else "minutes", text),
                    "rule": r.rule,
                }
                for r, text in {r: explain(r) for r in error.refusals}.items()
            )
        )
    return Status(201, _claim(user, access.sick_leave_claim_for(user, claim.pk)))


@router.get(
    "/sick-leave/{claim_id}",
    operation_id="ihss_timesheets_api_sick_leave_claim",
    response=SickLeaveClaimOut,
    summary="One paid sick leave claim",
    description="The provider's own; the recipient's whose care was missed; their county's "
    "for county staff; any for the service desk and state administrators.",
)
def sick_leave_claim(request: HttpRequest, claim_id: int) -> SickLeaveClaimOut:
    user = _user(request)
    _require(access.can_read_timesheets(user), NO_TIMESHEETS)
    return _claim(user, access.sick_leave_claim_for(user, claim_id))


@router.post(
    "/sick-leave/{claim_id}/approve",
    operation_id="ihss_timesheets_api_approve_sick_leave",
    response={200: SickLeaveClaimOut, 409: Conflict},
    summary="Approve a sick leave claim",
    description="By the recipient whose care was missed, or their representative. "
    "Approving again answers 200; a claim returned already answers 409.",
)
def approve_sick_leave(
    request: HttpRequest, claim_id: int
) -> Status[SickLeaveClaimOut] | Status[Conflict]:
    user, claim = _claim_decidable(request, claim_id)
    try:
        services.approve_sick_leave(claim=claim, by=user)
    except services.SickLeaveError as error:
        return _refused(error)
    return Status(200, _claim(user, access.sick_leave_claim_for(user, claim.pk)))


@router.post(
    "/sick-leave/{claim_id}/return",
    operation_id="ihss_timesheets_api_return_sick_leave",
    response={200: SickLeaveClaimOut, 409: Conflict},
    summary="Return a sick leave claim, not approved",
    description="With the reason, which the provider sees; the hours go back to their "
    "balance. Returning again answers 200; a claim approved already answers 409.",
)
def return_sick_leave(
    request: HttpRequest, claim_id: int, data: ReturnIn
) -> Status[SickLeaveClaimOut] | Status[Conflict]:
    user, claim = _claim_decidable(request, claim_id)
    try:
        services.reject_sick_leave(claim=claim, by=user, reason=data.reason)
    except services.SickLeaveError as error:
        return _refused(error)
    return Status(200, _claim(user, access.sick_leave_claim_for(user, claim.pk)))
