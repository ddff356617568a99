"""EVV's API under /api/v1/visits/: check in, check out, send a batch of offline punches,
list and read visits, correct a visit.

A personal access token with `evv:read` (GET) or `evv:write` (POST), or a signed-in
session. Every punch carries the id the phone made for it (a UUID): sending it again
answers with what was recorded the first time, never a second punch. Coordinates are in
the answer only for the provider who punched and county staff of the recipient's county.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError, ValidationError

from ihss.accounts.models import User
from ihss.cases.models import Provider
from ihss.core.pagination import API_PAGE_SIZE, MAX_KEY, ApiPage, api_page
from ihss.core.refusals import ServiceRefused
from ihss.evv import access
from ihss.evv.models import Channel, Place, Position, Punch, Visit
from ihss.evv.services import punches
from ihss.evv.services import visits as evv_visits

router = Router(tags=["EVV visits"])

MAX_ID = MAX_KEY
MAX_BATCH = 200  # punches in one sync: days of offline work, far below any real phone's


class EvvRefusal(Schema):
    detail: str
    code: str


class EvvPunchIn(Schema):
    """A check-in or check-out as the phone made it. Everything but `id` and `recipient`
    has a default; `punched_at` is the time on the phone (now, when left out)."""

    id: uuid.UUID | None = Field(
        default=None, description="Made on the phone; the same id = the same punch."
    )
    recipient: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The recipient's record id."
    )
    program: str = Field(default="IHSS", max_length=4, description="IHSS or WPCS.")
    place: str = Field(default="", max_length=10, description="home or community.")
    punched_at: dt.datetime | None = Field(default=None, description="ISO 8601 with its offset.")
    position: str = Field(
        default="",
        max_length=12,
        description="fix, denied or unavailable (Home only; ignored for Community).",
    )
    latitude: float | None = Field(default=None, ge=-90, le=90, description="Home only.")
    longitude: float | None = Field(default=None, ge=-180, le=180, description="Home only.")
    accuracy: float | None = Field(default=None, ge=0, le=1_000_000, description="Meters.")


class EvvCorrectionIn(Schema):
    start: dt.time | None = Field(default=None, description="The start time that counts (local).")
    end: dt.time | None = Field(default=None, description="The end time that counts (local).")
    place: str | None = Field(default=None, max_length=10, description="home or community.")
    reason: str = Field(
        default="", max_length=2000, description="Why: required, shown to the county."
    )


class EvvPunchOut(Schema):
    id: uuid.UUID
    kind: str
    place: str
    punched_at: dt.datetime = Field(description="The time on the phone.")
    received_at: dt.datetime
    position: str
    range: str = Field(description="in, out, unknown, or empty without a location.")
    implausible_time: bool
    latitude: float | None = None
    longitude: float | None = None
    accuracy: int | None = None
    distance: int | None = Field(default=None, description="Meters from the recipient's address.")


class EvvVisitOut(Schema):
    id: int
    provider_number: str
    recipient_case_number: str
    program: str
    service: str = Field(description="The type of service: the program's personal care.")
    day: dt.date
    place: str
    start: dt.datetime | None
    end: dt.datetime | None
    flags: list[str]
    corrected: bool
    check_in: EvvPunchOut | None
    check_out: EvvPunchOut | None


class EvvPunchResult(Schema):
    id: uuid.UUID
    status: str = Field(description="recorded, duplicate (sent before) or refused.")
    code: str = ""
    message: str = ""
    visit: EvvVisitOut | None = None


class EvvVisitPage(Schema):
    page: int
    page_size: int
    has_next: bool
    results: list[EvvVisitOut]


def _user(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _provider(request: HttpRequest) -> Provider:
    provider = access.provider_of(_user(request))
    if provider is None:
        raise HttpError(403, "Only providers check in and out.")
    return provider


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(
        [{"type": "value_error", "loc": ["body", "data", field], "msg": message}]
    )


def _punch_out(punch: Punch | None, *, coordinates: bool) -> EvvPunchOut | None:
    if punch is None:
        return None
    shown = coordinates and punch.latitude is not None
    return EvvPunchOut(
        id=punch.phone_id,
        kind=punch.kind,
        place=punch.place,
        punched_at=punch.punched_at,
        received_at=punch.received_at,
        position=punch.position,
        range=punch.range,
        implausible_time=punch.implausible_time,
        latitude=float(punch.latitude) if shown and punch.latitude is not None else None,
        longitude=float(punch.longitude) if shown and punch.longitude is not None else None,
        accuracy=punch.accuracy_m if shown else None,
        distance=punch.distance_m if coordinates else None,
    )


def _visit_out(visit: Visit, user: User) -> EvvVisitOut:
    coordinates = access.sees_coordinates(user, visit)
    return EvvVisitOut(
        id=visit.pk,
        provider_number=visit.provider.provider_number,
        recipient_case_number=visit.recipient.case_number,
        program=visit.program,
        service=f"{visit.program} personal care services",
        day=visit.day,
        place=visit.place,
        start=visit.started_at,
        end=visit.ended_at,
        flags=list(visit.flags),
        corrected=visit.corrected,
        check_in=_punch_out(visit.check_in, coordinates=coordinates),
        check_out=_punch_out(visit.check_out, coordinates=coordinates),
    )


def _with_relations(visit: Visit) -> Visit:
    return Visit.objects.select_related("provider", "recipient", "check_in", "check_out").get(
        pk=visit.pk
    )


def _punch_input(data: EvvPunchIn, *, kind: str, field: str = "") -> punches.PunchInput:
    prefix = f"{field}." if field else ""
    if data.id is None:
        raise _invalid(f"{prefix}id", "Send the id the phone made for this punch (a UUID).")
    if data.recipient is None:
        raise _invalid(f"{prefix}recipient", "Say which recipient (their record id).")
    if data.place not in Place.values:
        raise _invalid(f"{prefix}place", "Choose home or community.")
    position = data.position or (
        Position.FIX if data.latitude is not None else Position.UNAVAILABLE
    )
    if position not in (Position.FIX, Position.DENIED, Position.UNAVAILABLE):
        raise _invalid(f"{prefix}position", "Position is fix, denied or unavailable.")
    return punches.PunchInput(
        phone_id=data.id,
        kind=kind,
        recipient_id=data.recipient,
        program=data.program,
        place=data.place,
        punched_at=data.punched_at or timezone.now(),
        position=position,
        latitude=Decimal(str(data.latitude)) if data.latitude is not None else None,
        longitude=Decimal(str(data.longitude)) if data.longitude is not None else None,
        accuracy_m=round(data.accuracy) if data.accuracy is not None else None,
    )


def _refused(refusal: ServiceRefused) -> Any:
    if not refusal.conflict:
        raise _invalid(refusal.field or "data", refusal.message)
    return Status(409, EvvRefusal(detail=refusal.message, code=refusal.code))


def _result(outcome: punches.Outcome, user: User) -> EvvPunchResult:
    if outcome.refusal is not None:
        return EvvPunchResult(
            id=outcome.phone_id,
            status="refused",
            code=outcome.refusal.code,
            message=outcome.refusal.message,
        )
    _punch, visit = outcome.recorded
    return EvvPunchResult(
        id=outcome.phone_id, status=outcome.status, visit=_visit_out(_with_relations(visit), user)
    )


def _one(request: HttpRequest, data: EvvPunchIn | None, kind: str) -> Any:
    provider = _provider(request)
    punch_input = _punch_input(data or EvvPunchIn(), kind=kind)
    user = _user(request)
    try:
        outcome = punches.record(provider=provider, data=punch_input, by=user, channel=Channel.API)
    except ServiceRefused as refusal:
        return _refused(refusal)
    return _result(outcome, user)


@router.post(
    "/check-in",
    response={200: EvvPunchResult, 409: EvvRefusal},
    summary="Check in (idempotent on the punch's id)",
    url_name="evv-check-in",
)
def check_in(request: HttpRequest, data: EvvPunchIn | None = None) -> Any:
    return _one(request, data, Punch.Kind.CHECK_IN)


@router.post(
    "/check-out",
    response={200: EvvPunchResult, 409: EvvRefusal},
    summary="Check out (idempotent on the punch's id)",
    url_name="evv-check-out",
)
def check_out(request: HttpRequest, data: EvvPunchIn | None = None) -> Any:
    return _one(request, data, Punch.Kind.CHECK_OUT)


class EvvSyncPunchIn(EvvPunchIn):
    kind: str = Field(default="", max_length=3, description="in or out.")


class EvvSyncIn(Schema):
    punches: list[EvvSyncPunchIn] | None = Field(
        default=None, max_length=MAX_BATCH, description=f"Up to {MAX_BATCH} punches, any order."
    )


@router.post(
    "/sync",
    response=list[EvvPunchResult],
    summary="Send punches kept on the phone (each answered; sending again changes nothing)",
    url_name="evv-sync",
)
def sync(request: HttpRequest, data: EvvSyncIn | None = None) -> list[EvvPunchResult]:
    provider = _provider(request)
    if data is None or data.punches is None:
        raise _invalid("punches", "Send the punches kept on the phone.")
    batch = []
    for index, item in enumerate(data.punches):
        if item.kind not in Punch.Kind.values:
            raise _invalid(f"punches.{index}.kind", "Kind is in or out.")
        batch.append(_punch_input(item, kind=item.kind, field=f"punches.{index}"))
    user = _user(request)
    outcomes = punches.sync(provider=provider, batch=batch, by=user, channel=Channel.API)
    return [_result(o, user) for o in outcomes]


@router.get(
    "/",
    response=EvvVisitPage,
    summary="Visits the caller can see, newest first",
    url_name="evv-visits",
)
def visit_list(
    request: HttpRequest,
    since: dt.date | None = None,
    until: dt.date | None = None,
    page: ApiPage = 1,
) -> EvvVisitPage:
    user = _user(request)
    if not access.can_read(user):
        raise HttpError(403, "Your roles show no visits.")
    queryset = access.visible_visits(user).select_related(
        "provider", "recipient", "check_in", "check_out"
    )
    if since is not None:
        queryset = queryset.filter(day__gte=since)
    if until is not None:
        queryset = queryset.filter(day__lte=until)
    rows, has_next = api_page(queryset.order_by("-day", "-started_at", "-id"), page)
    return EvvVisitPage(
        page=page,
        page_size=API_PAGE_SIZE,
        has_next=has_next,
        results=[_visit_out(v, user) for v in rows],
    )


def _key(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise HttpError(404, "No such visit.")
    return value


@router.get("/{visit_id}", response=EvvVisitOut, summary="One visit", url_name="evv-visit")
def visit_detail(request: HttpRequest, visit_id: int) -> EvvVisitOut:
    user = _user(request)
    if not access.can_read(user):
        raise HttpError(403, "Your roles show no visits.")
    return _visit_out(access.visible_visit(user, _key(visit_id)), user)


@router.post(
    "/{visit_id}/correction",
    response={200: EvvVisitOut, 409: EvvRefusal},
    summary="Correct a visit's start, end or location, with the reason",
    url_name="evv-correct",
)
def correct(request: HttpRequest, visit_id: int, data: EvvCorrectionIn | None = None) -> Any:
    user = _user(request)
    _provider(request)
    visit = access.own_visit(user, _key(visit_id))
    data = data or EvvCorrectionIn()
    try:
        visit = evv_visits.correct_visit(
            visit=visit,
            start=data.start,
            end=data.end,
            place=data.place,
            reason=data.reason,
            by=user,
        )
    except ServiceRefused as refusal:
        return _refused(refusal)
    return _visit_out(_with_relations(visit), user)
