"""EVV's county side: the compliance view, the visits, the aggregator export, and the
recipient's own list of visits.

- County staff see their counties' visits, coordinates included (access.sees_coordinates);
  state administrators and the service desk see every county's, without coordinates.
- Only county staff export, for a county of theirs; the file is theirs alone to download.
- A recipient (or their representative) sees the visits made for them: times and Home or
  Community, never coordinates.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.cases.models import County, Provider
from ihss.core import csvsafe
from ihss.core.refusals import ServiceRefused, add_to_form
from ihss.core.scope import scope_of
from ihss.evv import access
from ihss.evv.models import Flag, Visit, VisitExport
from ihss.evv.services import compliance
from ihss.evv.services import export as exports
from ihss.evv.tasks import run_visit_export

logger = logging.getLogger(__name__)

PROVIDERS_PER_PAGE = 25
VISITS_PER_PAGE = 50


# --- Who reads what ----------------------------------------------------------------------


def readable_counties(user: Any) -> frozenset[int]:
    """The counties whose visits the person reads: county staff their own, state
    administrators and the service desk every county. Anyone else: 403."""
    scope = scope_of(user)
    if scope.reads_statewide:
        return frozenset(County.objects.values_list("pk", flat=True))
    ids = access.county_ids(user)
    if not ids:
        raise PermissionDenied
    return ids


def _county_choices(ids: frozenset[int]) -> list[tuple[str, str]]:
    counties = County.objects.filter(pk__in=sorted(ids)).order_by("name")
    return [("", _("All your counties"))] + [(c.code, c.name) for c in counties]


# --- The filter ------------------------------------------------------------------------


class PeriodForm(forms.Form):
    """The period, county and provider a page covers; a wrong value is said, not a 500."""

    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=[
            (compliance.PAY_PERIOD, gettext_lazy("Pay period")),
            (compliance.WEEK, gettext_lazy("Week (Sunday to Saturday)")),
        ],
        required=False,
    )
    day = forms.DateField(
        label=gettext_lazy("Any day in the period"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date like 2026-11-03.")},
    )
    county = forms.ChoiceField(label=gettext_lazy("County"), required=False)
    provider = forms.CharField(
        label=gettext_lazy("Provider number"),
        required=False,
        max_length=9,
        help_text=gettext_lazy("9 digits; leave it empty for every provider."),
    )

    def __init__(self, data: Any, *, county_ids: frozenset[int]) -> None:
        super().__init__(data)
        self.county_ids = county_ids
        self.fields["county"].choices = _county_choices(county_ids)  # type: ignore[attr-defined]

    def clean_provider(self) -> Provider | None:
        number = (self.cleaned_data.get("provider") or "").strip()
        if not number:
            return None
        if not (number.isdigit() and len(number) == 9):
            raise forms.ValidationError(_("A provider number has 9 digits."))
        provider = (
            Provider.objects.filter(provider_number=number)
            .only("pk", "first_name", "last_name", "provider_number")
            .first()
        )
        if provider is None:
            raise forms.ValidationError(
                _("No provider has the number %(number)s.") % {"number": number}
            )
        return provider

    def selection(self) -> compliance.Selection:
        """What to show: the valid values, today's pay period and every county otherwise."""
        data = self.cleaned_data if self.is_valid() else {}
        kind = data.get("period") or compliance.PAY_PERIOD
        period = compliance.period_containing(kind, data.get("day") or timezone.localdate())
        counties = self.county_ids
        code = data.get("county")
        if code:
            counties = frozenset(
                County.objects.filter(code=code, pk__in=sorted(self.county_ids)).values_list(
                    "pk", flat=True
                )
            )
        provider = data.get("provider")
        return compliance.Selection(counties, period, provider.pk if provider else None)


def _period_links(request: AuthenticatedHttpRequest, period: compliance.Period) -> dict[str, str]:
    def link(other: compliance.Period) -> str:
        query = request.GET.copy()
        query["period"] = other.kind
        query["day"] = other.start.isoformat()
        query.pop("page", None)
        return "?" + query.urlencode()

    return {"previous": link(period.previous()), "following": link(period.following())}


# --- Compliance ----------------------------------------------------------------------------


