"""The county's exceptions to a recipient's weekly maximum (ACL 16-01)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.core.pagination import html_page
from ihss.core.refusals import add_to_form
from ihss.timesheets import access, services
from ihss.timesheets.forms import ExceptionForm
from ihss.timesheets.views.common import LIST_PAGE_SIZE


@require_http_methods(["GET", "POST"])
@role_required(Role.COUNTY_STAFF, Role.STATE_ADMIN)
def exceptions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Grant a recipient's hours leave to pass the weekly maximum in a month (ACL 16-01),
    and see the ones granted in the person's counties."""
    form = ExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recipient = access.exception_recipient(request.user, data["case_number"])
        provider = None
        if recipient is None:
            form.add_error("case_number", _("No recipient of your county has this case number."))
        elif data["provider_number"]:
            provider = access.exception_provider(data["provider_number"])
            if provider is None:
                form.add_error("provider_number", _("No provider has this number."))
        if form.is_valid() and recipient is not None:
            try:
                services.grant_weekly_maximum_exception(
                    recipient=recipient,
                    program=data["program"],
                    month=data["month"],
                    provider=provider,
                    reason=data["reason"],
                    by=request.user,
                )
            except services.TimesheetError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("The exception is recorded."))
                return redirect("timesheets:exceptions")
    granted = (
        access.visible_exceptions(request.user)
        .select_related("recipient", "provider", "granted_by")
        .defer("recipient__ssn", "provider__ssn")
        .order_by("-month", "-granted_at")
    )
    page = html_page(request, granted, size=LIST_PAGE_SIZE)
    return render(
        request,
        "timesheets/exceptions.html",
        {"form": form, "page": page},
        status=400 if request.method == "POST" else 200,
    )
