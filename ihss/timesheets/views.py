"""Timesheet pages: the provider's list and workweeks, the recipient's review, the
county's review before payroll; travel on a timesheet; paid sick leave claims.

Timesheets are loaded only through `access`, changed only through `services`. A step a
service refuses comes back on the page with its reason, and what was typed is kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.cases.models import Assignment, Recipient
from ihss.core import audit, stepup
from ihss.core.pagination import html_page
from ihss.timesheets import access, rules, services
from ihss.timesheets.explain import (
    explain,
    explain_outcome,
    explain_violation,
    first_half_share,
    flag_labels,
)
from ihss.timesheets.forms import (
    DayForm,
    ExceptionForm,
    RejectForm,
    SickLeaveClaimForm,
    SickLeaveRejectForm,
    SignatureForm,
    TravelForm,
)
from ihss.timesheets.models import (
    DayEntry,
    SickLeaveClaim,
    Timesheet,
    TravelEntry,
)

RECENT = 24  # timesheets listed on the provider's page
LIST_PAGE_SIZE = 50  # rows a page of the county queue, violations and exceptions


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
    ids = access.provider_ids(request.user)
    assignments = list(
        Assignment.objects.filter(provider_id__in=ids, start_date__lte=current.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=previous.start))
        .select_related("recipient")
        .defer("recipient__ssn")
        .order_by("recipient__last_name", "recipient__first_name", "program")
    )
    sheets = list(
        Timesheet.objects.filter(provider_id__in=ids)
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
    assignment = (
        Assignment.objects.filter(
            pk=assignment_id, provider_id__in=access.provider_ids(request.user)
        )
        .select_related("provider", "recipient")
        .first()
    )
    if assignment is None:
        raise Http404
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


def _days(timesheet: Timesheet) -> dict[dt.date, DayEntry]:
    return {d.day: d for d in timesheet.days.all()}


def _week_rows(timesheet: Timesheet, days: dict[dt.date, DayEntry]) -> list[dict[str, Any]]:
    weeks = []
    for week in rules.workweeks_touching(
        rules.PayPeriod(timesheet.period_start, timesheet.period_end)
    ):
        dates = [week.start + dt.timedelta(days=i) for i in range(7)]
        inside = [d for d in dates if timesheet.period_start <= d <= timesheet.period_end]
        weeks.append(
            {
                "week": week,
                "days": [(d, days.get(d)) for d in inside],
                "total": sum(days[d].minutes for d in inside if d in days),
            }
        )
    return weeks


def _explained(refusals: list[rules.Refusal]) -> list[str]:
    return list(dict.fromkeys(explain(r) for r in refusals))


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    timesheet = access.timesheet_for(request.user, pk)
    return _detail_page(request, timesheet)


def _detail_page(
    request: AuthenticatedHttpRequest,
    timesheet: Timesheet,
    *,
    refusals: list[rules.Refusal] | None = None,
    reject_form: RejectForm | None = None,
    travel_form: TravelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    is_provider = access.is_provider_of(user, timesheet)
    is_recipient = access.is_recipient_of(user, timesheet)
    if refusals is None and is_provider and timesheet.editable:
        refusals, _left = services.check(timesheet)
    days = _days(timesheet)
    history = audit.trail(timesheet).order_by("-occurred_at", "-id")[:50]
    context = {
        "timesheet": timesheet,
        "weeks": _week_rows(timesheet, days),
        "total": sum(d.minutes for d in days.values()),
        "is_provider": is_provider,
        "is_recipient": is_recipient,
        "can_submit": is_provider and timesheet.editable and bool(days),
        "can_review": is_recipient and timesheet.status == Timesheet.Status.SUBMITTED,
        "can_decide": timesheet.status == Timesheet.Status.APPROVED
        and timesheet.county_review in (Timesheet.Review.WAITING, Timesheet.Review.HELD)
        and access.can_decide_county_review(user, timesheet),
        "problems": _explained(refusals or []),
        "reject_form": reject_form or RejectForm(),
        "history": history,
        "flag_labels": flag_labels(timesheet.period_start),
        **_travel_context(request, timesheet, is_provider=is_provider, form=travel_form),
    }
    return render(request, "timesheets/detail.html", context, status=status)


def _week_forms(
    timesheet: Timesheet, week: rules.Workweek, data: Any = None
) -> list[tuple[dt.date, DayForm | None, str]]:
    """Each day of the week: a form when it is inside the period and not in the future;
    otherwise why not ("future", or "other" for the neighbouring pay period)."""
    today = timezone.localdate()
    days = _days(timesheet)
    rows: list[tuple[dt.date, DayForm | None, str]] = []
    for i in range(7):
        day = week.start + dt.timedelta(days=i)
        if not timesheet.period_start <= day <= timesheet.period_end:
            rows.append((day, None, "other"))
        elif day > today:
            rows.append((day, None, "future"))
        else:
            form = DayForm(data, day=day, initial=DayForm.initial_for(days.get(day)))
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


def _own_editable(request: AuthenticatedHttpRequest, pk: int) -> Timesheet:
    timesheet = access.timesheet_for(request.user, pk)
    if not access.is_provider_of(request.user, timesheet):
        raise PermissionDenied
    return timesheet


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
            messages.error(request, error.message)
            return redirect("timesheets:detail", timesheet.pk)
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
        {"timesheet": timesheet, "workweek": workweek, **_panel(timesheet, workweek, typed)},
    )


@require_POST
@role_required(Role.PROVIDER)
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    timesheet = _own_editable(request, pk)
    try:
        services.submit(timesheet=timesheet, by=request.user)
    except services.TimesheetError as error:
        messages.error(request, error.message)
        timesheet.refresh_from_db()
        return _detail_page(request, timesheet, refusals=error.refusals, status=400)
    messages.success(
        request,
        _("The timesheet was sent to %(name)s for approval.")
        % {"name": timesheet.recipient.full_name},
    )
    return redirect("timesheets:detail", timesheet.pk)


def _reviewable(request: AuthenticatedHttpRequest, pk: int) -> Timesheet:
    timesheet = access.timesheet_for(request.user, pk)
    if not access.is_recipient_of(request.user, timesheet):
        raise PermissionDenied
    return timesheet


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
            )
        except services.TimesheetError as error:
            messages.error(request, error.message)
            return redirect("timesheets:detail", timesheet.pk)
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
    ids = access.recipient_ids(request.user)
    sheets = (
        Timesheet.objects.filter(recipient_id__in=ids)
        .exclude(status=Timesheet.Status.DRAFT)
        .select_related("provider", "recipient")
        .defer("provider__ssn", "recipient__ssn")
        .annotate(total=Sum("days__minutes"))
        .order_by("-period_start", "provider__last_name")[:RECENT]
    )
    waiting = [t for t in sheets if t.status == Timesheet.Status.SUBMITTED]
    others = [t for t in sheets if t.status != Timesheet.Status.SUBMITTED]
    return render(request, "timesheets/review.html", {"waiting": waiting, "others": others})


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
        messages.error(request, error.message)
        return redirect("timesheets:detail", timesheet.pk)
    messages.success(request, _("Your decision is recorded."))
    return redirect("timesheets:county")


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
    recipients = [
        m.recipient for m in request.user.memberships_as(Role.RECIPIENT) if m.recipient is not None
    ]
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


# --- Violations -------------------------------------------------------------------------------


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
            messages.error(request, error.message)
        else:
            messages.success(request, _("Recorded."))
        return redirect("timesheets:violation", found.pk)
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
        },
    )


def _posted_date(request: AuthenticatedHttpRequest, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(request.POST.get(name, ""))
    except ValueError:
        raise services.TimesheetError(
            _("Enter the date as shown, for example 2026-11-20.")
        ) from None


# --- The county's exceptions to the weekly maximum ----------------------------------------


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
                form.add_error(None, error.message)
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


# --- Travel time ----------------------------------------------------------------------------


@dataclass
class TravelRow:
    entry: TravelEntry
    origin: str  # the recipient travelled from, or "" when the viewer may not know them


def _travel_days(timesheet: Timesheet) -> list[dt.date]:
    """The days of the pay period travel can be claimed for: those already past."""
    today = timezone.localdate()
    last = min(timesheet.period_end, today)
    count = (last - timesheet.period_start).days + 1
    return [timesheet.period_start + dt.timedelta(days=i) for i in range(max(count, 0))]


def _travel_form(timesheet: Timesheet, origins: list[Recipient], data: Any = None) -> TravelForm:
    return TravelForm(
        data,
        days=_travel_days(timesheet),
        origins=[(r.pk, r.full_name) for r in origins],
    )


def _travel_context(
    request: AuthenticatedHttpRequest,
    timesheet: Timesheet,
    *,
    is_provider: bool,
    form: TravelForm | None = None,
) -> dict[str, Any]:
    """The timesheet's travel for its pages, and the provider's form while it can change."""
    user = request.user
    entries = list(timesheet.travel.select_related("from_recipient").defer("from_recipient__ssn"))
    rows = [
        TravelRow(
            e,
            e.from_recipient.full_name
            if access.names_travel_origin(user, e.from_recipient, is_provider=is_provider)
            else "",
        )
        for e in entries
    ]
    editing = is_provider and timesheet.editable
    context: dict[str, Any] = {
        "travel": rows,
        "travel_total": sum(e.minutes for e in entries),
        "travel_editable": editing,
        "travel_form": None,
    }
    if editing:
        origins = services.travel_origins(timesheet)
        context["travel_cap"] = services.parameters(
            ["travel_weekly_cap"], on=timesheet.period_start
        )["travel_weekly_cap"]
        if origins:
            context["travel_form"] = form or _travel_form(timesheet, origins)
    return context


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
            form.add_error(None, error.message)
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


# --- Paid sick leave ------------------------------------------------------------------------

CLAIMS_LISTED = 24  # claims listed on the provider's and the recipient's pages


def _claim_choices(provider_ids: list[int], today: dt.date) -> list[tuple[str, str]]:
    """The provider's assignments in force this fiscal year or the last, as the claim
    form's choices ("recipient id:program" -> "Rosa Delgado · IHSS")."""
    this_year = rules.fiscal_year_containing(today).start
    since = this_year.replace(year=this_year.year - 1)
    assignments = (
        Assignment.objects.filter(provider_id__in=provider_ids, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=since))
        .select_related("recipient")
        .defer("recipient__ssn")
        .order_by("recipient__last_name", "recipient__first_name", "program")
    )
    choices: dict[str, str] = {}
    for a in assignments:
        choices.setdefault(
            f"{a.recipient_id}:{a.program}", f"{a.recipient.full_name} · {a.get_program_display()}"
        )
    return list(choices.items())


