"""A provider's work-hour violations (ACL 16-36): the list and one violation's page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.core import audit
from ihss.core.pagination import html_page
from ihss.core.refusals import SummaryLine
from ihss.timesheets import access, services
from ihss.timesheets.explain import explain_outcome, explain_violation
from ihss.timesheets.models import Violation
from ihss.timesheets.views.common import LIST_PAGE_SIZE


@require_GET
@role_required(Role.PROVIDER, Role.COUNTY_STAFF, Role.STATE_ADMIN, Role.SERVICE_DESK)
def violations(request: AuthenticatedHttpRequest) -> HttpResponse:
    found = (
        access.visible_violations(request.user)
        .select_related("provider")
        .defer("provider__ssn")
        .order_by("-week_start", "pk")
    )
    page = html_page(request, found, size=LIST_PAGE_SIZE)
    rows = [(v, explain_outcome(services.outcome_of(v))) for v in page.object_list]
    today = timezone.localdate()
    barred = None
    own = access.provider_ids(request.user)
    if len(own) == 1:
        barred = services.barred_until(own[0], today)
    limits = services.limits_on(today)  # the limits in force, as the page states them
    return render(
        request,
        "timesheets/violations.html",
        {
            "page": page,
            "rows": rows,
            "barred": barred,
            "weekly_cap": limits.multi_recipient_week,
            "travel_cap": limits.travel_week,
        },
    )


@require_http_methods(["GET", "POST"])
def violation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One violation: the rule, the ledger step and its dates; county staff record a
    dispute, its outcome, or the training."""
    found = access.violation_for(request.user, pk)
    can_decide = access.can_decide_violation(request.user, found)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "dispute":
                services.file_dispute(
                    violation=found, filed_on=_posted_date(request, "filed_on"), by=request.user
                )
            elif action in ("upheld", "denied"):
                services.decide_dispute(
                    violation=found,
                    upheld=action == "upheld",
                    reason=request.POST.get("reason", ""),
                    by=request.user,
                )
            elif action == "training":
                services.record_training(
                    violation=found,
                    completed_on=_posted_date(request, "completed_on"),
                    by=request.user,
                )
            else:
                raise services.TimesheetError(_("Choose what to record."))
        except services.TimesheetError as error:
            # The page again, its summary at the top leading to the field refused.
            target = REFUSED_FIELD.get(action, "")
            lines = [SummaryLine(error.message, target)]
            return _violation_page(request, found, can_decide, errors=lines, status=400)
        messages.success(request, _("Recorded."))
        return redirect("timesheets:violation", found.pk)
    return _violation_page(request, found, can_decide)


# Where each county action's refusal leads: the field that says what to correct.
REFUSED_FIELD = {
    "dispute": "filed-on",
    "upheld": "dispute-reason",
    "denied": "dispute-reason",
    "training": "completed-on",
}


def _violation_page(
    request: AuthenticatedHttpRequest,
    found: Violation,
    can_decide: bool,
    *,
    errors: list[SummaryLine] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "timesheets/violation.html",
        {
            "violation": found,
            "can_decide": can_decide,
            "history": audit.trail(found).order_by("-occurred_at", "-id")[:50],
            "rules_broken": [
                explain_violation(code, limit=found.limits.get(code), on=found.week_start)
                for code in found.codes
            ],
            "outcome": explain_outcome(services.outcome_of(found)),
            "today": timezone.localdate(),
            "errors": errors or [],
            "posted": request.POST if errors else {},
        },
        status=status,
    )


def _posted_date(request: AuthenticatedHttpRequest, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(request.POST.get(name, ""))
    except ValueError:
        raise services.TimesheetError(
            _("Enter the date as shown, for example 2026-11-20.")
        ) from None
