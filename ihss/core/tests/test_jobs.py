"""The shared background-job pieces: encrypted files, throttled progress, run once."""

import io

import pytest

from ihss.cases.models import ImportJob
from ihss.core import jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def test_a_stored_file_reads_back_whole_and_is_not_readable_on_disk(media):
    data = b"payroll,week\n" + b"".join(b"P%06d,2026-12-01\n" % n for n in range(5_000))
    path = jobs.store_encrypted(io.BytesIO(data), "payroll/1/0.csv.enc", chunk_bytes=4096)

    on_disk = (media / path).read_bytes()
    assert b"P000001" not in on_disk
    assert len(on_disk.splitlines()) == -(-len(data) // 4096)
    with jobs.open_encrypted(path) as handle:
        assert handle.read() == data


def test_a_stored_file_with_a_chunk_missing_is_refused(media):
    data = b"x" * 10_000
    path = jobs.store_encrypted(io.BytesIO(data), "uploads/2/0.enc", chunk_bytes=1024)
    lines = (media / path).read_bytes().splitlines(keepends=True)
    (media / path).write_bytes(b"".join(lines[:-1]))

    with pytest.raises(ValueError, match="cut short"), jobs.open_encrypted(path) as handle:
        handle.read()


def test_deleting_the_stored_files_leaves_none_behind(media):
    path = jobs.store_encrypted(io.BytesIO(b"a,b\n"), "uploads/3/0.enc")
    jobs.delete_stored([path])
    assert not list(media.rglob("*.enc"))


def test_progress_is_written_at_the_start_and_end_and_not_more_than_twice_a_second(state_admin):
    job = ImportJob.objects.create(created_by=state_admin)
    progress = jobs.RowProgress(ImportJob, job.pk)

    assert progress.due(0, 100)
    progress.update(total_rows=100, processed_rows=0)
    assert not progress.due(50, 100)  # right after the last write
    assert progress.due(100, 100)
    progress.update(processed_rows=100)
    progress.close()

    job.refresh_from_db()
    assert (job.total_rows, job.processed_rows) == (100, 100)


def test_a_job_runs_once_in_its_starters_language_and_is_cleaned_up(state_admin):
    from django.utils import translation

    state_admin.preferred_language = "es"
    state_admin.save(update_fields=["preferred_language"])
    job = ImportJob.objects.create(created_by=state_admin)
    ran, cleaned = [], []

    def work(j):
        ran.append(translation.get_language())
        ImportJob.objects.filter(pk=j.pk).update(status=ImportJob.Status.SUCCEEDED)

    def run():
        return jobs.run_once(
            ImportJob,
            job.pk,
            queued=ImportJob.Status.QUEUED,
            running=ImportJob.Status.VALIDATING,
            work=work,
            failed=lambda j: None,
            cleanup=lambda j: cleaned.append(j.pk),
        )

    first, second = run(), run()

    assert ran == ["es"]
    assert cleaned == [job.pk]
    assert first.status == second.status == ImportJob.Status.SUCCEEDED


def test_a_job_that_breaks_is_handed_to_its_failure_step_and_still_cleaned_up(state_admin):
    job = ImportJob.objects.create(created_by=state_admin)
    failed, cleaned = [], []

    def work(j):
        raise RuntimeError("boom")

    result = jobs.run_once(
        ImportJob,
        job.pk,
        queued=ImportJob.Status.QUEUED,
        running=ImportJob.Status.VALIDATING,
        work=work,
        failed=lambda j: failed.append(j.pk),
        cleanup=lambda j: cleaned.append(j.pk),
    )

    assert failed == cleaned == [job.pk]
    assert result is not None and result.status == ImportJob.Status.VALIDATING
    assert (
        jobs.run_once(
            ImportJob, 999_999, queued="queued", running="validating", work=work, failed=print
        )
        is None
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_progress_made_inside_the_jobs_transaction_is_seen_before_it_commits():
    from django.db import connection, transaction

    job = ImportJob.objects.create()
    progress = jobs.RowProgress(ImportJob, job.pk)
    try:
        with transaction.atomic():
            progress.update_outside_transaction(written_rows=4_000)
            # What a page polling from another request would read right now:
            with connection.cursor() as cursor:
                cursor.execute("SELECT written_rows FROM cases_importjob WHERE id = %s", [job.pk])
                assert cursor.fetchone() == (4_000,)
            transaction.set_rollback(True)
    finally:
        progress.close()
    assert ImportJob.objects.get(pk=job.pk).written_rows == 4_000
