"""Travel claimed on a timesheet: add and remove a leg."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from ihss.timesheets import access, services
from ihss.timesheets.api.common import _detail, _invalid, _not_editable, _own, _refuse, _refused
from ihss.timesheets.schemas import MINUTES_A_DAY, Conflict, TimesheetDetail, TravelIn

router = Router()


# --- Travel ---------------------------------------------------------------------------------


@router.post(
    "/{timesheet_id}/travel",
    operation_id="ihss_timesheets_api_add_travel",
    response={200: TimesheetDetail, 409: Conflict},
    summary="Claim travel to the timesheet's recipient",
    description="From another recipient of the caller, as a travel agreement (SOC 2255) "
    "in force in the pay period allows; claiming the same day and origin again replaces "
    "the minutes. The travel rules (7 hours a week, the agreement's minutes, work at both "
    "ends) are checked when the timesheet is sent. A sent timesheet, or an origin no "
    "agreement covers, answers 409.",
)
def add_travel(
    request: HttpRequest, timesheet_id: int, data: TravelIn
) -> Status[TimesheetDetail] | Status[Conflict]:
    user, timesheet = _own(request, timesheet_id)
    if not timesheet.editable:
        return _not_editable()
    if not timesheet.period_start <= data.day <= timesheet.period_end:
        _refuse(_invalid("day", _("Choose a day of this timesheet's pay period.")))
    if not 0 < data.minutes <= MINUTES_A_DAY:
        _refuse(_invalid("minutes", _("Enter the travel time, up to 24 hours.")))
    origin = next(
        (r for r in services.travel_origins(timesheet) if r.case_number == data.from_case_number),
        None,
    )
    if origin is None:
        return Status(
            409,
            Conflict(
                detail=_(
                    "No travel agreement (SOC 2255) covers travel to this recipient from that one."
                ),
                problems=[],
            ),
        )
    try:
        services.save_travel(
            timesheet=timesheet, day=data.day, from_recipient=origin, minutes=data.minutes, by=user
        )
    except services.TimesheetError as error:
        return _refused(error)
    return Status(200, _detail(user, access.timesheet_for(user, timesheet.pk)))


@router.delete(
    "/{timesheet_id}/travel/{entry_id}",
    operation_id="ihss_timesheets_api_remove_travel",
    response={200: TimesheetDetail, 409: Conflict},
    summary="Take a travel claim off the timesheet",
    description="While the timesheet can be changed; removing one already gone answers 200.",
)
def remove_travel(
    request: HttpRequest, timesheet_id: int, entry_id: int
) -> Status[TimesheetDetail] | Status[Conflict]:
    user, timesheet = _own(request, timesheet_id)
    try:
        services.remove_travel(timesheet=timesheet, entry_id=entry_id, by=user)
    except services.TimesheetError as error:
        return _refused(error)
    return Status(200, _detail(user, access.timesheet_for(user, timesheet.pk)))
