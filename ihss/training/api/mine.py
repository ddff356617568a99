"""A provider's own Career Pathways records: registrations (register, join the waitlist,
enroll, cancel), training-time claims (confirm) and incentives."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema

from ihss.cases.models import Provider
from ihss.core.models import PaidSource
from ihss.core.refusals import ServiceRefused
from ihss.training import access
from ihss.training.api.common import TrainingRefusal, caller, forbidden, key, refused
from ihss.training.models import ClassSession, Course, Incentive, Registration, TrainingClaim
from ihss.training.payables import TRAINING_CLAIM, TRAINING_INCENTIVE
from ihss.training.services import claims, incentives, registrations

router = Router()


def _provider(request: HttpRequest) -> Provider:
    provider = access.provider_of(caller(request))
    if provider is None:
        raise forbidden("Only providers have Career Pathways registrations.")
    return provider


class RegistrationOut(Schema):
    id: int
    course_id: int
    course_code: str
    course_title: str
    session_id: int | None = Field(description="null for a self-paced course.")
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    status: str = Field(description="registered, waitlisted or cancelled.")
    waitlist_position: int | None = Field(description="1 for the first person waiting.")


def _registration(r: Registration) -> RegistrationOut:
    return RegistrationOut(
        id=r.pk,
        course_id=r.course_id,
        course_code=r.course.code,
        course_title=r.course.title,
        session_id=r.session_id,
        starts_at=r.session.starts_at if r.session else None,
        ends_at=r.session.ends_at if r.session else None,
        status=r.status,
        waitlist_position=registrations.waitlist_position(r),
    )


@router.get(
    "/registrations",
    response=list[RegistrationOut],
    summary="Your registrations",
    url_name="training-registrations",
)
def my_registrations(request: HttpRequest) -> list[RegistrationOut]:
    provider = _provider(request)
    rows = (
        Registration.objects.filter(provider=provider)
        .select_related("course", "session")
        .order_by("-requested_at", "-pk")[:200]
    )
    return [_registration(r) for r in rows]


@router.post(
    "/classes/{session_id}/registrations",
    url_name="training-register",
    response={200: RegistrationOut, 409: TrainingRefusal},
    summary="Register for a class, or join its waitlist when it is full (idempotent)",
)
def register(request: HttpRequest, session_id: int) -> Any:
    provider = _provider(request)
    session = get_object_or_404(
        ClassSession.objects.select_related("course"),
        pk=key(session_id, "session_id"),
        course__published=True,
    )
    try:
        made = registrations.register(provider=provider, session=session, by=caller(request))
    except ServiceRefused as refusal:
        return refused(refusal)
    return _registration(made)


@router.post(
    "/courses/{course_id}/enrollments",
    url_name="training-enroll",
    response={200: RegistrationOut, 409: TrainingRefusal},
    summary="Enroll in a self-paced course (idempotent)",
)
def enroll(request: HttpRequest, course_id: int) -> Any:
    provider = _provider(request)
    course = get_object_or_404(Course, pk=key(course_id, "course_id"), published=True)
    try:
        made = registrations.enroll(provider=provider, course=course, by=caller(request))
    except ServiceRefused as refusal:
        return refused(refusal)
    return _registration(made)


@router.post(
    "/registrations/{registration_id}/cancel",
    url_name="training-cancel",
    response={200: RegistrationOut, 409: TrainingRefusal},
    summary="Cancel a registration; a freed seat goes to the first person waiting",
)
def cancel(request: HttpRequest, registration_id: int) -> Any:
    _provider(request)
    registration = access.own_registration(caller(request), key(registration_id, "registration_id"))
    try:
        done = registrations.cancel(registration=registration, by=caller(request))
    except ServiceRefused as refusal:
        return refused(refusal)
    return _registration(done)


class ClaimOut(Schema):
    id: int
    course_title: str
    day: dt.date
    minutes: int
    status: str = Field(description="ready, confirmed or expired.")
    confirm_by: dt.date
    recipient_case_number: str | None
    paid: bool
    assignment_choices: list[int] = Field(
        description="Assignments whose county wage may apply (for a ready claim)."
    )


def _claim(claim: TrainingClaim, paid: set[int]) -> ClaimOut:
    ready = claim.status == TrainingClaim.Status.READY
    return ClaimOut(
        id=claim.pk,
        course_title=claim.course.title,
        day=claim.day,
        minutes=claim.minutes,
        status=claim.status,
        confirm_by=claim.confirm_by,
        recipient_case_number=claim.recipient.case_number if claim.recipient else None,
        paid=claim.pk in paid,
        assignment_choices=[a.pk for a in claims.assignments_on(claim)] if ready else [],
    )


def _paid(source: str, ids: list[int]) -> set[int]:
    return set(
        PaidSource.objects.filter(source=source, document_id__in=ids).values_list(
            "document_id", flat=True
        )
    )


@router.get(
    "/claims",
    response=list[ClaimOut],
    summary="Your training-time claims",
    url_name="training-claims",
)
def my_claims(request: HttpRequest) -> list[ClaimOut]:
    provider = _provider(request)
    rows = list(
        TrainingClaim.objects.filter(provider=provider).select_related("course", "recipient")[:200]
    )
    paid = _paid(TRAINING_CLAIM, [c.pk for c in rows])
    return [_claim(c, paid) for c in rows]


class ConfirmIn(Schema):
    assignment_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="Whose county wage applies; optional with one."
    )


@router.post(
    "/claims/{claim_id}/confirm",
    url_name="training-claim-confirm",
    response={200: ClaimOut, 409: TrainingRefusal},
    summary="Confirm a training-time claim (idempotent)",
)
def confirm(request: HttpRequest, claim_id: int, data: ConfirmIn) -> Any:
    _provider(request)
    claim = access.own_claim(caller(request), key(claim_id, "claim_id"))
    try:
        done = claims.confirm(claim=claim, assignment_id=data.assignment_id, by=caller(request))
    except ServiceRefused as refusal:
        return refused(refusal, body_field="assignment_id")
    return _claim(done, _paid(TRAINING_CLAIM, [done.pk]))


class IncentiveOut(Schema):
    kind: str
    number: int
    pathway: str
    cents: int
    earned_on: dt.date
    paid: bool


class PathwayProgressOut(Schema):
    pathway: str
    category: int
    minutes: int
    minutes_to_next_block: int
    completed_on: dt.date | None
    qualifying_months: list[dt.date]


class IncentivesOut(Schema):
    earned: list[IncentiveOut]
    progress: list[PathwayProgressOut]
    total_cents: int
    cap_cents: int


@router.get(
    "/incentives",
    response=IncentivesOut,
    summary="Your incentives and progress",
    url_name="training-incentives",
)
def my_incentives(request: HttpRequest) -> IncentivesOut:
    provider = _provider(request)
    today = timezone.localdate()
    kept = list(Incentive.objects.filter(provider=provider).select_related("pathway"))
    paid = _paid(TRAINING_INCENTIVE, [i.pk for i in kept])
    found = incentives.compute(provider, today=today)
    return IncentivesOut(
        earned=[
            IncentiveOut(
                kind=i.kind,
                number=i.number,
                pathway=i.pathway.code,
                cents=i.cents,
                earned_on=i.earned_on,
                paid=i.pk in paid,
            )
            for i in kept
        ],
        progress=[
            PathwayProgressOut(
                pathway=p.pathway,
                category=p.category,
                minutes=p.minutes,
                minutes_to_next_block=p.minutes_to_next_block,
                completed_on=p.completed_on,
                qualifying_months=list(p.qualifying_months),
            )
            for p in found.progress
        ],
        total_cents=sum(i.cents for i in kept),
        cap_cents=incentives.policy(today).total_cap_cents,
    )
