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
from ihss.cases.models import Assignment, AuthorizedHours, County, Provider, Recipient
from ihss.core.models import ProgramParameter
from ihss.payroll.models import WageRate
from ihss.web.navigation import ROLE_HOME, ROLE_HOME_LABEL


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
    ids = [m.provider_id for m in request.user.memberships_as(Role.PROVIDER) if m.provider_id]
    providers = Provider.objects.filter(pk__in=ids).prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("recipient")
            .filter(start_date__lte=today)
            .exclude(end_date__lt=today),
            to_attr="current_assignments",
        )
    )
    return render(request, "web/provider_home.html", {"providers": providers})


@require_GET
@role_required(Role.RECIPIENT)
def recipient_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    ids = [m.recipient_id for m in request.user.memberships_as(Role.RECIPIENT) if m.recipient_id]
    recipients = Recipient.objects.filter(pk__in=ids).prefetch_related(
        Prefetch(
            "authorized_hours",
            queryset=AuthorizedHours.objects.filter(effective_from__lte=today).exclude(
                effective_to__lt=today
            ),
            to_attr="current_hours",
        ),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("provider")
            .filter(start_date__lte=today)
            .exclude(end_date__lt=today),
            to_attr="current_assignments",
        ),
    )
    return render(request, "web/recipient_home.html", {"recipients": recipients})


@require_GET
@role_required(Role.COUNTY_STAFF)
def county_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    counties = [m.county for m in request.user.memberships_as(Role.COUNTY_STAFF) if m.county]
    summary = [
        {
            "county": county,
            "recipients": Recipient.objects.filter(county=county).count(),
            "providers": Provider.objects.filter(county=county).count(),
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
    parameters = ProgramParameter.objects.order_by("key", "-effective_from")
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
