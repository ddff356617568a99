"""The aggregator export: a background job with a progress bar, in CSV and in the
Sandata OpenEVV alternate-EVV visit layout, read back with every Cures Act element, for
its owner only, with coordinates only while they are kept."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.evv.models import VisitExport
from ihss.evv.services import export as exports
from ihss.evv.services import retention
from ihss.evv.services.visits import correct_visit
from ihss.evv.tests.factories import local, punch, worker_and_recipient

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 3)


@pytest.fixture
def visits():
    provider, recipient, user, _a = worker_and_recipient()
    punch(provider, recipient, user, kind="in", at=local(DAY, 8))
    home = punch(provider, recipient, user, kind="out", at=local(DAY, 12)).recorded[1]
    correct_visit(visit=home, start=None, end=dt.time(12, 30), place=None, reason="Late", by=user)
    punch(provider, recipient, user, kind="in", at=local(DAY, 15), place="community", near=None)
    punch(provider, recipient, user, kind="out", at=local(DAY, 16), place="community", near=None)
    return provider, recipient


@pytest.fixture
def staff(client):
    user = cast.make_user("sac.staff", Role.COUNTY_STAFF, county=cast.county("34"))
    client.force_login(user)
    return user


def export_via_the_page(client, fmt, captured):
    with captured(execute=True):
        answer = client.post(
            reverse("evv:county-exports"),
            {
                "county": cast.county("34").pk,
                "first_day": "2026-11-01",
                "last_day": "2026-11-15",
                "format": fmt,
            },
        )
    job = VisitExport.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "evv:county-export", args=[job.pk]
    )
    return job


def download(client, job):
    name = "evv:county-export-csv" if job.format == "csv" else "evv:county-export-json"
    answer = client.get(reverse(name, args=[job.pk]))
    assert answer.status_code == 200
    return b"".join(answer.streaming_content).decode("utf-8-sig")


def test_the_aggregator_file_holds_every_cures_act_element(
    client, staff, visits, django_capture_on_commit_callbacks
):
    provider, recipient = visits
    job = export_via_the_page(client, "altevv", django_capture_on_commit_callbacks)
    page = client.get(reverse("evv:county-export", args=[job.pk])).content.decode()
    assert "The file is ready" in page
    home, community = json.loads(download(client, job))
    for visit in (home, community):
        assert visit["ProcedureCode"] == "T1019" and visit["PayerProgram"] == "IHSS"  # service
        assert visit["ClientID"] == recipient.case_number  # recipient
        assert visit["EmployeeIdentifier"] == provider.provider_number  # provider
        time_in, time_out = visit["Calls"]  # date, start and end
        assert (time_in["CallAssignment"], time_out["CallAssignment"]) == ("Time In", "Time Out")
        assert all(call["CallType"] == "Mobile" for call in visit["Calls"])
    assert home["Calls"][0]["CallDateTime"] == "2026-11-03T16:00:00Z"  # 8:00 Pacific
    assert home["VisitLocationType"] == "1" and community["VisitLocationType"] == "2"  # location
    assert "CallLatitude" in home["Calls"][0]
    assert "CallLatitude" not in community["Calls"][0]
    [change] = home["VisitChanges"]
    assert change["ChangeReasonMemo"] == "Late"
    assert home["AdjOutDateTime"] == "2026-11-03T20:30:00Z"


def test_the_csv_file_holds_every_cures_act_element(
    client, staff, visits, django_capture_on_commit_callbacks
):
    provider, recipient = visits
    job = export_via_the_page(client, "csv", django_capture_on_commit_callbacks)
    home, community = list(csv.DictReader(io.StringIO(download(client, job))))
    for row in (home, community):
        assert row["service_procedure_code"] == "T1019" and row["service_program"] == "IHSS"
        assert row["recipient_case_number"] == recipient.case_number
        assert row["provider_number"] == provider.provider_number
        assert row["date"] == "2026-11-03" and row["start"] and row["end"]
    assert (home["location"], community["location"]) == ("home", "community")
    assert home["check_in_latitude"] and not community["check_in_latitude"]
    assert home["correction_reasons"] == "Late" and home["end"].startswith("2026-11-03T12:30")


def test_deleted_coordinates_are_not_in_the_file(
    client, staff, visits, django_capture_on_commit_callbacks
):
    retention.drop_old_coordinates(today=DAY + dt.timedelta(days=400))
    job = export_via_the_page(client, "altevv", django_capture_on_commit_callbacks)
    assert "CallLatitude" not in download(client, job)


def test_only_the_person_who_asked_downloads_the_file(
    client, staff, visits, django_capture_on_commit_callbacks
):
    job = export_via_the_page(client, "csv", django_capture_on_commit_callbacks)
    colleague = cast.make_user("sac.colleague", Role.COUNTY_STAFF, county=cast.county("34"))
    client.force_login(colleague)
    assert client.get(reverse("evv:county-export-csv", args=[job.pk])).status_code == 404
    assert client.get(reverse("evv:county-export", args=[job.pk])).status_code == 404
    client.force_login(cast.make_user("state", Role.STATE_ADMIN))  # not county staff at all
    assert client.get(reverse("evv:county-export-csv", args=[job.pk])).status_code == 403


def test_a_county_that_is_not_theirs_cannot_be_exported(staff):
    with pytest.raises(exports.ExportRefused):
        exports.start_export(
            user=staff,
            county_id=cast.county("19").pk,
            first=DAY,
            last=DAY,
            format="csv",
        )


def test_a_wrong_period_is_refused_with_its_reason(client, staff):
    answer = client.post(
        reverse("evv:county-exports"),
        {
            "county": cast.county("34").pk,
            "first_day": "2026-11-15",
            "last_day": "2026-11-01",
            "format": "csv",
        },
    )
    assert answer.status_code == 400
    assert "The last day must be on or after the first day." in answer.content.decode()
    assert not VisitExport.objects.exists()


def test_the_job_runs_once_and_shows_its_progress(staff, visits):
    job = exports.start_export(
        user=staff, county_id=cast.county("34").pk, first=DAY, last=DAY, format="csv"
    )
    first = exports.run_export(job.pk)
    again = exports.run_export(job.pk)
    assert first is not None and first.status == "succeeded"
    assert (first.total_visits, first.written_visits) == (2, 2)
    assert again is not None and again.stored_file == first.stored_file


def test_the_file_is_deleted_a_week_after_it_was_written(staff, visits):
    job = exports.start_export(
        user=staff, county_id=cast.county("34").pk, first=DAY, last=DAY, format="csv"
    )
    done = exports.run_export(job.pk)
    assert done is not None and done.finished_at is not None
    later = done.finished_at + dt.timedelta(days=exports.EXPORT_KEPT_DAYS, minutes=1)
    assert exports.delete_old_files(now=later) == 1
    assert exports.delete_old_files(now=later) == 0
    done.refresh_from_db()
    assert done.stored_file == ""


def test_people_who_are_not_county_staff_cannot_export(client):
    client.force_login(cast.make_user("state", Role.STATE_ADMIN))
    assert client.get(reverse("evv:county-exports")).status_code == 403
