"""A provider's pay under /api/v1/pay/: paystubs, one stub with every line explained, the
timeline of a timesheet or claim, and the yearly wage statement.

The same records and words as the pages (pay_views): stubs are loaded only through
`access` (a provider reads their own issued stubs; county staff their county's providers';
the service desk and state administrators any), and what a stub says comes from
`explain.describe_stub`, in the caller's language. A personal access token needs pay:read.
Bank accounts appear as their last four digits only.

- 404: a stub, document or provider the caller cannot see (exactly like one that does
  not exist).
- 422: a malformed parameter (a page outside 1..1,000,000, a year outside 2000..2100).
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import P, PathEx, QueryEx, Router, Schema
from pydantic import Field

from ihss.accounts.models import User
from ihss.core import payables
from ihss.core.pagination import API_PAGE_SIZE, MAX_KEY, ApiPage, api_page
from ihss.core.schemas import Page
from ihss.payroll import access, explain, pay_views
from ihss.payroll.models import Paystub

router = Router()
MAX_ID = MAX_KEY


# --- Schemas --------------------------------------------------------------------------------


class StubSummary(Schema):
    id: int
    provider_number: str
    period_start: dt.date
    period_end: dt.date
    pay_date: dt.date | None = Field(
        description="When the money is in the bank; null until issued."
    )
    issued: bool = Field(description="False for a run calculated but not issued (staff only).")
    status: str = Field(description="The run's status: calculated, approved, issuing, issued.")
    gross_cents: int
    deductions_cents: int
    net_cents: int
    share_of_cost_cents: int = Field(description="Paid to the provider directly by recipients.")
    state_pays_cents: int
    method: str = Field(description='"deposit", "check", "mixed", or "" before issue.')


class StubPage(Page):
    results: list[StubSummary] = Field(description="Newest pay period first.")


class LineOut(Schema):
    kind: str = Field(description="hours, travel, sick_leave, training, incentive...")
    part: str = Field(description="regular, overtime, overtime_adjustment or amount.")
    week_start: dt.date = Field(description="The Sunday of the line's workweek.")
    first_day: dt.date
    last_day: dt.date
    minutes: int
    rate_cents: int
    multiplier_bp: int = Field(description="10000 = 1x; 15000 = 1.5x; 5000 = the premium alone.")
    cents: int
    week_minutes: int = Field(description="The provider's counted minutes in the whole week.")
    week_recipients: int
    threshold_minutes: int = Field(description="The weekly overtime threshold.")
    explanation: str = Field(description="The line in words, with its numbers.")


class DocumentOut(Schema):
    source: str = Field(description='Where it comes from: "timesheet", "sick_leave_claim"...')
    document_id: int
    label: str
    recipient: str
    program: str
    days: str = Field(description="The days its lines cover, in words.")
    minutes: int
    regular_cents: int
    overtime_cents: int
    cents: int
    timeline: str = Field(description="The API path of its timeline.")
    lines: list[LineOut]


class DeductionOut(Schema):
    code: str
    label: str
    note: str
    recipient: str
    base_cents: int
    rate_bp: int | None
    amount_cents: int
    explanation: str


class PaymentOut(Schema):
    method: str
    amount_cents: int
    account_last4: str = Field(description="The last four digits of the account; never more.")
    check_number: str
    explanation: str


class YearToDateOut(Schema):
    year: int
    gross_cents: int
    deductions_cents: int
    net_cents: int
    deductions: dict[str, int] = Field(description="Each deduction code's total.")


class StubSickLeave(Schema):
    earned_minutes: int | None
    used_minutes: int | None
    available_minutes: int | None


class StubDetail(StubSummary):
    documents: list[DocumentOut]
    deductions: list[DeductionOut]
    payments: list[PaymentOut]
    year_to_date: YearToDateOut
    sick_leave: StubSickLeave | None = Field(description="null when not available.")


class StepOut(Schema):
    label: str
    at: str | None = Field(description="ISO date or date-time; null for a step still to come.")
    stub_id: int | None = Field(description="The paystub of a payroll step.")


class TimelineOut(Schema):
    source: str
    document_id: int
    title: str
    steps: list[StepOut]


class AmountOut(Schema):
    code: str
    label: str
    cents: int


class StatementOut(Schema):
    year: int
    provider_number: str
    stubs: int
    gross_cents: int
    deductions_cents: int
    net_cents: int
    share_of_cost_cents: int
    state_pays_cents: int
    wages_subject_to: list[AmountOut] = Field(description="Wages taxed, per tax (base).")
    withheld: list[AmountOut]


# --- Helpers --------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _summary(stub: Paystub) -> StubSummary:
    run = stub.run
    return StubSummary(
        id=stub.pk,
        provider_number=stub.provider.provider_number,
        period_start=run.period_start,
        period_end=run.period_end,
        pay_date=run.pay_date,
        issued=run.status == run.Status.ISSUED,
        status=run.status,
        gross_cents=stub.gross_cents,
        deductions_cents=stub.deductions_cents,
        net_cents=stub.net_cents,
        share_of_cost_cents=stub.share_of_cost_cents,
        state_pays_cents=stub.state_pays_cents,
        method=stub.method,
    )


ProviderQuery = QueryEx[
    str | None,
    P(
        max_length=20,
        description="Staff: the provider number whose stubs to list. Providers: left out.",
    ),
]
Year = PathEx[int, P(ge=2000, le=2100, description="The calendar year of the pay dates.")]
RecordId = PathEx[int, P(ge=1, le=MAX_ID)]


# --- Endpoints ------------------------------------------------------------------------------


@router.get(
    "/stubs",
    operation_id="ihss_payroll_api_stubs",
    response=StubPage,
    summary="Payment history: paystubs, newest first",
    description="A provider's own issued paystubs; staff give `provider` (their county's "
    "providers, or any for the service desk and the state) and also see stubs of runs "
    "calculated but not yet issued (`issued` false).",
)
def stubs(request: HttpRequest, page: ApiPage = 1, provider: ProviderQuery = None) -> StubPage:
    user = _user(request)
    who = access.provider_for(user, provider) if provider else access.own_provider(user)
    rows, has_next = api_page(
        access.provider_stubs(user, who)
        .select_related("provider")
        .defer("provider__ssn", "provider__ssn_index"),
        page,
    )
    return StubPage(
        page=page,
        page_size=API_PAGE_SIZE,
        has_next=has_next,
        results=[_summary(s) for s in rows],
    )


@router.get(
    "/stubs/{stub_id}",
    operation_id="ihss_payroll_api_stub",
    response=StubDetail,
    summary="One paystub, every line explained",
)
def stub(request: HttpRequest, stub_id: RecordId) -> StubDetail:
    found = access.stub_for(_user(request), stub_id)
    view = explain.describe_stub(found)
    ytd = view.year_to_date
    return StubDetail(
        **_summary(found).model_dump(),
        documents=[
            DocumentOut(
                source=g.source,
                document_id=g.document_id,
                label=g.label,
                recipient=g.recipient,
                program=g.program,
                days=g.days,
                minutes=g.minutes,
                regular_cents=g.regular_cents,
                overtime_cents=g.overtime_cents,
                cents=g.cents,
                timeline=f"/api/v1/pay/timeline/{g.source}/{g.document_id}",
                lines=[
                    LineOut(
                        kind=i.line.kind,
                        part=i.line.part,
                        week_start=i.line.week_start,
                        first_day=i.line.first_day,
                        last_day=i.line.last_day,
                        minutes=i.line.minutes,
                        rate_cents=i.line.rate_cents,
                        multiplier_bp=i.line.multiplier_bp,
                        cents=i.line.cents,
                        week_minutes=i.line.week_minutes,
                        week_recipients=i.line.week_recipients,
                        threshold_minutes=i.line.threshold_minutes,
                        explanation=i.text,
                    )
                    for i in g.lines
                ],
            )
            for g in view.groups
        ],
        deductions=[
            DeductionOut(
                code=d.deduction.code,
                label=d.label,
                note=d.deduction.note,
                recipient=d.recipient,
                base_cents=d.deduction.base_cents,
                rate_bp=d.deduction.rate_bp,
                amount_cents=d.deduction.amount_cents,
                explanation=d.text,
            )
            for d in view.deductions
        ],
        payments=[
            PaymentOut(
                method=p.payment.method,
                amount_cents=p.payment.amount_cents,
                account_last4=p.payment.account_last4[-4:],
                check_number=p.payment.check_number,
                explanation=p.text,
            )
            for p in view.payments
        ],
        year_to_date=YearToDateOut(
            year=ytd["year"],
            gross_cents=ytd["gross_cents"],
            deductions_cents=ytd["deductions_cents"],
            net_cents=ytd["net_cents"],
            deductions={code: cents for code, _label, cents in ytd["deductions"]},
        ),
        sick_leave=StubSickLeave(**view.sick_leave) if view.sick_leave else None,
    )


@router.get(
    "/timeline/{source}/{document_id}",
    operation_id="ihss_payroll_api_timeline",
    response=TimelineOut,
    summary="A timesheet's or claim's steps, from sending to deposit",
)
def timeline(
    request: HttpRequest,
    source: PathEx[str, P(max_length=40)],
    document_id: RecordId,
) -> TimelineOut:
    user = _user(request)
    known = payables.source(source)
    if known is None or known.timeline is None:
        raise Http404
    document = known.timeline(document_id)
    if document is None or not access.reads_pay_of(user, document.provider_id):
        raise Http404
    issued_only = not (access.reads_as_staff(user))
    steps = [
        StepOut(label=str(label), at=_iso(when), stub_id=None) for label, when in document.steps
    ]
    for label, when, stub_id in pay_views.payroll_steps(
        source,
        document_id,
        provider_id=document.provider_id,
        issued_only=issued_only,
        today=timezone.localdate(),
    ):
        steps.append(StepOut(label=str(label), at=_iso(when), stub_id=stub_id))
    return TimelineOut(source=source, document_id=document_id, title=document.title, steps=steps)


def _iso(when: dt.datetime | dt.date | None) -> str | None:
    return when.isoformat() if when is not None else None


@router.get(
    "/statements/{year}",
    operation_id="ihss_payroll_api_statement",
    response=StatementOut,
    summary="Yearly wage statement (W-2 style totals of issued stubs)",
)
def statement(request: HttpRequest, year: Year, provider: ProviderQuery = None) -> StatementOut:
    user = _user(request)
    who = access.provider_for(user, provider) if provider else access.own_provider(user)
    totals = pay_views.wage_statement(who, year)
    return StatementOut(
        year=year,
        provider_number=who.provider_number,
        stubs=totals["stubs"],
        gross_cents=totals["gross_cents"],
        deductions_cents=totals["deductions_cents"],
        net_cents=totals["net_cents"],
        share_of_cost_cents=totals["share_of_cost_cents"],
        state_pays_cents=totals["state_pays_cents"],
        wages_subject_to=[AmountOut(code=c, label=name, cents=v) for c, name, v in totals["taxed"]],
        withheld=[AmountOut(code=c, label=name, cents=v) for c, name, v in totals["withheld"]],
    )
