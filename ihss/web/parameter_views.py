"""The program parameters, for state administrators: what is in force, what is
scheduled, the history of each, and the form that schedules a new value.

Only state administrators open these pages (403 for everyone else, the Service Desk
included): the numbers decide paid hours statewide, and the desk supports accounts, not
policy. Views read the rows and call ihss.core.services to change them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.core import audit_display, services
from ihss.core.models import AuditEvent, ProgramParameter
from ihss.core.pagination import html_page
from ihss.core.units import format_parameter
from ihss.web.parameter_forms import ScheduleParameterForm

HISTORY_PAGE_SIZE = 25
SUBJECT_TYPE = ProgramParameter._meta.label_lower


@dataclass
class Value:
    """One row of a parameter, as a page shows it."""

    row: ProgramParameter
    shown: str
    set_by: str = ""
    reason: str = ""


@dataclass
class Parameter:
    key: str
    description: str
    source: str
    unit: str
    current: Value | None
    scheduled: list[Value] = field(default_factory=list)


def _value(row: ProgramParameter) -> Value:
    return Value(row=row, shown=format_parameter(row.value, row.unit))


def parameters_in_force(today: dt.date) -> list[Parameter]:
    """Every key, its row in force today and its rows still to come: one query."""
    by_key: dict[str, list[ProgramParameter]] = {}
    for row in ProgramParameter.objects.order_by("key", "effective_from"):
        by_key.setdefault(row.key, []).append(row)
    result = []
    for key, rows in by_key.items():
        past = [r for r in rows if r.effective_from <= today]
        latest = rows[-1]
        result.append(
            Parameter(
                key=key,
                description=latest.description,
                source=latest.source,
                unit=latest.unit,
                current=_value(past[-1]) if past else None,
                scheduled=[_value(r) for r in rows if r.effective_from > today],
            )
        )
    return result


def _rows_of(key: str) -> list[ProgramParameter]:
    rows = list(ProgramParameter.objects.filter(key=key).order_by("-effective_from"))
    if not rows:
        raise Http404
    return rows


@require_GET
@role_required(Role.STATE_ADMIN)
def parameter_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "web/parameter_list.html",
        {"parameters": parameters_in_force(today), "today": today},
    )


@require_GET
@role_required(Role.STATE_ADMIN)
def parameter_detail(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    today = timezone.localdate()
    rows = _rows_of(key)
    ids = [str(r.pk) for r in rows]
    events = AuditEvent.objects.filter(subject_type=SUBJECT_TYPE, subject_id__in=ids)
    scheduled_by = {
        e.subject_id: e for e in events.filter(action=services.SCHEDULED).order_by("occurred_at")
    }
    history = []
    for row in rows:
        value = _value(row)
        event = scheduled_by.get(str(row.pk))
        if event is not None:
            value.set_by, value.reason = event.actor_name, event.reason
        history.append(value)
    current = next((v for v in history if v.row.effective_from <= today), None)
    newest_first = events.order_by("-occurred_at", "-id")
    page = html_page(request, newest_first, size=HISTORY_PAGE_SIZE, param="changes")
    return render(
        request,
        "web/parameter_detail.html",
        {
            "key": key,
            "latest": rows[0],
            "history": history,
            "current": current,
            "today": today,
            "audit_page": page,
            # Every event is about this parameter: the page's heading names it already.
            "audit_rows": [replace(audit_display.present(e), subject="") for e in page],
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.STATE_ADMIN)
def parameter_schedule(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    today = timezone.localdate()
    latest = _rows_of(key)[0]
    current = services.in_force(key, on=today)
    if request.method == "POST":
        form = ScheduleParameterForm(request.POST, unit=latest.unit, today=today)
        if form.is_valid():
            try:
                row = services.schedule_parameter(
                    actor=request.user,
                    key=key,
                    value=form.stored_value(),
                    effective_from=form.cleaned_data["effective_from"],
                    reason=form.cleaned_data["reason"],
                    today=today,
                )
            except services.ParameterRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request,
                    _("%(key)s is %(value)s from %(day)s.")
                    % {
                        "key": key,
                        "value": format_parameter(row.value, row.unit),
                        "day": _date(row.effective_from),
                    },
                )
                return redirect(reverse("parameters:detail", args=[key]))
    else:
        initial = {"effective_from": today}
        if current is not None:
            initial.update(ScheduleParameterForm.initial_for(current.value, current.unit))
        form = ScheduleParameterForm(initial=initial, unit=latest.unit, today=today)
    return render(
        request,
        "web/parameter_schedule.html",
        {
            "key": key,
            "latest": latest,
            "current": _value(current) if current is not None else None,
            "form": form,
            "today": today,
        },
    )


def _date(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")
