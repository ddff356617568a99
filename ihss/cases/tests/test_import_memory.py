"""Large imports in bounded memory: the upload and the worker read files as streams.

A recipients file of about 30 MB (wide rows: every text column near its longest) is
generated into a temporary file, uploaded through the import page, then imported by the
worker. Python's own allocations (tracemalloc) must stay under MEMORY_BOUND above what
was allocated before each step; before this was bounded, the page read each upload
whole, then held its encrypted copy, and the worker held every row's values: several
times the file's size. (SQLite's own memory is not Python's and is not counted.)
"""

from __future__ import annotations

import csv
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar, cast

import pytest
from django.test import RequestFactory
from django.urls import reverse

from ihss.cases import import_rules, import_views, importing
from ihss.cases.models import ImportJob, Recipient

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

T = TypeVar("T")
MEMORY_BOUND = 64 * 1024 * 1024
FILE_BYTES = 30 * 1024 * 1024


def wide_recipients(path: Path, target_bytes: int) -> int:
    """Write a valid recipients file of about target_bytes; return its number of rows."""
    header = import_rules.RECIPIENTS.names
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        while handle.tell() < target_bytes:
            n = rows + 1
            values = {
                "case_number": f"{3400000 + n:07d}",
                "first_name": ("Ana" + "a" * 60)[:60],
                "middle_name": "M" * 60,
                "last_name": f"Testa{n}".ljust(60, "z"),
                "date_of_birth": "1950-01-01",
                "ssn": f"521-{10 + n // 9000:02d}-{1000 + n % 9000:04d}",
                "street": ("1200 W Temple St " * 8)[:120],
                "city": "C" * 60,
                "zip_code": "95814-1234",
                "latitude": "38.581572",
                "longitude": "-121.494400",
                "phone": "916-555-0100",
                "email": f"{'x' * 57}{n:07d}@{'a' * 60}.{'b' * 60}.example.org",
                "preferred_language": "es",
                "county_code": "34",
                "status": "active",
                "severely_impaired": "yes",
                "needs_cognitive_behavioral": "no",
                "needs_complex_physical": "yes",
                "needs_community_transition": "no",
                "representative_name": "R" * 120,
                "representative_relationship": "S" * 60,
                "representative_phone": "916-555-0101",
                "representative_email": f"{'r' * 57}{n:07d}@{'c' * 60}.{'d' * 60}.example.org",
                "ihss_monthly_hours": "283:00",
                "wpcs_monthly_hours": "40:00",
                "hours_effective_from": "2025-07-01",
            }
            writer.writerow([values[column] for column in header])
            rows += 1
    return rows


def peak_above_start(step: Callable[[], T]) -> tuple[int, T]:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start, _peak = tracemalloc.get_traced_memory()
        result = step()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - start, result


def test_a_30_mb_file_is_uploaded_and_imported_in_bounded_memory(
    tmp_path, state_admin, settings, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    path = tmp_path / "recipients.csv"
    rows = wide_recipients(path, FILE_BYTES)
    assert path.stat().st_size >= FILE_BYTES
    queued: list[int] = []
    monkeypatch.setattr(import_views, "run_import_job", SimpleNamespace(enqueue=queued.append))
    with path.open("rb") as handle:
        request = RequestFactory().post(reverse("cases:import"), {"csv_files": handle})
    request.user = state_admin
    authenticated = cast(Any, request)

    upload_peak, response = peak_above_start(lambda: import_views.import_upload(authenticated))
    assert response.status_code == 302 and len(queued) == 1
    assert upload_peak < MEMORY_BOUND, f"the upload took {upload_peak / 2**20:.1f} MiB"

    worker_peak, job = peak_above_start(lambda: importing.run_job(queued[0]))
    assert job is not None and job.status == ImportJob.Status.SUCCEEDED, job and job.errors[:3]
    assert Recipient.objects.count() == rows == job.created_recipients
    assert worker_peak < MEMORY_BOUND, f"the import took {worker_peak / 2**20:.1f} MiB"
