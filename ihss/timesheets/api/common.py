"""What every timesheet API module shares: the caller, refusals in ninja's shapes, the
summaries and the timesheet's detail, and the days as typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NoReturn, cast

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import P, QueryEx, Status
from ninja.errors import HttpError, ValidationError

from ihss.accounts.models import User
from ihss.cases.models import Provider
from ihss.cases.schemas import ProviderRef, RecipientRef
from ihss.core.pagination import API_PAGE_SIZE, ApiPage
from ihss.timesheets import access, rules, services
from ihss.timesheets.explain import explain
from ihss.timesheets.models import Location, Timesheet
from ihss.timesheets.schemas import (
    MINUTES_A_DAY,
    Action,
    Conflict,
    DayIn,
    DayOut,
    Problem,
    RecipientName,
    RemainingOut,
    TimesheetDetail,
    TimesheetSummary,
    TravelOut,
    WeekRemaining,
)

PAGE_SIZE = API_PAGE_SIZE
# Never loaded where timesheets are listed (a decryption per row, for nothing).
SECRET_COLUMNS = tuple(
    f"{person}__{column}" for person in ("provider", "recipient") for column in ("ssn", "ssn_index")
)
PROVIDER_SECRET_COLUMNS = tuple(c for c in SECRET_COLUMNS if c.startswith("provider__"))


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
                wpcs_total_minutes=w.wpcs_total,
                combined_cap_minutes=w.combined_cap,
                combined_remaining_minutes=w.combined_remaining,
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
                evv_reason=d.evv_reason,
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


def _refused(error: services.TimesheetError) -> Status[Conflict]:
    """A service's refusal at the API's edge: 422 at its field for what was sent wrong
    (raised), 409 with the rules' problems for a step that does not fit the record now."""
    if not error.conflict:
        _refuse(_invalid(error.field or "data", error.message))
    return Status(409, Conflict(detail=error.message, problems=_problems(error.refusals)))


def _refused_input(error: services.TimesheetError, *, field: str) -> NoReturn:
    """A refusal of a step that answers only 422: at the service's field, else `field`."""
    _refuse(_invalid(error.field or field, error.message))


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
    Saving also checks each day with the week page's form's own check
    (`services.day_problems`); checking takes the minutes alone, as they are typed. What
    only the API can be sent wrong (a day listed twice, minutes outside 0 to 24 hours, a
    place not on the list) is checked here first."""
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
        if typed.minutes and day > today:
            wrong("day", explain(rules.Refusal(rules.FUTURE_DAY, day, typed.minutes, 0)))
            continue
        # The day itself is checked where the week page's form checks it (services.days).
        for problem in services.day_problems(
            day=day,
            minutes=typed.minutes,
            start=typed.start,
            end=typed.end,
            location=typed.location,
        ):
            wrong(problem.field, problem.message)
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
