"""A provider's work-hour violations (ACL 16-36): read, disputed, decided, trained off."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from ihss.accounts.models import User
from ihss.cases.schemas import ProviderRef
from ihss.core.pagination import api_page
from ihss.timesheets import access, rules, services
from ihss.timesheets.api.common import (
    NO_VIOLATIONS,
    PAGE_SIZE,
    PROVIDER_SECRET_COLUMNS,
    VIOLATION_DECIDERS_ONLY,
    Page,
    _invalid,
    _refuse,
    _refused,
    _require,
    _user,
)
from ihss.timesheets.explain import explain_outcome, explain_violation
from ihss.timesheets.models import Violation
from ihss.timesheets.schemas import (
    Conflict,
    DisputeDecisionIn,
    DisputeIn,
    TrainingIn,
    ViolationAction,
    ViolationDetail,
    ViolationPage,
    ViolationSummary,
)

router = Router()


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
    return _refused(error)


@router.get(
    "/violations",
    operation_id="ihss_timesheets_api_violations",
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
    operation_id="ihss_timesheets_api_violation",
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
    operation_id="ihss_timesheets_api_file_violation_dispute",
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
    operation_id="ihss_timesheets_api_decide_violation_dispute",
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
        return _refused(error)
    return Status(200, _violation_detail(user, access.violation_for(user, violation_id)))


@router.post(
    "/violations/{violation_id}/training",
    operation_id="ihss_timesheets_api_record_violation_training",
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
