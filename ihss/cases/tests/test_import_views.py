"""The import pages: upload, the job page with its progress fragment, the problems CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.cases import import_views
from ihss.cases.models import Assignment, ImportJob, Provider, Recipient
from ihss.cases.tests.test_import import (
    SAMPLE_FILES,
    SSN_DIGITS,
    nothing_imported,
    recipient,
    write_csv,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, *paths, dry_run=False):
    files = [path.open("rb") for path in paths]
    try:
        data: dict[str, object] = {"csv_files": files}
        if dry_run:
            data["dry_run"] = "on"
        return client.post(reverse("cases:import"), data)
    finally:
        for f in files:
            f.close()


def test_people_who_cannot_write_case_records_get_403(
    signed_in, service_desk, provider_user, recipient_user
):
    for user in (service_desk, provider_user, recipient_user):
        client = signed_in(user)
        assert client.get(reverse("cases:import")).status_code == 403
        assert client.post(reverse("cases:import")).status_code == 403
        assert client.get(reverse("cases:import-sample", args=["recipients"])).status_code == 403


def test_the_upload_page_describes_the_three_layouts(signed_in, la_staff):
    response = signed_in(la_staff).get(reverse("cases:import"))
    assert response.status_code == 200
    page = response.content.decode()
    for column in ("case_number", "provider_number", "assigned_monthly_hours", "soc846_signed_on"):
        assert f"<code>{column}</code>" in page
    assert 'type="file"' in page and "multiple" in page and 'accept=".csv,text/csv"' in page
    assert reverse("cases:import-sample", args=["assignments"]) in page
    assert "style=" not in page and "<script>" not in page
    assert "At most 10 files of up to 50 MB each, and 200,000 rows in all." in page


def test_uploading_the_samples_imports_them_and_the_job_page_shows_the_counts(
    signed_in, state_admin
):
    client = signed_in(state_admin)
    response = upload(client, *SAMPLE_FILES)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:import-job", args=[job.pk])
    assert job.created_by == state_admin and job.status == ImportJob.Status.SUCCEEDED
    assert job.file_names == ["recipients.csv", "providers.csv", "assignments.csv"]
    assert (Recipient.objects.count(), Provider.objects.count(), Assignment.objects.count()) == (
        3,
        3,
        4,
    )

    page = client.get(response["Location"]).content.decode()
    assert "Import finished" in page
    assert "All 10 rows were imported: 3 recipients, 4 authorized hours records" in page
    assert "hx-trigger" not in page  # finished: nothing left to poll
    listing = client.get(reverse("cases:import")).content.decode()
    assert f"Import #{job.pk}" in listing


def test_a_bad_file_shows_the_problems_table_and_a_csv_of_them(signed_in, la_staff, tmp_path):
    client = signed_in(la_staff)
    rows = [
        recipient(county_code="19"),
        recipient(case_number="3400202", ssn="521-49-0002", county_code="10"),
        recipient(case_number="3400203", ssn="521-49-0001", county_code="19", zip_code="=1+2"),
    ]
    path = write_csv(tmp_path, "=recipients.csv", rows)
    response = upload(client, path)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and nothing_imported()

    page = client.get(response["Location"]).content.decode()
    assert "Nothing was imported" in page
    assert "usa-table--stacked" in page and "<caption>" in page
    assert '<th scope="col">Column</th>' in page
    assert "County 10 is not yours to import." in page
    assert "The SSN on row 4 is also on row 2." in page

    download = client.get(reverse("cases:import-errors", args=[job.pk]))
    assert download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"]
    rows_out = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows_out[0] == ["file", "row", "column", "problem"]
    assert ["'=recipients.csv", "3", "county_code", "County 10 is not yours to import."] in rows_out
    assert len(rows_out) == 1 + job.error_count == 4
    assert not SSN_DIGITS.search(page + download.content.decode("utf-8-sig"))


def test_a_county_worker_cannot_import_another_countys_rows(signed_in, fresno_staff, tmp_path):
    path = write_csv(tmp_path, "recipients.csv", [recipient(county_code="19")])
    response = upload(signed_in(fresno_staff), path)
    page = signed_in(fresno_staff).get(response["Location"]).content.decode()
    assert "County 19 is not yours to import." in page
    assert nothing_imported()


def test_check_only_reports_without_importing(signed_in, la_staff, tmp_path):
    path = write_csv(tmp_path, "recipients.csv", [recipient(county_code="19")])
    client = signed_in(la_staff)
    response = upload(client, path, dry_run=True)
    page = client.get(response["Location"]).content.decode()
    assert "The files have no problems" in page and "An import would create 1 recipient" in page
    assert nothing_imported()
    assert ImportJob.objects.get().dry_run


def test_the_uploaded_files_are_not_kept_after_the_job(signed_in, state_admin, media):
    upload(signed_in(state_admin), *SAMPLE_FILES)
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_only_csv_files_are_accepted(signed_in, la_staff, tmp_path):
    path = tmp_path / "recipients.xlsx"
    path.write_bytes(b"PK\x03\x04")
    response = upload(signed_in(la_staff), path)
    assert response.status_code == 200
    assert "is not a CSV file" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_progress_fragment_polls_until_the_job_has_finished(signed_in, la_staff):
    job = ImportJob.objects.create(
        created_by=la_staff,
        file_names=["recipients.csv"],
        status=ImportJob.Status.VALIDATING,
        total_rows=100_000,
        processed_rows=42_000,
    )
    client = signed_in(la_staff)
    url = reverse("cases:import-progress", args=[job.pk])
    fragment = client.get(url).content.decode()
    assert f'hx-get="{url}"' in fragment and 'hx-trigger="every 1s"' in fragment
    assert 'max="100000" value="42000"' in fragment
    assert "42,000 of 100,000 rows checked" in fragment
    assert "<html" not in fragment

    page = client.get(reverse("cases:import-job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "42,000 of 100,000 rows checked" in page

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING, written_rows=0)
    assert "All 100,000 rows checked; saving the records." in client.get(url).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(written_rows=8_000)
    assert "8,000 of 100,000 rows saved" in client.get(url).content.decode()

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.SUCCEEDED, created_recipients=100_000
    )
    finished = client.get(url).content.decode()
    assert "hx-trigger" not in finished and "Import finished" in finished


def test_other_people_cannot_see_an_import(signed_in, la_staff, state_admin):
    job = ImportJob.objects.create(created_by=la_staff, file_names=["r.csv"])
    colleague = cast.make_user("la.colleague", Role.COUNTY_STAFF, county=cast.county("19"))
    for name in ("cases:import-job", "cases:import-progress", "cases:import-errors"):
        url = reverse(name, args=[job.pk])
        assert signed_in(colleague).get(url).status_code == 404
        assert signed_in(state_admin).get(url).status_code == 200
        assert signed_in(la_staff).get(url).status_code == 200


def test_the_sample_files_can_be_downloaded(signed_in, la_staff):
    client = signed_in(la_staff)
    response = client.get(reverse("cases:import-sample", args=["providers"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"provider_number,first_name")
    assert client.get(reverse("cases:import-sample", args=["passwords"])).status_code == 404


def test_the_problems_csv_never_starts_a_cell_with_a_formula(signed_in, state_admin, tmp_path):
    """Upload file names are the only typed text in the report; each is escaped."""
    paths = [
        write_csv(tmp_path, f"{start}recipients{i}.csv", [recipient(first_name="")])
        for i, start in enumerate(("=", "+", "-", "@"))
    ]
    client = signed_in(state_admin)
    upload(client, *paths)
    job = ImportJob.objects.get()
    download = client.get(reverse("cases:import-errors", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"), newline="")))
    assert {row[0] for row in rows[1:]} == {
        "'=recipients0.csv",
        "'+recipients1.csv",
        "'-recipients2.csv",
        "'@recipients3.csv",
    }
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert nothing_imported()


def test_a_file_over_the_size_limit_is_refused_before_anything_is_stored(
    signed_in, state_admin, tmp_path, settings, media
):
    settings.IMPORT_MAX_FILE_BYTES = 1024 * 1024
    path = tmp_path / "recipients.csv"
    path.write_bytes(b"case_number,first_name\n" + b"3400201,Ana\n" * 100_000)
    response = upload(signed_in(state_admin), path)
    assert response.status_code == 200
    assert "“recipients.csv” is larger than 1 MB; split it into several files." in (
        response.content.decode()
    )
    assert not ImportJob.objects.exists() and not list(media.rglob("*.enc"))


def test_more_files_than_the_limit_are_refused_in_english_and_spanish(
    signed_in, state_admin, settings
):
    settings.IMPORT_MAX_FILES = 2
    response = upload(signed_in(state_admin), *SAMPLE_FILES)
    assert "Choose at most 2 files at a time." in response.content.decode()
    assert not ImportJob.objects.exists() and nothing_imported()
    files = [SimpleUploadedFile(p.name, p.read_bytes(), "text/csv") for p in SAMPLE_FILES]
    with translation.override("es"):
        form = import_views.ImportForm({}, MultiValueDict({"csv_files": list(files)}))
        assert not form.is_valid()
        assert form.errors["csv_files"] == ["Elija 2 archivos como máximo a la vez."]


def test_the_readmes_walkthrough_imports_the_samples_and_opens_every_imported_record(
    signed_in, state_admin
):
    """README: sign in as state.admin, import docs/samples/ from Import, open each record."""
    client = signed_in(state_admin)
    response = upload(client, *SAMPLE_FILES)
    assert response.status_code == 302
    assert ImportJob.objects.get().status == ImportJob.Status.SUCCEEDED
    pages = [
        (reverse("cases:recipient-detail", args=[number]), last_name)
        for number, last_name in Recipient.objects.values_list("case_number", "last_name")
    ] + [
        (reverse("cases:provider-detail", args=[number]), last_name)
        for number, last_name in Provider.objects.values_list("provider_number", "last_name")
    ]
    assert len(pages) == 6
    for url, last_name in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert last_name in page.content.decode()
