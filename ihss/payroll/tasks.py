"""Background tasks of payroll: calculating and issuing a run (the pages queue them)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from ihss.payroll.models import PayrollRun
from ihss.payroll.services import issue, runs


@task()
def calculate_run(run_id: int, take_over: bool = False) -> str:
    """Calculate (or resume) the run `run_id`; its page follows the progress."""
    run = PayrollRun.objects.filter(pk=run_id).first()
    if run is None:
        return "missing"
    try:
        return runs.calculate(run=run, take_over=take_over).status
    except runs.RunRefused as refused:
        return refused.code


@task()
def issue_run(run_id: int) -> str:
    """Issue the approved run `run_id` today."""
    run = PayrollRun.objects.filter(pk=run_id).first()
    if run is None:
        return "missing"
    try:
        return issue.issue_run(run=run, by=run.issued_by, on=timezone.localdate()).status
    except runs.RunRefused as refused:
        return refused.code
