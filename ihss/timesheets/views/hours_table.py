"""The recipient's hours: authorized against used."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.timesheets import access, services


@require_GET
@role_required(Role.RECIPIENT)
def hours(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The recipient's dashboard: authorized against used hours, per week and month, per
    provider and in total (hours sent for review or approved)."""
    today = timezone.localdate()
    try:
        month = dt.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        month = today.replace(day=1)
    recipients = access.own_recipients(request.user)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "timesheets/hours.html",
        {
            "tables": services.recipient_hours(recipients, month),
            "month": month,
            "previous": previous,
            "following": following if following <= today else None,
        },
    )
