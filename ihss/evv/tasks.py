"""EVV's background tasks."""

from __future__ import annotations

from django_tasks import task

from ihss.evv.services import export


@task()
def run_visit_export(export_id: int) -> str:
    """Write one visit export's file (see ihss.evv.services.export)."""
    job = export.run_export(export_id)
    return job.status if job is not None else "missing"
