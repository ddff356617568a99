"""Attendance, recorded by the training provider, and the training-time claims it makes.

A class's roster is recorded all at once (the roster screen, or a CSV file): every row is
checked first, and one wrong row records nothing, each problem named with its row. Minutes
attended above zero make a claim ready for the provider to confirm; zero (did not come)
makes none. Recording again corrects the attendance, unless the provider already
confirmed the claim it made.
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
from ihss.core.parameters import parameter
from ihss.core.refusals import ServiceRefused
from ihss.training.models import Attendance, ClassSession, Registration, TrainingClaim
from ihss.training.services import certificates, incentives

CLAIM_DAYS = "training_claim_days"
MAX_ROWS = 2_000  # a roster is a class: far fewer; a larger file is refused whole


class AttendanceRefused(ServiceRefused):
    pass


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1 for the first row after the header; 0 for the file as a whole
    message: str


class AttendanceRejected(Exception):
    """The roster was not recorded: each problem, with its row."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def class_length(session: ClassSession) -> int:
    return int((session.ends_at - session.starts_at).total_seconds() // 60)


def parse_hours(text: str) -> int:
    """Hours attended written H:MM ("2:30") or as whole hours ("2"), as minutes."""
    value = text.strip()
    hours, _sep, minutes = value.partition(":")
    if not hours.isascii() or not hours.isdigit() or len(hours) > 3:
        raise ValueError
    if _sep and (not minutes.isascii() or not minutes.isdigit() or len(minutes) != 2):
        raise ValueError
    if _sep and int(minutes) >= 60:
        raise ValueError
    return int(hours) * 60 + (int(minutes) if _sep else 0)


def record(
    *,
    session: ClassSession,
    minutes_by_provider: dict[str, int],
    by: User | None,
    row_of: dict[str, int] | None = None,
) -> int:
    """Record the attendance of `session` (provider number -> minutes attended) and make
    or correct the claims; returns how many were recorded. All or nothing. `row_of` numbers
    the problems as the rows of the file they came from."""
    problems = check(session, minutes_by_provider, row_of=row_of)
    if problems:
        raise AttendanceRejected(problems)
    day = timezone.localdate(session.starts_at)
    now = timezone.now()
    with transaction.atomic():
        registered = {
            r.provider.provider_number: r
            for r in Registration.objects.select_for_update()
            .filter(session=session, status=Registration.Status.REGISTERED)
            .select_related("provider", "course")
        }
        for number, minutes in minutes_by_provider.items():
            registration = registered[number]
            attendance, _made = Attendance.objects.update_or_create(
                registration=registration,
                defaults={"day": day, "minutes": minutes, "recorded_at": now, "recorded_by": by},
            )
            claim_for(attendance, registration)
            certificates.certificate_for(attendance)
        audit.record(
            actor=by,
            action="training.attendance_recorded",
            subject=session,
            after={"people": len(minutes_by_provider)},
        )
        attended = [registered[n].provider for n, m in minutes_by_provider.items() if m > 0]
        for provider in attended:  # their verified hours moved: their incentives too
            incentives.refresh(provider)
    return len(minutes_by_provider)


def check(
    session: ClassSession,
    minutes_by_provider: dict[str, int],
    *,
    row_of: dict[str, int] | None = None,
) -> list[RowProblem]:
    """Every problem of a roster, each with its row (nothing is recorded)."""
    if session.starts_at > timezone.now():
        return [RowProblem(0, _("This class has not taken place yet: record it afterwards."))]
    registered = {
        number: pk
        for number, pk in Registration.objects.filter(
            session=session, status=Registration.Status.REGISTERED
        ).values_list("provider__provider_number", "pk")
    }
    confirmed = set(
        TrainingClaim.objects.filter(
            attendance__registration__session=session, status=TrainingClaim.Status.CONFIRMED
        ).values_list("provider__provider_number", flat=True)
    )
    longest = class_length(session)
    problems = []
    for index, (number, minutes) in enumerate(minutes_by_provider.items(), start=1):
        row = (row_of or {}).get(number, index)
        if number not in registered:
            problems.append(
                RowProblem(
                    row,
                    _("Provider %(number)s is not registered for this class.") % {"number": number},
                )
            )
        elif number in confirmed:
            problems.append(
                RowProblem(
                    row,
                    _(
                        "Provider %(number)s already confirmed the claim for this class: "
                        "their attendance can no longer be changed here."
                    )
                    % {"number": number},
                )
            )
        if minutes > longest:
            problems.append(
                RowProblem(
                    row,
                    _("%(hours)s is longer than the class (%(length)s).")
                    % {"hours": hm(minutes), "length": hm(longest)},
                )
            )
    return problems


def hm(minutes: int) -> str:
    """Minutes as H:MM, the way rosters write hours attended."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def claim_for(attendance: Attendance, registration: Registration) -> None:
    claim = TrainingClaim.objects.filter(attendance=attendance).first()
    if attendance.minutes == 0:
        if claim is not None and claim.status == TrainingClaim.Status.READY:
            claim.delete()
        return
    days = parameter(CLAIM_DAYS, on=attendance.day)
    if claim is None:
        TrainingClaim.objects.create(
            attendance=attendance,
            provider=registration.provider,
            course=registration.course,
            day=attendance.day,
            start=_start_of(registration),
            minutes=attendance.minutes,
            confirm_by=attendance.day + dt.timedelta(days=days),
        )
    elif claim.status == TrainingClaim.Status.READY:
        claim.minutes = attendance.minutes
        claim.day = attendance.day
        claim.save(update_fields=["minutes", "day"])


def _start_of(registration: Registration) -> dt.time:
    session = registration.session
    if session is None:
        return dt.time(0, 0)
    return timezone.localtime(session.starts_at).time().replace(second=0, microsecond=0)


@dataclass
class RosterFile:
    """A roster file read: the minutes of each provider number, the row each came from,
    and the rows that could not be read."""

    minutes: dict[str, int]
    row_of: dict[str, int]
    problems: list[RowProblem]


def parse_roster_csv(data: bytes) -> RosterFile:
    """A roster file: a header with `provider_number` and `hours` (H:MM; 0:00 for absent),
    then a row a person. Raises AttendanceRejected when the file as a whole cannot be read;
    rows that cannot be read are in `problems`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AttendanceRejected(
            [RowProblem(0, _("The file is not UTF-8 text: save it as CSV UTF-8 and try again."))]
        ) from None
    if "\x00" in text:
        raise AttendanceRejected([RowProblem(0, _("The file is not a CSV text file."))])
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "provider_number" not in header or "hours" not in header:
        raise AttendanceRejected(
            [RowProblem(0, _("The first line must name the columns provider_number and hours."))]
        )
    reader.fieldnames = header
    minutes: dict[str, int] = {}
    row_of: dict[str, int] = {}
    problems: list[RowProblem] = []
    for row_number, row in enumerate(reader, start=1):
        if row_number > MAX_ROWS:
            raise AttendanceRejected(
                [RowProblem(0, _("The file has more than %(max)s rows.") % {"max": MAX_ROWS})]
            )
        number = (row.get("provider_number") or "").strip()
        hours = (row.get("hours") or "").strip()
        if not number:
            problems.append(RowProblem(row_number, _("The provider number is missing.")))
            continue
        if number in minutes:
            problems.append(
                RowProblem(
                    row_number,
                    _("Provider %(number)s is on two rows.") % {"number": number[:20]},
                )
            )
            continue
        try:
            minutes[number] = parse_hours(hours)
            row_of[number] = row_number
        except ValueError:
            problems.append(
                RowProblem(
                    row_number,
                    _("Write the hours attended as H:MM, for example 2:30; 0:00 if absent."),
                )
            )
    if not minutes and not problems:
        raise AttendanceRejected([RowProblem(0, _("The file has no rows after its header."))])
    return RosterFile(minutes, row_of, problems)
