"""A provider's classes: register (or join the waitlist), enroll in a self-paced course,
cancel, switch to another class, and a calendar file per class."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.core.models import PaidSource
from ihss.core.refusals import ServiceRefused
from ihss.training import access
from ihss.training.calendar import registration_ics
from ihss.training.models import (
    Attendance,
    Certificate,
    ClassSession,
    Course,
    Incentive,
    Pathway,
    Registration,
    TrainingClaim,
)
from ihss.training.payables import TRAINING_CLAIM, TRAINING_INCENTIVE
from ihss.training.services import claims, incentives, registrations

Status = Registration.Status


def _refused(request: HttpRequest, refusal: ServiceRefused, back: str) -> HttpResponse:
    messages.error(request, refusal.message)
    return HttpResponseRedirect(back)


@require_POST
@role_required(Role.PROVIDER)
def register(request: AuthenticatedHttpRequest, session_pk: int) -> HttpResponse:
    session = get_object_or_404(
        ClassSession.objects.select_related("course"), pk=session_pk, course__published=True
    )
    back = reverse("training:course", args=[session.course_id])
    try:
        made = registrations.register(
            provider=access.own_provider(request.user), session=session, by=request.user
        )
    except ServiceRefused as refusal:
        return _refused(request, refusal, back)
    if made.status == Status.REGISTERED:
        messages.success(request, _("You are registered for this class."))
    else:
        messages.info(
            request,
            _(
                "The class is full: you are on its waitlist. A seat that frees goes to the first "
                "person waiting, and you will be told."
            ),  # fmt: skip
        )
    return HttpResponseRedirect(reverse("training:mine"))


@require_POST
@role_required(Role.PROVIDER)
def enroll(request: AuthenticatedHttpRequest, course_pk: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=course_pk, published=True)
    back = reverse("training:course", args=[course.pk])
    try:
        registrations.enroll(
            provider=access.own_provider(request.user), course=course, by=request.user
        )
    except ServiceRefused as refusal:
        return _refused(request, refusal, back)
    messages.success(request, _("You are enrolled. Start the course when you are ready."))
    return HttpResponseRedirect(reverse("training:mine"))


@role_required(Role.PROVIDER)
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = list(
        access.own_registrations(request.user)
        .select_related("course", "course__pathway", "session", "session__county")
        .order_by("-requested_at", "-pk")
    )
    active = [r for r in rows if r.status != Status.CANCELLED]
    others: dict[int, list[ClassSession]] = {}
    course_ids = {r.course_id for r in active if r.session_id is not None}
    for session in ClassSession.objects.filter(
        course_id__in=course_ids, starts_at__gt=timezone.now(), cancelled_at__isnull=True
    ).select_related("county"):
        others.setdefault(session.course_id, []).append(session)
    now = timezone.now()
    attended = dict(
        Attendance.objects.filter(registration_id__in=[r.pk for r in active]).values_list(
            "registration_id", "minutes"
        )
    )
    certified = set(
        Certificate.objects.filter(
            attendance__registration_id__in=[r.pk for r in active]
        ).values_list("attendance__registration_id", flat=True)
    )
    return render(
        request,
        "training/mine.html",
        {
            "active": [
                {
                    "registration": r,
                    "position": registrations.waitlist_position(r),
                    "switch_to": [s for s in others.get(r.course_id, []) if s.pk != r.session_id],
                    "certificate": r.pk in certified,
                    "attended": attended.get(r.pk),
                    # A class that has begun, or an attendance recorded: nothing to change.
                    "settled": r.pk in attended
                    or (r.session is not None and r.session.starts_at <= now),
                }
                for r in active
            ],
            "cancelled": [r for r in rows if r.status == Status.CANCELLED][:20],
            "claims": _claims(request),
            "refusal": registrations.refusal_for(access.own_provider(request.user)),
        },
    )


@require_POST
@role_required(Role.PROVIDER)
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    registration = access.own_registration(request.user, pk)
    try:
        registrations.cancel(registration=registration, by=request.user)
    except ServiceRefused as refusal:
        return _refused(request, refusal, reverse("training:mine"))
    messages.success(request, _("Your registration is cancelled."))
    return HttpResponseRedirect(reverse("training:mine"))


@require_POST
@role_required(Role.PROVIDER)
def switch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    registration = access.own_registration(request.user, pk)
    back = reverse("training:mine")
    raw = request.POST.get("session", "")
    target = (
        ClassSession.objects.filter(pk=int(raw), course_id=registration.course_id).first()
        if raw.isascii() and raw.isdigit() and len(raw) < 12
        else None
    )
    if target is None:
        messages.error(request, _("Choose the class you want to move to."))
        return HttpResponseRedirect(back)
    try:
        moved = registrations.switch(registration=registration, to=target, by=request.user)
    except ServiceRefused as refusal:
        return _refused(request, refusal, back)
    if moved.status == Status.REGISTERED:
        messages.success(request, _("You moved to the other class."))
    else:
        messages.info(request, _("The other class is full: you are on its waitlist."))
    return HttpResponseRedirect(back)


@role_required(Role.PROVIDER)
def calendar_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    registration = access.own_registration(request.user, pk)
    if registration.session is None or registration.status == Status.WAITLISTED:
        raise Http404
    url = request.build_absolute_uri(reverse("training:course", args=[registration.course_id]))
    response = HttpResponse(
        registration_ics(registration, url=url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="class-{registration.pk}.ics"'
    return response


def _claims(request: AuthenticatedHttpRequest) -> list[dict[str, object]]:
    """The person's training-time claims: those to confirm (with whose wage may apply),
    then the confirmed ones, newest first."""
    provider = access.provider_of(request.user)
    if provider is None:
        return []
    shown = []
    for claim in TrainingClaim.objects.filter(provider=provider).select_related(
        "course", "recipient"
    )[:50]:
        ready = claim.status == TrainingClaim.Status.READY
        shown.append(
            {
                "claim": claim,
                "choices": list(claims.assignments_on(claim)) if ready else [],
                "paid": PaidSource.objects.filter(
                    source=TRAINING_CLAIM, document_id=claim.pk
                ).exists()
                if not ready
                else False,
            }
        )
    return shown


@require_POST
@role_required(Role.PROVIDER)
def confirm_claim(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = access.own_claim(request.user, pk)
    raw = request.POST.get("assignment", "")
    chosen = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None
    try:
        claims.confirm(claim=claim, assignment_id=chosen, by=request.user)
    except ServiceRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("Your training time is confirmed: it is paid with your next paycheck.")
        )
    return HttpResponseRedirect(reverse("training:mine") + f"#claim-{claim.pk}")


@role_required(Role.PROVIDER)
def progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each pathway's verified hours toward the next incentive, what is earned, what next."""
    provider = access.own_provider(request.user)
    today = timezone.localdate()
    found = incentives.compute(provider, today=today)
    pathways = {p.code: p for p in Pathway.objects.all()}
    kept = list(Incentive.objects.filter(provider=provider).select_related("pathway"))
    paid = set(
        PaidSource.objects.filter(
            source=TRAINING_INCENTIVE, document_id__in=[i.pk for i in kept]
        ).values_list("document_id", flat=True)
    )
    policy = incentives.policy(today)
    return render(
        request,
        "training/progress.html",
        {
            "rows": [
                {
                    "pathway": pathways[p.pathway],
                    "progress": p,
                    "toward": p.minutes % policy.block_minutes,
                    "percent": 100 * (p.minutes % policy.block_minutes) // policy.block_minutes,
                }
                for p in found.progress
            ],
            "earned": [{"incentive": i, "paid": i.pk in paid} for i in kept],
            "policy": policy,
            "total_cents": sum(i.cents for i in kept),
            "left_cents": max(0, policy.total_cap_cents - sum(i.cents for i in kept)),
        },
    )
