"""Direct deposit under /api/v1/pay/deposits: masked, as on the pages.

- GET: a provider's enrollments per scope (all recipients, then each recipient) with
  their states today: the provider's own at /deposits; at /deposits/providers/<number>
  the provider's for county staff (their county's providers), the service desk and
  state administrators (404 for one they may not see). Never the account number: its
  last four digits, masked.
- POST (enroll or change) and POST /cancel: the provider only, from a signed-in session
  that confirmed it is them (or signed in) within the last minutes. A personal access
  token cannot: it cannot confirm it is the person now, and whoever holds a copy of it
  must not be able to send someone's pay elsewhere. Both answer 403 with what to do.
- The same enrollment posted twice (a double tap, two tabs) makes one enrollment and
  answers the same; cancelling what is already cancelled changes nothing.

422 answers name the field, never echo what was typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, NoReturn, cast

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError, ValidationError

from ihss.accounts.api_auth import by_token
from ihss.accounts.models import User
from ihss.cases.models import Provider, Recipient
from ihss.core import stepup
from ihss.core.refusals import FieldProblem
from ihss.payroll import deposit_access as access
from ihss.payroll.deposit_views import ALL, ScopeRow, scope_rows
from ihss.payroll.models import DirectDeposit
from ihss.payroll.services import deposits

router = Router()


class DepositRecipient(Schema):
    case_number: str
    name: str


class DepositOut(Schema):
    id: int
    recipient: DepositRecipient | None = Field(description="None: for all recipients")
    account: str = Field(description="Masked: ••••1234")
    account_type: str
    state: str = Field(description="pending, active, replaced or cancelled, today")
    state_label: str
    requested_on: dt.date
    effective_on: dt.date = Field(description="Used for payments issued from this day")
    prenote_sent_on: dt.date | None
    stopped_on: dt.date | None
    stop_reason: str


class ScopeOut(Schema):
    recipient: DepositRecipient | None = Field(description="None: for all recipients")
    paid_by: str = Field(description="own, all (the all-recipients account) or check")
    in_use: DepositOut | None
    waiting: DepositOut | None
    history: list[DepositOut]


class DepositsOut(Schema):
    provider_number: str
    scopes: list[ScopeOut]


CaseNumber = Field(
    None,
    max_length=7,
    description="The recipient's case number; null or absent for all recipients",
)


class EnrollIn(Schema):
    case_number: str | None = CaseNumber
    routing_number: str = Field(max_length=20, description="9 digits (ABA check digit)")
    # Never in a repr (a traceback, an error report): repr=False.
    account_number: str = Field(max_length=40, description="4 to 17 digits", repr=False)
    account_number_again: str = Field(
        max_length=40, description="The same, typed again", repr=False
    )
    account_type: Literal["checking", "savings"]


class CancelIn(Schema):
    case_number: str | None = CaseNumber


def _user(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _name(recipient: Recipient | None) -> DepositRecipient | None:
    if recipient is None:
        return None
    return DepositRecipient(case_number=recipient.case_number, name=recipient.full_name)


def _out(row: DirectDeposit, state: str, recipient: Recipient | None) -> DepositOut:
    return DepositOut(
        id=row.pk,
        recipient=_name(recipient),
        account=row.masked_account,
        account_type=row.account_type,
        state=state,
        state_label=str(DirectDeposit.State(state).label),
        requested_on=row.requested_on,
        effective_on=row.effective_on,
        prenote_sent_on=row.prenote_sent_on,
        stopped_on=row.stopped_on,
        stop_reason=row.stop_reason,
    )


def _scope_out(row: ScopeRow) -> ScopeOut:
    def one(e: DirectDeposit | None) -> DepositOut | None:
        return None if e is None else _out(e, row.states[e.pk], row.recipient)

    return ScopeOut(
        recipient=_name(row.recipient),
        paid_by=row.paid_by or ("own" if row.in_use else "check"),
        in_use=one(row.in_use),
        waiting=one(row.waiting),
        history=[_out(e, state, row.recipient) for e, state, _label in row.history],
    )


def _own_provider(user: User) -> Provider:
    own = access.own_providers(user)
    if not own:
        raise HttpError(403, _("Only a provider changes their direct deposit."))
    return own[0]


def _recent_session(request: HttpRequest) -> None:
    if by_token(request):
        raise HttpError(
            403,
            _(
                "Direct deposit cannot be changed with an API token: a change needs you to "
                "confirm it is you first. Change it on the Direct deposit page of the portal."
            ),
        )
    if not stepup.is_recent(request):
        raise HttpError(
            403,
            _(
                "Confirm it is you before changing your direct deposit: open %(url)s, type "
                "your password or a code, then send it again."
            )
            % {"url": reverse("accounts:confirm")},
        )


def _scope_recipient(provider: Provider, case_number: str | None) -> Recipient | None:
    if not case_number:
        return None
    key = next(
        (
            r.recipient
            for r in scope_rows(provider, timezone.localdate())
            if r.recipient is not None and r.recipient.case_number == case_number
        ),
        None,
    )
    if key is None:
        raise HttpError(404, _("You do not work for a recipient with this case number."))
    return key


def _refuse(problems: list[Any]) -> NoReturn:
    raise ValidationError(
        [
            {"type": "value_error", "loc": ["body", "data", p.field], "msg": p.message}
            for p in problems
        ]
    )


def _listing(provider: Provider) -> DepositsOut:
    rows = scope_rows(provider, timezone.localdate())
    return DepositsOut(
        provider_number=provider.provider_number, scopes=[_scope_out(r) for r in rows]
    )


@router.get(
    "",
    operation_id="ihss_payroll_api_deposits",
    response=DepositsOut,
    summary="Your direct deposit, masked",
    description="The provider's own: for all recipients, then for each recipient, the "
    "account in use, a change waiting and the history. Staff read a provider's at "
    "/providers/{provider_number}.",
)
def deposits_mine(request: HttpRequest) -> DepositsOut:
    user = _user(request)
    own = access.own_providers(user)
    if not own:
        raise HttpError(
            403,
            _("Only providers have direct deposit; staff read a provider's at %(path)s.")
            % {"path": "/api/v1/pay/deposits/providers/{provider_number}"},
        )
    return _listing(own[0])


@router.get(
    "/providers/{provider_number}",
    operation_id="ihss_payroll_api_provider_deposits",
    response=DepositsOut,
    summary="A provider's direct deposit, masked",
    description="For county staff (their county's providers), the service desk and state "
    "administrators; 404 for a provider the caller may not see.",
)
def deposits_of_provider(
    request: HttpRequest, provider_number: Annotated[str, Path(max_length=9)]
) -> DepositsOut:
    user = _user(request)
    if not access.reads_others(user):
        raise HttpError(403, _("Only staff read another provider's direct deposit."))
    return _listing(access.provider_for(user, provider_number))


@router.post(
    "",
    operation_id="ihss_payroll_api_enroll_deposit",
    response={201: DepositOut},
    summary="Enroll in direct deposit, or change the account",
    description="For all recipients (`case_number` null) or one. The account number is "
    "typed twice. Used for payments issued from `effective_on`, once a prenote was sent. "
    "A session only, confirmed within the last minutes; a token answers 403. Sending the "
    "same account again answers the same enrollment.",
)
def enroll_deposit(request: HttpRequest, data: EnrollIn) -> Status[DepositOut]:
    user = _user(request)
    provider = _own_provider(user)
    _recent_session(request)
    recipient = _scope_recipient(provider, data.case_number)
    routing = "".join(data.routing_number.split())
    number = "".join(data.account_number.split())
    problems = deposits.account_problems(
        routing_number=routing, account_number=number, account_type=data.account_type
    )
    if not problems and number != "".join(data.account_number_again.split()):
        problems = [
            FieldProblem("account_number_again", _("The two account numbers are not the same."))
        ]
    if problems:
        _refuse(problems)
    try:
        change = deposits.enroll(
            provider=provider,
            recipient=recipient,
            routing_number=routing,
            account_number=number,
            account_type=data.account_type,
            by=user,
        )
    except deposits.DepositRefused as refused:
        _refuse(refused.problems)
    assert change.enrollment is not None
    states = deposits.states_on(
        DirectDeposit.objects.filter(provider=provider, recipient=recipient).defer(
            "account_number"
        ),
        on=timezone.localdate(),
    )
    return Status(201, _out(change.enrollment, states[change.enrollment.pk], recipient))


@router.post(
    "/cancel",
    operation_id="ihss_payroll_api_cancel_deposit",
    response={200: ScopeOut},
    summary="Cancel direct deposit",
    description="For all recipients (`case_number` null) or one; at once: the pay goes by "
    "check (or, for one recipient, to the all-recipients account). A session only, "
    "confirmed within the last minutes. Cancelling again changes nothing.",
)
def cancel_deposit(request: HttpRequest, data: CancelIn) -> ScopeOut:
    user = _user(request)
    provider = _own_provider(user)
    _recent_session(request)
    recipient = _scope_recipient(provider, data.case_number)
    deposits.cancel(provider=provider, recipient=recipient, by=user)
    key = str(recipient.pk) if recipient is not None else ALL
    row = next(r for r in scope_rows(provider, timezone.localdate()) if r.key == key)
    return _scope_out(row)
