"""The county's review of approved timesheets before payroll: the queue and the decision."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from ihss.core.pagination import api_page
from ihss.timesheets import access, rules, services
from ihss.timesheets.api.common import (
    DECIDERS_ONLY,
    PAGE_SIZE,
    QUEUE_ONLY,
    Page,
    _detail,
    _listed,
    _refused,
    _require,
    _summary_fields,
    _user,
)
from ihss.timesheets.explain import FLAG_LABELS, flag_labels
from ihss.timesheets.schemas import (
    Conflict,
    DecisionIn,
    Flag,
    QueueItem,
    QueuePage,
    TimesheetDetail,
)

router = Router()


@router.get(
    "/county-review",
    operation_id="ihss_timesheets_api_county_review_queue",
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


# --- The county -----------------------------------------------------------------------------


@router.post(
    "/{timesheet_id}/county-review",
    operation_id="ihss_timesheets_api_decide_county_review",
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
    try:
        decided = services.decide_review(
            timesheet=timesheet, by=user, decision=data.decision, reason=data.reason
        )
    except services.TimesheetError as error:
        return _refused(error)
    return Status(200, _detail(user, access.timesheet_for(user, decided.pk)))
