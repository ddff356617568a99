"""Free coaching: a provider asks for help (the course catalog, getting paid, the technology
of online classes), a coach takes the request and offers times, the provider books one,
both are reminded, the coach keeps notes only coaches see, and marks it completed.

Asking twice about the same topic while a request is open answers with that request;
booking twice (a double tap) books once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ihss.accounts.models import User
from ihss.accounts.services import provider_accounts
from ihss.cases.models import Provider
from ihss.core import audit
from ihss.core.refusals import ServiceRefused
from ihss.notifications import services as notices
from ihss.notifications.events import Event
from ihss.training.models import CoachingNote, CoachingRequest, CoachingTime

Status = CoachingRequest.Status
MAX_TIMES = 3


class CoachingRefused(ServiceRefused):
    pass


def ask(*, provider: Provider, topic: str, message: str, by: User | None) -> CoachingRequest:
    active = CoachingRequest.objects.filter(
        provider=provider, topic=topic, status__in=CoachingRequest.ACTIVE
    ).first()
    if active is not None:
        return active
    try:
        with transaction.atomic():
            made = CoachingRequest.objects.create(
                provider=provider, topic=topic, message=message, created_at=timezone.now()
            )
            audit.record(actor=by, action="training.coaching_asked", subject=made)
            return made
    except IntegrityError:  # the same question sent twice at once
        return CoachingRequest.objects.get(
            provider=provider, topic=topic, status__in=CoachingRequest.ACTIVE
        )


def _locked(request: CoachingRequest) -> CoachingRequest:
    return CoachingRequest.objects.select_for_update().get(pk=request.pk)


def _check_coach(request: CoachingRequest, coach: User) -> None:
    if request.coach_id not in (None, coach.pk):
        raise CoachingRefused(
            _("Another coach is helping with this request."), code="another_coach"
        )


def offer(
    *,
    request: CoachingRequest,
    coach: User,
    times: Sequence[tuple[dt.datetime, int, str]],
) -> CoachingRequest:
    """Take the request (if nobody has) and offer up to three times (start, minutes, how)."""
    if not times:
        raise CoachingRefused(
            _("Offer at least one time."), code="no_time", field="time_1", conflict=False
        )
    now = timezone.now()
    if any(start <= now for start, _m, _h in times):
        raise CoachingRefused(
            _("Offer times in the future."), code="past_time", field="time_1", conflict=False
        )
    with transaction.atomic():
        request = _locked(request)
        _check_coach(request, coach)
        if request.status not in (Status.OPEN, Status.OFFERED):
            raise CoachingRefused(
                _("This request is %(status)s: no new times can be offered.")
                % {"status": request.get_status_display().lower()},
                code="not_open",
            )
        request.times.filter(booked=False).delete()
        CoachingTime.objects.bulk_create(
            CoachingTime(request=request, starts_at=start, minutes=minutes, how=how)
            for start, minutes, how in times[:MAX_TIMES]
        )
        request.coach = coach
        request.status = Status.OFFERED
        request.save(update_fields=["coach", "status"])
        audit.record(actor=coach, action="training.coaching_offered", subject=request)
        _tell_provider(
            request,
            Event.COACHING_OFFERED,
            {"topic": str(request.get_topic_display()), "count": min(len(times), MAX_TIMES)},
            key=f"coaching-offer-{request.pk}-{int(now.timestamp())}",
        )
        return request


def book(*, request: CoachingRequest, time_id: int, by: User | None) -> CoachingRequest:
    with transaction.atomic():
        request = _locked(request)
        if request.status == Status.BOOKED and request.times.filter(pk=time_id, booked=True):
            return request
        if request.status != Status.OFFERED:
            raise CoachingRefused(
                _("This request has no time to choose now."), code="nothing_to_book"
            )
        chosen = request.times.filter(pk=time_id, starts_at__gt=timezone.now()).first()
        if chosen is None:
            raise CoachingRefused(
                _("Choose one of the times the coach offered."),
                code="choose_a_time",
                field="time",
                conflict=False,
            )
        chosen.booked = True
        chosen.save(update_fields=["booked"])
        request.status = Status.BOOKED
        request.save(update_fields=["status"])
        audit.record(actor=by, action="training.coaching_booked", subject=request)
        context = _session_context(chosen)
        _tell_provider(request, Event.COACHING_BOOKED, context, key=f"coaching-{request.pk}")
        if request.coach is not None:
            notices.notify(
                user=request.coach,
                event=Event.COACHING_BOOKED,
                context=context,
                key=f"coaching-{request.pk}",
                link=reverse("training:coach-request", args=[request.pk]),
            )
        return request


def complete(*, request: CoachingRequest, coach: User) -> CoachingRequest:
    with transaction.atomic():
        request = _locked(request)
        _check_coach(request, coach)
        if request.status == Status.COMPLETED:
            return request
        if request.status != Status.BOOKED:
            raise CoachingRefused(
                _("Only a booked session can be marked completed."), code="not_booked"
            )
        request.status = Status.COMPLETED
        request.closed_at = timezone.now()
        request.save(update_fields=["status", "closed_at"])
        audit.record(actor=coach, action="training.coaching_completed", subject=request)
        return request


def cancel(*, request: CoachingRequest, by: User | None) -> CoachingRequest:
    with transaction.atomic():
        request = _locked(request)
        if request.status in (Status.CANCELLED, Status.COMPLETED):
            return request
        request.status = Status.CANCELLED
        request.closed_at = timezone.now()
        request.save(update_fields=["status", "closed_at"])
        audit.record(actor=by, action="training.coaching_cancelled", subject=request)
        return request


def add_note(*, request: CoachingRequest, coach: User, text: str) -> CoachingNote:
    text = text.strip()
    if not text:
        raise CoachingRefused(
            _("Write the note first."), code="empty_note", field="text", conflict=False
        )
    _check_coach(request, coach)
    return CoachingNote.objects.create(
        request=request, author=coach, text=text[:2000], created_at=timezone.now()
    )


def booked_time(request: CoachingRequest) -> CoachingTime | None:
    return request.times.filter(booked=True).first()


def _session_context(time: CoachingTime) -> dict[str, str]:
    local = timezone.localtime(time.starts_at)
    return {"day": local.date().isoformat(), "time": local.strftime("%H:%M"), "how": time.how}


def _tell_provider(
    request: CoachingRequest, event: Event, context: Mapping[str, object], *, key: str
) -> None:
    for user in provider_accounts(request.provider_id):
        notices.notify(
            user=user, event=event, context=context, key=key, link=reverse("training:coaching")
        )


def remind_due(*, on: dt.date) -> int:
    """Remind both people of each session booked for the day after `on` (once each)."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    due = CoachingTime.objects.filter(
        booked=True,
        request__status=Status.BOOKED,
        starts_at__gte=start,
        starts_at__lt=start + dt.timedelta(days=1),
    ).select_related("request", "request__coach")
    count = 0
    for time in due:
        context = _session_context(time)
        key = f"coaching-reminder-{time.request_id}"
        _tell_provider(time.request, Event.COACHING_REMINDER, context, key=key)
        if time.request.coach is not None:
            notices.notify(
                user=time.request.coach,
                event=Event.COACHING_REMINDER,
                context=context,
                key=key,
                link=reverse("training:coach-request", args=[time.request_id]),
            )
        count += 1
    return count
