"""Registering for Career Pathways classes, with a first-come waitlist.

Every step locks the class session's row first, so that seats are counted by one
transaction at a time: a session never has more registered providers than seats, and
when a seat frees (a cancellation, a switch to another class) the first person waiting,
by the time they asked, takes it at once and is told. Registering twice (a double tap,
two tabs) answers with the registration already made; cancelling twice changes nothing.
Self-paced courses have no session and no seats: enrolling is immediate.
"""

from __future__ import annotations

import datetime as dt

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
from ihss.training.models import Attendance, ClassSession, Course, Modality, Registration

Status = Registration.Status


class RegistrationRefused(ServiceRefused):
    pass


def refusal_for(provider: Provider) -> RegistrationRefused | None:
    """Why `provider` may not register for classes now, or None when they may. An active
    provider has finished enrollment (the case record enforces it)."""
    if provider.status == Provider.Status.PENDING or not provider.enrollment_complete:
        return RegistrationRefused(
            _(
                "Career Pathways classes are for providers who have finished enrollment. "
                "Finish the enrollment steps your county IHSS office gave you (the provider "
                "orientation, the background check and the agreement forms), then register."
            ),
            code="enrollment_not_complete",
        )
    if provider.status != Provider.Status.ACTIVE:
        return RegistrationRefused(
            _(
                "Career Pathways classes are for providers who are active in IHSS or WPCS. "
                "Your county IHSS office can tell you why your status is not active."
            ),
            code="provider_not_active",
        )
    return None


def _check(provider: Provider) -> None:
    refused = refusal_for(provider)
    if refused is not None:
        raise refused


def _locked_session(session_id: int) -> ClassSession:
    return ClassSession.objects.select_for_update().select_related("course").get(pk=session_id)


def _seats_taken(session: ClassSession) -> int:
    return Registration.objects.filter(session=session, status=Status.REGISTERED).count()


def register(*, provider: Provider, session: ClassSession, by: User | None) -> Registration:
    """A seat in `session`, or a place on its waitlist when it is full."""
    _check(provider)
    with transaction.atomic():
        session = _locked_session(session.pk)
        course = session.course
        if not course.published:
            raise RegistrationRefused(
                _("This course is no longer in the catalog."), code="course_withdrawn"
            )
        if session.cancelled_at is not None:
            raise RegistrationRefused(
                _("This class was cancelled: choose another class of the course."),
                code="class_cancelled",
            )
        if session.starts_at <= timezone.now():
            raise RegistrationRefused(
                _("This class has already started: choose a later one."), code="class_started"
            )
        existing = Registration.objects.filter(
            provider=provider, session=session, status__in=Registration.ACTIVE
        ).first()
        if existing is not None:
            return existing
        # Seats freed some other way (more seats given to the class) go to those waiting
        # first: nobody who asked later takes a seat ahead of them.
        promote(session_id=session.pk)
        full = _seats_taken(session) >= session.capacity
        now = timezone.now()
        registration = Registration.objects.create(
            provider=provider,
            course=course,
            session=session,
            status=Status.WAITLISTED if full else Status.REGISTERED,
            requested_at=now,
            promoted_at=None,
            created_by=by,
        )
        audit.record(
            actor=by,
            action="training.registered",
            subject=registration,
            after={"session": session.pk, "status": registration.status},
        )
        if registration.status == Status.REGISTERED:
            _tell(registration, Event.CLASS_CONFIRMATION)
        return registration


def enroll(*, provider: Provider, course: Course, by: User | None) -> Registration:
    """Enrollment in a self-paced course: at once, no seats, no waitlist."""
    _check(provider)
    if course.modality != Modality.SELF_PACED:
        raise RegistrationRefused(
            _("This course is taught in classes: choose one of its classes."),
            code="choose_a_class",
        )
    existing = Registration.objects.filter(
        provider=provider, course=course, session=None, status__in=Registration.ACTIVE
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                provider=provider,
                course=course,
                session=None,
                status=Status.REGISTERED,
                requested_at=timezone.now(),
                created_by=by,
            )
            audit.record(actor=by, action="training.enrolled", subject=registration)
            return registration
    except IntegrityError:  # the same enrollment made at the same moment (two tabs)
        return Registration.objects.get(
            provider=provider, course=course, session=None, status__in=Registration.ACTIVE
        )


