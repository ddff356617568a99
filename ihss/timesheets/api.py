"""The timesheet workflow under /api/v1/timesheets/: for a phone app and a telephone system.

The same rules as the pages (views.py), through the same modules: timesheets are loaded
only through `access`, changed only through `services`, and a refusal is explained with
`explain`, in the caller's language. Each step first checks the caller's role (403 for a
role the step is not for, whatever the timesheet named), then finds the timesheet among
those the caller may see (404 otherwise, exactly like one that does not exist), then
checks that the caller is the one the step is for on that timesheet (403). A provider's
work-hour violations (`/violations`) and the county's exceptions to the weekly maximum
(`/weekly-maximum-exceptions`) are loaded and changed the same way, through `access` and
`services`, as is a recipient's table of hours (`/hours`), travel claimed on a timesheet
(`/{id}/travel`) and paid sick leave (`/sick-leave`: a provider's balance and claims, the
recipient's approval).

- 403: a role or person the step is not for; a token without the scope; a session
  signature without a recent confirmation.
- 404: a timesheet (or workweek of it) the caller cannot see.
- 409 `{"detail", "problems"}`: the step does not fit the timesheet as it is now (sent
  already, hours that break a rule, not waiting for review). Nothing changed.
- 422: what was sent is wrong; ninja's shape, `{"detail": [{"loc", "msg", ...}]}`, with
  the message written for the person. Nothing changed.

A personal access token needs timesheets:read for GET and timesheets:write for POST and
PUT (ihss/api.py mounts this router with it); its owner's roles are checked at each call
as a session's are. The token is also the recipient's fresh credential for a signature:
it was made with their password. A session must have confirmed it is the person within
SIGNATURE_REAUTH_SECONDS, as on the approval page.

Lists run a fixed number of queries whatever their length: people, county and the total
minutes come in the page's own query (tests pin it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NoReturn, cast

from django.conf import settings
from django.db.models import Case, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import P, QueryEx, Router, Status
from ninja.errors import HttpError, ValidationError

from ihss.accounts.api_auth import by_token
from ihss.accounts.models import User
from ihss.cases.models import Provider
from ihss.cases.schemas import ProviderRef, RecipientRef
from ihss.core import stepup
from ihss.core.pagination import API_PAGE_SIZE, ApiPage, api_page
from ihss.timesheets import access, rules, services
from ihss.timesheets.explain import (
    FLAG_LABELS,
    explain,
    explain_outcome,
    explain_violation,
    flag_labels,
)
from ihss.timesheets.models import (
    Location,
    SickLeaveClaim,
    Timesheet,
    Violation,
    WeeklyMaximumException,
)
from ihss.timesheets.schemas import (
    MINUTES_A_DAY,
    Action,
    ApproveIn,
    Checked,
    Conflict,
    DayIn,
    DayOut,
    DaysIn,
    DecisionIn,
    DisputeDecisionIn,
    DisputeIn,
    ExceptionIn,
    ExceptionOut,
    ExceptionPage,
    Flag,
    HoursOut,
    HoursTableOut,
    OpenIn,
    Problem,
    ProviderHours,
    ProviderWeek,
    QueueItem,
    QueuePage,
    RecipientName,
    RemainingOut,
    ReturnIn,
    SickLeaveAction,
    SickLeaveBalanceOut,
    SickLeaveClaimOut,
    SickLeaveIn,
    SickLeaveOut,
    TimesheetDetail,
    TimesheetPage,
    TimesheetSummary,
    TrainingIn,
    TravelIn,
    TravelOut,
    ViolationAction,
    ViolationDetail,
    ViolationPage,
    ViolationSummary,
    WeekRemaining,
    WeekTotal,
)

PAGE_SIZE = API_PAGE_SIZE
# Never loaded where timesheets are listed (a Fernet decryption per row, for nothing).
SECRET_COLUMNS = tuple(
    f"{person}__{column}" for person in ("provider", "recipient") for column in ("ssn", "ssn_index")
)
PROVIDER_SECRET_COLUMNS = tuple(c for c in SECRET_COLUMNS if c.startswith("provider__"))

# The token (ihss/api.py) or the session authenticates; ninja's SessionAuth keeps its
# CSRF check for session POST and PUT.
router = Router(tags=["timesheets"])

Page = ApiPage
StatusFilter = QueryEx[Timesheet.Status | None, P(description="Only timesheets in this status.")]
PeriodFilter = QueryEx[
    dt.date | None, P(description="Only the pay period starting on this day (the 1st or 16th).")
]
# Bounded like every string the API takes; longer than "YYYY-MM" so that a near miss
# ("2026-11-01") still gets the sentence that shows the shape.
MonthQuery = QueryEx[
    str | None, P(max_length=20, description='The month, "YYYY-MM"; this month when left out.')
]

NO_TIMESHEETS = gettext_lazy(
    "Timesheets are for providers, recipients, county staff, the service desk and state "
    "administrators."
)
PROVIDERS_ONLY = gettext_lazy("Only the timesheet's provider can do this.")
RECIPIENTS_ONLY = gettext_lazy(
    "Only the timesheet's recipient, or their authorized representative, can do this."
)
QUEUE_ONLY = gettext_lazy(
    "Only county staff, the service desk and state administrators see the county review queue."
)
DECIDERS_ONLY = gettext_lazy(
    "Only the county staff of the recipient's county, or a state administrator, can decide "
    "the county review."
)
NO_VIOLATIONS = gettext_lazy(
    "Work-hour violations are for providers, county staff, the service desk and state "
    "administrators."
)
EXCEPTION_GRANTERS_ONLY = gettext_lazy(
    "Only county staff and state administrators see and grant exceptions to the weekly maximum."
)
HOURS_FOR_RECIPIENTS = gettext_lazy(
    "Only recipients, and their authorized representatives, see their authorized and used "
    "hours here."
)
SICK_LEAVE_HOLDERS_ONLY = gettext_lazy(
    "Paid sick leave is listed here for providers, and for recipients and their authorized "
    "representatives."
)
SICK_LEAVE_CLAIMANTS_ONLY = gettext_lazy("Only providers claim paid sick leave.")
SICK_LEAVE_DECIDERS_ONLY = gettext_lazy(
    "Only the recipient whose care was missed, or their authorized representative, can "
    "approve or return a sick leave claim."
)
VIOLATION_DECIDERS_ONLY = gettext_lazy(
    "Only the county staff of the provider's county, or a state administrator, can record "
    "a dispute, its outcome or the training."
)


# --- Helpers --------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _require(allowed: bool, message: Any) -> None:
    if not allowed:
        raise HttpError(403, str(message))


def _invalid(field: str, message: str, *, at: Iterable[Any] = ()) -> dict[str, Any]:
    """One 422 error in ninja's shape, at `data.<at...>.<field>` of the body."""
    return {"type": "value_error", "loc": ["body", "data", *at, field], "msg": message}


