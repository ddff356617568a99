"""County staff screens for case records: find, see the whole picture, create and change.

Every record is loaded through `ihss.cases.access` (strangers to a record get 404, readers
who may not change it 403); every change goes through `ihss.cases.services`, which checks
the program's rules and writes the audit event. A rule a service refuses comes back as
the form's error, with what was typed kept (except an SSN, which is never sent back).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import User
from ihss.cases import access, rules, services
from ihss.cases.forms import (
    AssignmentEditForm,
    AssignmentForm,
    AuthorizedHoursForm,
    EndForm,
    ExemptionForm,
    HoursAndMinutes,
    NewProviderForm,
    NewRecipientForm,
    ProviderForm,
    RecipientForm,
    TravelAgreementForm,
)
from ihss.cases.import_rules import format_hours
from ihss.cases.models import (
    AuthorizedHours,
    Program,
    Provider,
    Recipient,
    TravelAgreement,
)
from ihss.core import audit_display
from ihss.core.audit_display import AuditRow
from ihss.core.models import AuditEvent
from ihss.core.pagination import html_page
from ihss.core.parameters import MissingParameter, parameter

PAGE_SIZE = 25
AUDIT_PAGE_SIZE = 50
# Never loaded where people are listed: a decryption per row, for nothing.
SECRET_COLUMNS = ("ssn", "ssn_index")

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M", bound=models.Model)


def case_records_required(view: F) -> F:
    """Only county staff, the service desk and state administrators reach these pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not access.can_use_case_records(request.user):  # type: ignore[arg-type]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _parameter(key: str, on: dt.date) -> int | None:
    """A program parameter to tell people the limit before they type (None if unset)."""
    try:
        return parameter(key, on=on)
    except MissingParameter:
        return None


def _can_add(user: User) -> bool:
    return access.writable_counties(user).exists()


def _show_errors(
    form: forms.Form, error: ValidationError, rename: Mapping[str, str] | None = None
) -> None:
    """Put a service's refusal on the form: on the field it names, else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = (rename or {}).get(name, name)
        form.add_error(target if target in form.fields else None, errors)


# --- Search and lists ---------------------------------------------------------------------


def _typed_number(q: str) -> str | None:
    """The digits of a number typed with spaces or dashes, or None for a name."""
    compact = re.sub(r"[\s-]", "", q)
    return compact if compact.isdigit() else None


def _by_name(queryset: QuerySet[M], q: str) -> QuerySet[M]:
    """ "Delgado", "Ros Delg" (first last) or "Delgado, Rosa" (last, first): starts of names."""
    if "," in q:
        last, first = (part.strip() for part in q.split(",", 1))
        return queryset.filter(last_name__istartswith=last, first_name__istartswith=first)
    words = q.split()
    match = Q(last_name__istartswith=q)
    if len(words) > 1:
        match |= Q(first_name__istartswith=words[0], last_name__istartswith=" ".join(words[1:]))
    return queryset.filter(match)


@require_GET
@case_records_required
def recipient_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Recipients the user can see; `q` finds a case or provider number, or a name."""
    user = request.user
    q = request.GET.get("q", "").strip()[:60]
    recipients = access.visible_recipients(user).select_related("county").defer(*SECRET_COLUMNS)
    problem = ""
    number = _typed_number(q) if q else None
    if number is not None:
        if len(number) == 7:
            try:
                recipient = access.get_recipient_for_user(user, number)
            except Http404:
                problem = _(
                    "No recipient with case number %(number)s is in the records you can see."
                )
            else:
                return redirect("cases:recipient-detail", case_number=recipient.case_number)
        elif len(number) == 9:
            try:
                provider = access.get_provider_for_user(user, number)
            except Http404:
                problem = _("No provider with number %(number)s is in the records you can see.")
            else:
                return redirect("cases:provider-detail", provider_number=provider.provider_number)
        else:
            problem = _(
                "%(number)s is not a case number (7 digits) or a provider number (9 digits)."
            )
        problem = problem % {"number": number}
        recipients = recipients.none()
    elif q:
        recipients = _by_name(recipients, q)
    page = html_page(request, recipients, size=PAGE_SIZE)
    return render(
        request,
        "cases/recipient_list.html",
        {"page": page, "q": q, "problem": problem, "can_add": _can_add(user)},
    )


