"""Completion certificates: the provider's page and PDF, and the public verification page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.core.dates import day_month_year
from ihss.core.units import format_minutes
from ihss.training import access
from ihss.training.models import Certificate
from ihss.training.pdf import certificate_pdf
from ihss.training.services import certificates


def _own_certificate(request: AuthenticatedHttpRequest, pk: int) -> Certificate:
    registration = access.own_registration(request.user, pk)
    attendance = getattr(registration, "attendance", None)
    certificate = certificates.certificate_for(attendance) if attendance else None
    if certificate is None:
        raise Http404
    return certificate


def _facts(certificate: Certificate) -> dict[str, Any]:
    attendance = certificate.attendance
    registration = attendance.registration
    course = registration.course
    return {
        "certificate": certificate,
        "code": certificates.shown(certificate.code),
        "name": registration.provider.full_name,
        "course": course,
        "day": attendance.day,
        "minutes": attendance.minutes,
    }


@role_required(Role.PROVIDER)
def certificate_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    facts = _facts(_own_certificate(request, pk))
    facts["verify_url"] = request.build_absolute_uri(reverse("training:verify"))
    facts["pk"] = pk
    return render(request, "training/certificate.html", facts)


@role_required(Role.PROVIDER)
def certificate_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    facts = _facts(_own_certificate(request, pk))
    course = facts["course"]
    data = certificate_pdf(
        lines=[
            (_("Course"), f"{course.code} {course.title}"),
            (_("Pathway"), _(course.pathway.name)),
            (_("Completed on"), day_month_year(facts["day"])),
            (_("Hours"), format_minutes(facts["minutes"])),
            (_("Taught by"), course.provider.name),
        ],
        name=facts["name"],
        course=course.title,
        code=facts["code"],
        verify_url=request.build_absolute_uri(reverse("training:verify")),
        language=get_language() or "en",
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{pk}.pdf"'
    return response


@login_not_required
def verify_page(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("code", "")[:40]
    found = certificates.verify(typed) if typed else None
    return render(
        request,
        "training/verify.html",
        {"typed": typed, "found": _facts(found) if found else None, "checked": bool(typed)},
    )
