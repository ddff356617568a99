"""Who may remove someone's second factors when they lost them, and how.

A provider or recipient calls the Service Desk: the agent checks the date of birth and
SSN digits the caller gives against their case record, and removes the factors
(desk_factor.IdentityCheckForm, then `remove_for_caller`).

Staff (every role but provider and recipient) have no case record, and their second
factor guards county, statewide and Service Desk pages: the desk alone never removes it.
The agent files a request saying how they checked who is calling (`request_removal`),
the staff member is told at once, and a state administrator approves it (`approve`, which
removes the factors) or declines it (`decline`). A state administrator who takes the
call may remove them directly with the reason (`remove_by_state_admin`). Nobody removes
their own second factor this way, nor decides a request they filed. Every step is in the
account's audit history and told to the person.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ihss.accounts import second_factor
from ihss.accounts.models import Role, SecondFactorResetRequest, User
from ihss.core import audit
from ihss.notifications.events import Event
from ihss.notifications.services import notify

# The roles whose people have a case record to check a caller against.
CASE_ROLES = frozenset({Role.PROVIDER, Role.RECIPIENT})
# Notices (the `change` of the sign_in_protection notice).
NOTICE_REQUESTED = "reset_requested"
NOTICE_DECLINED = "reset_declined"
NOTICE_REMOVED = "reset_by_state"
STATEMENT_LENGTH = 1000


class FactorResetRefused(Exception):
    """Why this removal, request or decision may not happen (a translated message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def needs_state_admin(account: User) -> bool:
    """Whether removing `account`'s second factors needs a state administrator: it holds
    a staff role, or has no case record the desk could check a caller against."""
    memberships = account.active_memberships()
    staff = any(m.role not in CASE_ROLES for m in memberships)
    record = any(m.provider_id or m.recipient_id for m in memberships)
    return staff or not record


def is_state_admin(user: User) -> bool:
    return user.has_role(Role.STATE_ADMIN)


def waiting_request(account: User) -> SecondFactorResetRequest | None:
    return (
        SecondFactorResetRequest.objects.filter(
            account=account, status=SecondFactorResetRequest.Status.PENDING
        )
        .select_related("requested_by")
        .first()
    )


def _clean(text: str, missing: str) -> str:
    text = " ".join(text.split())[:STATEMENT_LENGTH]
    if not text:
        raise FactorResetRefused(missing)
    return text


def _tell(account: User, change: str, key: str) -> None:
    notify(
        user=account,
        event=Event.SIGN_IN_PROTECTION,
        context={"changed_on": timezone.localdate().isoformat(), "change": change, "remaining": 0},
        key=key,
        link="/accounts/second-factor/",
    )


def _not_own(account: User, by: User) -> None:
    if account.pk == by.pk:
        raise FactorResetRefused(
            _(
                "Nobody removes their own second factor here: ask another state "
                "administrator, or use a recovery code."
            )
        )


def remove_for_caller(*, account: User, by: User, reason: str) -> int:
    """The desk removes a provider's or recipient's second factors, once their form has
    checked the caller against the case record. Refused for staff accounts."""
    if needs_state_admin(account):
        raise FactorResetRefused(
            _("This is a staff account: a state administrator must approve removing it.")
        )
    _not_own(account, by)
    reason = _clean(reason, _("Write why the second factor is removed."))
    return second_factor.reset_all(user=account, by=by, reason=reason)


def request_removal(
    *, account: User, by: User, statement: str
) -> tuple[SecondFactorResetRequest, bool]:
    """The desk asks a state administrator to remove a staff member's second factors.

    Returns the waiting request and whether this call filed it: asking again while one
    waits (a double click, two agents at once) is that same request, filed and told
    once.
    """
    if not needs_state_admin(account):
        raise FactorResetRefused(
            _("This account has a case record: check the caller against it instead.")
        )
    if account.pk == by.pk:
        raise FactorResetRefused(_("Ask another agent: nobody removes their own second factor."))
    statement = _clean(statement, _("Write how you checked who is calling."))
    with transaction.atomic():
        # One at a time per account: the second of two simultaneous requests finds the
        # first one here.
        User.objects.select_for_update().filter(pk=account.pk).first()
        waiting = waiting_request(account)
        if waiting is not None:
            return waiting, False
        try:
            with transaction.atomic():
                request = SecondFactorResetRequest.objects.create(
                    account=account, requested_by=by, statement=statement
                )
        except IntegrityError:  # filed elsewhere at the same moment
            found = waiting_request(account)
            if found is None:
                raise
            return found, False
        audit.record(
            actor=by,
            action="accounts.second_factor_reset_requested",
            subject=account,
            after={"request": request.pk},
            reason=statement,
        )
        _tell(account, NOTICE_REQUESTED, f"second-factor-request:{request.pk}")
    return request, True


def _decidable(request: SecondFactorResetRequest, by: User) -> SecondFactorResetRequest:
    """The request, locked, after checking `by` may decide it."""
    if not is_state_admin(by):
        raise FactorResetRefused(_("Only a state administrator decides these requests."))
    locked = (
        SecondFactorResetRequest.objects.select_for_update()
        .select_related("account", "requested_by")
        .get(pk=request.pk)
    )
    _not_own(locked.account, by)
    if locked.requested_by_id == by.pk:
        raise FactorResetRefused(
            _("You filed this request: another state administrator must decide it.")
        )
    return locked


def _stamp(
    request: SecondFactorResetRequest, *, status: str, by: User, reason: str
) -> SecondFactorResetRequest:
    request.status = status
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    return request


def approve(
    *, request: SecondFactorResetRequest, by: User, reason: str
) -> tuple[SecondFactorResetRequest, bool]:
    """A state administrator approves: every second factor of the account is removed,
    its sessions end, and the person is told. Returns the request and whether this call
    decided it: deciding what is already decided changes nothing."""
    reason = _clean(reason, _("Write why you approve it."))
    with transaction.atomic():
        locked = _decidable(request, by)
        if locked.status != SecondFactorResetRequest.Status.PENDING:
            return locked, False
        removed = second_factor.reset_all(
            user=locked.account, by=by, reason=reason, notice=NOTICE_REMOVED
        )
        _stamp(locked, status=SecondFactorResetRequest.Status.APPROVED, by=by, reason=reason)
        audit.record(
            actor=by,
            action="accounts.second_factor_reset_approved",
            subject=locked.account,
            after={
                "request": locked.pk,
                "requested_by": locked.requested_by.get_username(),
                "removed": removed,
            },
            reason=reason,
        )
    return locked, True


def decline(
    *, request: SecondFactorResetRequest, by: User, reason: str
) -> tuple[SecondFactorResetRequest, bool]:
    """A state administrator declines: nothing is removed; the person is told. Returns
    the request and whether this call decided it."""
    reason = _clean(reason, _("Write why you decline it."))
    with transaction.atomic():
        locked = _decidable(request, by)
        if locked.status != SecondFactorResetRequest.Status.PENDING:
            return locked, False
        _stamp(locked, status=SecondFactorResetRequest.Status.DECLINED, by=by, reason=reason)
        audit.record(
            actor=by,
            action="accounts.second_factor_reset_declined",
            subject=locked.account,
            after={"request": locked.pk, "requested_by": locked.requested_by.get_username()},
            reason=reason,
        )
        _tell(locked.account, NOTICE_DECLINED, f"second-factor-request-declined:{locked.pk}")
    return locked, True


def remove_by_state_admin(*, account: User, by: User, reason: str) -> int:
    """A state administrator who took the call removes a staff member's second factors
    directly, with how they checked who is calling. A request waiting for the account is
    closed as approved by them."""
    if not is_state_admin(by):
        raise FactorResetRefused(
            _("This is a staff account: a state administrator must approve removing it.")
        )
    _not_own(account, by)
    reason = _clean(reason, _("Write how you checked who is calling."))
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=account.pk).first()
        removed = second_factor.reset_all(user=account, by=by, reason=reason, notice=NOTICE_REMOVED)
        waiting = waiting_request(account)
        if waiting is not None and waiting.requested_by_id != by.pk:
            _stamp(waiting, status=SecondFactorResetRequest.Status.APPROVED, by=by, reason=reason)
    return removed
