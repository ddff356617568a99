"""Bulk import of case records as a background job: its files, its progress, its outcome.

The shared pieces (encrypted files, progress, run once) are in ihss.core.jobs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ihss.cases.import_rows import (
    CHECKING,
    Outcome,
    Problem,
    Progress,
    SourceFile,
)
from ihss.cases.import_saving import import_files
from ihss.cases.models import (
    ImportJob,
)
from ihss.core import jobs

logger = logging.getLogger(__name__)

MAX_PROBLEMS_KEPT = 10_000  # problems stored on the job and printed; all are counted


def create_job(*, files: Sequence[SourceFile], user: Any, dry_run: bool = False) -> ImportJob:
    """Record an import and keep its files, encrypted, until the job has run.

    Each file is copied as a stream, 1 MiB at a time, from the upload's temporary file
    into the default storage (imports/<job>/), where the worker reads it.
    """
    from ihss.cases import importing  # the facade, where tests change the tunables

    chunk_bytes = importing.ENCRYPTED_CHUNK_BYTES
    job = ImportJob.objects.create(
        created_by=user, dry_run=dry_run, file_names=[f.name for f in files]
    )
    stored = []
    for i, source in enumerate(files):
        with source.open() as raw:
            path = f"imports/{job.pk}/{i}.csv.enc"
            stored.append(jobs.store_encrypted(raw, path, chunk_bytes=chunk_bytes))
    job.stored_files = stored
    job.save(update_fields=["stored_files"])
    return job


def _load_files(job: ImportJob) -> list[SourceFile]:
    """The job's files, each decrypted as it is read (nothing is read here)."""
    return [
        SourceFile(name=name, opener=partial(jobs.open_encrypted, path))
        for name, path in zip(job.file_names, job.stored_files, strict=True)
    ]


def delete_files(job: ImportJob) -> None:
    jobs.delete_stored(job.stored_files)
    if job.stored_files:
        ImportJob.objects.filter(pk=job.pk).update(stored_files=[])


class JobProgress:
    """Writes an import's progress onto its job row (see ihss.core.jobs.RowProgress).

    While checking, the row is updated directly. While saving, the import's transaction
    is open: on PostgreSQL a second connection writes the count so the page sees it; on
    SQLite (one writer at a time) the page shows "saving" without a count.
    """

    def __init__(self, job: ImportJob, *, also: Progress | None = None) -> None:
        self.job_id = job.pk
        self.also = also
        self.row = jobs.RowProgress(ImportJob, job.pk)

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.also is not None:
            self.also(phase, done, total)
        if not self.row.due(done, total):
            return
        if phase == CHECKING:
            self.row.update(
                status=ImportJob.Status.VALIDATING, total_rows=total, processed_rows=done
            )
        elif done == 0:  # just before the transaction opens
            self.row.update(status=ImportJob.Status.IMPORTING, processed_rows=total, written_rows=0)
        else:
            self.row.update_outside_transaction(written_rows=done)

    def close(self) -> None:
        self.row.close()


def job_reason(job: ImportJob) -> str:
    return f"Import #{job.pk}: {', '.join(job.file_names)}"


def execute_job(
    job: ImportJob,
    files: Sequence[SourceFile],
    *,
    allowed_counties: set[str] | None,
    also: Progress | None = None,
) -> Outcome:
    """Run a job's import and record its outcome on the job row."""
    reporter = JobProgress(job, also=also)

    def saved(outcome: Outcome) -> None:
        _finish(job, outcome)

    try:
        outcome = import_files(
            files,
            actor=job.created_by,
            allowed_counties=allowed_counties,
            dry_run=job.dry_run,
            reason=job_reason(job),
            progress=reporter,
            on_saved=saved,
        )
    finally:
        reporter.close()
    if not outcome.written:
        _finish(job, outcome)
    return outcome


def _finish(job: ImportJob, outcome: Outcome) -> None:
    values: dict[str, Any] = dict(
        status=ImportJob.Status.SUCCEEDED if outcome.ok else ImportJob.Status.FAILED,
        finished_at=timezone.now(),
        total_rows=outcome.total_rows,
        processed_rows=outcome.total_rows,
        written_rows=outcome.total_rows if outcome.written else 0,
        created_recipients=outcome.recipients,
        created_providers=outcome.providers,
        created_assignments=outcome.assignments,
        created_hours=outcome.hours,
        error_count=outcome.error_count,
        errors=[p.as_dict() for p in outcome.problems[:MAX_PROBLEMS_KEPT]],
    )
    ImportJob.objects.filter(pk=job.pk).update(**values)
    for name, value in values.items():
        setattr(job, name, value)


def run_job(job_id: int) -> ImportJob | None:
    """Run a queued job (the background task). A job runs once; running it again does nothing."""

    def work(job: ImportJob) -> None:
        from ihss.cases.access import writable_counties

        user = job.created_by
        files = _load_files(job)
        allowed = (
            None if user is None else set(writable_counties(user).values_list("code", flat=True))
        )
        execute_job(job, files, allowed_counties=allowed)

    return jobs.run_once(
        ImportJob,
        job_id,
        queued=ImportJob.Status.QUEUED,
        running=ImportJob.Status.VALIDATING,
        work=work,
        failed=fail_unexpectedly,
        cleanup=delete_files,
    )


def fail_unexpectedly(job: ImportJob) -> None:
    message = _(
        "The import stopped because of an unexpected error, and nothing was imported. "
        "The error was logged for the portal's operators; please try again later."
    )
    _finish(job, Outcome(problems=[Problem("", 0, "", message)], error_count=1))


def summary(outcome: Outcome | ImportJob) -> str:
    """One sentence: what was (or would be) created."""
    if isinstance(outcome, ImportJob):
        recipients, providers = outcome.created_recipients, outcome.created_providers
        assignments, hours = outcome.created_assignments, outcome.created_hours
    else:
        recipients, providers = outcome.recipients, outcome.providers
        assignments, hours = outcome.assignments, outcome.hours
    parts = [
        ngettext("%(n)s recipient", "%(n)s recipients", recipients) % {"n": f"{recipients:,}"},
        ngettext("%(n)s authorized hours record", "%(n)s authorized hours records", hours)
        % {"n": f"{hours:,}"},
        ngettext("%(n)s provider", "%(n)s providers", providers) % {"n": f"{providers:,}"},
        ngettext("%(n)s assignment", "%(n)s assignments", assignments) % {"n": f"{assignments:,}"},
    ]
    return ", ".join(parts)
