"""A provider's pay, for the provider and for the staff who answer their calls: the payment
history, a paystub (page and PDF), the timeline of a timesheet or claim from sending to
deposit, and the yearly wage statement.

Records are loaded only through `access` (404 for a stub or provider the person may not
see); what a stub says is assembled once by `explain.describe_stub`, for the page, the PDF
and the API alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.cases.models import Provider
from ihss.core import payables
from ihss.core.dates import date_range, day_month_year
from ihss.core.pagination import html_page
from ihss.payroll import access, explain, pdf
from ihss.payroll.models import Deduction, PayLine, Payment, PayrollRun, Paystub

HISTORY_PAGE_SIZE = 24  # a year of pay periods a page


def stub_path(stub_id: int) -> str:
    """The address of a paystub's page: where the "payment issued" notice points."""
    return reverse("payroll:stub", args=[stub_id])


# --- Payment history ------------------------------------------------------------------------


@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in provider's own payment history."""
    provider = access.own_provider(request.user)
    return _history(request, provider, own=True)


@require_GET
def provider_pay(request: AuthenticatedHttpRequest, provider_number: str) -> HttpResponse:
    """A provider's payment history, for the staff who may see it (or the provider)."""
    provider = access.provider_for(request.user, provider_number)
    return _history(request, provider, own=False)


def _history(request: AuthenticatedHttpRequest, provider: Provider, *, own: bool) -> HttpResponse:
    stubs = access.provider_stubs(request.user, provider)
    page = html_page(request, stubs, size=HISTORY_PAGE_SIZE)
    documents: dict[int, list[dict[str, Any]]] = {}
    rows = (
        PayLine.objects.filter(stub_id__in=[s.pk for s in page.object_list])
        .values("stub_id", "source", "document_id", "recipient__first_name", "recipient__last_name")
        .annotate(first=Min("first_day"), last=Max("last_day"))
        .order_by("stub_id", "source", "document_id")
    )
    for row in rows:
        source = payables.source(row["source"])
        name = " ".join(n for n in (row["recipient__first_name"], row["recipient__last_name"]) if n)
        documents.setdefault(row["stub_id"], []).append(
            {
                "label": str(source.label) if source else row["source"],
                "recipient": name,
                "days": explain.days(row["first"], row["last"]),
                "url": reverse("payroll:timeline", args=[row["source"], row["document_id"]]),
            }
        )
    return render(
        request,
        "payroll/pay_history.html",
        {
            "provider": provider,
            "own": own,
            "page": page,
            "rows": [
                (
                    stub,
                    date_range(stub.run.period_start, stub.run.period_end),
                    documents.get(stub.pk, []),
                )
                for stub in page.object_list
            ],
            "statement_url": _statement_url(provider, own=own),
        },
    )


def _statement_url(provider: Provider, *, own: bool) -> str:
    if own:
        return reverse("payroll:statement")
    return reverse("payroll:provider-statement", args=[provider.provider_number])


# --- A paystub ------------------------------------------------------------------------------


