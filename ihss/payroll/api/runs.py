"""Payroll runs under /api/v1/pay/runs, for state administrators (403 for anyone else).

- GET /runs: the runs, newest period first; GET /runs/{id}: one run's totals, progress and
  preview (by county, by kind of pay), and the hours it could not pay.
- POST /runs {"period_start": "2026-11-16"}: start (or open) the run of an ended period and
  queue its calculation; the same period posted twice answers the same run.
- POST /runs/{id}/calculate: calculate, or resume a stopped calculation; POST
  /runs/{id}/approve; POST /runs/{id}/issue. Each, repeated, changes nothing and answers the
  run as it is.

The same services as the pages (ihss/payroll/services). A personal access token needs
pay:read for GET and pay:write for POST. 409: a step that does not fit the run as it is
(approving a run not yet calculated); 422: a period that is not one, or has not ended.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from ihss.accounts.models import Role, User
from ihss.core.pagination import MAX_KEY
from ihss.core.scope import scope_of
from ihss.payroll import tasks
from ihss.payroll.models import PayrollRun
from ihss.payroll.services import issue, runs

router = Router()
MAX_ID = MAX_KEY


class RunOut(Schema):
    id: int
    period_start: dt.date
    period_end: dt.date
    status: str = Field(description="draft, calculating, calculated, approved, issuing or issued.")
    processed: int = Field(description="Providers calculated so far.")
    total: int = Field(description="Providers owed pay when the calculation started.")
    stub_count: int
    gross_cents: int
    deductions_cents: int
    share_of_cost_cents: int
    net_cents: int
    pay_date: dt.date | None
    payment_file_sha256: str
    held: list[dict[str, Any]] = Field(
        description="Hours not paid: a county with no wage rate in force (county_id, month "
        "as day, providers)."
    )


class CountyTotal(Schema):
    county: str
    stubs: int
    gross_cents: int
    net_cents: int


class KindTotal(Schema):
    kind: str
    part: str
    minutes: int
    cents: int


class RunDetail(RunOut):
    by_county: list[CountyTotal]
    by_kind: list[KindTotal]


class StartIn(Schema):
    # Optional here so that who may call is checked first (403 before any 422).
    period_start: dt.date | None = Field(
        None, description="The period's first day: the 1st or the 16th. Required."
    )


class RunRefusal(Schema):
    detail: str
    code: str


def _admin(request: HttpRequest) -> User:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    if Role.STATE_ADMIN not in scope_of(user).roles:
        raise HttpError(403, "Only state administrators run payroll.")
    return user


def _run(run_id: int) -> PayrollRun:
    if not 1 <= run_id <= MAX_ID:
        raise ValidationError(
            [{"type": "value_error", "loc": ["path", "run_id"], "msg": "No such run."}]
        )
    return get_object_or_404(PayrollRun, pk=run_id)


def _out(run: PayrollRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "status": run.status,
        "processed": run.processed,
        "total": run.total,
        "stub_count": run.stub_count,
        "gross_cents": run.gross_cents,
        "deductions_cents": run.deductions_cents,
        "share_of_cost_cents": run.share_of_cost_cents,
        "net_cents": run.net_cents,
        "pay_date": run.pay_date,
        "payment_file_sha256": run.payment_file_sha256,
        "held": run.held,
    }


def _detail(run: PayrollRun) -> dict[str, Any]:
    out = _out(run)
    out["by_county"], out["by_kind"] = [], []
    if run.status in (
        PayrollRun.Status.CALCULATED,
        PayrollRun.Status.APPROVED,
        PayrollRun.Status.ISSUING,
        PayrollRun.Status.ISSUED,
    ):
        preview = runs.preview(run)
        out["by_county"] = [
            {"county": r["county__name"], "stubs": r["stubs"], "gross_cents": r["gross"],
             "net_cents": r["net"]}
            for r in preview["by_county"]  # type: ignore[attr-defined]
        ]  # fmt: skip
        out["by_kind"] = [
            {"kind": r["kind"], "part": r["part"], "minutes": r["minutes"], "cents": r["cents"]}
            for r in preview["by_kind"]  # type: ignore[attr-defined]
        ]
    return out


def _refused(refused: runs.RunRefused) -> Status[RunRefusal]:
    if not refused.conflict:
        raise ValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ["body", "data", refused.field or "period_start"],
                    "msg": refused.message,
                }
            ]
        )
    return Status(409, RunRefusal(detail=refused.message, code=refused.code))


@router.get("/runs", response=list[RunOut], summary="Payroll runs, newest period first")
def run_list(request: HttpRequest) -> list[dict[str, Any]]:
    _admin(request)
    return [_out(run) for run in PayrollRun.objects.order_by("-period_start")[:50]]


@router.get("/runs/{run_id}", response=RunDetail, summary="One payroll run, with its preview")
def run_detail(request: HttpRequest, run_id: int) -> dict[str, Any]:
    _admin(request)
    return _detail(_run(run_id))


@router.post(
    "/runs",
    response={200: RunOut, 409: RunRefusal},
    summary="Start (or open) the run of an ended pay period and queue its calculation",
)
def run_start(request: HttpRequest, data: StartIn) -> Any:
    user = _admin(request)
    if data.period_start is None:
        raise ValidationError(
            [
                {
                    "type": "missing",
                    "loc": ["body", "data", "period_start"],
                    "msg": "Give the pay period's first day (YYYY-MM-DD).",
                }
            ]
        )
    try:
        run = runs.start_run(period_start=data.period_start, by=user, today=timezone.localdate())
    except runs.RunRefused as refused:
        return _refused(refused)
    if run.status == PayrollRun.Status.DRAFT:
        tasks.calculate_run.enqueue(run.pk)
        run.refresh_from_db()
    return _out(run)


@router.post(
    "/runs/{run_id}/calculate",
    response={200: RunOut, 409: RunRefusal},
    summary="Calculate a run, or resume a stopped calculation",
)
def run_calculate(request: HttpRequest, run_id: int) -> Any:
    _admin(request)
    run = _run(run_id)
    if run.status in (PayrollRun.Status.DRAFT, PayrollRun.Status.CALCULATING):
        tasks.calculate_run.enqueue(run.pk, True)
        run.refresh_from_db()
    return _out(run)


@router.post(
    "/runs/{run_id}/approve", response={200: RunOut, 409: RunRefusal}, summary="Approve a run"
)
def run_approve(request: HttpRequest, run_id: int) -> Any:
    user = _admin(request)
    try:
        return _out(runs.approve(run=_run(run_id), by=user))
    except runs.RunRefused as refused:
        return _refused(refused)


@router.post(
    "/runs/{run_id}/issue",
    response={200: RunOut, 409: RunRefusal},
    summary="Issue an approved run: payments, the NACHA file, the check register, notices",
)
def run_issue(request: HttpRequest, run_id: int) -> Any:
    user = _admin(request)
    run = _run(run_id)
    try:
        before = run.status
        run = issue.request_issue(run=run, by=user)
    except runs.RunRefused as refused:
        return _refused(refused)
    if before == PayrollRun.Status.APPROVED:
        tasks.issue_run.enqueue(run.pk)
        run.refresh_from_db()
    return _out(run)
