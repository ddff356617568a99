"""Home pages: one per role, and the chooser for people who hold several."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ihss.accounts import desk
from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.cases import access as case_access
from ihss.cases.models import Assignment, AuthorizedHours, County
from ihss.payroll.models import WageRate
from ihss.web.navigation import ROLE_HOME, ROLE_HOME_LABEL
from ihss.web.parameter_views import parameters_in_force


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    roles = list(dict.fromkeys(m.role for m in request.user.active_memberships()))
    if len(roles) == 1:
        return redirect(ROLE_HOME[Role(roles[0])])
    choices = [(ROLE_HOME[Role(r)], ROLE_HOME_LABEL[Role(r)], Role(r).label) for r in roles]
    return render(request, "web/home.html", {"choices": choices})


@require_GET
@role_required(Role.PROVIDER)
def provider_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    providers = case_access.own_providers(request.user).prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("recipient").in_force_on(today),
            to_attr="current_assignments",
        )
    )
    return render(request, "web/provider_home.html", {"providers": providers})


@require_GET
@role_required(Role.RECIPIENT)
def recipient_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # One prefetch_related call each: the two querysets are of different record types.
    recipients = (
        case_access.own_recipients(request.user)
        .prefetch_related(
            Prefetch(
                "authorized_hours",
                queryset=AuthorizedHours.objects.in_force_on(today),
                to_attr="current_hours",
            )
        )
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("provider").in_force_on(today),
                to_attr="current_assignments",
            )
        )
    )
    return render(request, "web/recipient_home.html", {"recipients": recipients})


@require_GET
@role_required(Role.COUNTY_STAFF)
def county_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    counties = [m.county for m in user.memberships_as(Role.COUNTY_STAFF) if m.county]
    summary = [
        {
            "county": county,
            "recipients": case_access.visible_recipients(user).filter(county=county).count(),
            "providers": case_access.visible_providers(user).filter(county=county).count(),
        }
        for county in counties
    ]
    return render(request, "web/county_home.html", {"summary": summary})


@require_GET
@role_required(Role.TRAINING_PROVIDER)
def training_provider_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    orgs = [m.organization for m in request.user.memberships_as(Role.TRAINING_PROVIDER)]
    return render(request, "web/training_provider_home.html", {"organizations": orgs})


@require_GET
@role_required(Role.COACH)
def coach_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    orgs = [m.organization for m in request.user.memberships_as(Role.COACH)]
    return render(request, "web/coach_home.html", {"organizations": orgs})


@require_GET
@role_required(Role.SERVICE_DESK)
def service_desk_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The desk's one search box: callers by name and date of birth, numbers, username or
    email, with the accounts found below it (ihss/accounts/desk.py)."""
    return render(request, "web/service_desk_home.html", desk.search_context(request))


@require_GET
@role_required(Role.STATE_ADMIN)
def state_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rates = (
        WageRate.objects.select_related("county")
        .filter(effective_from__lte=today)
        .order_by("county__name", "-effective_from")
    )
    current_rates: dict[int, WageRate] = {}
    for rate in rates:
        current_rates.setdefault(rate.county_id, rate)
    # The parameters in force today, in plain units (hours, percent, dollars), as on the
    # program parameters pages, which hold their history and schedule changes.
    parameters = parameters_in_force(today)
    return render(
        request,
        "web/state_home.html",
        {
            "county_count": County.objects.count(),
            "rates": list(current_rates.values()),
            "parameters": parameters,
            "today": today,
        },
    )
