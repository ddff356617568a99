"""What the timesheet pages share: the page sizes, the timesheet's page (with its travel),
and finding the timesheet the caller may change or review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.cases.models import Recipient
from ihss.core import audit
from ihss.timesheets import access, rules, services
from ihss.timesheets.explain import explain, flag_labels
from ihss.timesheets.forms import CountyDecisionForm, RejectForm, SendForm, TravelForm
from ihss.timesheets.models import DayEntry, Timesheet, TravelEntry
from ihss.timesheets.services import visits as visit_rules

RECENT = 24  # timesheets listed on the provider's page
LIST_PAGE_SIZE = 50  # rows a page of the county queue, violations and exceptions


def _days(timesheet: Timesheet) -> dict[dt.date, DayEntry]:
    return {d.day: d for d in timesheet.days.all()}


def _week_rows(
    timesheet: Timesheet,
    days: dict[dt.date, DayEntry],
    evv: dict[dt.date, visit_rules.EvvDay] | None = None,
) -> list[dict[str, Any]]:
    """Each workweek the period touches: its days (day, entry, what EVV says of it) and the
    total."""
    evv = evv or {}
    weeks = []
    for week in rules.workweeks_touching(
        rules.PayPeriod(timesheet.period_start, timesheet.period_end)
    ):
        dates = [week.start + dt.timedelta(days=i) for i in range(7)]
        inside = [d for d in dates if timesheet.period_start <= d <= timesheet.period_end]
        weeks.append(
            {
                "week": week,
                "days": [(d, days.get(d), evv.get(d)) for d in inside],
                "total": sum(days[d].minutes for d in inside if d in days),
            }
        )
    return weeks


def _explained(refusals: list[rules.Refusal]) -> list[str]:
    return list(dict.fromkeys(explain(r) for r in refusals))


def _detail_page(
    request: AuthenticatedHttpRequest,
    timesheet: Timesheet,
    *,
    refusals: list[rules.Refusal] | None = None,
    reject_form: RejectForm | None = None,
    travel_form: TravelForm | None = None,
    send_form: SendForm | None = None,
    county_form: CountyDecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    is_provider = access.is_provider_of(user, timesheet)
    is_recipient = access.is_recipient_of(user, timesheet)
    if refusals is None and is_provider and timesheet.editable:
        refusals, _left = services.check(timesheet)
    days = _days(timesheet)
    evv = visit_rules.evv_days(timesheet, days)
    history = audit.trail(timesheet).order_by("-occurred_at", "-id")[:50]
    can_submit = is_provider and timesheet.editable and bool(days)
    context = {
        "timesheet": timesheet,
        "weeks": _week_rows(timesheet, days, evv),
        "total": sum(d.minutes for d in days.values()),
        # The check-ins and check-outs beside the days, when there are any to show; the
        # "No EVV check-in" flag for the county and the provider (information, never a
        # block), not for the recipient who signs the hours.
        "show_evv": any(e.visits is not None or e.no_evv for e in evv.values()),
        "show_no_evv": is_provider or not is_recipient,
        "no_evv_count": sum(1 for e in evv.values() if e.no_evv),
        "is_provider": is_provider,
        "is_recipient": is_recipient,
        "can_submit": can_submit,
        # Who will be asked to approve it, by name; empty when nobody on the case has an
        # account (the page says so rather than naming someone who cannot act).
        "approvers": get_text_list(services.approvers(timesheet.recipient_id), _("and"))
        if can_submit
        else "",
        "can_review": is_recipient and timesheet.status == Timesheet.Status.SUBMITTED,
        "can_decide": timesheet.status == Timesheet.Status.APPROVED
        and timesheet.county_review in (Timesheet.Review.WAITING, Timesheet.Review.HELD)
        and access.can_decide_county_review(user, timesheet),
        "problems": _explained(refusals or []),
        "reject_form": reject_form or RejectForm(),
        "send_form": send_form or SendForm(),
        "days_left": services.days_left(timesheet, timezone.localdate()),
        "county_form": county_form or CountyDecisionForm(),
        "history": history,
        "flag_labels": flag_labels(timesheet.period_start),
        **_travel_context(request, timesheet, is_provider=is_provider, form=travel_form),
    }
    return render(request, "timesheets/detail.html", context, status=status)


def _own_editable(request: AuthenticatedHttpRequest, pk: int) -> Timesheet:
    timesheet = access.timesheet_for(request.user, pk)
    if not access.is_provider_of(request.user, timesheet):
        raise PermissionDenied
    return timesheet


def _reviewable(request: AuthenticatedHttpRequest, pk: int) -> Timesheet:
    timesheet = access.timesheet_for(request.user, pk)
    if not access.is_recipient_of(request.user, timesheet):
        raise PermissionDenied
    return timesheet


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
