"""The recipient's hours: authorized and used, by provider and workweek."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import ValidationError

from ihss.timesheets import access, services
from ihss.timesheets.api.common import HOURS_FOR_RECIPIENTS, MonthQuery, _month, _require, _user
from ihss.timesheets.schemas import (
    HoursOut,
    HoursTableOut,
    ProviderHours,
    ProviderWeek,
    RecipientName,
    WeekTotal,
)

router = Router()


# --- The recipient's hours -----------------------------------------------------------------


def _hours_table(table: services.HoursTable) -> HoursTableOut:
    totals = table.week_totals
    return HoursTableOut(
        recipient=RecipientName(
            case_number=table.recipient.case_number, name=table.recipient.full_name
        ),
        program=table.program,
        month=table.month,
        authorized_minutes=table.authorized,
        weekly_maximum_minutes=table.weekly_maximum,
        month_total_minutes=table.month_total,
        remaining_minutes=table.remaining,
        weeks=[WeekTotal(start=w.start, total_minutes=totals[w.start]) for w in table.weeks],
        providers=[
            ProviderHours(
                provider_number=use.provider.provider_number,
                name=use.provider.full_name,
                month_minutes=use.month,
                weeks=[
                    ProviderWeek(start=w.start, minutes=use.by_week.get(w.start, 0))
                    for w in table.weeks
                ],
            )
            for use in table.providers
        ],
    )


@router.get(
    "/hours",
    operation_id="ihss_timesheets_api_recipient_hours",
    response=HoursOut,
    summary="The recipient's authorized hours against the hours used",
    description="For each recipient the caller is (or represents) and program: the month's "
    "authorized minutes, the weekly maximum, and the minutes each provider sent (waiting "
    "for review or approved), per workweek and for the month.",
)
def recipient_hours(request: HttpRequest, month: MonthQuery = None) -> HoursOut:
    user = _user(request)
    _require(access.is_recipient(user), HOURS_FOR_RECIPIENTS)
    first = timezone.localdate().replace(day=1) if month is None else _month(month)
    if first is None:
        raise ValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ["query", "month"],
                    "msg": _("Enter the month as YYYY-MM, for example 2026-11."),
                }
            ]
        )
    tables = services.recipient_hours(access.own_recipients(user), first)
    return HoursOut(month=first, tables=[_hours_table(t) for t in tables])