def _refuse(*errors: dict[str, Any]) -> NoReturn:
    raise ValidationError(list(errors))


def _day_name(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


def _listed(queryset: QuerySet[Timesheet]) -> QuerySet[Timesheet]:
    """People and county in the same query, SSNs left unread, the total summed there."""
    return (
        queryset.select_related("provider", "recipient__county")
        .defer(*SECRET_COLUMNS)
        .annotate(total=Coalesce(Sum("days__minutes"), 0))
    )


def _summary_fields(t: Timesheet, total: int) -> dict[str, Any]:
    return {
        "id": t.pk,
        "provider": ProviderRef(
            provider_number=t.provider.provider_number, full_name=t.provider.full_name
        ),
        "recipient": RecipientRef(
            case_number=t.recipient.case_number,
            full_name=t.recipient.full_name,
            county_code=t.recipient.county.code,
        ),
        "program": t.program,
        "period_start": t.period_start,
        "period_end": t.period_end,
        "status": t.status,
        "status_label": str(t.get_status_display()),
        "total_minutes": total,
        "county_review": t.county_review,
        "county_review_label": str(t.get_county_review_display()),
        "rejection_reason": t.rejection_reason,
    }


def _summary(t: Timesheet) -> TimesheetSummary:
    return TimesheetSummary(**_summary_fields(t, t.total))  # type: ignore[attr-defined]


def _problems(refusals: Iterable[rules.Refusal]) -> list[Problem]:
    return [
        Problem(
            rule=r.rule,
            when=r.when,
            total_minutes=r.total,
            limit_minutes=r.limit,
            message=explain(r),
        )
        for r in dict.fromkeys(refusals)  # the same refusal once, in order
    ]


def _remaining(summary: services.Remaining) -> RemainingOut:
    return RemainingOut(
        month=summary.month,
        authorized_minutes=summary.authorized,
        used_minutes=summary.used,
        remaining_minutes=summary.remaining,
        assigned_minutes=summary.assigned,
        assigned_used_minutes=summary.assigned_used,
        assigned_remaining_minutes=summary.assigned_remaining,
        timesheet_minutes=summary.timesheet_total,
        weeks=[
            WeekRemaining(
                week_start=w.week.start,
                week_end=w.week.end,
                weekly_maximum_minutes=w.weekly_maximum,
                recipient_total_minutes=w.recipient_total,
                recipient_remaining_minutes=w.recipient_remaining,
                provider_total_minutes=w.provider_total,
                provider_cap_minutes=w.provider_cap,
                provider_remaining_minutes=w.provider_remaining,
            )
            for w in summary.weeks
        ],
    )


def _month(value: str) -> dt.date | None:
    """The first day of the month written "YYYY-MM"; None when it is not one."""
    if len(value) != 7 or value[4] != "-" or not (value[:4] + value[5:]).isdigit():
        return None
    try:
        return dt.date(int(value[:4]), int(value[5:]), 1)
    except ValueError:
        return None


def _provider_ref(p: Provider) -> ProviderRef:
    return ProviderRef(provider_number=p.provider_number, full_name=p.full_name)


def _time(value: dt.time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def _detail(user: User, t: Timesheet) -> TimesheetDetail:
    """The timesheet as the caller sees it: the hours left and the rules broken only for
    its provider (they count the provider's work for other recipients)."""
    days = list(t.days.order_by("day"))
    is_provider = access.is_provider_of(user, t)
    remaining = None
    problems: list[Problem] = []
    if is_provider:
        refusals, summary = services.check(t)
        remaining = _remaining(summary)
        if t.editable:
            problems = _problems(refusals)
    actions: list[Action] = []
    if is_provider and t.editable:
        actions.append("save")
        if days:
            actions.append("submit")
    if t.status == Timesheet.Status.SUBMITTED and access.is_recipient_of(user, t):
        actions += ["approve", "return"]
    if (
        t.status == Timesheet.Status.APPROVED
        and t.county_review in (Timesheet.Review.WAITING, Timesheet.Review.HELD)
        and access.can_decide_reviews(user)
        and access.can_decide_county_review(user, t)
    ):
        actions.append("county_review")
    travel = list(t.travel.select_related("from_recipient").defer("from_recipient__ssn"))
    return TimesheetDetail(
        **_summary_fields(t, sum(d.minutes for d in days)),
        submitted_at=t.submitted_at,
        decided_at=t.decided_at,
        signature=t.signature,
        signed_as_representative=t.signed_as_representative,
        days=[
            DayOut(
                day=d.day,
                minutes=d.minutes,
                start=_time(d.start),
                end=_time(d.end),
                location=d.location,
            )
            for d in days
        ],
        travel=[
            TravelOut(
                id=e.pk,
                day=e.day,
                from_recipient=RecipientName(
                    case_number=e.from_recipient.case_number, name=e.from_recipient.full_name
                )
                if access.names_travel_origin(user, e.from_recipient, is_provider=is_provider)
                else None,
                minutes=e.minutes,
            )
            for e in travel
        ],
        travel_minutes=sum(e.minutes for e in travel),
        remaining=remaining,
        problems=problems,
        actions=actions,
    )


def _conflict(error: services.TimesheetError) -> Status[Conflict]:
    return Status(409, Conflict(detail=error.message, problems=_problems(error.refusals)))


def _own(request: HttpRequest, timesheet_id: int) -> tuple[User, Timesheet]:
    """The caller's own timesheet, as its provider."""
    user = _user(request)
    _require(access.is_provider(user), PROVIDERS_ONLY)
    timesheet = access.timesheet_for(user, timesheet_id)
    _require(access.is_provider_of(user, timesheet), PROVIDERS_ONLY)
    return user, timesheet


def _reviewable(request: HttpRequest, timesheet_id: int) -> tuple[User, Timesheet]:
    """A timesheet sent to the caller, as its recipient or their representative."""
    user = _user(request)
    _require(access.is_recipient(user), RECIPIENTS_ONLY)
    timesheet = access.timesheet_for(user, timesheet_id)
    _require(access.is_recipient_of(user, timesheet), RECIPIENTS_ONLY)
    return user, timesheet


def _not_editable() -> Status[Conflict]:
    return Status(
        409,
        Conflict(detail=_("This timesheet was sent and can no longer be changed."), problems=[]),
    )


def _typed_days(
    timesheet: Timesheet, days: list[DayIn], *, week: rules.Workweek | None = None
) -> dict[dt.date, DayIn]:
    """The days sent, by date, or 422 naming each wrong one (nothing is saved then).

    Every day must be in the timesheet's pay period (and in `week`, when given: saving).
    Saving also checks each day as the week page's form does; checking takes the
    minutes alone, as they are typed."""
    saving = week is not None
    today = timezone.localdate()
    errors: list[dict[str, Any]] = []
    found: dict[dt.date, DayIn] = {}
    for i, typed in enumerate(days):
        day = typed.day

        def wrong(field: str, message: str, i: int = i, day: dt.date = day) -> None:
            errors.append({**_invalid(field, message, at=("days", i)), "day": day.isoformat()})

        numbers = {"day": _day_name(day)}
        if day in found:
            wrong("day", _("%(day)s is listed more than once.") % numbers)
            continue
        found[day] = typed
        if week is not None and day not in week:
            wrong(
                "day",
                _("%(day)s is not in the workweek starting %(week)s.")
                % {**numbers, "week": _day_name(week.start)},
            )
            continue
        if not timesheet.period_start <= day <= timesheet.period_end:
            wrong(
                "day",
                _("%(day)s is in another pay period: enter it on that period's timesheet.")
                % numbers,
            )
            continue
        if typed.minutes < 0:
            wrong("minutes", _("The minutes worked cannot be less than 0."))
            continue
        if typed.minutes > MINUTES_A_DAY:
            wrong("minutes", _("A day has only 24 hours."))
            continue
        if not saving:
            continue
        if typed.location and typed.location not in Location.values:
            wrong("location", _("Choose where you worked."))
        if typed.minutes == 0:
            if typed.start is not None or typed.end is not None:
                wrong("start", _("Enter the hours worked, or clear the start and end times."))
            continue
        if day > today:
            wrong("day", explain(rules.Refusal(rules.FUTURE_DAY, day, typed.minutes, 0)))
            continue
        if typed.start is None:
            wrong("start", _("Enter the time you started."))
        if typed.end is None:
            wrong("end", _("Enter the time you finished."))
        if not typed.location:
            wrong("location", _("Choose where you worked."))
        if (
            typed.start is not None
            and typed.end is not None
            and typed.minutes > rules.span_minutes(typed.start, typed.end)
        ):
            wrong("end", _("You worked more hours than there are between the start and end times."))
    if errors:
        _refuse(*errors)
    return found


def _workweek(timesheet: Timesheet, week_start: dt.date) -> rules.Workweek:
    week = rules.workweek_containing(week_start)
    if (
        week.start != week_start
        or week.end < timesheet.period_start
        or week.start > timesheet.period_end
    ):
        raise HttpError(
            404,
            _(
                "No workweek of this timesheet starts on %(day)s: a workweek starts on a "
                "Sunday and shares days with the pay period."
            )
            % {"day": _day_name(week_start)},
        )
    return week


# --- Reading --------------------------------------------------------------------------------


@router.get(
    "/",
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
    "/county-review",
    response=QueuePage,
    summary="Approved timesheets waiting for the county before payroll",
    description="County staff see their county's; the service desk and state administrators "
    "every county's. Waiting before held, oldest pay period first.",
)
def county_review_queue(request: HttpRequest, page: Page = 1) -> QueuePage:
    user = _user(request)
    _require(access.can_read_review_queue(user), QUEUE_ONLY)
    queryset = _listed(access.review_queue(user)).order_by("county_review", "period_start", "pk")
    rows, has_next = api_page(queryset, page)
    # The first-half share in force is read (once) only when a row is flagged for it.
    labels = (
        flag_labels(timezone.localdate())
        if any(rules.OVER_FIRST_HALF_SHARE in t.review_flags for t in rows)
        else {code: str(label) for code, label in FLAG_LABELS.items()}
    )
    return QueuePage(
        page=page,
        page_size=PAGE_SIZE,
        has_next=has_next,
        results=[
            QueueItem(
                **_summary_fields(t, t.total),  # type: ignore[attr-defined]
                review_flags=[
                    Flag(code=code, label=labels.get(code, code)) for code in t.review_flags
                ],
                review_note=t.review_note,
            )
            for t in rows
        ],
    )


# --- Violations (ACL 16-36) -----------------------------------------------------------------
# Before /{timesheet_id}, whose address would take any word.


def _violation_fields(v: Violation) -> dict[str, Any]:
    return {
        "id": v.pk,
        "provider": ProviderRef(
            provider_number=v.provider.provider_number, full_name=v.provider.full_name
        ),
        "week_start": v.week_start,
        "week_end": rules.workweek_containing(v.week_start).end,
        "codes": list(v.codes),
        "noticed_on": v.noticed_on,
        "counted": v.counted,
        "number": v.number,
        "consequence": v.consequence,
        "outcome": explain_outcome(services.outcome_of(v)),
        "dispute": v.dispute,
        "dispute_label": str(v.get_dispute_display()),
        "rescinded": v.rescinded,
    }


def _violation_actions(user: User, v: Violation) -> list[ViolationAction]:
    """What the caller may record on it now, as the violation page offers it."""
    if not (access.can_decide_violations(user) and access.can_decide_violation(user, v)):
        return []
    actions: list[ViolationAction] = []
    if not v.dispute and v.dispute_by is not None:
        actions.append("dispute")
    if v.dispute == Violation.Dispute.FILED:
        actions.append("dispute_decision")
    if v.consequence == rules.CONSEQUENCE_NOTICE_WITH_TRAINING and v.stands:
        actions.append("training")
    return actions


def _violation_detail(user: User, v: Violation) -> ViolationDetail:
    return ViolationDetail(
        **_violation_fields(v),
        rules=[
            explain_violation(code, limit=v.limits.get(code), on=v.week_start) for code in v.codes
        ],
        dispute_by=v.dispute_by,
        dispute_filed_on=v.dispute_filed_on,
        dispute_note=v.dispute_note,
        training_due=v.training_due,
        training_completed_on=v.training_completed_on,
        suspended_from=v.suspended_from,
        suspended_until=v.suspended_until,
        ineligible_from=v.ineligible_from,
        ineligible_until=v.ineligible_until,
        actions=_violation_actions(user, v),
    )


def _decidable(request: HttpRequest, violation_id: int) -> tuple[User, Violation]:
    """A violation the caller records steps on: county staff of its provider's county, or
    a state administrator."""
    user = _user(request)
    _require(access.can_decide_violations(user), VIOLATION_DECIDERS_ONLY)
    violation = access.violation_for(user, violation_id)
    _require(access.can_decide_violation(user, violation), VIOLATION_DECIDERS_ONLY)
    return user, violation


def _violation_refused(
    user: User, violation_id: int, error: services.TimesheetError, *, step: str, field: str
) -> Status[Conflict]:
    """A step the violation offers but refused for the date sent: 422 at `field`; a step
    it does not offer now (already disputed, no training to take): 409. Judged on the
    violation as it is after the refusal."""
    now = access.violation_for(user, violation_id)
    if step in _violation_actions(user, now):
        _refuse(_invalid(field, error.message))
    return _conflict(error)


@router.get(
    "/violations",
    response=ViolationPage,
    summary="Work-hour violations the caller can see",
    description="A provider's own, those of the county's providers for county staff, every "
    "one for the service desk and state administrators. Latest workweek first. A provider "
    "also gets `barred_until`: the last day of a suspension or ineligibility in force today.",
)
def violations(request: HttpRequest, page: Page = 1) -> ViolationPage:
    user = _user(request)
    _require(access.can_read_violations(user), NO_VIOLATIONS)
    queryset = (
        access.visible_violations(user)
        .select_related("provider")
        .defer(*PROVIDER_SECRET_COLUMNS)
        .order_by("-week_start", "pk")
    )
    rows, has_next = api_page(queryset, page)
    today = timezone.localdate()
    barred = [
        until
        for provider_id in access.provider_ids(user)
        if (until := services.barred_until(provider_id, today)) is not None
    ]
    return ViolationPage(
        page=page,
        page_size=PAGE_SIZE,
        has_next=has_next,
        results=[ViolationSummary(**_violation_fields(v)) for v in rows],
        barred_until=max(barred, default=None),
    )


@router.get(
    "/violations/{violation_id}",
    response=ViolationDetail,
    summary="One work-hour violation",
    description="The rules broken in plain words, what the violation brings with its dates, "
    "the dispute and the training. `actions` lists what the caller may record on it now.",
)
def violation(request: HttpRequest, violation_id: int) -> ViolationDetail:
    user = _user(request)
    _require(access.can_read_violations(user), NO_VIOLATIONS)
    return _violation_detail(user, access.violation_for(user, violation_id))


@router.post(
    "/violations/{violation_id}/dispute",
    response={200: ViolationDetail, 409: Conflict},
    summary="Record the provider's dispute (SOC 2272)",
    description="The day the dispute reached the county, within the dispute days of the "
    "notice (422 otherwise). A violation already disputed, or only tracked, answers 409.",
)
def file_violation_dispute(
    request: HttpRequest, violation_id: int, data: DisputeIn
) -> Status[ViolationDetail] | Status[Conflict]:
    user, found = _decidable(request, violation_id)
    try:
        services.file_dispute(violation=found, filed_on=data.filed_on, by=user)
    except services.TimesheetError as error:
        return _violation_refused(user, violation_id, error, step="dispute", field="filed_on")
    return Status(200, _violation_detail(user, access.violation_for(user, violation_id)))


@router.post(
    "/violations/{violation_id}/dispute-decision",
    response={200: ViolationDetail, 409: Conflict},
    summary="Record the county's decision on the dispute",
    description="`upheld` true cancels the violation, with its suspension or ineligibility; "
    "false (denied) leaves it standing. The reason is kept in the history. No dispute "
    "waiting answers 409.",
)
def decide_violation_dispute(
    request: HttpRequest, violation_id: int, data: DisputeDecisionIn
) -> Status[ViolationDetail] | Status[Conflict]:
    user, found = _decidable(request, violation_id)
    if not data.reason.strip():
        _refuse(
            _invalid("reason", _("Give the reason for the decision; it is kept in the history."))
        )
    try:
        services.decide_dispute(violation=found, upheld=data.upheld, reason=data.reason, by=user)
    except services.TimesheetError as error:
        return _conflict(error)
    return Status(200, _violation_detail(user, access.violation_for(user, violation_id)))


@router.post(
    "/violations/{violation_id}/training",
    response={200: ViolationDetail, 409: Conflict},
    summary="Record the one-time training, which removes a second violation",
    description="Finished by `training_due` (422 otherwise). Only a standing second "
    "violation offered the training can be removed, once in a career (409 otherwise).",
)
def record_violation_training(
    request: HttpRequest, violation_id: int, data: TrainingIn
) -> Status[ViolationDetail] | Status[Conflict]:
    user, found = _decidable(request, violation_id)
    try:
        services.record_training(violation=found, completed_on=data.completed_on, by=user)
    except services.TimesheetError as error:
        return _violation_refused(user, violation_id, error, step="training", field="completed_on")
    return Status(200, _violation_detail(user, access.violation_for(user, violation_id)))


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
        _refuse(_invalid("provider_number" if provider else "reason", error.message))
    return Status(201, _exception(granted))


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


def _claim_refused(error: services.SickLeaveError) -> Status[Conflict]:
    return Status(409, Conflict(detail=error.message, problems=[]))


@router.get(
    "/sick-leave",
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
            _refuse(_invalid("day", error.message))
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
        return _claim_refused(error)
    return Status(200, _claim(user, access.sick_leave_claim_for(user, claim.pk)))


@router.post(
    "/sick-leave/{claim_id}/return",
    response={200: SickLeaveClaimOut, 409: Conflict},
    summary="Return a sick leave claim, not approved",
    description="With the reason, which the provider sees; the hours go back to their "
    "balance. Returning again answers 200; a claim approved already answers 409.",
)
def return_sick_leave(
    request: HttpRequest, claim_id: int, data: ReturnIn
) -> Status[SickLeaveClaimOut] | Status[Conflict]:
    user, claim = _claim_decidable(request, claim_id)
    if not data.reason.strip():
        _refuse(_invalid("reason", _("Say why you do not approve it, so the provider knows.")))
    try:
        services.reject_sick_leave(claim=claim, by=user, reason=data.reason)
    except services.SickLeaveError as error:
        return _claim_refused(error)
    return Status(200, _claim(user, access.sick_leave_claim_for(user, claim.pk)))


@router.get(
    "/{timesheet_id}",
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
        _refuse(_invalid("day", error.message))
    return Status(201, _detail(user, timesheet))


@router.put(
    "/{timesheet_id}/weeks/{week_start}",
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
                day: services.DayInput(d.minutes, d.start, d.end, d.location)
                if d.minutes
                else services.DayInput(0)
                for day, d in typed.items()
            },
            by=user,
        )
    except services.TimesheetError as error:
        return _conflict(error)
    return Status(200, _detail(user, timesheet))


@router.post(
    "/{timesheet_id}/check",
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


# --- Travel ---------------------------------------------------------------------------------


@router.post(
    "/{timesheet_id}/travel",
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
        return _conflict(error)
    return Status(200, _detail(user, access.timesheet_for(user, timesheet.pk)))


@router.delete(
    "/{timesheet_id}/travel/{entry_id}",
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
        return _conflict(error)
    return Status(200, _detail(user, access.timesheet_for(user, timesheet.pk)))


@router.post(
    "/{timesheet_id}/submit",
    response={200: TimesheetDetail, 409: Conflict},
    summary="Send the timesheet to the recipient",
    description="Checks every hour rule again first. Sending one already sent changes "
    "nothing and answers 200. Refused: 409 with `detail` and the rules broken.",
)
def submit_timesheet(
    request: HttpRequest, timesheet_id: int
) -> Status[TimesheetDetail] | Status[Conflict]:
    user, timesheet = _own(request, timesheet_id)
    try:
        sent = services.submit(timesheet=timesheet, by=user)
    except services.TimesheetError as error:
        return _conflict(error)
    return Status(200, _detail(user, sent))


# --- The recipient --------------------------------------------------------------------------


@router.post(
    "/{timesheet_id}/approve",
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
    errors = []
    if not data.attest:
        errors.append(
            _invalid("attest", _("Confirm that the hours on this timesheet are true and correct."))
        )
    if not data.signature.split():
        errors.append(_invalid("signature", _("Type your full name to sign.")))
    if errors:
        _refuse(*errors)
    try:
        approved = services.approve(
            timesheet=timesheet,
            by=user,
            signature=data.signature,
            as_representative=access.acts_as_representative(user, timesheet),
        )
    except services.TimesheetError as error:
        return _conflict(error)
    return Status(200, _detail(user, approved))


@router.post(
    "/{timesheet_id}/return",
    response={200: TimesheetDetail, 409: Conflict},
    summary="Return the timesheet to the provider",
    description="With the reason, which the provider sees; they can correct the timesheet "
    "and send it again. Returning it twice answers 200.",
)
def return_timesheet(
    request: HttpRequest, timesheet_id: int, data: ReturnIn
) -> Status[TimesheetDetail] | Status[Conflict]:
    user, timesheet = _reviewable(request, timesheet_id)
    if not data.reason.strip():
        _refuse(_invalid("reason", _("Say what is wrong, so the provider can correct it.")))
    try:
        returned = services.reject(timesheet=timesheet, by=user, reason=data.reason)
    except services.TimesheetError as error:
        return _conflict(error)
    return Status(200, _detail(user, returned))


# --- The county -----------------------------------------------------------------------------


@router.post(
    "/{timesheet_id}/county-review",
    response={200: TimesheetDetail, 409: Conflict},
    summary="Decide the county review of an approved timesheet",
    description="release (for payment), hold, or void (its hours stop counting), with the "
    "reason, kept in its history. County staff decide their county's; state administrators "
    "any. Deciding what is already decided answers 200.",
)
def decide_county_review(
    request: HttpRequest, timesheet_id: int, data: DecisionIn
) -> Status[TimesheetDetail] | Status[Conflict]:
    user = _user(request)
    _require(access.can_decide_reviews(user), DECIDERS_ONLY)
    timesheet = access.timesheet_for(user, timesheet_id)
    _require(access.can_decide_county_review(user, timesheet), DECIDERS_ONLY)
    if not data.reason.strip():
        _refuse(
            _invalid("reason", _("Give the reason for the decision; it is kept in the history."))
        )
    try:
        decided = services.decide_review(
            timesheet=timesheet, by=user, decision=data.decision, reason=data.reason
        )
    except services.TimesheetError as error:
        return _conflict(error)
    return Status(200, _detail(user, access.timesheet_for(user, decided.pk)))
