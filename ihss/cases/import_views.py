"""Bulk import pages: upload CSV files, follow the job's progress, read its report.

The upload page stores the files (encrypted) on an ImportJob and queues the background
task; the job page shows a progress bar refreshed by htmx every second until the job
has finished, then the counts or the row-by-row report. The job id is in the URL, so a
reload (or coming back later) shows the same job. Only the person who started an import
(and state administrators) can see it; anyone else gets 404.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import IO, Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import User
from ihss.cases import access, import_rules, importing
from ihss.cases.models import ImportJob
from ihss.cases.tasks import run_import_job
from ihss.core import csvsafe

logger = logging.getLogger(__name__)

PROBLEMS_SHOWN = 500
SAMPLES_DIR = Path(settings.BASE_DIR) / "docs" / "samples"


def can_import(user: User) -> bool:
    return access.can_use_case_records(user) and access.writable_counties(user).exists()


def _require_importer(user: User) -> None:
    if not can_import(user):
        raise PermissionDenied


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    csv_files = MultipleFileField(
        label=gettext_lazy("CSV files"),
        help_text=gettext_lazy(
            "Choose one or more files: recipients, providers and assignments, in any order. "
            "Each file is recognised by its header row."
        ),
        widget=MultipleFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        required=False,
        label=gettext_lazy("Only check the files"),
        help_text=gettext_lazy("Report any problems, but import nothing."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["csv_files"]
        field.help_text = "{} {}".format(
            field.help_text,
            _("At most %(files)d files of up to %(mb)d MB each, and %(rows)s rows in all.")
            % {
                "files": settings.IMPORT_MAX_FILES,
                "mb": settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024),
                "rows": f"{settings.IMPORT_MAX_ROWS:,}",
            },
        )

    def clean_csv_files(self) -> list[Any]:
        """The limits of docs/import-format.md; over one, nothing is stored or imported."""
        files = self.cleaned_data["csv_files"]
        max_files, max_bytes = settings.IMPORT_MAX_FILES, settings.IMPORT_MAX_FILE_BYTES
        if len(files) > max_files:
            raise forms.ValidationError(
                _("Choose at most %(n)d files at a time.") % {"n": max_files}
            )
        for upload in files:
            if not upload.name.lower().endswith(".csv"):
                raise forms.ValidationError(
                    _("“%(name)s” is not a CSV file; save it as “CSV UTF-8” first.")
                    % {"name": Path(upload.name).name}
                )
            if upload.size > max_bytes:
                raise forms.ValidationError(
                    _("“%(name)s” is larger than %(mb)d MB; split it into several files.")
                    % {"name": Path(upload.name).name, "mb": max_bytes // (1024 * 1024)}
                )
        return list(files)


def _reopen(upload: UploadedFile[Any]) -> IO[bytes]:
    upload.seek(0)
    return cast(IO[bytes], upload)


@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_importer(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        # Each upload is already in a temporary file (see FILE_UPLOAD_MAX_MEMORY_SIZE);
        # create_job copies it, encrypted, a chunk at a time, never reading it whole.
        files = [
            importing.SourceFile(name=Path(upload.name).name[:100], opener=partial(_reopen, upload))
            for upload in form.cleaned_data["csv_files"]
        ]
        job = importing.create_job(
            files=files, user=request.user, dry_run=form.cleaned_data["dry_run"]
        )
        try:
            run_import_job.enqueue(job.pk)
        except Exception:
            logger.exception("Could not queue import job %s", job.pk)
            importing.fail_unexpectedly(job)
            importing.delete_files(job)
        return redirect("cases:import-job", pk=job.pk)
    recent = access.own_import_jobs(request.user).only(
        "pk", "created_at", "file_names", "status", "dry_run"
    )[:10]
    return render(
        request,
        "cases/import_upload.html",
        {"form": form, "layouts": import_rules.LAYOUTS, "recent": recent},
    )


def _status_context(job: ImportJob) -> dict[str, Any]:
    problems = job.errors[:PROBLEMS_SHOWN] if job.finished else []
    return {
        "job": job,
        "problems": problems,
        "problems_hidden": max(job.error_count - len(problems), 0),
        "summary": importing.summary(job) if job.status == ImportJob.Status.SUCCEEDED else "",
    }


@require_GET
def import_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = access.get_import_job_for_user(request.user, pk)
    return render(request, "cases/import_job.html", _status_context(job))


@require_GET
def import_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The status fragment the job page polls; once finished it stops polling."""
    job = access.get_import_job_for_user(request.user, pk)
    return render(request, "cases/import_status.html", _status_context(job))


@require_GET
def import_errors_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = access.get_import_job_for_user(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-problems.csv"'
    response.write("\ufeff")  # so that spreadsheets read the file as UTF-8
    writer = csvsafe.writer(response)  # a file name like "=x.csv" is not run as a formula
    writer.writerow([_("file"), _("row"), _("column"), _("problem")])
    for problem in job.errors:
        writer.writerow([problem.get(key, "") for key in ("file", "row", "column", "message")])
    return response


@require_GET
def import_sample(request: AuthenticatedHttpRequest, layout: str) -> FileResponse:
    _require_importer(request.user)
    if layout not in {layout.kind for layout in import_rules.LAYOUTS}:
        raise Http404
    path = SAMPLES_DIR / f"{layout}.csv"
    if not path.is_file():
        raise Http404
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"{layout}.csv", content_type="text/csv"
    )
