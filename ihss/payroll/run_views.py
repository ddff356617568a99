"""Payroll runs, for state administrators: start a pay period's run, follow its progress
(a bar that survives a reload: the run's id is in the URL and the page polls it), check
the totals and the preview, approve, issue, and download the payment file and the check
register. Everyone else gets 403. Views call ihss/payroll/services; the calculation and
the issue run in background tasks.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.cases.models import County
from ihss.core import jobs
from ihss.core.pagination import html_page
from ihss.payroll import tasks
from ihss.payroll.models import PayLine, PayrollRun
from ihss.payroll.run_forms import StartRunForm
from ihss.payroll.services import issue, runs

logger = logging.getLogger(__name__)

RUNS_PAGE_SIZE = 20
KIND_LABELS = {
    "hours": gettext_lazy("Care hours"),
    "travel": gettext_lazy("Travel time"),
    "sick_leave": gettext_lazy("Paid sick leave"),
    "training": gettext_lazy("Training time"),
    "incentive": gettext_lazy("Incentives"),
}


def _queue(task: Any, *args: Any) -> None:
    try:
        task.enqueue(*args)
    except Exception:  # the page says so; the run can be resumed
        logger.exception("Could not queue %s%s", task, args)


@require_http_methods(["GET", "POST"])
@role_required(Role.STATE_ADMIN)
def run_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StartRunForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            run = runs.start_run(
                period_start=form.cleaned_data["period"],
                by=request.user,
                today=timezone.localdate(),
            )
        except runs.RunRefused as refused:
            form.add_error("period", refused.message)
        else:
            if run.status == PayrollRun.Status.DRAFT:
                _queue(tasks.calculate_run, run.pk)
            return redirect("payroll:run", pk=run.pk)
    page = html_page(request, PayrollRun.objects.all(), size=RUNS_PAGE_SIZE)
    return render(request, "payroll/run_list.html", {"form": form, "page": page})


def _context(run: PayrollRun) -> dict[str, Any]:
    finished = run.status not in (PayrollRun.Status.CALCULATING, PayrollRun.Status.ISSUING)
    if run.status == PayrollRun.Status.DRAFT:
        finished = False
    context: dict[str, Any] = {"run": run, "finished": finished}
    if run.status in (
        PayrollRun.Status.CALCULATED,
        PayrollRun.Status.APPROVED,
        PayrollRun.Status.ISSUED,
    ):
        preview = runs.preview(run)
        for row in preview["by_kind"]:  # type: ignore[attr-defined]
            row["label"] = _("%(kind)s, %(part)s") % {
                "kind": KIND_LABELS.get(row["kind"], row["kind"]),
                "part": PayLine.Part(row["part"]).label.lower(),
            }
        context["preview"] = preview
        counties = dict(County.objects.values_list("pk", "name"))
        context["held"] = [
            {**held, "county": counties.get(held["county_id"], held["county_id"])}
            for held in run.held
        ]
    return context


@require_GET
@role_required(Role.STATE_ADMIN)
def run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(PayrollRun, pk=pk)
    return render(request, "payroll/run_detail.html", _context(run))


@require_GET
@role_required(Role.STATE_ADMIN)
def run_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The status fragment the run's page polls; once the step is done it stops polling."""
    run = get_object_or_404(PayrollRun, pk=pk)
    return render(request, "payroll/run_status.html", _context(run))


@require_POST
@role_required(Role.STATE_ADMIN)
def run_resume(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(PayrollRun, pk=pk)
    if run.status in (PayrollRun.Status.DRAFT, PayrollRun.Status.CALCULATING):
        _queue(tasks.calculate_run, run.pk, True)
    elif run.status == PayrollRun.Status.ISSUING:
        _queue(tasks.issue_run, run.pk)
    return redirect("payroll:run", pk=run.pk)


@require_POST
@role_required(Role.STATE_ADMIN)
def run_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(PayrollRun, pk=pk)
    try:
        runs.approve(run=run, by=request.user)
    except runs.RunRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The run is approved. It can now be issued."))
    return redirect("payroll:run", pk=run.pk)


@require_POST
@role_required(Role.STATE_ADMIN)
def run_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(PayrollRun, pk=pk)
    try:
        before = run.status
        run = issue.request_issue(run=run, by=request.user)
    except runs.RunRefused as refused:
        messages.error(request, refused.message)
    else:
        if before == PayrollRun.Status.APPROVED:
            _queue(tasks.issue_run, run.pk)
    return redirect("payroll:run", pk=run.pk)


def _download(path: str, name: str, content_type: str) -> HttpResponse:
    if not path:
        raise Http404
    with jobs.open_encrypted(path) as handle:
        response = HttpResponse(handle.read(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@role_required(Role.STATE_ADMIN)
def run_payment_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(PayrollRun, pk=pk, status=PayrollRun.Status.ISSUED)
    return _download(run.payment_file, f"ihss-payroll-{run.period_start:%Y%m%d}.ach", "text/plain")


@require_GET
@role_required(Role.STATE_ADMIN)
def run_check_register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(PayrollRun, pk=pk, status=PayrollRun.Status.ISSUED)
    return _download(run.check_register, f"ihss-checks-{run.period_start:%Y%m%d}.csv", "text/csv")
