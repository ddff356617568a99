"""The training provider's pages: its classes, each class's roster, attendance recorded
on the roster screen or from a CSV file (all or nothing), and the roster as CSV."""

from __future__ import annotations

import datetime as dt
import io

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.core import audit, csvsafe
from ihss.core.refusals import ServiceRefused, add_to_form
from ihss.training import access
from ihss.training.course_forms import CancelSessionForm, CourseForm, SessionForm
from ihss.training.models import (
    Attendance,
    ClassSession,
    Course,
    CourseLanguage,
    Modality,
    Registration,
    TrainingProvider,
)
from ihss.training.services import attendance as attendance_service
from ihss.training.services import completions as completion_service
from ihss.training.services import sessions
from ihss.training.services.attendance import AttendanceRejected, RowProblem

PAST_DAYS = 60
MAX_UPLOAD_BYTES = 1_000_000


@role_required(Role.TRAINING_PROVIDER)
def classes(request: AuthenticatedHttpRequest) -> HttpResponse:
    since = timezone.now() - dt.timedelta(days=PAST_DAYS)
    sessions = (
        access.staff_sessions(request.user)
        .filter(starts_at__gte=since)
        .select_related("course", "county")
        .annotate(
            registered=Count("registrations", filter=Q(registrations__status="registered")),
            waiting=Count("registrations", filter=Q(registrations__status="waitlisted")),
        )
        .order_by("starts_at", "pk")
    )
    courses = Course.objects.filter(provider__in=access.organizations_of(request.user)).order_by(
        "title", "pk"
    )
    self_paced = (
        Course.objects.filter(
            provider__in=access.organizations_of(request.user), modality=Modality.SELF_PACED
        )
        .annotate(
            enrolled=Count(
                "registrations",
                filter=Q(registrations__status="registered", registrations__session__isnull=True),
            )
        )
        .order_by("title", "pk")
    )
    return render(
        request,
        "training/staff_classes.html",
        {
            "sessions": sessions,
            "self_paced": self_paced,
            "courses": courses,
            "organizations": access.organizations_of(request.user),
        },
    )


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Attendance file (CSV)"),
        help_text=gettext_lazy(
            "Columns provider_number and hours (H:MM, 0:00 for someone who did not come)."
        ),
    )


def _roster(session: ClassSession) -> list[Registration]:
    return list(
        Registration.objects.filter(session=session, status=Registration.Status.REGISTERED)
        .select_related("provider")
        .defer("provider__ssn", "provider__ssn_index")
        .order_by("provider__last_name", "provider__first_name", "pk")
    )


def _attended(session: ClassSession) -> dict[int, Attendance]:
    return {
        a.registration_id: a
        for a in Attendance.objects.filter(registration__session=session).select_related("claim")
    }


