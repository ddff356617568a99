"""The public course catalog: search, filter, a course's page. No sign-in needed."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from ihss.core.pagination import html_page
from ihss.training import access, catalog
from ihss.training.forms import CatalogForm
from ihss.training.models import ClassSession, Course, Registration
from ihss.training.services import registrations

PAGE_SIZE = 20
NARROWING = (
    "category",
    "pathway",
    "modality",
    "language",
    "county",
    "starts_from",
    "starts_until",
    "within",
)


def _home_of(request: HttpRequest) -> tuple[Decimal, Decimal] | None:
    """A signed-in provider's home on the map (their case record), for "near my home"."""
    provider = access.provider_of(request.user)
    if provider is None or provider.latitude is None or provider.longitude is None:
        return None
    return provider.latitude, provider.longitude


@login_not_required
def catalog_page(request: HttpRequest) -> HttpResponse:
    form = CatalogForm(request.GET or None, home=_home_of(request))
    if form.is_bound:
        form.is_valid()
    page = html_page(request, catalog.courses(form.filters()), size=PAGE_SIZE)
    return render(
        request,
        "training/catalog.html",
        {
            "form": form,
            "page": page,
            "listings": catalog.listings(list(page.object_list)),
            "searched": form.is_bound,
            # The filters stay open when one is in use or wrong: the person sees what
            # narrows the list (a search by words alone keeps them folded).
            "narrowed": any(request.GET.get(name) for name in NARROWING),
        },
    )


@login_not_required
def course_page(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(
        Course.objects.select_related("provider", "pathway"), pk=pk, published=True
    )
    sessions = list(
        ClassSession.objects.filter(
            course=course, starts_at__gte=timezone.now(), cancelled_at__isnull=True
        )
        .select_related("county")
        .annotate(taken=Count("registrations", filter=Q(registrations__status="registered")))
    )
    provider = access.provider_of(request.user)
    mine = (
        {
            (r.session_id or 0): r
            for r in Registration.objects.filter(
                provider=provider, course=course, status__in=Registration.ACTIVE
            )
        }
        if provider
        else {}
    )
    for session in sessions:
        session.free = max(0, session.capacity - session.taken)  # type: ignore[attr-defined]
        session.mine = mine.get(session.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "training/course.html",
        {
            "course": course,
            "languages": list(course.languages.values_list("language", flat=True)),
            "sessions": sessions,
            "provider": provider,
            "refusal": registrations.refusal_for(provider) if provider else None,
            "enrolled": mine.get(0),
        },
    )


@login_not_required
def help_page(request: HttpRequest) -> HttpResponse:
    """Where to ask: the program inbox, the course's training provider, a coach, the
    Service Desk."""
    return render(request, "training/help.html")
