"""A timesheet's own pages: the provider's list and workweeks, sending, and the recipient's
review (approve, return)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.cases.models import Assignment
from ihss.core import stepup
from ihss.core.refusals import add_to_form
from ihss.timesheets import access, rules, services
from ihss.timesheets.forms import DayForm, RejectForm, SendForm, SignatureForm
from ihss.timesheets.models import Timesheet
from ihss.timesheets.services import visits as visit_rules
from ihss.timesheets.views.common import (
    RECENT,
    _days,
    _detail_page,
    _explained,
    _own_editable,
    _reviewable,
    _travel_context,
)


@dataclass
class Slot:
    """One assignment in one pay period: the timesheet if it was started."""

    assignment: Assignment
    period: rules.PayPeriod
    timesheet: Timesheet | None


@require_GET
@role_required(Role.PROVIDER)
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The provider's timesheets: this pay period's and the last one's for each person
    they work for (started or not), then the recent ones."""
    today = timezone.localdate()
    current = rules.pay_period_containing(today)
    previous = rules.pay_period_containing(current.start - dt.timedelta(days=1))
    assignments = list(
        access.own_assignments(request.user)
        .in_force(previous.start, current.end)
        .select_related("recipient")
        .defer("recipient__ssn")
        .order_by("recipient__last_name", "recipient__first_name", "program")
    )
    sheets = list(
        access.own_timesheets(request.user)
        .select_related("recipient")
        .defer("recipient__ssn")
        .order_by("-period_start", "recipient__last_name", "program")[:RECENT]
    )
    by_key = {(t.provider_id, t.recipient_id, t.program, t.period_start): t for t in sheets}
    periods = []
    for period in (current, previous):
        slots = [
            Slot(a, period, by_key.get((a.provider_id, a.recipient_id, a.program, period.start)))
            for a in assignments
            if a.start_date <= period.end and (a.end_date is None or a.end_date >= period.start)
        ]
        periods.append((period, slots))
    return render(
        request,
        "timesheets/mine.html",
        {"periods": periods, "timesheets": sheets, "today": today},
    )