@require_GET
@case_records_required
def provider_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Providers the user can see; `q` finds a provider number or a name."""
    user = request.user
    q = request.GET.get("q", "").strip()[:60]
    providers = access.visible_providers(user).select_related("county").defer(*SECRET_COLUMNS)
    problem = ""
    number = _typed_number(q) if q else None
    if number is not None:
        if len(number) == 9:
            try:
                provider = access.get_provider_for_user(user, number)
            except Http404:
                problem = _("No provider with number %(number)s is in the records you can see.")
            else:
                return redirect("cases:provider-detail", provider_number=provider.provider_number)
        else:
            problem = _("%(number)s is not a provider number (9 digits).")
        problem = problem % {"number": number}
        providers = providers.none()
    elif q:
        providers = _by_name(providers, q)
    page = html_page(request, providers, size=PAGE_SIZE)
    return render(
        request,
        "cases/provider_list.html",
        {"page": page, "q": q, "problem": problem, "can_add": _can_add(user)},
    )


# --- The audit trail of a page ------------------------------------------------------------


def _audit_row(event: AuditEvent, own: models.Model) -> AuditRow:
    row = audit_display.present(event, own)
    if row.subject and event.subject_type == AuthorizedHours._meta.label_lower:
        snapshot = event.after if isinstance(event.after, dict) else event.before
        program = snapshot.get("program", "") if isinstance(snapshot, dict) else ""
        return replace(row, subject=_("%(program)s authorized hours") % {"program": program})
    return row


def _audit_page(
    request: HttpRequest, own: models.Model, related: Iterable[models.Model]
) -> tuple[Any, list[AuditRow]]:
    """The record's events and those of its related rows, newest first: two queries."""
    by_type: dict[str, list[str]] = {}
    for row in [own, *related]:
        by_type.setdefault(row._meta.label_lower, []).append(str(row.pk))
    match = Q()
    for subject_type, ids in by_type.items():
        match |= Q(subject_type=subject_type, subject_id__in=ids)
    events = AuditEvent.objects.filter(match).order_by("-occurred_at", "-id")
    page = html_page(request, events, size=AUDIT_PAGE_SIZE, param="changes")
    return page, [_audit_row(e, own) for e in page]


# --- Recipients ---------------------------------------------------------------------------


@dataclass
class ProgramHours:
    program: str
    label: str
    current: AuthorizedHours | None
    history: list[AuthorizedHours]


def _hours_by_program(rows: list[AuthorizedHours], today: dt.date) -> list[ProgramHours]:
    result = []
    for value, label in Program.choices:
        history = [h for h in rows if h.program == value]
        if history:
            current = next((h for h in history if h.in_force_on(today)), None)
            result.append(ProgramHours(value, str(label), current, history))
    return result


@require_GET
@case_records_required
def recipient_detail(request: AuthenticatedHttpRequest, case_number: str) -> HttpResponse:
    """The whole picture of one recipient: identity, hours, providers, travel, history."""
    user = request.user
    recipient = access.get_recipient_for_user(user, case_number)
    today = timezone.localdate()
    hours = list(recipient.authorized_hours.order_by("program", "-effective_from"))
    assignments = list(
        recipient.assignments.select_related("provider")
        .defer(*(f"provider__{c}" for c in SECRET_COLUMNS))
        .order_by("-start_date", "provider__last_name")
    )
    visible = access.visible_recipients(user)
    travel = list(
        TravelAgreement.objects.filter(Q(from_recipient=recipient) | Q(to_recipient=recipient))
        .annotate(
            from_visible=Exists(visible.filter(pk=OuterRef("from_recipient_id"))),
            to_visible=Exists(visible.filter(pk=OuterRef("to_recipient_id"))),
        )
        .select_related("provider", "from_recipient__county", "to_recipient__county")
        .defer(
            *(
                f"{end}__{c}"
                for end in ("provider", "from_recipient", "to_recipient")
                for c in SECRET_COLUMNS
            )
        )
        .order_by("-effective_from", "id")
    )
    shown_travel = [t for t in travel if t.from_visible and t.to_visible]
    audit_page, audit_rows = _audit_page(request, recipient, [*hours, *assignments, *shown_travel])
    return render(
        request,
        "cases/recipient_detail.html",
        {
            "recipient": recipient,
            "today": today,
            "programs": _hours_by_program(hours, today),
            "current_assignments": [a for a in assignments if not _ended(a.end_date, today)],
            "past_assignments": [a for a in assignments if _ended(a.end_date, today)],
            "travel": travel,
            "audit_page": audit_page,
            "audit_rows": audit_rows,
            "can_write": access.can_write_county(user, recipient.county_id),
        },
    )