@role_required(Role.TRAINING_PROVIDER)
def roster(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = access.staff_session(request.user, pk)
    people = _roster(session)
    problems: list[RowProblem] = []
    typed: dict[int, str] = {}
    upload = RosterUploadForm()
    if request.method == "POST":
        row_of: dict[str, int] | None = None
        if "file" in request.FILES:
            upload = RosterUploadForm(request.POST, request.FILES)
            minutes, row_of, problems = _from_file(upload)
            if minutes:  # the rows that could be read are checked too: every problem at once
                problems += attendance_service.check(session, minutes, row_of=row_of)
                problems.sort(key=lambda p: p.row)
        else:
            minutes, problems, typed = _from_screen(request, people)
        if not problems:
            try:
                count = attendance_service.record(
                    session=session, minutes_by_provider=minutes, by=request.user, row_of=row_of
                )
            except AttendanceRejected as rejected:
                problems = rejected.problems
            else:
                messages.success(
                    request,
                    ngettext(
                        "Attendance recorded for %(count)s person.",
                        "Attendance recorded for %(count)s people.",
                        count,
                    )
                    % {"count": count},
                )
                return HttpResponseRedirect(reverse("training:roster", args=[session.pk]))
    attended = _attended(session)
    rows = [
        {
            "registration": r,
            "attendance": attended.get(r.pk),
            "value": typed.get(r.pk)
            or (attendance_service.hm(attended[r.pk].minutes) if r.pk in attended else ""),
        }
        for r in people
    ]
    return render(
        request,
        "training/staff_roster.html",
        {
            "session": session,
            "rows": rows,
            "problems": problems,
            "upload": upload,
            "length": attendance_service.hm(attendance_service.class_length(session)),
            "started": session.starts_at <= timezone.now(),
        },
        status=400 if problems else 200,
    )


def _from_file(
    form: RosterUploadForm,
) -> tuple[dict[str, int], dict[str, int], list[RowProblem]]:
    if not form.is_valid():
        return {}, {}, [RowProblem(0, _("Choose the CSV file to upload."))]
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD_BYTES:
        return {}, {}, [RowProblem(0, _("The file is larger than 1 MB: a roster is much smaller."))]
    try:
        read = attendance_service.parse_roster_csv(upload.read())
    except AttendanceRejected as rejected:
        return {}, {}, rejected.problems
    return read.minutes, read.row_of, list(read.problems)


def _from_screen(
    request: AuthenticatedHttpRequest, people: list[Registration]
) -> tuple[dict[str, int], list[RowProblem], dict[int, str]]:
    minutes: dict[str, int] = {}
    problems: list[RowProblem] = []
    typed: dict[int, str] = {}
    for row, registration in enumerate(people, start=1):
        value = request.POST.get(f"hours-{registration.pk}", "").strip()
        typed[registration.pk] = value
        if not value:
            continue
        try:
            minutes[registration.provider.provider_number] = attendance_service.parse_hours(value)
        except ValueError:
            problems.append(
                RowProblem(
                    row,
                    _("%(name)s: write the hours attended as H:MM, for example 2:30.")
                    % {"name": registration.provider.full_name},
                )
            )
    if not minutes and not problems:
        problems.append(RowProblem(0, _("Type the hours attended of at least one person.")))
    return minutes, problems, typed


@role_required(Role.TRAINING_PROVIDER)
def roster_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = access.staff_session(request.user, pk)
    attended = _attended(session)
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(["provider_number", "last_name", "first_name", "hours"])
    for registration in _roster(session):
        provider = registration.provider
        recorded = attended.get(registration.pk)
        writer.writerow(
            [
                provider.provider_number,
                provider.last_name,
                provider.first_name,
                attendance_service.hm(recorded.minutes) if recorded else "",
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="class-{session.pk}-roster.csv"'
    return response


@role_required(Role.TRAINING_PROVIDER)
def completions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A self-paced course: who is enrolled, who completed it, and a CSV of completions."""
    course = access.staff_course(request.user, pk)
    problems: list[RowProblem] = []
    upload = RosterUploadForm()
    if request.method == "POST":
        upload = RosterUploadForm(request.POST, request.FILES)
        if not upload.is_valid():
            problems = [RowProblem(0, _("Choose the CSV file to upload."))]
        elif upload.cleaned_data["file"].size > MAX_UPLOAD_BYTES:
            problems = [RowProblem(0, _("The file is larger than 1 MB: a roster is much smaller."))]
        else:
            rows, problems = completion_service.parse_csv(upload.cleaned_data["file"].read())
            if rows:
                problems = sorted(
                    problems + completion_service.check(course, rows), key=lambda p: p.row
                )
            if not problems:
                count = completion_service.record(course=course, rows=rows, by=request.user)
                messages.success(
                    request,
                    ngettext(
                        "Completion recorded for %(count)s person.",
                        "Completions recorded for %(count)s people.",
                        count,
                    )
                    % {"count": count},
                )
                return HttpResponseRedirect(reverse("training:completions", args=[course.pk]))
    enrolled = (
        Registration.objects.filter(
            course=course, session__isnull=True, status=Registration.Status.REGISTERED
        )
        .select_related("provider", "attendance")
        .order_by("provider__last_name", "provider__first_name", "pk")
    )
    return render(
        request,
        "training/staff_completions.html",
        {"course": course, "enrolled": enrolled, "problems": problems, "upload": upload},
        status=400 if problems else 200,
    )


def _organization_name(request: AuthenticatedHttpRequest) -> str:
    """The organization the person keeps courses for: the one their membership names
    ("" when their account names none)."""
    name = (
        request.user.memberships.filter(role=Role.TRAINING_PROVIDER)
        .exclude(organization="")
        .order_by("pk")
        .values_list("organization", flat=True)
        .first()
    )
    return str(name or "")


@role_required(Role.TRAINING_PROVIDER)
def course_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a course to the catalog, or change one of the organization's courses."""
    course = None
    if pk is not None:
        course = Course.objects.filter(
            pk=pk, provider__in=access.organizations_of(request.user)
        ).first()
        if course is None:
            raise Http404
    name = _organization_name(request)
    if course is None and not name:
        return render(request, "training/staff_no_organization.html")
    known = TrainingProvider.objects.filter(name=name).first()
    form = CourseForm(
        request.POST or None,
        instance=course,
        provider_id=course.provider_id if course else (known.pk if known else 0),
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            if course is None:  # the organization is recorded with its first course
                saved.provider, _made = TrainingProvider.objects.get_or_create(name=name)
            saved.save()
            wanted = set(form.cleaned_data["languages"])
            saved.languages.exclude(language__in=wanted).delete()
            for language in wanted:
                CourseLanguage.objects.get_or_create(course=saved, language=language)
            audit.record(
                actor=request.user,
                action="training.course_saved",
                subject=saved,
                after={"code": saved.code, "published": saved.published},
            )
        messages.success(request, _("The course is saved."))
        return HttpResponseRedirect(reverse("training:classes"))
    return render(
        request,
        "training/staff_course_form.html",
        {"form": form, "course": course},
        status=400 if form.errors else 200,
    )


@role_required(Role.TRAINING_PROVIDER)
def session_form(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add a class to one of the organization's courses taught live."""
    course = (
        Course.objects.filter(pk=pk, provider__in=access.organizations_of(request.user))
        .exclude(modality=Modality.SELF_PACED)
        .first()
    )
    if course is None:
        raise Http404
    form = SessionForm(request.POST or None, course=course)
    if request.method == "POST" and form.is_valid():
        session = form.save()
        audit.record(actor=request.user, action="training.class_added", subject=session)
        messages.success(request, _("The class is added to the catalog."))
        return HttpResponseRedirect(reverse("training:classes"))
    return render(
        request,
        "training/staff_session_form.html",
        {"form": form, "course": course},
        status=400 if form.errors else 200,
    )


def _open_session(request: AuthenticatedHttpRequest, pk: int) -> ClassSession:
    session = access.staff_session(request.user, pk)
    if session.cancelled_at is not None:
        raise Http404
    return session


@role_required(Role.TRAINING_PROVIDER)
def session_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a class before it begins; the people registered are told of a new time or
    place."""
    session = _open_session(request, pk)
    form = SessionForm(request.POST or None, instance=session, course=session.course)
    if request.method == "POST" and form.is_valid():
        try:
            sessions.change(session=session, values=form.changes(), by=request.user)
        except ServiceRefused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, _("The class is changed. Everyone registered is told."))
            return HttpResponseRedirect(reverse("training:roster", args=[session.pk]))
    return render(
        request,
        "training/staff_session_form.html",
        {"form": form, "course": session.course, "session": session},
        status=400 if form.errors else 200,
    )


@role_required(Role.TRAINING_PROVIDER)
def session_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cancel a class before it begins, saying why; every registration with it ends."""
    session = _open_session(request, pk)
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sessions.cancel(session=session, reason=form.cleaned_data["reason"], by=request.user)
        except ServiceRefused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, _("The class is cancelled. Everyone registered is told."))
            return HttpResponseRedirect(reverse("training:classes"))
    return render(
        request,
        "training/staff_session_cancel.html",
        {"form": form, "session": session},
        status=400 if form.errors else 200,
    )