@require_http_methods(["GET", "POST"])
@role_required(Role.PROVIDER)
def sick_leave(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The provider's paid sick leave: the balance of this fiscal year, the claims, and
    the form to claim leave taken (the recipient whose care was missed approves it)."""
    today = timezone.localdate()
    membership = request.user.memberships_as(Role.PROVIDER)[0]
    provider = membership.provider
    if provider is None:
        raise Http404
    ids = [provider.pk]
    form = SickLeaveClaimForm(
        request.POST if request.method == "POST" else None,
        assignments=_claim_choices(ids, today),
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        recipient_id, program = form.recipient_and_program()
        recipient = Recipient.objects.defer("ssn").get(pk=recipient_id)
        try:
            claim = services.claim_sick_leave(
                provider=provider,
                recipient=recipient,
                program=program,
                day=form.cleaned_data["day"],
                minutes=form.cleaned_data["total"],
                by=request.user,
            )
        except services.SickLeaveError as error:
            for message in [error.message, *_explained(error.refusals)]:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Your sick leave claim was sent to %(name)s for approval.")
                % {"name": claim.recipient.full_name},
            )
            return redirect("timesheets:sick-leave")
    leave = services.balance_for(provider, today)
    claims = list(
        SickLeaveClaim.objects.filter(provider_id__in=ids)
        .select_related("recipient")
        .defer("recipient__ssn")[:CLAIMS_LISTED]
    )
    return render(
        request,
        "timesheets/sick_leave.html",
        {"leave": leave, "balance": leave.balance, "claims": claims, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@role_required(Role.RECIPIENT)
def sick_leave_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The recipient's sick leave claims: those waiting for approval first, then recent."""
    claims = list(
        SickLeaveClaim.objects.filter(recipient_id__in=access.recipient_ids(request.user))
        .select_related("provider", "recipient")
        .defer("provider__ssn", "recipient__ssn")
        .order_by("-created_at", "-id")[:CLAIMS_LISTED]
    )
    waiting = [c for c in claims if c.status == SickLeaveClaim.Status.SUBMITTED]
    others = [c for c in claims if c.status != SickLeaveClaim.Status.SUBMITTED]
    return render(
        request, "timesheets/sick_leave_review.html", {"waiting": waiting, "others": others}
    )


def _claim_page(
    request: AuthenticatedHttpRequest,
    claim: SickLeaveClaim,
    *,
    reject_form: SickLeaveRejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    history = audit.trail(claim).order_by("-occurred_at", "-id")[:50]
    return render(
        request,
        "timesheets/sick_leave_claim.html",
        {
            "claim": claim,
            "is_claimant": access.is_claimant(user, claim),
            "can_review": access.decides_sick_leave(user, claim)
            and claim.status == SickLeaveClaim.Status.SUBMITTED,
            "reject_form": reject_form or SickLeaveRejectForm(),
            "history": history,
        },
        status=status,
    )


@require_GET
def sick_leave_claim(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _claim_page(request, access.sick_leave_claim_for(request.user, pk))


def _decidable(request: AuthenticatedHttpRequest, pk: int) -> SickLeaveClaim:
    claim = access.sick_leave_claim_for(request.user, pk)
    if not access.decides_sick_leave(request.user, claim):
        raise PermissionDenied
    return claim


@require_POST
@role_required(Role.RECIPIENT)
def sick_leave_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = _decidable(request, pk)
    try:
        services.approve_sick_leave(claim=claim, by=request.user)
    except services.SickLeaveError as error:
        messages.error(request, error.message)
        return redirect("timesheets:sick-leave-claim", claim.pk)
    messages.success(request, _("You approved the sick leave claim."))
    return redirect("timesheets:sick-leave-review")


@require_POST
@role_required(Role.RECIPIENT)
def sick_leave_reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = _decidable(request, pk)
    form = SickLeaveRejectForm(request.POST)
    if not form.is_valid():
        return _claim_page(request, claim, reject_form=form, status=400)
    try:
        services.reject_sick_leave(claim=claim, by=request.user, reason=form.cleaned_data["reason"])
    except services.SickLeaveError as error:
        messages.error(request, error.message)
        return redirect("timesheets:sick-leave-claim", claim.pk)
    messages.success(
        request, _("You did not approve the claim. The provider will see your reason.")
    )
    return redirect("timesheets:sick-leave-review")
