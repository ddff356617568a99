"""Coaching pages: a provider asks and books; a coach works the queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.core.refusals import ServiceRefused, add_to_form
from ihss.training import access
from ihss.training.coaching_forms import AskForm, NoteForm, OfferForm
from ihss.training.models import CoachingRequest
from ihss.training.services import coaching

Status = CoachingRequest.Status


def _own_request(request: AuthenticatedHttpRequest, pk: int) -> CoachingRequest:
    provider = access.own_provider(request.user)
    found = CoachingRequest.objects.filter(pk=pk, provider=provider).first()
    if found is None:
        raise Http404
    return found


@role_required(Role.PROVIDER)
def ask(request: AuthenticatedHttpRequest) -> HttpResponse:
    provider = access.own_provider(request.user)
    form = AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        coaching.ask(
            provider=provider,
            topic=form.cleaned_data["topic"],
            message=form.cleaned_data["message"],
            by=request.user,
        )
        messages.success(
            request, _("Your request is sent. A coach will offer times; you will be told.")
        )
        return HttpResponseRedirect(reverse("training:coaching"))
    requests = list(
        CoachingRequest.objects.filter(provider=provider)
        .prefetch_related("times")
        .order_by("-created_at", "-pk")[:20]
    )
    return render(
        request,
        "training/coaching.html",
        {"form": form, "requests": requests},
        status=400 if form.errors else 200,
    )


@require_POST
@role_required(Role.PROVIDER)
def book(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _own_request(request, pk)
    raw = request.POST.get("time", "")
    time_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else 0
    try:
        coaching.book(request=found, time_id=time_id, by=request.user)
    except ServiceRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Your coaching session is booked. You will be reminded."))
    return HttpResponseRedirect(reverse("training:coaching") + f"#request-{found.pk}")


@require_POST
@role_required(Role.PROVIDER)
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    coaching.cancel(request=_own_request(request, pk), by=request.user)
    messages.success(request, _("Your coaching request is cancelled."))
    return HttpResponseRedirect(reverse("training:coaching"))


@role_required(Role.COACH)
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    waiting = (
        CoachingRequest.objects.filter(status=Status.OPEN, coach__isnull=True)
        .select_related("provider")
        .order_by("created_at", "pk")[:100]
    )
    mine = (
        CoachingRequest.objects.filter(coach=request.user, status__in=CoachingRequest.ACTIVE)
        .select_related("provider")
        .prefetch_related("times")
        .order_by("created_at", "pk")
    )
    load = CoachingRequest.objects.filter(coach=request.user).aggregate(
        active=Count("pk", filter=Q(status__in=CoachingRequest.ACTIVE)),
        completed=Count("pk", filter=Q(status=Status.COMPLETED)),
    )
    return render(
        request, "training/coach_queue.html", {"waiting": waiting, "mine": mine, "load": load}
    )


def _coach_request(request: AuthenticatedHttpRequest, pk: int) -> CoachingRequest:
    found = (
        CoachingRequest.objects.filter(pk=pk)
        .select_related("provider", "coach")
        .defer("provider__ssn", "provider__ssn_index")
        .first()
    )
    if found is None:
        raise Http404
    return found


@role_required(Role.COACH)
def coach_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _coach_request(request, pk)
    offer_form = OfferForm(prefix="offer")
    note_form = NoteForm(prefix="note")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "offer":
                offer_form = OfferForm(request.POST, prefix="offer")
                if offer_form.is_valid():
                    coaching.offer(request=found, coach=request.user, times=offer_form.times())
                    messages.success(request, _("The times are offered; the provider is told."))
                    return HttpResponseRedirect(request.path)
            elif action == "note":
                note_form = NoteForm(request.POST, prefix="note")
                if note_form.is_valid():
                    coaching.add_note(
                        request=found, coach=request.user, text=note_form.cleaned_data["text"]
                    )
                    return HttpResponseRedirect(request.path + "#notes")
            elif action == "complete":
                coaching.complete(request=found, coach=request.user)
                messages.success(request, _("The session is marked completed."))
                return HttpResponseRedirect(reverse("training:coach"))
            elif action == "cancel":
                coaching.cancel(request=found, by=request.user)
                return HttpResponseRedirect(reverse("training:coach"))
            else:
                raise PermissionDenied
        except ServiceRefused as refusal:
            target = offer_form if action == "offer" else note_form
            if target.is_bound:
                add_to_form(target, refusal)
            else:
                messages.error(request, refusal.message)
    found.refresh_from_db()
    return render(
        request,
        "training/coach_request.html",
        {
            "item": found,
            "times": list(found.times.all()),
            "notes": list(found.notes.select_related("author")),
            "offer_form": offer_form,
            "note_form": note_form,
            "mine": found.coach_id in (None, request.user.pk),
        },
        status=400 if (offer_form.errors or note_form.errors) else 200,
    )
