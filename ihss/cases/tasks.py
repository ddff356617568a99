"""Background tasks of the case records app."""

from __future__ import annotations

from django_tasks import task

from ihss.cases import importing


@task()
def run_import_job(job_id: int) -> str:
    """Check and import the files of one import job (see ihss.cases.importing)."""
    job = importing.run_job(job_id)
    return job.status if job is not None else "missing"
