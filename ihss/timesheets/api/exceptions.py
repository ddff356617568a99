"""The county's exceptions to a recipient's weekly maximum (ACL 16-01)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from ihss.cases.schemas import RecipientRef
from ihss.core.pagination import api_page
from ihss.timesheets import access, services
from ihss.timesheets.api.common import (
    EXCEPTION_GRANTERS_ONLY,
    PAGE_SIZE,
    SECRET_COLUMNS,
    Page,
    _invalid,
    _month,
    _provider_ref,
    _refuse,
    _refused_input,
    _require,
    _user,
)
from ihss.timesheets.models import WeeklyMaximumException
from ihss.timesheets.schemas import ExceptionIn, ExceptionOut, ExceptionPage

router = Router()


# --- The county's exceptions to the weekly maximum (ACL 16-01) -----------------------------


def _exception(e: WeeklyMaximumException) -> ExceptionOut:
    return ExceptionOut(
        id=e.pk,
        recipient=RecipientRef(
            case_number=e.recipient.case_number,
            full_name=e.recipient.full_name,
            county_code=e.recipient.county.code,
        ),
        program=e.program,
        month=e.month,
        provider=_provider_ref(e.provider) if e.provider else None,
        reason=e.reason,
        granted_by=e.granted_by.get_full_name() or e.granted_by.username,
        granted_at=e.granted_at,
    )


@router.get(
    "/weekly-maximum-exceptions",
    operation_id="ihss_timesheets_api_weekly_maximum_exceptions",
    response=ExceptionPage,
    summary="Exceptions to the weekly maximum granted",
    description="For the recipients of the caller's county (every county for state "
    "administrators). Latest month first.",
)
def weekly_maximum_exceptions(request: HttpRequest, page: Page = 1) -> ExceptionPage:
    user = _user(request)
    _require(access.can_grant_exceptions(user), EXCEPTION_GRANTERS_ONLY)
    queryset = (
        access.visible_exceptions(user)
        .select_related("recipient__county", "provider", "granted_by")
        .defer(*SECRET_COLUMNS)
        .order_by("-month", "-granted_at", "-pk")
    )
    rows, has_next = api_page(queryset, page)
    return ExceptionPage(
        page=page, page_size=PAGE_SIZE, has_next=has_next, results=[_exception(e) for e in rows]
    )


@router.post(
    "/weekly-maximum-exceptions",
    operation_id="ihss_timesheets_api_grant_weekly_maximum_exception",
    response={201: ExceptionOut},
    summary="Grant an exception to the weekly maximum",
    description="Lets a recipient's hours in a program and month pass the weekly maximum "
    "(for one provider, or every one when `provider_number` is left out); the monthly "
    "authorized hours still hold, and timesheets approved past the weekly maximum wait for "
    "the county's review. The recipient must be of the caller's county (any, for state "
    "administrators), and the provider assigned to them; 422 otherwise. Granted once: when "
    "the same exception (recipient, program, month, provider or every provider) is already "
    "in force, the call answers 201 with that one, its reason and granter unchanged, so a "
    "repeated or simultaneous call gets the same answer as the first.",
)
def grant_weekly_maximum_exception(request: HttpRequest, data: ExceptionIn) -> Status[ExceptionOut]:
    user = _user(request)
    _require(access.can_grant_exceptions(user), EXCEPTION_GRANTERS_ONLY)
    month = _month(data.month)
    errors = []
    if month is None:
        errors.append(_invalid("month", _("Enter the month as YYYY-MM, for example 2026-11.")))
    if not data.reason.strip():
        errors.append(
            _invalid("reason", _("Give the reason for the exception; it is kept in the history."))
        )
    if errors or month is None:
        _refuse(*errors)
    recipient = access.exception_recipient(user, data.case_number)
    if recipient is None:
        _refuse(_invalid("case_number", _("No recipient of your county has this case number.")))
    provider = None
    if data.provider_number:
        provider = access.exception_provider(data.provider_number)
        if provider is None:
            _refuse(_invalid("provider_number", _("No provider has this number.")))
    try:
        granted = services.grant_weekly_maximum_exception(
            recipient=recipient,
            program=data.program,
            month=month,
            provider=provider,
            reason=data.reason,
            by=user,
        )
    except services.TimesheetError as error:
        _refused_input(error, field="reason")
    return Status(201, _exception(granted))
