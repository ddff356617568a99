"""Demo data of payroll: the two demo counties' wage rates (fictional agreements), a direct
deposit for James, and the payroll of the pay period two periods ago, calculated, approved
and issued, so that James sees a paystub with overtime across his three recipients."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ihss.cases.models import County
from ihss.core.demo import DemoContext
from ihss.payroll.models import DirectDeposit, PayrollRun, WageRate
from ihss.payroll.services import deposits, issue, runs

# After the timesheets the run pays (the source is read through ihss/core/payables.py).
AFTER = ("cases", "accounts", "timesheets")
DEMO_ROUTING = "123456780"  # passes the ABA check; no bank has it
DEMO_ACCOUNT = "000111222333"


def load(context: DemoContext) -> None:
    _wage_rates()
    today = timezone.localdate()
    users = context.records["user"]
    james = context.record("provider", "190000002")
    if not DirectDeposit.objects.filter(provider=james).exists():
        long_ago = timezone.now() - dt.timedelta(days=90)
        change = deposits.enroll(
            provider=james,
            recipient=None,
            routing_number=DEMO_ROUTING,
            account_number=DEMO_ACCOUNT,
            account_type="checking",
            by=users["provider.three"],
            now=long_ago,
        )
        deposits.mark_prenotes_sent(
            enrollment_ids=[change.enrollment.pk] if change.enrollment else [],
            run_id=0,
            on=timezone.localdate(long_ago) + dt.timedelta(days=1),
        )
    # The period two periods ago (the timesheets' demo approved James's week in it).
    current = today.replace(day=1) if today.day <= 15 else today.replace(day=16)
    last = (current - dt.timedelta(days=1)).replace(day=1 if current.day == 16 else 16)
    before = (last - dt.timedelta(days=1)).replace(day=1 if last.day == 16 else 16)
    admin = users["state.admin"]
    run = runs.start_run(period_start=before, by=admin, today=today)
    run = runs.calculate(run=run)
    run = runs.approve(run=run, by=admin)
    if run.status != PayrollRun.Status.ISSUED:
        run = issue.issue_run(run=run, by=admin, on=run.period_end + dt.timedelta(days=3))
    context.say("Payroll", heading=True)
    context.say(
        f"  The run of {run.period_start:%b %d} - {run.period_end:%b %d} is issued: "
        f"{run.stub_count} paystub(s). provider.three sees overtime across three recipients "
        "under My pay; state.admin starts the next run under Payroll."
    )


def _wage_rates() -> None:
    counties = {c.code: c for c in County.objects.filter(code__in=["19", "10"])}
    WageRate.objects.get_or_create(
        county=counties["19"],
        effective_from=dt.date(2024, 1, 1),
        defaults=dict(
            basis=WageRate.Basis.MINIMUM_PLUS,
            supplement_cents=200,
            agreement="PASC-SEIU 2015 agreement (demo)",
        ),
    )
    WageRate.objects.get_or_create(
        county=counties["10"],
        effective_from=dt.date(2025, 7, 1),
        defaults=dict(
            basis=WageRate.Basis.MINIMUM_PLUS,
            supplement_cents=185,
            agreement="Fresno County Public Authority MOU (demo)",
        ),
    )