@require_GET
def stub(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = access.stub_for(request.user, pk)
    view = explain.describe_stub(found)
    own = access.is_own(request.user, found.provider_id)
    return render(
        request,
        "payroll/stub.html",
        {
            "view": view,
            "stub": found,
            "run": found.run,
            "provider": found.provider,
            "own": own,
            "history_url": reverse("payroll:mine")
            if own
            else reverse("payroll:provider-pay", args=[found.provider.provider_number]),
        },
    )


@require_GET
def stub_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The paystub as a PDF to keep: downloaded, never cached, named without personal data."""
    found = access.stub_for(request.user, pk)
    data = pdf.paystub_pdf(explain.describe_stub(found), language=request.LANGUAGE_CODE)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"paystub-{found.run.period_start:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- The timeline of a document -------------------------------------------------------------


def payroll_steps(
    source: str, document_id: int, *, provider_id: int, issued_only: bool, today: dt.date
) -> list[tuple[str, dt.datetime | dt.date | None, int | None]]:
    """Payroll's steps for a document of `provider_id`: each run that paid it (or an
    adjustment on it), calculated, issued, and the deposit or check. (what, when, the
    stub's id). A document is only ever paid on its provider's stubs: they are found by
    provider, then the document among their lines (no index on the millions of lines by
    document; docs/benchmarks.md, "Payroll")."""
    lines = PayLine.objects.filter(
        stub__provider_id=provider_id, source=source, document_id=document_id
    )
    stubs = (
        Paystub.objects.filter(pk__in=lines.values("stub_id"))
        .select_related("run")
        .order_by("run__period_start", "pk")
    )
    if issued_only:
        stubs = stubs.filter(run__status=PayrollRun.Status.ISSUED)
    methods: dict[int, set[str]] = {}
    for stub_id, method in Payment.objects.filter(stub__in=stubs).values_list("stub_id", "method"):
        methods.setdefault(stub_id, set()).add(method)
    steps: list[tuple[str, dt.datetime | dt.date | None, int | None]] = []
    for found in stubs:
        run = found.run
        link = found.pk
        period = date_range(run.period_start, run.period_end)
        steps.append(
            (
                _("In the payroll of %(period)s: calculated") % {"period": period},
                run.calculated_at,
                link,
            )
        )
        if run.status == PayrollRun.Status.ISSUED:
            steps.append((_("Payment issued"), run.issued_at, link))
            paid = methods.get(found.pk, set())
            if Payment.Method.DEPOSIT in paid and run.pay_date:
                if run.pay_date <= today:
                    steps.append((_("Deposited in your bank account"), run.pay_date, link))
                else:
                    steps.append(
                        (
                            _("To be deposited in your bank account on %(day)s")
                            % {"day": day_month_year(run.pay_date)},
                            None,
                            link,
                        )
                    )
            if Payment.Method.CHECK in paid:
                steps.append((_("Check mailed"), run.issued_at, link))
        else:
            steps.append(
                (_("Not issued yet: %(status)s") % {"status": run.get_status_display()}, None, link)
            )
    return steps


@require_GET
def timeline(request: AuthenticatedHttpRequest, source: str, document_id: int) -> HttpResponse:
    """One timesheet or claim from sending to deposit: the source's steps, then payroll's."""
    known = payables.source(source)
    if known is None or known.timeline is None:
        raise Http404
    document = known.timeline(document_id)
    if document is None or not access.reads_pay_of(request.user, document.provider_id):
        raise Http404
    issued_only = not access.reads_as_staff(request.user)
    steps: list[tuple[str, Any, int | None]] = [
        (str(label), when, None) for label, when in document.steps
    ]
    steps += payroll_steps(
        source,
        document_id,
        provider_id=document.provider_id,
        issued_only=issued_only,
        today=timezone.localdate(),
    )
    try:
        url = known.document_url(document_id)
    except NoReverseMatch:
        url = None
    return render(
        request,
        "payroll/pay_timeline.html",
        {
            "title": document.title,
            "label": known.label,
            "steps": [
                (label, when_text(when), stub_path(stub_id) if stub_id else None)
                for label, when, stub_id in steps
            ],
            "document_url": url,
            "paid": any(link for _label, _when, link in steps),
        },
    )


def when_text(when: dt.datetime | dt.date | None) -> str:
    """A step's date (and time, for a moment) in the reader's language; "" when to come."""
    if when is None:
        return ""
    if isinstance(when, dt.datetime):
        return date_format(timezone.localtime(when), "DATETIME_FORMAT")
    return day_month_year(when)


# --- The yearly wage statement --------------------------------------------------------------


@require_GET
def statement(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _statement(request, access.own_provider(request.user), own=True)


@require_GET
def provider_statement(request: AuthenticatedHttpRequest, provider_number: str) -> HttpResponse:
    return _statement(request, access.provider_for(request.user, provider_number), own=False)


def wage_statement(provider: Provider, year: int) -> dict[str, Any]:
    """W-2 style totals of a provider's issued stubs paid in `year`: gross, net, the wages
    subject to each tax and each withholding (two queries)."""
    issued = Paystub.objects.filter(
        provider=provider, run__status=PayrollRun.Status.ISSUED, run__pay_date__year=year
    )
    totals = issued.aggregate(
        stubs=Count("pk"),
        gross=Sum("gross_cents"),
        deductions=Sum("deductions_cents"),
        net=Sum("net_cents"),
        share_of_cost=Sum("share_of_cost_cents"),
        state=Sum("state_pays_cents"),
    )
    rows = (
        Deduction.objects.filter(stub__in=issued.values("pk"))
        .values("code")
        .annotate(base=Sum("base_cents"), amount=Sum("amount_cents"))
        .order_by("code")
    )
    by_code = {row["code"]: row for row in rows}
    codes = sorted(by_code, key=explain._deduction_order)
    return {
        "year": year,
        "stubs": totals["stubs"] or 0,
        "gross_cents": totals["gross"] or 0,
        "deductions_cents": totals["deductions"] or 0,
        "net_cents": totals["net"] or 0,
        "share_of_cost_cents": totals["share_of_cost"] or 0,
        "state_pays_cents": totals["state"] or 0,
        "taxed": [
            (code, explain.deduction_label(code), by_code[code]["base"] or 0)
            for code in codes
            if code in explain.TAXES
        ],
        "withheld": [
            (code, explain.deduction_label(code), by_code[code]["amount"] or 0) for code in codes
        ],
    }


def statement_years(provider: Provider) -> list[int]:
    return sorted(
        {
            year
            for year in Paystub.objects.filter(
                provider=provider, run__status=PayrollRun.Status.ISSUED, run__pay_date__isnull=False
            )
            .annotate(year=ExtractYear("run__pay_date"))
            .values_list("year", flat=True)
            .distinct()
            if year
        },
        reverse=True,
    )


def _statement(request: AuthenticatedHttpRequest, provider: Provider, *, own: bool) -> HttpResponse:
    years = statement_years(provider)
    asked = (request.GET.get("year") or "").strip()
    year = int(asked) if asked.isascii() and asked.isdigit() and len(asked) == 4 else None
    if year is None:
        year = years[0] if years else timezone.localdate().year
    return render(
        request,
        "payroll/pay_statement.html",
        {
            "provider": provider,
            "own": own,
            "years": years,
            "year": year,
            "statement": wage_statement(provider, year),
            "history_url": reverse("payroll:mine")
            if own
            else reverse("payroll:provider-pay", args=[provider.provider_number]),
        },
    )
