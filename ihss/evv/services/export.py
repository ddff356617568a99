"""Exporting a period's visits for the state aggregator, as a background job.

County staff choose a county of theirs, a period and a format; `start_export` records
the job and the task (ihss/evv/tasks.py) runs `run_export` once: it writes every visit
of the county and period into a temporary file, a visit at a time, with its progress on
the job row, then keeps the file encrypted (ihss/core/jobs.py) for its owner to download.

Two formats (docs/evv.md, "Aggregator export"):

- CSV: one row per visit, the six Cures Act elements first, then the punches, the flags
  and the corrections with their reasons;
- the Sandata OpenEVV alternate-EVV ("altEVV") visit layout, in JSON: one visit object
  per visit, its check-in and check-out as `Calls`, its corrections as `VisitChanges`.

Coordinates go into a file only for someone who may see them (visibility.sees_coordinates:
county staff of the recipient's county), only for Home punches, and only while they are
kept (the retention job deletes them).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ihss.accounts.models import User
from ihss.core import audit, csvsafe, jobs
from ihss.core.refusals import ServiceRefused
from ihss.evv.models import Place, Punch, Visit, VisitExport
from ihss.evv.services import visibility

logger = logging.getLogger(__name__)

# The longest period one export covers: a calendar quarter. The aggregator takes visits
# a pay period or a month at a time; a longer span is a mistake more often than a need.
MAX_EXPORT_DAYS = 92
# How long a finished export's file is kept for its owner to download. It holds the
# visits' coordinates, so it is kept no longer than it takes to send it on.
EXPORT_KEPT_DAYS = 7

# The procedure code of each program's service in the altEVV layout: HCPCS T1019,
# "personal care services, per 15 minutes" - what IHSS and WPCS providers give. The
# same for both programs; `PayerProgram` tells them apart.
PROCEDURE_CODES = {"IHSS": "T1019", "WPCS": "T1019"}
PAYER_ID = "CA-CDSS"
TIME_ZONE = "US/Pacific"
# VisitChanges reason code for a change the provider made and explained (the reason is
# in ChangeReasonMemo): the layout's "other" code, as the state addenda use it.
CHANGE_REASON_CODE = "99"


class ExportRefused(ServiceRefused):
    pass


def start_export(
    *, user: User, county_id: int, first: dt.date, last: dt.date, format: str
) -> VisitExport:
    """Record an export of the county's visits from `first` to `last`; the caller queues
    the task (after the transaction commits). Asking again while the same export is
    waiting or running answers with that export."""
    if county_id not in visibility.county_ids(user):
        raise ExportRefused(
            _("You can export only the visits of a county you work for."),
            code="county",
            field="county",
            conflict=False,
        )
    if format not in VisitExport.Format.values:
        raise ExportRefused(_("Choose a format."), code="format", field="format", conflict=False)
    if last < first:
        raise ExportRefused(
            _("The last day must be on or after the first day."),
            code="period",
            field="last_day",
            conflict=False,
        )
    if (last - first).days + 1 > MAX_EXPORT_DAYS:
        raise ExportRefused(
            _("Export at most %(days)d days at a time.") % {"days": MAX_EXPORT_DAYS},
            code="period_too_long",
            field="last_day",
            conflict=False,
        )
    with transaction.atomic():
        # One person's exports one at a time: a double click, or the same form sent from
        # two tabs, finds the export already waiting or running and gets it back.
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        same = VisitExport.objects.filter(
            created_by=user,
            county_id=county_id,
            first_day=first,
            last_day=last,
            format=format,
            status__in=[VisitExport.Status.QUEUED, VisitExport.Status.RUNNING],
        ).first()
        if same is not None:
            return same
        export = VisitExport.objects.create(
            created_by=user, county_id=county_id, first_day=first, last_day=last, format=format
        )
        audit.record(
            actor=user,
            action="evv.export_started",
            subject=export,
            after={"county": county_id, "from": first.isoformat(), "to": last.isoformat()},
        )
    return export


def own_exports(user: User) -> QuerySet[VisitExport]:
    return VisitExport.objects.filter(created_by=user).select_related("county")


def own_export(user: User, pk: int) -> VisitExport:
    """One of the person's own exports; 404 for anyone else's (even another county
    worker's: a file with coordinates goes to the person who asked for it)."""
    from django.http import Http404

    export = own_exports(user).filter(pk=pk).first() if visibility.is_county_staff(user) else None
    if export is None:
        raise Http404
    return export


def _visits(export: VisitExport) -> Any:
    return (
        Visit.objects.filter(
            county_id=export.county_id, day__gte=export.first_day, day__lte=export.last_day
        )
        .select_related("check_in", "check_out", "recipient", "provider")
        .defer(
            "recipient__ssn",
            "recipient__ssn_index",
            "provider__ssn",
            "provider__ssn_index",
        )
        .prefetch_related("corrections")
        .order_by("day", "started_at", "id")
    )


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else ""


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _coordinates(punch: Punch | None, shown: bool) -> tuple[str, str, str]:
    if not shown or punch is None or punch.latitude is None or punch.place != Place.HOME:
        return "", "", ""
    return str(punch.latitude), str(punch.longitude), str(punch.accuracy_m or "")


CSV_HEADER = [
    "visit_id",
    "service_program",
    "service_procedure_code",
    "recipient_case_number",
    "recipient_name",
    "provider_number",
    "provider_name",
    "date",
    "location",
    "start",
    "end",
    "check_in_phone_time",
    "check_in_received",
    "check_in_latitude",
    "check_in_longitude",
    "check_in_accuracy_m",
    "check_in_range",
    "check_in_distance_m",
    "check_out_phone_time",
    "check_out_received",
    "check_out_latitude",
    "check_out_longitude",
    "check_out_accuracy_m",
    "check_out_range",
    "check_out_distance_m",
    "flags",
    "corrected",
    "correction_reasons",
]


def _csv_row(visit: Visit, shown: bool) -> list[Any]:
    def punch_cells(punch: Punch | None) -> list[Any]:
        if punch is None:
            return ["", "", "", "", "", "", ""]
        lat, lon, accuracy = _coordinates(punch, shown)
        return [
            _local(punch.punched_at),
            _local(punch.received_at),
            lat,
            lon,
            accuracy,
            punch.range,
            punch.distance_m if punch.distance_m is not None else "",
        ]

    return [
        visit.pk,
        visit.program,
        PROCEDURE_CODES.get(visit.program, ""),
        visit.recipient.case_number,
        f"{visit.recipient.last_name}, {visit.recipient.first_name}",
        visit.provider.provider_number,
        f"{visit.provider.last_name}, {visit.provider.first_name}",
        visit.day.isoformat(),
        visit.place,
        _local(visit.started_at),
        _local(visit.ended_at),
        *punch_cells(visit.check_in),
        *punch_cells(visit.check_out),
        " ".join(visit.flags),
        "yes" if visit.corrected else "no",
        " | ".join(c.reason for c in visit.corrections.all()),
    ]


def _call(punch: Punch, assignment: str, program: str, shown: bool) -> dict[str, Any]:
    call: dict[str, Any] = {
        "CallExternalID": str(punch.phone_id),
        "CallDateTime": _utc(punch.punched_at),
        "CallAssignment": assignment,
        "CallType": "Mobile",
        "ProcedureCode": PROCEDURE_CODES.get(program, ""),
        "VisitLocationType": "1" if punch.place == Place.HOME else "2",
    }
    lat, lon, _accuracy = _coordinates(punch, shown)
    if lat:
        call["CallLatitude"] = float(lat)
        call["CallLongitude"] = float(lon)
    return call


def altevv_visit(visit: Visit, *, sequence: int, shown: bool, county_code: str) -> dict[str, Any]:
    """One visit in the Sandata OpenEVV alternate-EVV visit layout (docs/evv.md)."""
    calls = []
    if visit.check_in is not None:
        calls.append(_call(visit.check_in, "Time In", visit.program, shown))
    if visit.check_out is not None:
        calls.append(_call(visit.check_out, "Time Out", visit.program, shown))
    changes = [
        {
            "SequenceID": i,
            "ChangeMadeBy": f"Provider {visit.provider.provider_number}",
            "ChangeDateTime": _utc(change.made_at),
            "ReasonCode": CHANGE_REASON_CODE,
            "ChangeReasonMemo": change.reason,
        }
        for i, change in enumerate(visit.corrections.all(), start=1)
    ]
    body: dict[str, Any] = {
        "ProviderIdentification": {
            "ProviderQualifier": "Other",
            "ProviderID": f"IHSS-{county_code}",
        },
        "VisitOtherID": str(visit.pk),
        "SequenceID": sequence,
        "EmployeeQualifier": "EmployeeCustomID",
        "EmployeeIdentifier": visit.provider.provider_number,
        "EmployeeOtherID": visit.provider.provider_number,
        "ClientIDQualifier": "ClientCustomID",
        "ClientID": visit.recipient.case_number,
        "ClientOtherID": visit.recipient.case_number,
        "VisitCancelledIndicator": False,
        "PayerID": PAYER_ID,
        "PayerProgram": visit.program,
        "ProcedureCode": PROCEDURE_CODES.get(visit.program, ""),
        "VisitTimeZone": TIME_ZONE,
        "VisitLocationType": "1" if visit.place == Place.HOME else "2",
        "Calls": calls,
        "VisitChanges": changes,
    }
    if visit.corrected:
        # The times that count, as the provider corrected them; the Calls keep the phone's.
        body["AdjInDateTime"] = _utc(visit.started_at) if visit.started_at else None
        body["AdjOutDateTime"] = _utc(visit.ended_at) if visit.ended_at else None
    return body


def _sequence(export: VisitExport) -> int:
    """A SequenceID that grows with each export, so a later file supersedes an earlier."""
    return int(export.created_at.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S"))


def _each(export: VisitExport, progress: jobs.RowProgress) -> Iterator[tuple[Visit, bool]]:
    visits = _visits(export)
    total = visits.count()
    progress.update(total_visits=total, written_visits=0)
    user = export.created_by
    for done, visit in enumerate(visits.iterator(chunk_size=500), start=1):
        yield visit, visibility.sees_coordinates(user, visit)
        if progress.due(done, total):
            progress.update(written_visits=done)


def write_file(export: VisitExport, out: IO[bytes]) -> int:
    """Write the export's visits into `out`; how many were written."""
    progress = jobs.RowProgress(VisitExport, export.pk)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    count = 0
    try:
        if export.format == VisitExport.Format.CSV:
            text.write("\ufeff")  # so that spreadsheets read the file as UTF-8
            writer = csvsafe.writer(text)
            writer.writerow(CSV_HEADER)
            for visit, shown in _each(export, progress):
                writer.writerow(_csv_row(visit, shown))
                count += 1
        else:
            sequence, county_code = _sequence(export), export.county.code
            text.write("[")
            for visit, shown in _each(export, progress):
                text.write(",\n" if count else "\n")
                text.write(
                    json.dumps(
                        altevv_visit(visit, sequence=sequence, shown=shown, county_code=county_code)
                    )
                )
                count += 1
            text.write("\n]\n")
        text.flush()
    finally:
        text.detach()
    progress.update(written_visits=count)
    return count


def run_export(export_id: int) -> VisitExport | None:
    """Run a queued export (the background task); a second run does nothing."""

    def work(export: VisitExport) -> None:
        with tempfile.TemporaryFile() as scratch:
            count = write_file(export, scratch)
            scratch.seek(0)
            path = jobs.store_encrypted(scratch, f"evv-exports/{export.pk}/{export.file_name}.enc")
        VisitExport.objects.filter(pk=export.pk).update(
            status=VisitExport.Status.SUCCEEDED,
            stored_file=path,
            written_visits=count,
            finished_at=timezone.now(),
        )

    def failed(export: VisitExport) -> None:
        VisitExport.objects.filter(pk=export.pk).update(
            status=VisitExport.Status.FAILED, finished_at=timezone.now()
        )

    return jobs.run_once(
        VisitExport,
        export_id,
        queued=VisitExport.Status.QUEUED,
        running=VisitExport.Status.RUNNING,
        work=work,
        failed=failed,
    )


def open_file(export: VisitExport) -> IO[bytes]:
    """The finished export's file, decrypted as it is read."""
    return jobs.open_encrypted(export.stored_file)


def delete_old_files(*, now: dt.datetime) -> int:
    """Delete the files of exports finished more than EXPORT_KEPT_DAYS ago (the job rows
    stay, saying the file was deleted). Idempotent."""
    old = VisitExport.objects.filter(
        finished_at__lt=now - dt.timedelta(days=EXPORT_KEPT_DAYS)
    ).exclude(stored_file="")
    count = 0
    for export in old.only("pk", "stored_file"):
        jobs.delete_stored([export.stored_file])
        VisitExport.objects.filter(pk=export.pk).update(stored_file="")
        count += 1
    return count
