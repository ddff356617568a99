"""A timesheet itself: the list, one timesheet, and the steps of its provider (open, save a
week, check, send) and its recipient (approve, return)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from ihss.accounts.api_auth import by_token
from ihss.core import stepup
from ihss.core.pagination import api_page
from ihss.timesheets import access, rules, services
from ihss.timesheets.api.common import (
    NO_TIMESHEETS,
    PAGE_SIZE,
    PROVIDERS_ONLY,
    Page,
    PeriodFilter,
    StatusFilter,
    _detail,
    _invalid,
    _listed,
    _not_editable,
    _own,
    _problems,
    _refuse,
    _refused,
    _refused_input,
    _remaining,
    _require,
    _reviewable,
    _summary,
    _typed_days,
    _user,
    _workweek,
)
from ihss.timesheets.schemas import (
    ApproveIn,
    Checked,
    Conflict,
    DaysIn,
    OpenIn,
    ReturnIn,
    TimesheetDetail,
    TimesheetPage,
)

router = Router()


@router.get(
    "/",
    operation_id="ihss_timesheets_api_timesheets",
    response=TimesheetPage,
    summary="The timesheets the caller can see",
    description="A provider's own, a recipient's sent to them (never a draft), the county's "
    "for county staff, every one for the service desk and state administrators. Newest pay "
    "period first.",
)
def timesheets(
    request: HttpRequest,
    status: StatusFilter = None,
    period_start: PeriodFilter = None,
    page: Page = 1,
) -> TimesheetPage:
    user = _user(request)
    _require(access.can_read_timesheets(user), NO_TIMESHEETS)
    queryset = access.visible_timesheets(user)
    if status:
        queryset = queryset.filter(status=status)
    if period_start:
        queryset = queryset.filter(period_start=period_start)
    rows, has_next = api_page(_listed(queryset).order_by("-period_start", "-pk"), page)
    return TimesheetPage(
        page=page, page_size=PAGE_SIZE, has_next=has_next, results=[_summary(t) for t in rows]
    )


@router.get(
    "/{timesheet_id}",
    operation_id="ihss_timesheets_api_timesheet",
    response=TimesheetDetail,
    summary="One timesheet, with its days",
    description="Its provider also gets the hours left (`remaining`) and, while it can be "
    "changed, the rules its hours break (`problems`). `actions` lists the steps the caller "
    "may take now.",
)
def timesheet(request: HttpRequest, timesheet_id: int) -> TimesheetDetail:
    user = _user(request)
    _require(access.can_read_timesheets(user), NO_TIMESHEETS)
    return _detail(user, access.timesheet_for(user, timesheet_id))


# --- The provider ---------------------------------------------------------------------------


@router.post(
    "/",
    operation_id="ihss_timesheets_api_open_timesheet",
    response={201: TimesheetDetail},
    summary="Open the timesheet of a pay period",
    description="The caller's timesheet for a recipient they are assigned to, a program and "
    "the pay period of `day` (today when left out), made the first time: 201 with it, "
    "whether this call made it or an earlier one did, so a repeated or simultaneous call "
    "gets the same answer as the first. A recipient the caller is not assigned to answers "
    "404.",
)
def open_timesheet(request: HttpRequest, data: OpenIn) -> Status[TimesheetDetail]:
    user = _user(request)
    _require(access.is_provider(user), PROVIDERS_ONLY)
    assignment = access.own_assignment(user, data.case_number, data.program)
    period = rules.pay_period_containing(data.day or timezone.localdate())
    try:
        timesheet = services.open_timesheet(
            provider=assignment.provider,
            recipient=assignment.recipient,
            program=assignment.program,
            day=period.start,
            by=user,
        )
    except services.TimesheetError as error:
        _refused_input(error, field="day")
    return Status(201, _detail(user, timesheet))


@router.put(
    "/{timesheet_id}/weeks/{week_start}",
    operation_id="ihss_timesheets_api_save_week",
    response={200: TimesheetDetail, 409: Conflict},
    summary="Save days of one workweek",
    description="`week_start` is the workweek's Sunday. Each day sent replaces what was saved "
    "for it (minutes 0 clears it); days not sent keep theirs. A wrong day answers 422 naming "
    "it, and nothing is saved. Hours that break a rule are saved and listed in `problems`: "
    "they only stop the timesheet from being sent.",
)
def save_week(
    request: HttpRequest, timesheet_id: int, week_start: dt.date, data: DaysIn
) -> Status[TimesheetDetail] | Status[Conflict]:
    user, timesheet = _own(request, timesheet_id)
    week = _workweek(timesheet, week_start)
    if not timesheet.editable:
        return _not_editable()
    typed = _typed_days(timesheet, data.days, week=week)
    try:
        services.save_week(
            timesheet=timesheet,
            days={
                day: services.DayInput(
                    d.minutes, d.start, d.end, d.location, reason=d.correction_reason
                )
                if d.minutes
                else services.DayInput(0)
                for day, d in typed.items()
            },
            by=user,
        )
    except services.TimesheetError as error:
        return _refused(_at_its_day(error, list(typed)))
    return Status(200, _detail(user, timesheet))


def _at_its_day(error: services.TimesheetError, days: list[dt.date]) -> services.TimesheetError:
    """A refusal about one day's field ("2026-11-16-reason") pointed at that day of the
    body (`days.<i>.correction_reason`); any other as it is."""
    for i, day in enumerate(days):
        prefix = f"{day.isoformat()}-"
        if not error.conflict and error.field and error.field.startswith(prefix):
            name = error.field.removeprefix(prefix)
            _refuse(
                {
                    **_invalid(
                        "correction_reason" if name == "reason" else name,
                        error.message,
                        at=("days", i),
                    ),
                    "day": day.isoformat(),
                }
            )
    return error


@router.post(
    "/{timesheet_id}/check",
    operation_id="ihss_timesheets_api_check_week",
    response={200: Checked, 409: Conflict},
    summary="Check typed minutes without saving them",
    description="The rules the timesheet would break and the hours it would leave with these "
    "minutes in place of the saved ones (days of its pay period; only `day` and `minutes` "
    "count). Nothing is saved; sending the timesheet checks again.",
)
def check_week(
    request: HttpRequest, timesheet_id: int, data: DaysIn
) -> Status[Checked] | Status[Conflict]:
    _caller, timesheet = _own(request, timesheet_id)
    if not timesheet.editable:
        return _not_editable()
    typed = _typed_days(timesheet, data.days)
    refusals, summary = services.check(
        timesheet, replace={day: d.minutes for day, d in typed.items()}
    )
    return Status(200, Checked(problems=_problems(refusals), remaining=_remaining(summary)))


@router.post(
    "/{timesheet_id}/submit",
    operation_id="ihss_timesheets_api_submit_timesheet",
    response={200: TimesheetDetail, 409: Conflict},
    summary="Send the timesheet to the recipient",
    description="Checks every hour rule again first. Sending one already sent changes "
    "nothing and answers 200. Refused: 409 with `detail` and the rules broken. Before the "
    "pay period's last day (the provider's local date, America/Los_Angeles) the call must "
    "say `?confirm_early=true`: no more care will be given in the period, which cannot get "
    "more days once sent unless it is returned. Without it: 422 at `confirm_early`, saying "
    "how many days remain.",
)
def submit_timesheet(
    request: HttpRequest,
    timesheet_id: int,
    confirm_early: bool = False,
) -> Status[TimesheetDetail] | Status[Conflict]:
    user, timesheet = _own(request, timesheet_id)
    try:
        sent = services.submit(timesheet=timesheet, by=user, confirm_early=confirm_early)
    except services.TimesheetError as error:
        if error.field == "confirm_early":
            _refuse(
                {"type": "value_error", "loc": ["query", "confirm_early"], "msg": error.message}
            )
        return _refused(error)
    return Status(200, _detail(user, sent))


# --- The recipient --------------------------------------------------------------------------


@router.post(
    "/{timesheet_id}/approve",
    operation_id="ihss_timesheets_api_approve_timesheet",
    response={200: TimesheetDetail, 409: Conflict},
    summary="Approve and sign the timesheet",
    description="The recipient's (or representative's) electronic signature: `attest` true "
    "and the typed name. With a session, the person must have signed in or confirmed it is "
    "them within the last minutes (403 otherwise: confirm at /accounts/confirm/); a token "
    "is that confirmation itself. Approving twice answers 200.",
)
def approve_timesheet(
    request: HttpRequest, timesheet_id: int, data: ApproveIn
) -> Status[TimesheetDetail] | Status[Conflict]:
    user, timesheet = _reviewable(request, timesheet_id)
    if not by_token(request) and not stepup.is_recent(
        request, max_age=settings.SIGNATURE_REAUTH_SECONDS
    ):
        raise HttpError(
            403,
            _(
                "Confirm it is you before signing: open %(url)s, type your password or a "
                "code, then approve again."
            )
            % {"url": reverse("accounts:confirm")},
        )
    # The tick box is the API's own input; the typed name is judged by the service alone.
    if not data.attest:
        _refuse(
            _invalid("attest", _("Confirm that the hours on this timesheet are true and correct."))
        )
    try:
        approved = services.approve(
            timesheet=timesheet,
            by=user,
            signature=data.signature,
            as_representative=access.acts_as_representative(user, timesheet),
            session_key=None if by_token(request) else request.session.session_key,
        )
    except services.TimesheetError as error:
        return _refused(error)
    return Status(200, _detail(user, approved))


@router.post(
    "/{timesheet_id}/return",
    operation_id="ihss_timesheets_api_return_timesheet",
    response={200: TimesheetDetail, 409: Conflict},
    summary="Return the timesheet to the provider",
    description="With the reason, which the provider sees; they can correct the timesheet "
    "and send it again. Returning it twice answers 200.",
)
def return_timesheet(
    request: HttpRequest, timesheet_id: int, data: ReturnIn
) -> Status[TimesheetDetail] | Status[Conflict]:
    user, timesheet = _reviewable(request, timesheet_id)
    try:
        returned = services.reject(timesheet=timesheet, by=user, reason=data.reason)
    except services.TimesheetError as error:
        return _refused(error)
    return Status(200, _detail(user, returned))