def cancel(*, registration: Registration, by: User | None) -> Registration:
    """Give up a seat or a place on the waitlist; a freed seat goes to the first waiting."""
    with transaction.atomic():
        if registration.session_id is not None:
            _locked_session(registration.session_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            return registration
        _check_still_open(registration)
        freed = registration.status == Status.REGISTERED
        registration.status = Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        audit.record(actor=by, action="training.cancelled", subject=registration)
        if freed and registration.session_id is not None:
            promote(session_id=registration.session_id)
        return registration


def _check_still_open(registration: Registration) -> None:
    """A registration whose attendance is recorded, or whose class has begun, stays."""
    if Attendance.objects.filter(registration=registration).exists():
        raise RegistrationRefused(
            _("Your attendance is recorded: this registration can no longer be changed."),
            code="attended",
        )
    session = registration.session
    if session is not None and session.starts_at <= timezone.now():
        raise RegistrationRefused(
            _("This class has already begun: its registration can no longer be changed."),
            code="class_begun",
        )


def switch(*, registration: Registration, to: ClassSession, by: User | None) -> Registration:
    """Move to another class of the same course: a seat (or the waitlist) there, then the
    old seat freed for the first waiting. Both classes are locked in key order."""
    if registration.session_id == to.pk:
        return registration
    if to.course_id != registration.course_id:
        raise RegistrationRefused(
            _("You can only switch to another class of the same course."),
            code="other_course",
            field="session",
            conflict=False,
        )
    with transaction.atomic():
        for pk in sorted(p for p in (registration.session_id, to.pk) if p is not None):
            _locked_session(pk)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        _check_still_open(current)
        if current.status == Status.CANCELLED:
            raise RegistrationRefused(
                _("This registration was cancelled: register for the class you want."),
                code="cancelled",
            )
        provider = current.provider
        moved = register(provider=provider, session=to, by=by)
        cancel(registration=current, by=by)
        return moved


def promote(*, session_id: int) -> list[Registration]:
    """Fill the free seats of a session from its waitlist, first come first served (inside
    the caller's transaction, with the session locked)."""
    session = _locked_session(session_id)
    free = session.capacity - _seats_taken(session)
    promoted: list[Registration] = []
    if free <= 0 or session.starts_at <= timezone.now():
        return promoted
    waiting = (
        Registration.objects.select_for_update()
        .filter(session=session, status=Status.WAITLISTED)
        .order_by("requested_at", "pk")[:free]
    )
    now = timezone.now()
    for registration in waiting:
        registration.status = Status.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        audit.record(actor=None, action="training.promoted", subject=registration)
        _tell(registration, Event.WAITLIST_PROMOTION)
        promoted.append(registration)
    return promoted


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting, and so on; None when not waiting."""
    if registration.status != Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        session_id=registration.session_id,
        status=Status.WAITLISTED,
        requested_at__lt=registration.requested_at,
    ).count()
    same_time = Registration.objects.filter(
        session_id=registration.session_id,
        status=Status.WAITLISTED,
        requested_at=registration.requested_at,
        pk__lt=registration.pk,
    ).count()
    return ahead + same_time + 1


def place_of(session: ClassSession) -> str:
    if session.place:
        return f"{session.place}, {session.county.name}" if session.county else session.place
    return "Online"


def notice_context(registration: Registration) -> dict[str, str]:
    session = registration.session
    assert session is not None
    return {
        "course": registration.course.title,
        "starts_on": timezone.localdate(session.starts_at).isoformat(),
        "place": place_of(session),
    }


def _tell(
    registration: Registration,
    event: Event,
    *,
    key: str = "",
    extra: dict[str, str] | None = None,
) -> None:
    """A notice to the provider's accounts about their registration (none without one)."""
    if registration.session is None:
        return
    for user in provider_accounts(registration.provider_id):
        notices.notify(
            user=user,
            event=event,
            context=notice_context(registration) | (extra or {}),
            key=key or f"registration-{registration.pk}",
            link=reverse("training:mine"),
        )


def remind_due(*, on: dt.date, days_before: int) -> int:
    """A reminder to each provider registered for a class starting `days_before` days
    after `on` (once per registration and day: a rerun sends nothing more)."""
    zone = timezone.get_current_timezone()
    day = on + dt.timedelta(days=days_before)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = start + dt.timedelta(days=1)
    due = Registration.objects.filter(
        status=Status.REGISTERED, session__starts_at__gte=start, session__starts_at__lt=end
    ).select_related("course", "session", "session__county")
    count = 0
    for registration in due:
        _tell(registration, Event.CLASS_REMINDER, key=f"reminder-{registration.pk}")
        count += 1
    return count