@require_GET
def compliance_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    county_ids = readable_counties(request.user)
    form = PeriodForm(request.GET or None, county_ids=county_ids)
    selection = form.selection()
    missing = compliance.missing_days(selection)
    paginator = Paginator(compliance.providers_in(selection, missing), PROVIDERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = compliance.provider_rows(selection, page.object_list, missing)
    totals = compliance.week_totals(selection, missing)
    scope = scope_of(request.user)
    to_locate = list(compliance.recipients_to_locate(selection.county_ids)[:100])
    return render(
        request,
        "evv/county_compliance.html",
        {
            "form": form,
            "selection": selection,
            "period": selection.period,
            "weeks": selection.period.weeks,
            "page": page,
            "rows": [
                (row, list(zip(selection.period.weeks, row.weeks, strict=True))) for row in rows
            ],
            "totals": list(zip(selection.period.weeks, totals, strict=True)),
            "chart": _chart(totals),
            "links": _period_links(request, selection.period),
            "to_locate": [(r, scope.writes_county(r.county_id)) for r in to_locate],
            "query": request.GET.urlencode(),
            "may_export": access.is_county_staff(request.user),
        },
    )


CHART_SERIES = (
    ("located", gettext_lazy("With location"), "#00a91c"),
    ("unlocated", gettext_lazy("Without location"), "#936f38"),
    ("out_of_range", gettext_lazy("Out of range"), "#d54309"),
    ("corrected", gettext_lazy("Corrected by hand"), "#2672de"),
    ("missing", gettext_lazy("Missing"), "#1b1b1b"),
)
CHART_BAR = 14  # pixels per bar; the chart is a picture, the table beside it says it all
CHART_WIDTH = 300


def _chart(totals: list[compliance.Counts]) -> dict[str, Any]:
    """An SVG bar chart's geometry: per week, a bar per series (no JavaScript)."""
    biggest = max([1] + [getattr(t, name) for t in totals for name, _l, _c in CHART_SERIES])
    groups = []
    y = 0
    for index, counts in enumerate(totals):
        bars = []
        for name, label, colour in CHART_SERIES:
            value = getattr(counts, name)
            bars.append(
                {
                    "y": y,
                    "width": max(1, round(CHART_WIDTH * value / biggest)) if value else 0,
                    "value": value,
                    "label": label,
                    "colour": colour,
                }
            )
            y += CHART_BAR
        groups.append({"index": index, "y": y - CHART_BAR * len(CHART_SERIES), "bars": bars})
        y += CHART_BAR
    return {
        "groups": groups,
        "height": max(y, CHART_BAR),
        "width": CHART_WIDTH + 60,
        "bar": CHART_BAR - 2,
        "series": CHART_SERIES,
    }


@require_GET
def compliance_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every provider's counts, per week, for the same filter as the page."""
    county_ids = readable_counties(request.user)
    selection = PeriodForm(request.GET or None, county_ids=county_ids).selection()
    missing = compliance.missing_days(selection)
    period = selection.period
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="evv-compliance-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"'
    )
    response.write("\ufeff")
    writer = csvsafe.writer(response)
    writer.writerow(
        [
            "provider_number",
            "provider_name",
            "week_start",
            "week_end",
            "visits",
            "with_location",
            "without_location",
            "out_of_range",
            "corrected",
            "missing",
        ]
    )
    providers = compliance.providers_in(selection, missing)
    for start in range(0, providers.count(), 500):
        chunk = list(providers[start : start + 500])
        for row in compliance.provider_rows(selection, chunk, missing):
            name = f"{row.provider.last_name}, {row.provider.first_name}"
            for (first, last), counts in zip(period.weeks, row.weeks, strict=True):
                writer.writerow([row.provider.provider_number, name, first, last, *counts.as_row()])
    return response


# --- Visits -----------------------------------------------------------------------------


@require_GET
def visit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    county_ids = readable_counties(request.user)
    form = PeriodForm(request.GET or None, county_ids=county_ids)
    selection = form.selection()
    flag = request.GET.get("flag", "")
    visits = (
        compliance.visits_of(selection)
        .select_related("provider", "recipient")
        .only(
            "pk",
            "day",
            "place",
            "started_at",
            "ended_at",
            "flags",
            "corrected",
            "provider__first_name",
            "provider__last_name",
            "provider__provider_number",
            "recipient__first_name",
            "recipient__last_name",
            "recipient__case_number",
        )
        .order_by("-day", "-started_at", "-pk")
    )
    if flag == Flag.CORRECTED:
        visits = visits.filter(corrected=True)
    elif flag == Flag.OUT_OF_RANGE:
        visits = visits.filter(Q(check_in__range="out") | Q(check_out__range="out"))
    elif flag == Flag.NO_LOCATION:
        unlocated = compliance.UNLOCATED
        visits = visits.filter(
            Q(place="home")
            & (Q(check_in__position__in=unlocated) | Q(check_out__position__in=unlocated))
        )
    page = Paginator(visits, VISITS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "evv/county_visits.html",
        {
            "form": form,
            "period": selection.period,
            "page": page,
            "flag": flag,
            "flags": [
                ("", _("Every visit")),
                (Flag.NO_LOCATION, Flag.NO_LOCATION.label),
                (Flag.OUT_OF_RANGE, Flag.OUT_OF_RANGE.label),
                (Flag.CORRECTED, Flag.CORRECTED.label),
            ],
            "flag_labels": dict(Flag.choices),
            "links": _period_links(request, selection.period),
        },
    )