@require_POST
@role_required(Role.PROVIDER)
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open (or reopen) the timesheet of an assignment for a pay period."""
    try:
        assignment_id = int(request.POST.get("assignment", ""))
        day = dt.date.fromisoformat(request.POST.get("period", ""))
    except ValueError:
        raise Http404 from None
    assignment = access.own_assignment_by_id(request.user, assignment_id)
    try:
        timesheet = services.open_timesheet(
            provider=assignment.provider,
            recipient=assignment.recipient,
            program=assignment.program,
            day=day,
            by=request.user,
        )
    except services.TimesheetError as error:
        messages.error(request, error.message)
        return redirect("timesheets:mine")
    week = rules.workweek_containing(max(timesheet.period_start, min(day, timesheet.period_end)))
    return redirect("timesheets:week", timesheet.pk, week.start.isoformat())


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    timesheet = access.timesheet_for(request.user, pk)
    return _detail_page(request, timesheet)


def _week_forms(
    timesheet: Timesheet, week: rules.Workweek, data: Any = None
) -> list[tuple[dt.date, DayForm | None, str]]:
    """Each day of the week: a form when it is inside the period and not in the future;
    otherwise why not ("future", or "other" for the neighbouring pay period)."""
    today = timezone.localdate()
    days = _days(timesheet)
    seen = visit_rules.visits_between(timesheet, week.start, week.end)
    rows: list[tuple[dt.date, DayForm | None, str]] = []
    for i in range(7):
        day = week.start + dt.timedelta(days=i)
        if not timesheet.period_start <= day <= timesheet.period_end:
            rows.append((day, None, "other"))
        elif day > today:
            rows.append((day, None, "future"))
        else:
            form = DayForm(
                data,
                day=day,
                initial=DayForm.initial_for(days.get(day)),
                visits=seen.get(day),
                saved=days.get(day),
            )
            rows.append((day, form, "form"))
    return rows


def _week_of(timesheet: Timesheet, week_start: str) -> rules.Workweek:
    try:
        day = dt.date.fromisoformat(week_start)
    except ValueError:
        raise Http404 from None
    week = rules.workweek_containing(day)
    if week.start != day or week.end < timesheet.period_start or week.start > timesheet.period_end:
        raise Http404
    return week


@require_http_methods(["GET", "POST"])
@role_required(Role.PROVIDER)
def week(request: AuthenticatedHttpRequest, pk: int, week_start: str) -> HttpResponse:
    timesheet = _own_editable(request, pk)
    workweek = _week_of(timesheet, week_start)
    if not timesheet.editable:
        messages.info(request, _("This timesheet was sent and can no longer be changed."))
        return redirect("timesheets:detail", timesheet.pk)
    rows = _week_forms(timesheet, workweek, request.POST if request.method == "POST" else None)
    forms = [form for _day, form, _entry in rows if form is not None]
    if request.method == "POST" and all(form.is_valid() for form in forms):
        try:
            services.save_week(
                timesheet=timesheet, days={f.day: f.typed() for f in forms}, by=request.user
            )
        except services.TimesheetError as error:
            if error.conflict or not _put_on_its_day(forms, error):
                messages.error(request, error.message)
                return redirect("timesheets:detail", timesheet.pk)
        else:
            messages.success(request, _("The week is saved."))
            following = workweek.end + dt.timedelta(days=1)
            if "next" in request.POST and following <= timesheet.period_end:
                return redirect("timesheets:week", timesheet.pk, following.isoformat())
            return redirect("timesheets:detail", timesheet.pk)
    typed = {f.day: f.lenient_minutes() for f in forms} if request.method == "POST" else None
    return render(
        request,
        "timesheets/week.html",
        {
            "timesheet": timesheet,
            "workweek": workweek,
            "rows": rows,
            "forms": forms,
            "has_next": workweek.end < timesheet.period_end,
            **_panel(timesheet, workweek, typed),
        },
        status=400 if request.method == "POST" else 200,
    )


def _put_on_its_day(forms: list[DayForm], error: services.TimesheetError) -> bool:
    """Show a refusal about one day's field (named "2026-11-16-reason") on that day's form,
    with everything typed kept; False when it names no day of the page."""
    for form in forms:
        prefix = f"{form.day.isoformat()}-"
        if error.field and error.field.startswith(prefix):
            name = error.field.removeprefix(prefix)
            form.add_error(name if name in form.fields else None, error.message)
            return True
    return False


def _panel(
    timesheet: Timesheet, workweek: rules.Workweek, typed: dict[dt.date, int] | None
) -> dict[str, Any]:
    refusals, summary = services.check(timesheet, replace=typed)
    this_week = next(w for w in summary.weeks if w.week == workweek)
    return {
        "summary": summary,
        "this_week": this_week,
        "problems": _explained(refusals),
    }


@require_POST
@role_required(Role.PROVIDER)
def week_check(request: AuthenticatedHttpRequest, pk: int, week_start: str) -> HttpResponse:
    """The remaining hours and any refusals as the typed (unsaved) week would leave them:
    the live panel beside the form, asked for by htmx on every change."""
    timesheet = _own_editable(request, pk)
    workweek = _week_of(timesheet, week_start)
    rows = _week_forms(timesheet, workweek, request.POST)
    typed = {form.day: form.lenient_minutes() for _d, form, _e in rows if form is not None}
    return render(
        request,
        "timesheets/includes/hours_panel.html",
        {
            "timesheet": timesheet,
            "workweek": workweek,
            "announce": True,
            **_panel(timesheet, workweek, typed),
        },
    )


@require_POST
@role_required(Role.PROVIDER)
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    timesheet = _own_editable(request, pk)
    form = SendForm(request.POST)
    form.is_valid()  # one optional box: always valid
    try:
        services.submit(
            timesheet=timesheet,
            by=request.user,
            confirm_early=form.cleaned_data.get("confirm_early", False),
        )
    except services.TimesheetError as error:
        timesheet.refresh_from_db()
        if error.field == "confirm_early":
            add_to_form(form, error)
            return _detail_page(request, timesheet, send_form=form, status=400)
        messages.error(request, error.message)
        return _detail_page(request, timesheet, refusals=error.refusals, status=400)
    approvers = services.approvers(timesheet.recipient_id)
    if approvers:
        messages.success(
            request,
            _("The timesheet was sent to %(name)s for approval.")
            % {"name": get_text_list(approvers, _("and"))},
        )
    else:
        messages.success(
            request,
            _(
                "The timesheet was sent. %(name)s has no account on this portal yet, so "
                "nobody can approve it until one is created; your county IHSS office can "
                "tell you how else it can be approved."
            )
            % {"name": timesheet.recipient.full_name},
        )
    return redirect("timesheets:detail", timesheet.pk)


@require_http_methods(["GET", "POST"])
@role_required(Role.RECIPIENT)
def approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The electronic signature. A sign-in older than SIGNATURE_REAUTH_SECONDS must be
    confirmed again (password or a code) before the signature counts."""
    timesheet = _reviewable(request, pk)
    if timesheet.status != Timesheet.Status.SUBMITTED:
        messages.info(request, _("This timesheet is not waiting for your review."))
        return redirect("timesheets:detail", timesheet.pk)
    if not stepup.is_recent(request, max_age=settings.SIGNATURE_REAUTH_SECONDS):
        return redirect(stepup.confirm_url(reverse("timesheets:approve", args=[timesheet.pk])))
    form = SignatureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.approve(
                timesheet=timesheet,
                by=request.user,
                signature=form.cleaned_data["signature"],
                as_representative=access.acts_as_representative(request.user, timesheet),
                session_key=request.session.session_key,
            )
        except services.TimesheetError as error:
            if error.field != "signature":
                messages.error(request, error.message)
                return redirect("timesheets:detail", timesheet.pk)
            add_to_form(form, error)
        else:
            messages.success(
                request, _("You approved the timesheet. The provider will be paid for it.")
            )
            return redirect("timesheets:review")
    days = _days(timesheet)
    return render(
        request,
        "timesheets/approve.html",
        {
            "timesheet": timesheet,
            "form": form,
            "days": sorted(days.values(), key=lambda d: d.day),
            "total": sum(d.minutes for d in days.values()),
            **_travel_context(
                request, timesheet, is_provider=access.is_provider_of(request.user, timesheet)
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@role_required(Role.RECIPIENT)
def reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    timesheet = _reviewable(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, timesheet, reject_form=form, status=400)
    try:
        services.reject(timesheet=timesheet, by=request.user, reason=form.cleaned_data["reason"])
    except services.TimesheetError as error:
        messages.error(request, error.message)
        return redirect("timesheets:detail", timesheet.pk)
    messages.success(request, _("The timesheet was returned to the provider with your reason."))
    return redirect("timesheets:review")


@require_GET
@role_required(Role.RECIPIENT)
def review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The recipient's timesheets: those waiting for approval first, then recent ones."""
    sheets = (
        access.timesheets_sent_to(request.user)
        .select_related("provider", "recipient")
        .defer("provider__ssn", "recipient__ssn")
        .annotate(total=Sum("days__minutes"))
        .order_by("-period_start", "provider__last_name")[:RECENT]
    )
    waiting = [t for t in sheets if t.status == Timesheet.Status.SUBMITTED]
    others = [t for t in sheets if t.status != Timesheet.Status.SUBMITTED]
    return render(request, "timesheets/review.html", {"waiting": waiting, "others": others})
