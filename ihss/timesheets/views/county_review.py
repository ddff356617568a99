"""The county's review of approved timesheets before payroll: the queue and the decision."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.core.pagination import html_page
from ihss.core.refusals import add_to_form
from ihss.timesheets import access, services
from ihss.timesheets.explain import first_half_share, flag_labels
from ihss.timesheets.forms import CountyDecisionForm
from ihss.timesheets.views.common import LIST_PAGE_SIZE, _detail_page


@require_GET
@role_required(Role.COUNTY_STAFF, Role.STATE_ADMIN, Role.SERVICE_DESK)
def county_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Approved timesheets waiting for the county before payroll, oldest period first."""
    queue = (
        access.review_queue(request.user)
        .select_related("provider", "recipient", "recipient__county")
        .defer("provider__ssn", "recipient__ssn")
        .annotate(total=Sum("days__minutes"))
        .order_by("county_review", "period_start", "pk")
    )
    page = html_page(request, queue, size=LIST_PAGE_SIZE)
    today = timezone.localdate()
    share = first_half_share(today)  # the share in force, as the page states it
    return render(
        request,
        "timesheets/county_queue.html",
        {"page": page, "flag_labels": flag_labels(today, share=share), "share": share},
    )


@require_POST
@role_required(Role.COUNTY_STAFF, Role.STATE_ADMIN)
def county_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    timesheet = access.timesheet_for(request.user, pk)
    if not access.can_decide_county_review(request.user, timesheet):
        raise PermissionDenied
    try:
        services.decide_review(
            timesheet=timesheet,
            by=request.user,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        )
    except services.TimesheetError as error:
        if error.conflict:
            messages.error(request, error.message)
            return redirect("timesheets:detail", timesheet.pk)
        form = CountyDecisionForm(request.POST)
        form.is_valid()
        add_to_form(form, error)
        return _detail_page(request, timesheet, county_form=form, status=400)
    messages.success(request, _("Your decision is recorded."))
    return redirect("timesheets:county")
