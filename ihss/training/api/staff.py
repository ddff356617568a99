"""The training provider's classes, rosters and attendance (all or nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import ValidationError

from ihss.accounts.models import Role
from ihss.core.scope import scope_of
from ihss.training import access
from ihss.training.api.common import caller, forbidden, key
from ihss.training.models import Attendance, Registration
from ihss.training.services import attendance, completions
from ihss.training.services.attendance import AttendanceRejected

router = Router()


def _staff(request: HttpRequest) -> None:
    if Role.TRAINING_PROVIDER not in scope_of(caller(request)).roles:
        raise forbidden("Only training provider staff keep rosters.")


class ClassOut(Schema):
    id: int
    course_code: str
    course_title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    registered: int
    waitlisted: int


@router.get(
    "/classes",
    response=list[ClassOut],
    summary="Your organization's classes",
    url_name="training-classes",
)
def classes(request: HttpRequest) -> list[ClassOut]:
    _staff(request)
    rows = (
        access.staff_sessions(caller(request))
        .select_related("course")
        .annotate(
            registered=Count("registrations", filter=Q(registrations__status="registered")),
            waitlisted=Count("registrations", filter=Q(registrations__status="waitlisted")),
        )
        .order_by("-starts_at", "pk")[:200]
    )
    return [
        ClassOut(
            id=s.pk,
            course_code=s.course.code,
            course_title=s.course.title,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            capacity=s.capacity,
            registered=s.registered,
            waitlisted=s.waitlisted,
        )
        for s in rows
    ]


class RosterRow(Schema):
    provider_number: str
    last_name: str
    first_name: str
    minutes_attended: int | None = Field(description="null until attendance is recorded.")


@router.get(
    "/classes/{session_id}/roster",
    response=list[RosterRow],
    summary="A class's roster",
    url_name="training-roster",
)
def roster(request: HttpRequest, session_id: int) -> list[RosterRow]:
    _staff(request)
    session = access.staff_session(caller(request), key(session_id, "session_id"))
    recorded = dict(
        Attendance.objects.filter(registration__session=session).values_list(
            "registration_id", "minutes"
        )
    )
    people = (
        Registration.objects.filter(session=session, status=Registration.Status.REGISTERED)
        .select_related("provider")
        .order_by("provider__last_name", "provider__first_name", "pk")
    )
    return [
        RosterRow(
            provider_number=r.provider.provider_number,
            last_name=r.provider.last_name,
            first_name=r.provider.first_name,
            minutes_attended=recorded.get(r.pk),
        )
        for r in people
    ]


class AttendanceRow(Schema):
    provider_number: str = Field(max_length=9, min_length=1)
    minutes: int = Field(ge=0, le=24 * 60, description="Minutes attended; 0 for absent.")


class AttendanceIn(Schema):
    # Optional here so that who may call, and which class, are checked first (403 or 404
    # before any 422).
    rows: list[AttendanceRow] | None = Field(
        None, max_length=attendance.MAX_ROWS, description="One row a person. Required."
    )


class AttendanceOut(Schema):
    recorded: int


@router.put(
    "/classes/{session_id}/attendance",
    response=AttendanceOut,
    summary="Record a class's attendance: all rows or none (422 names each bad row)",
    url_name="training-attendance",
)
def record_attendance(request: HttpRequest, session_id: int, data: AttendanceIn) -> Any:
    _staff(request)
    session = access.staff_session(caller(request), key(session_id, "session_id"))
    if not data.rows:
        raise ValidationError(
            [
                {
                    "type": "missing",
                    "loc": ["body", "data", "rows"],
                    "msg": "Give at least one row: a provider number and the minutes attended.",
                }
            ]
        )
    minutes: dict[str, int] = {}
    row_of: dict[str, int] = {}
    problems = []
    for index, row in enumerate(data.rows):
        if row.provider_number in minutes:
            problems.append(
                {
                    "type": "value_error",
                    "loc": ["body", "data", "rows", index, "provider_number"],
                    "msg": f"Provider {row.provider_number} is on two rows.",
                }
            )
            continue
        minutes[row.provider_number] = row.minutes
        row_of[row.provider_number] = index + 1
    if problems:
        raise ValidationError(problems)
    try:
        count = attendance.record(
            session=session, minutes_by_provider=minutes, by=caller(request), row_of=row_of
        )
    except AttendanceRejected as rejected:
        raise ValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ["body", "data", "rows", max(p.row - 1, 0)]
                    if p.row
                    else ["body", "data", "rows"],
                    "msg": p.message,
                }
                for p in rejected.problems
            ]
        ) from None
    return AttendanceOut(recorded=count)


class CompletionRow(Schema):
    provider_number: str = Field(max_length=9, min_length=1)
    completed_on: dt.date
    minutes: int = Field(ge=1, le=24 * 60, description="Minutes the course took.")


class CompletionsIn(Schema):
    # Optional here so that who may call, and which course, are checked first.
    rows: list[CompletionRow] | None = Field(
        None, max_length=attendance.MAX_ROWS, description="One row a person. Required."
    )


@router.put(
    "/courses/{course_id}/completions",
    response=AttendanceOut,
    summary="Record completions of a self-paced course: all rows or none",
    url_name="training-completions",
)
def record_completions(request: HttpRequest, course_id: int, data: CompletionsIn) -> Any:
    _staff(request)
    course = access.staff_course(caller(request), key(course_id, "course_id"))
    if not data.rows:
        raise ValidationError(
            [{"type": "missing", "loc": ["body", "data", "rows"], "msg": "Give at least one row."}]
        )
    rows = [
        completions.Completion(r.provider_number, r.completed_on, r.minutes, index + 1)
        for index, r in enumerate(data.rows)
    ]
    try:
        count = completions.record(course=course, rows=rows, by=caller(request))
    except AttendanceRejected as rejected:
        raise ValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ["body", "data", "rows", p.row - 1]
                    if p.row
                    else ["body", "data", "rows"],
                    "msg": p.message,
                }
                for p in rejected.problems
            ]
        ) from None
    return AttendanceOut(recorded=count)
