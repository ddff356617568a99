"""Travel claimed on a timesheet: add and remove a leg (the form is on the timesheet's page)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.core.refusals import add_to_form
from ihss.timesheets import services
from ihss.timesheets.views.common import _detail_page, _own_editable, _travel_form


@require_POST
@role_required(Role.PROVIDER)
def travel_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Claim travel on the timesheet: the small form on its page."""
    timesheet = _own_editable(request, pk)
    if not timesheet.editable:
        messages.info(request, _("This timesheet was sent and can no longer be changed."))
        return redirect("timesheets:detail", timesheet.pk)
    origins = services.travel_origins(timesheet)
    form = _travel_form(timesheet, origins, request.POST)
    if form.is_valid():
        origin = next(r for r in origins if r.pk == form.cleaned_data["from_recipient"])
        try:
            services.save_travel(
                timesheet=timesheet,
                day=form.cleaned_data["day"],
                from_recipient=origin,
                minutes=form.cleaned_data["total"],
                by=request.user,
            )
        except services.TimesheetError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The travel time is saved."))
            return redirect(reverse("timesheets:detail", args=[timesheet.pk]) + "#travel")
    return _detail_page(request, timesheet, travel_form=form, status=400)


@require_POST
@role_required(Role.PROVIDER)
def travel_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Take a travel claim off the timesheet (the Remove button beside it)."""
    timesheet = _own_editable(request, pk)
    try:
        entry_id = int(request.POST.get("entry", ""))
    except ValueError:
        entry_id = 0
    try:
        services.remove_travel(timesheet=timesheet, entry_id=entry_id, by=request.user)
    except services.TimesheetError as error:
        messages.error(request, error.message)
        return redirect("timesheets:detail", timesheet.pk)
    messages.success(request, _("The travel time was removed."))
    return redirect(reverse("timesheets:detail", args=[timesheet.pk]) + "#travel")