def _ended(end: dt.date | None, today: dt.date) -> bool:
    return end is not None and end < today


def _recipient_initial(recipient: Recipient) -> dict[str, Any]:
    return {name: getattr(recipient, name) for name in RecipientForm.model_fields}


@require_http_methods(["GET", "POST"])
@case_records_required
def recipient_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _can_add(request.user):
        raise PermissionDenied
    form = NewRecipientForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            recipient = services.create_recipient(
                fields=form.model_values(), ssn=form.cleaned_data["ssn"], by=request.user
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("%(recipient)s was added.") % {"recipient": str(recipient)})
            return redirect("cases:recipient-detail", case_number=recipient.case_number)
    return render(request, "cases/recipient_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@case_records_required
def recipient_edit(request: AuthenticatedHttpRequest, case_number: str) -> HttpResponse:
    recipient = access.get_recipient_for_user(request.user, case_number, write=True)
    form = RecipientForm(
        request.POST or None, user=request.user, initial=_recipient_initial(recipient)
    )
    if form.is_valid():
        try:
            services.update_recipient(
                recipient=recipient,
                fields=form.model_values(),
                ssn=form.cleaned_data["ssn"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The recipient's details were saved."))
            return redirect("cases:recipient-detail", case_number=recipient.case_number)
    return render(request, "cases/recipient_form.html", {"form": form, "recipient": recipient})


@require_http_methods(["GET", "POST"])
@case_records_required
def recipient_hours(request: AuthenticatedHttpRequest, case_number: str) -> HttpResponse:
    """Change the monthly hours a recipient is authorized for in one program."""
    recipient = access.get_recipient_for_user(request.user, case_number, write=True)
    today = timezone.localdate()
    programs = _hours_by_program(
        list(recipient.authorized_hours.order_by("program", "-effective_from")), today
    )
    program = request.GET.get("program", Program.IHSS)
    # The new hours are typed, never prefilled: a value of the other program is a trap.
    initial = {"program": program if program in Program.values else Program.IHSS, "minutes": 0}
    form = AuthorizedHoursForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.change_authorized_hours(
                recipient=recipient,
                program=form.cleaned_data["program"],
                monthly_minutes=form.total_minutes(),
                effective_from=form.cleaned_data["effective_from"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                below_assignments_confirmed=form.confirmed,
            )
        except ValidationError as error:
            found = getattr(error, "error_dict", {}).values()
            codes = {e.code for errors in found for e in errors}
            if services.BELOW_ASSIGNMENTS in codes:
                form.ask_to_confirm()
            _show_errors(form, error, {"monthly_minutes": "hours"})
        else:
            messages.success(request, _("The authorized hours were changed."))
            return redirect("cases:recipient-detail", case_number=recipient.case_number)
    return render(
        request,
        "cases/hours_form.html",
        {
            "form": form,
            "recipient": recipient,
            "programs": programs,
            "maximum": _parameter(
                rules.monthly_cap_parameter(severely_impaired=recipient.severely_impaired), today
            ),
        },
    )


# --- Assignments --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@case_records_required
def assignment_create(request: AuthenticatedHttpRequest, case_number: str) -> HttpResponse:
    """Assign a provider (found by provider number) to this recipient."""
    recipient = access.get_recipient_for_user(request.user, case_number, write=True)
    form = AssignmentForm(request.POST or None, initial={"minutes": 0})
    if form.is_valid():
        try:
            provider = access.find_provider_to_assign(
                request.user, form.cleaned_data["provider_number"], recipient=recipient
            )
            values = form.model_values()
            assignment = services.create_assignment(
                recipient=recipient,
                provider=provider,
                program=form.cleaned_data["program"],
                assigned_monthly_minutes=values["assigned_monthly_minutes"],
                start_date=values["start_date"],
                end_date=values["end_date"],
                live_in_certified_on=values["live_in_certified_on"],
                family_relationship=values["family_relationship"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except Http404:
            form.add_error(
                "provider_number",
                _("No provider has this number. Check the 9 digits on the provider's papers."),
            )
        except ValidationError as error:
            _show_errors(form, error, {"assigned_monthly_minutes": "hours"})
        else:
            messages.success(
                request,
                _("%(provider)s is now assigned to %(recipient)s.")
                % {"provider": assignment.provider.full_name, "recipient": recipient.full_name},
            )
            return redirect("cases:recipient-detail", case_number=recipient.case_number)
    return render(request, "cases/assignment_form.html", {"form": form, "recipient": recipient})


@require_http_methods(["GET", "POST"])
@case_records_required
def assignment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = access.get_assignment_for_user(request.user, pk, write=True)
    initial = {
        "start_date": assignment.start_date,
        "end_date": assignment.end_date,
        "live_in_certified_on": assignment.live_in_certified_on,
        "family_relationship": assignment.family_relationship,
        **HoursAndMinutes.initial_for(assignment.assigned_monthly_minutes),
    }
    form = AssignmentEditForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.update_assignment(
                assignment=assignment,
                fields=form.model_values(),
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _show_errors(form, error, {"assigned_monthly_minutes": "hours"})
        else:
            messages.success(request, _("The assignment was saved."))
            return redirect("cases:recipient-detail", case_number=assignment.recipient.case_number)
    return render(request, "cases/assignment_form.html", {"form": form, "assignment": assignment})


@require_http_methods(["GET", "POST"])
@case_records_required
def assignment_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = access.get_assignment_for_user(request.user, pk, write=True)
    form = EndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if form.is_valid():
        try:
            services.end_assignment(
                assignment=assignment,
                end_date=form.cleaned_data["end_date"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The assignment was ended."))
            return redirect("cases:recipient-detail", case_number=assignment.recipient.case_number)
    return render(request, "cases/assignment_end.html", {"form": form, "assignment": assignment})


# --- Providers ----------------------------------------------------------------------------


@require_GET
@case_records_required
def provider_detail(request: AuthenticatedHttpRequest, provider_number: str) -> HttpResponse:
    """The whole picture of one provider: identity, enrollment, work, exemptions, history.

    A provider may also work in other counties: county staff see the assignments of their
    own county's recipients only, and travel to another county's recipient unnamed.
    """
    user = request.user
    provider = access.get_provider_for_user(user, provider_number)
    today = timezone.localdate()
    visible = access.visible_recipients(user)
    assignments = list(
        provider.assignments.filter(recipient__in=visible)
        .select_related("recipient__county")
        .defer(*(f"recipient__{c}" for c in SECRET_COLUMNS))
        .order_by("-start_date", "recipient__last_name")
    )
    exemptions = list(provider.overtime_exemptions.order_by("-effective_from", "id"))
    travel = list(
        provider.travel_agreements.annotate(
            from_visible=Exists(visible.filter(pk=OuterRef("from_recipient_id"))),
            to_visible=Exists(visible.filter(pk=OuterRef("to_recipient_id"))),
        )
        .filter(Q(from_visible=True) | Q(to_visible=True))
        .select_related("from_recipient__county", "to_recipient__county")
        .defer(
            *(f"{end}__{c}" for end in ("from_recipient", "to_recipient") for c in SECRET_COLUMNS)
        )
        .order_by("-effective_from", "id")
    )
    shown_travel = [t for t in travel if t.from_visible and t.to_visible]
    audit_page, audit_rows = _audit_page(
        request, provider, [*assignments, *exemptions, *shown_travel]
    )
    return render(
        request,
        "cases/provider_detail.html",
        {
            "provider": provider,
            "today": today,
            "current_assignments": [a for a in assignments if not _ended(a.end_date, today)],
            "past_assignments": [a for a in assignments if _ended(a.end_date, today)],
            "exemptions": exemptions,
            "travel": travel,
            "audit_page": audit_page,
            "audit_rows": audit_rows,
            "can_write": access.can_write_county(user, provider.county_id),
        },
    )


def _provider_initial(provider: Provider) -> dict[str, Any]:
    initial = {name: getattr(provider, name) for name in ProviderForm.model_fields}
    worked = provider.worked_to_date_minutes
    initial["worked_to_date_hours"] = format_hours(worked) if worked else ""
    return initial


@require_http_methods(["GET", "POST"])
@case_records_required
def provider_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _can_add(request.user):
        raise PermissionDenied
    form = NewProviderForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            provider = services.create_provider(
                fields=form.model_values(), ssn=form.cleaned_data["ssn"], by=request.user
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("%(provider)s was added.") % {"provider": str(provider)})
            return redirect("cases:provider-detail", provider_number=provider.provider_number)
    return render(request, "cases/provider_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@case_records_required
def provider_edit(request: AuthenticatedHttpRequest, provider_number: str) -> HttpResponse:
    provider = access.get_provider_for_user(request.user, provider_number, write=True)
    form = ProviderForm(
        request.POST or None, user=request.user, initial=_provider_initial(provider)
    )
    if form.is_valid():
        try:
            services.update_provider(
                provider=provider,
                fields=form.model_values(),
                ssn=form.cleaned_data["ssn"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The provider's details were saved."))
            return redirect("cases:provider-detail", provider_number=provider.provider_number)
    return render(request, "cases/provider_form.html", {"form": form, "provider": provider})


# --- Overtime exemptions and travel agreements (records of the provider) ------------------


@require_http_methods(["GET", "POST"])
@case_records_required
def exemption_create(request: AuthenticatedHttpRequest, provider_number: str) -> HttpResponse:
    provider = access.get_provider_for_user(request.user, provider_number, write=True)
    form = ExemptionForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_exemption(
                provider=provider,
                kind=data["kind"],
                circumstance=data["circumstance"],
                approved_on=data["approved_on"],
                effective_from=data["effective_from"],
                effective_to=data["effective_to"],
                notes=data["notes"],
                by=request.user,
                reason=data["reason"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The overtime exemption was added."))
            return redirect("cases:provider-detail", provider_number=provider.provider_number)
    today = timezone.localdate()
    return render(
        request,
        "cases/exemption_form.html",
        {
            "form": form,
            "provider": provider,
            "weekly_cap": _parameter("exemption_weekly_cap", today),
            "monthly_cap": _parameter("exemption_monthly_cap", today),
        },
    )


@require_http_methods(["GET", "POST"])
@case_records_required
def exemption_end(request: AuthenticatedHttpRequest, provider_number: str, pk: int) -> HttpResponse:
    # Reached through the provider, whose loader decides who may see and change it.
    provider = access.get_provider_for_user(request.user, provider_number, write=True)
    exemption = get_object_or_404(provider.overtime_exemptions, pk=pk)
    form = EndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if form.is_valid():
        try:
            services.end_exemption(
                exemption=exemption,
                effective_to=form.cleaned_data["end_date"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _show_errors(form, error, {"effective_to": "end_date"})
        else:
            messages.success(request, _("The overtime exemption was ended."))
            return redirect("cases:provider-detail", provider_number=provider.provider_number)
    return render(
        request,
        "cases/exemption_end.html",
        {"form": form, "provider": provider, "exemption": exemption},
    )


@require_http_methods(["GET", "POST"])
@case_records_required
def travel_create(request: AuthenticatedHttpRequest, provider_number: str) -> HttpResponse:
    provider = access.get_provider_for_user(request.user, provider_number, write=True)
    works_for = (
        access.visible_recipients(request.user)
        .filter(assignments__provider=provider)
        .distinct()
        .defer(*SECRET_COLUMNS)
    )
    form = TravelAgreementForm(request.POST or None, recipients=works_for, initial={"minutes": 0})
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_travel_agreement(
                provider=provider,
                from_recipient=data["from_recipient"],
                to_recipient=data["to_recipient"],
                weekly_minutes=form.total_minutes(),
                signed_on=data["signed_on"],
                effective_from=data["effective_from"],
                effective_to=data["effective_to"],
                by=request.user,
                reason=data["reason"],
            )
        except ValidationError as error:
            _show_errors(form, error, {"weekly_minutes": "hours"})
        else:
            messages.success(request, _("The travel agreement was added."))
            return redirect("cases:provider-detail", provider_number=provider.provider_number)
    return render(
        request,
        "cases/travel_form.html",
        {
            "form": form,
            "provider": provider,
            "cap": _parameter("travel_weekly_cap", timezone.localdate()),
        },
    )


@require_http_methods(["GET", "POST"])
@case_records_required
def travel_end(request: AuthenticatedHttpRequest, provider_number: str, pk: int) -> HttpResponse:
    # Reached through the provider, whose loader decides who may see and change it.
    provider = access.get_provider_for_user(request.user, provider_number, write=True)
    agreement = get_object_or_404(
        provider.travel_agreements.select_related("from_recipient", "to_recipient"), pk=pk
    )
    form = EndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if form.is_valid():
        try:
            services.end_travel_agreement(
                agreement=agreement,
                effective_to=form.cleaned_data["end_date"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _show_errors(form, error, {"effective_to": "end_date"})
        else:
            messages.success(request, _("The travel agreement was ended."))
            return redirect("cases:provider-detail", provider_number=provider.provider_number)
    return render(
        request,
        "cases/travel_end.html",
        {"form": form, "provider": provider, "agreement": agreement},
    )