@require_GET
def visit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    readable_counties(request.user)  # 403 for a role that reads no county's visits
    scope = scope_of(request.user)
    visit = (
        Visit.objects.filter(pk=pk)
        .filter(**({} if scope.reads_statewide else {"county_id__in": sorted(scope.county_ids)}))
        .select_related("check_in", "check_out", "recipient", "provider", "county")
        .defer("recipient__ssn", "recipient__ssn_index", "provider__ssn", "provider__ssn_index")
        .first()
    )
    if visit is None:
        raise Http404
    return render(
        request,
        "evv/county_visit.html",
        {
            "visit": visit,
            "punches": [p for p in (visit.check_in, visit.check_out) if p is not None],
            "sees_coordinates": access.sees_coordinates(request.user, visit),
            "corrections": visit.corrections.select_related("made_by").all(),
            "flag_labels": dict(Flag.choices),
        },
    )


# --- Export -----------------------------------------------------------------------------


class ExportForm(forms.Form):
    county = forms.ChoiceField(label=gettext_lazy("County"))
    first_day = forms.DateField(
        label=gettext_lazy("First day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date like 2026-11-01.")},
    )
    last_day = forms.DateField(
        label=gettext_lazy("Last day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date like 2026-11-15.")},
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=VisitExport.Format.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, county_ids: frozenset[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        counties = County.objects.filter(pk__in=sorted(county_ids)).order_by("name")
        self.fields["county"].choices = [(c.pk, c.name) for c in counties]  # type: ignore[attr-defined]


def _require_exporter(user: Any) -> frozenset[int]:
    if not access.is_county_staff(user):
        raise PermissionDenied
    return access.county_ids(user)


@require_http_methods(["GET", "POST"])
def export_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    county_ids = _require_exporter(request.user)
    period = compliance.period_containing(compliance.PAY_PERIOD, timezone.localdate())
    previous = period.previous()
    form = ExportForm(
        request.POST or None,
        county_ids=county_ids,
        initial={"first_day": previous.start, "last_day": previous.end, "format": "altevv"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = exports.start_export(
                user=request.user,
                county_id=int(form.cleaned_data["county"]),
                first=form.cleaned_data["first_day"],
                last=form.cleaned_data["last_day"],
                format=form.cleaned_data["format"],
            )
        except ServiceRefused as refused:
            add_to_form(form, refused)
        else:
            if job.status == VisitExport.Status.QUEUED:
                transaction.on_commit(lambda: _queue(job))
            return redirect("evv:county-export", pk=job.pk)
    recent = exports.own_exports(request.user)[:10]
    return render(
        request,
        "evv/county_export_start.html",
        {"form": form, "recent": recent, "max_days": exports.MAX_EXPORT_DAYS},
        status=400 if request.method == "POST" else 200,
    )


def _queue(job: VisitExport) -> None:
    try:
        run_visit_export.enqueue(job.pk)
    except Exception:
        logger.exception("Could not queue visit export %s", job.pk)
        VisitExport.objects.filter(pk=job.pk).update(
            status=VisitExport.Status.FAILED, finished_at=timezone.now()
        )


def _export_context(job: VisitExport) -> dict[str, Any]:
    return {"job": job, "kept_days": exports.EXPORT_KEPT_DAYS}


@require_GET
def export_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_exporter(request.user)
    job = exports.own_export(request.user, pk)
    return render(request, "evv/county_export_job.html", _export_context(job))


@require_GET
def export_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The status fragment the job page polls; once finished it stops polling."""
    _require_exporter(request.user)
    job = exports.own_export(request.user, pk)
    return render(request, "evv/county_export_status.html", _export_context(job))


def _download(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> FileResponse:
    _require_exporter(request.user)
    job = exports.own_export(request.user, pk)
    if job.format != fmt or job.status != VisitExport.Status.SUCCEEDED or not job.stored_file:
        raise Http404
    content_type = "text/csv" if fmt == VisitExport.Format.CSV else "application/json"
    return FileResponse(
        exports.open_file(job),
        as_attachment=True,
        filename=job.file_name,
        content_type=f"{content_type}; charset=utf-8",
    )


@require_GET
def export_csv(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    return _download(request, pk, VisitExport.Format.CSV)


@require_GET
def export_json(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    return _download(request, pk, VisitExport.Format.ALTEVV)


# --- The recipient's visits ---------------------------------------------------------------------


@require_GET
def recipient_visits(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The visits made for the recipient (or those they represent): when, and Home or
    Community. Never where: coordinates are not shown to a recipient."""
    scope = scope_of(request.user)
    if Role.RECIPIENT not in scope.roles or not scope.recipient_ids:
        raise PermissionDenied
    visits = (
        Visit.objects.filter(recipient_id__in=sorted(scope.recipient_ids))
        .select_related("provider", "recipient")
        .only(
            "pk",
            "day",
            "place",
            "started_at",
            "ended_at",
            "corrected",
            "provider__first_name",
            "provider__last_name",
            "recipient__first_name",
            "recipient__last_name",
        )
        .order_by("-day", "-started_at", "-pk")
    )
    page = Paginator(visits, VISITS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "evv/recipient_visits.html",
        {"page": page, "several": len(scope.recipient_ids) > 1},
    )
