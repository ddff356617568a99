"""Bulk import of case records from CSV files: check every row, then write all or nothing.

An import is one or more CSV files (recipients, providers, assignments; each layout is
recognised by its header row, see docs/import-format.md). It runs in two phases:

1. Checking. Every file is read and every row checked, cell by cell and across rows
   (duplicates inside the import, SSNs compared by blind index, references from
   assignments), then against the database with one query per 900 numbers (never a
   query per row). Every problem is collected as (file, row, column, message).
2. Saving, only when no row has a problem: one transaction creates the recipients with
   their authorized hours, the providers and the assignments in batches of 2,000
   (multi-row INSERTs, see `insert`), and one audit event per created record. A
   failure anywhere rolls it all back.

The import only creates records: a number already in the portal is a problem, and
changes to existing records are made in the screens. Messages never contain an SSN.

Memory stays bounded whatever the files' size: files are read as streams, row by row
(once to count the rows, once to check them, once more to save them), and between
passes only a few keys per row are kept (numbers, SSN blind indexes, hours), never the
rows' values nor an SSN. The limits on files, bytes and rows are settings
(IMPORT_MAX_FILES, IMPORT_MAX_FILE_BYTES, IMPORT_MAX_ROWS; see docs/import-format.md).
A job's files wait in the default storage encrypted in chunks of 1 MiB, so that neither
the page nor the worker ever holds a whole file.

The import is split by phase; every name stays importable from here, as before:
    import_rows     what is given and found: SourceFile, Problem, Outcome, the kept rows
    import_checks   phase 1, checking (the _Checking half of the importer)
    import_saving   phase 2, saving, and import_files (the whole import)
    import_jobs     the page's imports as background jobs (ihss.core.jobs underneath)
The bulk writer is ihss.core.bulk. Two tunables live here and are read from here at
run time (tests make them small): PROGRESS_EVERY and ENCRYPTED_CHUNK_BYTES; and so is
`insert`, so that a test can replace the writer for one import.
"""

from __future__ import annotations

from ihss.cases.import_checks import (
    LOOKUP_CHUNK,
    MAX_PROBLEMS_IN_MEMORY,
    REGULAR_CAP,
    SAFE_HEADER_RE,
    SEVERE_CAP,
)
from ihss.cases.import_jobs import (
    MAX_PROBLEMS_KEPT,
    JobProgress,
    create_job,
    delete_files,
    execute_job,
    fail_unexpectedly,
    job_reason,
    run_job,
    summary,
)
from ihss.cases.import_rows import (
    CHECKING,
    MAX_LINE_CHARS,
    SAVING,
    AssignmentRow,
    Outcome,
    PersonRow,
    Problem,
    Progress,
    SourceFile,
)
from ihss.cases.import_saving import (
    BATCH_SIZE,
    PROVIDER_AUDIT_FIELDS,
    RECIPIENT_AUDIT_FIELDS,
    choice_labels,
    import_files,
    snapshot,
)
from ihss.core import jobs as _jobs
from ihss.core.bulk import column_plan as _column_plan  # noqa: F401 - importable as before
from ihss.core.bulk import insert  # noqa: F401 - read from here by import_saving
from ihss.core.bulk import max_params as _max_params  # noqa: F401 - importable as before

PROGRESS_EVERY = 1_000  # rows between progress reports while checking
ENCRYPTED_CHUNK_BYTES = _jobs.ENCRYPTED_CHUNK_BYTES  # plaintext per token in a stored file

__all__ = [
    "BATCH_SIZE",
    "CHECKING",
    "ENCRYPTED_CHUNK_BYTES",
    "LOOKUP_CHUNK",
    "MAX_LINE_CHARS",
    "MAX_PROBLEMS_IN_MEMORY",
    "MAX_PROBLEMS_KEPT",
    "PROGRESS_EVERY",
    "PROVIDER_AUDIT_FIELDS",
    "RECIPIENT_AUDIT_FIELDS",
    "REGULAR_CAP",
    "SAFE_HEADER_RE",
    "SAVING",
    "SEVERE_CAP",
    "AssignmentRow",
    "JobProgress",
    "Outcome",
    "PersonRow",
    "Problem",
    "Progress",
    "SourceFile",
    "choice_labels",
    "create_job",
    "delete_files",
    "execute_job",
    "fail_unexpectedly",
    "import_files",
    "insert",
    "job_reason",
    "run_job",
    "snapshot",
    "summary",
]
