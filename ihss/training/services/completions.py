"""Completions of self-paced courses, reported by the training provider (a CSV file or the
API): the day each enrolled provider finished the course and the hours it took. All rows
or none, as for class attendance; each completion makes the same claim, certificate and
incentive progress as an attended class.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ihss.accounts.models import User
from ihss.core import audit
from ihss.training.models import Attendance, Course, Modality, Registration, TrainingClaim
from ihss.training.services import certificates, incentives
from ihss.training.services.attendance import (
    MAX_ROWS,
    AttendanceRejected,
    RowProblem,
    claim_for,
    hm,
    parse_hours,
)


@dataclass(frozen=True)
class Completion:
    provider_number: str
    day: dt.date
    minutes: int
    row: int


def check(course: Course, rows: list[Completion]) -> list[RowProblem]:
    if course.modality != Modality.SELF_PACED:
        return [RowProblem(0, _("This course is taught in classes: record its attendance."))]
    enrolled = set(
        Registration.objects.filter(
            course=course, session__isnull=True, status=Registration.Status.REGISTERED
        ).values_list("provider__provider_number", flat=True)
    )
    confirmed = set(
        TrainingClaim.objects.filter(
            course=course,
            attendance__registration__session__isnull=True,
            status=TrainingClaim.Status.CONFIRMED,
        ).values_list("provider__provider_number", flat=True)
    )
    today = timezone.localdate()
    problems = []
    seen: set[str] = set()
    for row in rows:
        number = row.provider_number
        if number in seen:
            problems.append(
                RowProblem(row.row, _("Provider %(number)s is on two rows.") % {"number": number})
            )
        seen.add(number)
        if number not in enrolled:
            problems.append(
                RowProblem(
                    row.row,
                    _("Provider %(number)s is not enrolled in this course.") % {"number": number},
                )
            )
        elif number in confirmed:
            problems.append(
                RowProblem(
                    row.row,
                    _(
                        "Provider %(number)s already confirmed the claim for this course: "
                        "their completion can no longer be changed here."
                    )
                    % {"number": number},
                )
            )
        if row.day > today:
            problems.append(RowProblem(row.row, _("The day of completion is in the future.")))
        if not 0 < row.minutes <= course.minutes:
            problems.append(
                RowProblem(
                    row.row,
                    _("The hours must be more than 0:00 and at most the course's %(length)s.")
                    % {"length": hm(course.minutes)},
                )
            )
    return problems


def record(*, course: Course, rows: list[Completion], by: User | None) -> int:
    problems = check(course, rows)
    if problems:
        raise AttendanceRejected(problems)
    now = timezone.now()
    with transaction.atomic():
        enrolled = {
            r.provider.provider_number: r
            for r in Registration.objects.select_for_update()
            .filter(course=course, session__isnull=True, status=Registration.Status.REGISTERED)
            .select_related("provider", "course")
        }
        for row in rows:
            registration = enrolled[row.provider_number]
            done, _made = Attendance.objects.update_or_create(
                registration=registration,
                defaults={
                    "day": row.day,
                    "minutes": row.minutes,
                    "recorded_at": now,
                    "recorded_by": by,
                },
            )
            claim_for(done, registration)
            certificates.certificate_for(done)
        audit.record(
            actor=by, action="training.completions_recorded", subject=course,
            after={"people": len(rows)},
        )  # fmt: skip
        for row in rows:
            incentives.refresh(enrolled[row.provider_number].provider)
    return len(rows)


def parse_csv(data: bytes) -> tuple[list[Completion], list[RowProblem]]:
    """Columns provider_number, completed_on (YYYY-MM-DD) and hours (H:MM)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [
            RowProblem(0, _("The file is not UTF-8 text: save it as CSV UTF-8 and try again."))
        ]
    if "\x00" in text:
        return [], [RowProblem(0, _("The file is not a CSV text file."))]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if not {"provider_number", "completed_on", "hours"} <= set(header):
        return [], [
            RowProblem(
                0,
                _("The first line must name the columns provider_number, completed_on and hours."),
            )
        ]
    reader.fieldnames = header
    rows: list[Completion] = []
    problems: list[RowProblem] = []
    for number, row in enumerate(reader, start=1):
        if number > MAX_ROWS:
            return [], [
                RowProblem(0, _("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
            ]
        provider = (row.get("provider_number") or "").strip()[:20]
        try:
            day = dt.date.fromisoformat((row.get("completed_on") or "").strip())
        except ValueError:
            problems.append(RowProblem(number, _("Write the day of completion as YYYY-MM-DD.")))
            continue
        try:
            minutes = parse_hours(row.get("hours") or "")
        except ValueError:
            problems.append(RowProblem(number, _("Write the hours as H:MM, for example 1:30.")))
            continue
        if not provider:
            problems.append(RowProblem(number, _("The provider number is missing.")))
            continue
        rows.append(Completion(provider, day, minutes, number))
    if not rows and not problems:
        problems.append(RowProblem(0, _("The file has no rows after its header.")))
    return rows, problems
