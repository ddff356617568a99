"""Import recipients, providers and assignments from CSV files, all or nothing.

    python manage.py import_cases recipients.csv providers.csv assignments.csv
    python manage.py import_cases --dry-run recipients.csv

The files' layouts are described in docs/import-format.md. Every row of every file is
checked first; if any row has a problem, the report is printed, nothing is imported and
the command exits with status 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ihss.cases import importing
from ihss.cases.models import ImportJob

PRINT_EVERY = 10_000


class Command(BaseCommand):
    help = (
        "Import recipients, providers and assignments from CSV files (the layouts are in "
        "docs/import-format.md). All files are checked together; if any row has a problem "
        "the report is printed and nothing is imported. Only new records are created."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files",
            nargs="+",
            metavar="FILE.csv",
            help="CSV files of recipients, providers or assignments (each recognised by its "
            "header row), in any order.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the files and print the report, but write nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        files = []
        max_files, max_bytes = settings.IMPORT_MAX_FILES, settings.IMPORT_MAX_FILE_BYTES
        if len(options["files"]) > max_files:
            raise CommandError(
                f"At most {max_files} files can be imported at a time (IMPORT_MAX_FILES). "
                "Nothing was imported."
            )
        for name in options["files"]:
            path = Path(name)
            try:
                size = path.stat().st_size
                with path.open("rb"):
                    pass
            except OSError as exc:
                raise CommandError(f"Cannot read {name}: {exc.strerror}.") from None
            if size > max_bytes:
                raise CommandError(
                    f"{name} is larger than {max_bytes // (1024 * 1024)} MB "
                    "(IMPORT_MAX_FILE_BYTES); split it into several files. Nothing was imported."
                )
            # Read as a stream, row by row, each time the import needs it.
            files.append(importing.SourceFile(name=path.name, path=path))
        progress = self._printer() if verbosity >= 1 else None
        if options["dry_run"]:
            outcome = importing.import_files(files, dry_run=True, progress=progress)
        else:
            job = ImportJob.objects.create(
                file_names=[f.name for f in files], status=ImportJob.Status.VALIDATING
            )
            outcome = importing.execute_job(job, files, allowed_counties=None, also=progress)
        if not outcome.ok:
            self._report(outcome)
            raise CommandError(
                f"{outcome.error_count:,} problem{'s' if outcome.error_count != 1 else ''} "
                "found. Nothing was imported."
            )
        if verbosity >= 1:
            if options["dry_run"]:
                self.stdout.write(
                    f"All {outcome.total_rows:,} rows are ready to import; nothing was written "
                    f"(--dry-run). An import would create {importing.summary(outcome)}."
                )
            else:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Imported {outcome.total_rows:,} rows (import #{job.pk}): created "
                        f"{importing.summary(outcome)}."
                    )
                )

    def _printer(self) -> importing.Progress:
        last = {importing.CHECKING: 0, importing.SAVING: 0}

        def show(phase: str, done: int, total: int) -> None:
            if total < PRINT_EVERY or done // PRINT_EVERY <= last[phase] // PRINT_EVERY:
                return
            last[phase] = done
            verb = "Checked" if phase == importing.CHECKING else "Saved"
            self.stdout.write(f"{verb} {done:,} of {total:,} rows.")

        return show

    def _report(self, outcome: importing.Outcome) -> None:
        for problem in outcome.problems[: importing.MAX_PROBLEMS_KEPT]:
            self.stderr.write(str(problem))
        hidden = outcome.error_count - min(len(outcome.problems), importing.MAX_PROBLEMS_KEPT)
        if hidden > 0:
            self.stderr.write(f"... and {hidden:,} more problems.")
