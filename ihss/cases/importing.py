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
"""

from __future__ import annotations

import bisect
import codecs
import csv
import datetime as dt
import io
import logging
import os
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.db import (
    IntegrityError,
    transaction,
)
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ihss.cases import import_rules as rules
from ihss.cases.import_rules import (
    ASSIGNMENTS,
    ENROLLMENT_STEPS,
    LAYOUT_ORDER,
    PROVIDERS,
    RECIPIENTS,
    Context,
    Layout,
    detect_layout,
)
from ihss.cases.models import (
    Assignment,
    AuthorizedHours,
    County,
    FamilyRelationship,
    ImportJob,
    Language,
    Program,
    Provider,
    Recipient,
)
from ihss.cases.rules import REGULAR_MONTHLY_CAP, SEVERE_MONTHLY_CAP, monthly_cap_parameter
from ihss.core import audit, crypto, jobs
from ihss.core.bulk import chunks as _chunks
from ihss.core.bulk import column_plan as _column_plan  # noqa: F401 - importable as before
from ihss.core.bulk import insert
from ihss.core.bulk import max_params as _max_params  # noqa: F401 - importable as before
from ihss.core.models import AuditEvent, ProgramParameter

logger = logging.getLogger(__name__)

BATCH_SIZE = 2_000  # records per bulk_create call (and per progress step while saving)
LOOKUP_CHUNK = 900  # numbers per IN (...) query: under SQLite's oldest 999-parameter limit
PROGRESS_EVERY = 1_000  # rows between progress reports while checking
MAX_PROBLEMS_KEPT = 10_000  # problems stored on the job and printed; all are counted
MAX_PROBLEMS_IN_MEMORY = 200_000
# No row of any layout is near this long (the widest is about 2,000 characters); reading
# a line stops here, so that a file without line ends is not read into memory whole.
MAX_LINE_CHARS = 65_536
ENCRYPTED_CHUNK_BYTES = jobs.ENCRYPTED_CHUNK_BYTES  # plaintext per token in a stored file

CHECKING = "checking"
SAVING = "saving"
Progress = Callable[[str, int, int], None]
"""Called as progress(phase, rows_done, total_rows); phase is CHECKING or SAVING."""

SEVERE_CAP = SEVERE_MONTHLY_CAP
REGULAR_CAP = REGULAR_MONTHLY_CAP
SAFE_HEADER_RE = re.compile(r"^[a-z][a-z0-9_ ]{0,39}$")


# --- What was given, what was found ---------------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    """One uploaded or named file: its name (as shown in the report) and where its bytes are.

    The bytes are read as a stream each time the import needs them, never held whole:
    from `path` (the command line), through `opener` (an upload, a job's encrypted
    file), or else from `data` (small files given in memory, as in tests).
    """

    name: str
    data: bytes = b""
    path: str | os.PathLike[str] | None = None
    opener: Callable[[], IO[bytes]] | None = None

    def open(self) -> IO[bytes]:
        if self.opener is not None:
            return self.opener()
        if self.path is not None:
            return open(self.path, "rb")  # noqa: SIM115 - closed by the reader
        return io.BytesIO(self.data)


@dataclass(frozen=True)
class Problem:
    """Why one cell (or row, or file) cannot be imported. Row 1 is the header row."""

    file: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        if not self.file:
            return self.message
        where = f"{self.file}, row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass
class Outcome:
    """What an import found and did. `written` is True only when the records were saved."""

    total_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    error_count: int = 0
    recipients: int = 0
    providers: int = 0
    assignments: int = 0
    hours: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0


# --- Rows as they are checked -----------------------------------------------------------


@dataclass(slots=True)
class PersonRow:
    """What is kept of a checked recipient or provider row: keys, not values (nor the SSN)."""

    file: str
    row: int
    number: str
    county_code: str
    ssn_index: str
    valid: bool = True
    # Recipients, only when the import has assignments: (program, effective_from, minutes).
    authorizations: tuple[tuple[str, dt.date, int], ...] = ()
    pk: int | None = None  # once saved


@dataclass(slots=True)
class AssignmentRow:
    """What is kept of a checked assignment row for the checks across rows."""

    file: str
    row: int
    provider_number: str
    case_number: str
    program: str | None
    start: dt.date | None
    minutes: int | None
    valid: bool = True


@dataclass
class _ParsedFile:
    order: int
    name: str
    layout: Layout
    header: list[str]
    source: SourceFile
    rows: int


class _LineTooLong(csv.Error):
    """A line longer than MAX_LINE_CHARS: not a row of any layout."""


class _FileChanged(Exception):
    """A file read again to be saved is not the file that was checked."""


def _lines(text: IO[str]) -> Iterator[str]:
    while line := text.readline(MAX_LINE_CHARS):
        if len(line) >= MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise _LineTooLong
        yield line


def _records(source: SourceFile) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for every non-blank row; the header is row 1, as in a spreadsheet.

    Reads the file as a stream, one line at a time.
    """
    with (
        source.open() as raw,
        io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
    ):
        reader = csv.reader(_lines(text))
        for number, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                yield number, cells


def _first_line_not_utf8(source: SourceFile) -> int:
    """The line (counting line ends) on which the first byte that is not UTF-8 is."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with source.open() as raw:
        while chunk := raw.read(64 * 1024):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return line + chunk[: max(exc.start, 0)].count(b"\n")
            line += chunk.count(b"\n")
    return line


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _authorizations(clean: dict[str, Any]) -> list[tuple[str, dt.date, int]]:
    """(program, effective_from, minutes) of the hours a checked recipient row gives."""
    start = clean.get("hours_effective_from")
    if start is None:
        return []
    return [
        (program, start, clean[column])
        for program, column in (
            (Program.IHSS, "ihss_monthly_hours"),
            (Program.WPCS, "wpcs_monthly_hours"),
        )
        if clean.get(column)
    ]


class _Import:
    """One import's checking and saving. Not reused: make one per import."""

    def __init__(
        self,
        files: Sequence[SourceFile],
        *,
        allowed_counties: set[str] | None,
        today: dt.date,
        progress: Progress | None,
    ) -> None:
        self.sources = list(files)
        self.allowed = allowed_counties
        self.progress = progress or (lambda phase, done, total: None)
        self.counties = {c.code: c for c in County.objects.all()}
        self.ctx = Context(today=today, county_codes=frozenset(self.counties))
        self.caps: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
        for key, start, value in ProgramParameter.objects.filter(
            key__in=[SEVERE_CAP, REGULAR_CAP]
        ).values_list("key", "effective_from", "value"):
            self.caps[key].append((start, int(value)))
        for rows in self.caps.values():
            rows.sort()
        self.problems: list[Problem] = []
        self.error_count = 0
        self.total = 0
        self.parsed: list[_ParsedFile] = []
        self.hours = 0  # authorized hours records the recipients' rows give
        self.keep_hours = False
        self.checked = 0
        self.file_order: dict[str, int] = {}
        self.file_layout: dict[str, Layout] = {}
        self.recipients: dict[str, PersonRow] = {}
        self.providers: dict[str, PersonRow] = {}
        self.assignments: list[AssignmentRow] = []
        self.ssn_seen: dict[str, dict[str, PersonRow]] = {"recipients": {}, "providers": {}}
        self.db_recipients: dict[str, tuple[int, str]] = {}
        self.db_providers: dict[str, int] = {}

    # -- reporting --

    def report(self, file: str, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.problems) < MAX_PROBLEMS_IN_MEMORY:
            self.problems.append(Problem(file, row, column, message))

    def sorted_problems(self) -> list[Problem]:
        """By file (in the order given), row, then column (in the layout's order)."""
        positions = {
            name: {column: i for i, column in enumerate(layout.names)}
            for name, layout in self.file_layout.items()
        }
        return sorted(
            self.problems,
            key=lambda p: (
                self.file_order.get(p.file, -1),
                p.row,
                positions.get(p.file, {}).get(p.column, -1),
            ),
        )

    # -- phase 1: checking --

    def check(self) -> None:
        limit = int(settings.IMPORT_MAX_ROWS)
        parsed: list[_ParsedFile] = []
        for i, source in enumerate(self.sources):
            opened = self._open(i, source, limit=limit - self.total)
            if opened is not None:
                parsed.append(opened)
                self.total += opened.rows
            if self.total > limit:
                self.report(
                    "",
                    0,
                    "",
                    _(
                        "This import has more than %(max)s rows; at most %(max)s rows can be "
                        "imported at a time. Nothing was imported. Split the files into "
                        "several imports (recipients and providers before the assignments "
                        "that refer to them)."
                    )
                    % {"max": f"{limit:,}"},
                )
                return
        self.parsed = parsed
        self.keep_hours = any(p.layout is ASSIGNMENTS for p in parsed)
        self.progress(CHECKING, 0, self.total)
        # Recipients and providers first, so that assignments can refer to them.
        for p in sorted(parsed, key=lambda p: (LAYOUT_ORDER[p.layout.kind], p.order)):
            self._check_file(p)
        self._check_against_database()
        self._check_assignments()
        self.progress(CHECKING, self.total, self.total)

    def _unique_name(self, name: str) -> str:
        base, n = name, 2
        while name in self.file_order:
            name, n = f"{base} ({n})", n + 1
        return name

    def _open(self, order: int, source: SourceFile, *, limit: int) -> _ParsedFile | None:
        """Read the file through once: its header, and how many rows (up to limit + 1)."""
        name = self._unique_name(source.name or _("file %(n)d") % {"n": order + 1})
        self.file_order[name] = order
        rows = 0
        header: list[str] | None = None
        try:
            for number, cells in _records(source):
                if header is None:
                    header = [c.strip().lower() for c in cells]
                    if number != 1:
                        self.report(name, number, "", _("The header row must be the first row."))
                        return None
                else:
                    rows += 1
                    if rows > limit:
                        break
        except UnicodeDecodeError:
            self.report(
                name,
                _first_line_not_utf8(source),
                "",
                _(
                    "This file is not UTF-8 text (the first unreadable character is on this "
                    "row). Save it as “CSV UTF-8” and import it again."
                ),
            )
            return None
        except _LineTooLong:
            self.report(
                name,
                rows + 2 if header is not None else 1,
                "",
                _(
                    "This row is longer than %(max)s characters, which no row of any layout "
                    "is; check that the file is a CSV file."
                )
                % {"max": f"{MAX_LINE_CHARS:,}"},
            )
            return None
        except csv.Error:
            self.report(
                name, rows + 2, "", _("This row cannot be read as CSV (check its quote marks).")
            )
            return None
        if header is None:
            self.report(name, 1, "", _("The file is empty; the first row must be the header row."))
            return None
        layout = detect_layout(header)
        if layout is None:
            self.report(
                name,
                1,
                "",
                _(
                    "The first row is not the header row of a recipients, providers or "
                    "assignments file; see the import format for the column names."
                ),
            )
            return None
        self.file_layout[name] = layout
        if not self._check_header(name, layout, header):
            return None
        return _ParsedFile(order, name, layout, header, source, rows)

    def _check_header(self, name: str, layout: Layout, header: list[str]) -> bool:
        seen: set[str] = set()
        for position, column in enumerate(header, start=1):
            if not column:
                self.report(
                    name,
                    1,
                    "",
                    _("Column %(n)d has no name in the header row.") % {"n": position},
                )
            elif column in seen:
                self.report(name, 1, column, _("This column appears twice in the header row."))
            elif column not in layout.names:
                if SAFE_HEADER_RE.match(column):
                    message = _(
                        "“%(column)s” is not a column of a %(layout)s file; remove it or fix "
                        "its name."
                    ) % {"column": column, "layout": layout.kind}
                else:
                    message = _(
                        "Column %(n)d is not a column of a %(layout)s file; remove it or fix "
                        "its name."
                    ) % {"n": position, "layout": layout.kind}
                self.report(name, 1, "", message)
            seen.add(column)
        missing = [c for c in layout.required if c not in seen]
        for column in missing:
            self.report(name, 1, column, _("This required column is missing from the header row."))
        return not missing

    @staticmethod
    def _plan(parsed: _ParsedFile) -> list[tuple[rules.Column, int | None]]:
        """Each column of the layout, with its position in the file (None: not given)."""
        index: dict[str, int] = {}
        for i, name in enumerate(parsed.header):
            index.setdefault(name, i)
        return [(c, index.get(c.name)) for c in parsed.layout.columns]

    def _check_file(self, parsed: _ParsedFile) -> None:
        layout = parsed.layout
        plan = self._plan(parsed)
        width = len(parsed.header)
        check_row = {
            "recipients": self._recipient_row,
            "providers": self._provider_row,
            "assignments": self._assignment_row,
        }[layout.kind]
        records = _records(parsed.source)
        next(records)  # the header
        for number, cells in records:
            self.checked += 1
            if self.checked % PROGRESS_EVERY == 0:
                self.progress(CHECKING, self.checked, self.total)
            before = self.error_count
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                self.report(
                    parsed.name,
                    number,
                    "",
                    _("This row has %(cells)d cells but the header row has %(columns)d columns.")
                    % {"cells": len(cells), "columns": width},
                )
                continue
            clean: dict[str, Any] = {}
            bad: set[str] = set()
            for column, position in plan:
                raw = (
                    cells[position].strip()
                    if position is not None and position < len(cells)
                    else ""
                )
                if not raw:
                    if column.required:
                        self.report(parsed.name, number, column.name, rules.required_message())
                        bad.add(column.name)
                    continue
                try:
                    clean[column.name] = column.read(raw, self.ctx)
                except rules.Invalid as exc:
                    self.report(parsed.name, number, column.name, exc.message)
                    bad.add(column.name)
            check_row(parsed.name, number, clean, bad, before)

    def _county_allowed(self, file: str, row: int, code: str | None) -> None:
        if code and not self._may_write(code):
            self.report(
                file,
                row,
                "county_code",
                _("County %(code)s is not yours to import.") % {"code": code},
            )

    def _where(self, other: PersonRow | AssignmentRow, file: str) -> str:
        if other.file == file:
            return _("row %(row)d") % {"row": other.row}
        return _("row %(row)d of %(file)s") % {"row": other.row, "file": other.file}

    def _person(
        self,
        kind: str,
        number_column: str,
        rows: dict[str, PersonRow],
        file: str,
        row: int,
        clean: dict[str, Any],
        bad: set[str],
    ) -> PersonRow:
        code = sys.intern(clean.get("county_code", ""))  # one string per county, not per row
        self._county_allowed(file, row, code)
        if ("latitude" in clean) != ("longitude" in clean) and not bad & {"latitude", "longitude"}:
            missing = "longitude" if "latitude" in clean else "latitude"
            self.report(file, row, missing, _("Give both latitude and longitude, or neither."))
        ssn = clean.get("ssn", "")
        index = crypto.blind_index(ssn, purpose="ssn") if ssn else ""
        person = PersonRow(
            file=file,
            row=row,
            number=clean.get(number_column, ""),
            county_code=code,
            ssn_index=index,
        )
        if person.number:
            other = rows.get(person.number)
            if other is not None:
                self.report(
                    file,
                    row,
                    number_column,
                    _("The same number is also on %(where)s.")
                    % {"where": self._where(other, file)},
                )
            else:
                rows[person.number] = person
        if index:
            seen = self.ssn_seen[kind]
            other = seen.get(index)
            if other is not None:
                self.report(
                    file,
                    row,
                    "ssn",
                    _("The SSN on row %(row)d is also on %(where)s.")
                    % {"row": row, "where": self._where(other, file)},
                )
            else:
                seen[index] = person
        return person

    def _recipient_row(
        self, file: str, row: int, clean: dict[str, Any], bad: set[str], before: int
    ) -> None:
        person = self._person("recipients", "case_number", self.recipients, file, row, clean, bad)
        rep = [c for c in clean if c.startswith("representative_")]
        if rep and "representative_name" not in clean and "representative_name" not in bad:
            self.report(
                file,
                row,
                "representative_name",
                _("Give the representative's name along with their other details."),
            )
        ihss = clean.get("ihss_monthly_hours")
        wpcs = clean.get("wpcs_monthly_hours")
        start = clean.get("hours_effective_from")
        hours_bad = bool(bad & {"ihss_monthly_hours", "wpcs_monthly_hours"})
        if ihss is not None or wpcs is not None:
            if start is None and "hours_effective_from" not in bad:
                self.report(
                    file,
                    row,
                    "hours_effective_from",
                    _("Give the date these hours take effect (YYYY-MM-DD)."),
                )
        elif start is not None and not hours_bad:
            self.report(
                file,
                row,
                "hours_effective_from",
                _("There are no hours on this row for this date; give hours or leave it empty."),
            )
        for column, minutes in (("ihss_monthly_hours", ihss), ("wpcs_monthly_hours", wpcs)):
            if minutes == 0:
                self.report(
                    file,
                    row,
                    column,
                    _("Hours must be more than 0:00; leave the cell empty for none."),
                )
        if ihss and start is not None:
            severe = bool(clean.get("severely_impaired"))
            limit = self.cap(monthly_cap_parameter(severely_impaired=severe), start)
            if limit is not None and ihss > limit:
                why = (
                    _("a severely impaired recipient can be authorized for per month")
                    if severe
                    else _("a recipient who is not severely impaired can be authorized for")
                )
                self._hours_over(file, row, "ihss_monthly_hours", ihss, limit, why)
        if wpcs:
            if not ihss and "ihss_monthly_hours" not in bad:
                self.report(
                    file,
                    row,
                    "wpcs_monthly_hours",
                    _("WPCS hours need IHSS hours on the same row: WPCS adds to IHSS."),
                )
            elif wpcs > rules.HOURS_IN_LONGEST_MONTH:
                self._hours_over(
                    file,
                    row,
                    "wpcs_monthly_hours",
                    wpcs,
                    rules.HOURS_IN_LONGEST_MONTH,
                    _("hours there are in a month"),
                )
        authorizations = _authorizations(clean)
        self.hours += len(authorizations)
        if self.keep_hours:  # for the assignments' checks; saving reads them again
            person.authorizations = tuple(authorizations)
        person.valid = self.error_count == before

    def _hours_over(
        self, file: str, row: int, column: str, minutes: int, limit: int, why: str
    ) -> None:
        try:
            rules.hours_at_most(minutes, limit, why=why)
        except rules.Invalid as exc:
            self.report(file, row, column, exc.message)

    def cap(self, key: str, on: dt.date) -> int | None:
        """The limit in force on a date; for dates before the first recorded value, that one."""
        rows = self.caps.get(key)
        if not rows:
            return None
        position = bisect.bisect_right(rows, (on, float("inf"))) - 1
        return rows[max(position, 0)][1]

    def _provider_row(
        self, file: str, row: int, clean: dict[str, Any], bad: set[str], before: int
    ) -> None:
        person = self._person("providers", "provider_number", self.providers, file, row, clean, bad)
        if clean.get("status") == Provider.Status.ACTIVE:
            for step in ENROLLMENT_STEPS:
                if step not in clean and step not in bad:
                    self.report(
                        file,
                        row,
                        step,
                        _(
                            "An active provider has completed every enrollment step; "
                            "give the date this step was completed."
                        ),
                    )
        person.valid = self.error_count == before

    def _assignment_row(
        self, file: str, row: int, clean: dict[str, Any], bad: set[str], before: int
    ) -> None:
        start, end = clean.get("start_date"), clean.get("end_date")
        if start is not None and end is not None and end < start:
            self.report(file, row, "end_date", _("The end date is before the start date."))
        if clean.get("assigned_monthly_hours") == 0:
            self.report(
                file, row, "assigned_monthly_hours", _("Assigned hours must be more than 0:00.")
            )
        self.assignments.append(
            AssignmentRow(
                file=file,
                row=row,
                provider_number=clean.get("provider_number", ""),
                case_number=clean.get("case_number", ""),
                program=clean.get("program"),
                start=clean.get("start_date"),
                minutes=clean.get("assigned_monthly_hours"),
                valid=self.error_count == before and not bad,
            )
        )

    def _existing(self, queryset: Any, column: str, values: Iterable[str]) -> set[str]:
        wanted = sorted(set(values))
        found: set[str] = set()
        for chunk in _chunks(wanted, LOOKUP_CHUNK):
            found.update(queryset.filter(**{f"{column}__in": chunk}).values_list(column, flat=True))
        return found

    def _existing_ssns(
        self, model: type[Recipient] | type[Provider], indexes: Iterable[str]
    ) -> Iterator[tuple[str, bool]]:
        """(blind index, whether the importer can see that record) for SSNs already saved.

        The importer sees the records of the counties they may import (all for None),
        and, as on the screens, a provider who works for one of those counties' recipients.
        """
        # Any: the stubs cannot follow the annotation through a union of models.
        queryset: Any = model.objects.exclude(ssn_index="")  # as the partial unique index
        allowed = self.allowed
        if allowed is not None and model is Provider:
            queryset = queryset.annotate(
                serves=Exists(
                    Assignment.objects.filter(
                        provider=OuterRef("pk"), recipient__county__code__in=allowed
                    )
                )
            )
        for chunk in _chunks(sorted(set(indexes)), LOOKUP_CHUNK):
            found = queryset.filter(ssn_index__in=chunk)
            if allowed is None:
                for index in found.values_list("ssn_index", flat=True):
                    yield index, True
            elif model is Provider:
                for index, code, serves in found.values_list("ssn_index", "county__code", "serves"):
                    yield index, code in allowed or serves
            else:
                for index, code in found.values_list("ssn_index", "county__code"):
                    yield index, code in allowed

    def _check_against_database(self) -> None:
        for model, rows, number_column, label in (
            (Recipient, self.recipients, "case_number", _("Case number")),
            (Provider, self.providers, "provider_number", _("Provider number")),
        ):
            for number in self._existing(model.objects.all(), number_column, rows):
                person = rows[number]
                person.valid = False
                self.report(
                    person.file,
                    person.row,
                    number_column,
                    _(
                        "%(label)s %(number)s already exists. An import only adds new records; "
                        "change existing ones in the screens."
                    )
                    % {"label": label, "number": number},
                )
        for model, kind, message in (
            (Recipient, "recipients", _("A recipient with this SSN is already in the portal.")),
            (Provider, "providers", _("A provider with this SSN is already in the portal.")),
        ):
            seen = self.ssn_seen[kind]
            for index, visible in self._existing_ssns(model, seen):
                person = seen[index]
                person.valid = False
                if visible:
                    self.report(person.file, person.row, "ssn", message)
                else:
                    # Not which kind of record, nor that it is the SSN: a county worker
                    # must not learn from an import that a person is known elsewhere.
                    self.report(
                        person.file,
                        person.row,
                        "",
                        _(
                            "This row conflicts with a record already in the portal that you "
                            "cannot see. Ask a state administrator to look into it."
                        ),
                    )

    def _check_assignments(self) -> None:
        if not self.assignments:
            return
        # What the portal already holds for the numbers this import does not create.
        db_recipients: dict[str, tuple[int, str]] = {}
        wanted = sorted({a.case_number for a in self.assignments} - set(self.recipients) - {""})
        for chunk in _chunks(wanted, LOOKUP_CHUNK):
            for number, pk, code in Recipient.objects.filter(case_number__in=chunk).values_list(
                "case_number", "pk", "county__code"
            ):
                db_recipients[number] = (pk, code)
        db_providers: dict[str, int] = {}
        wanted = sorted({a.provider_number for a in self.assignments} - set(self.providers) - {""})
        for chunk in _chunks(wanted, LOOKUP_CHUNK):
            db_providers.update(
                Provider.objects.filter(provider_number__in=chunk).values_list(
                    "provider_number", "pk"
                )
            )
        db_authorized: dict[tuple[int, str], list[tuple[dt.date, int]]] = defaultdict(list)
        existing: set[tuple[int, int, str, dt.date]] = set()
        recipient_ids = sorted(pk for pk, _code in db_recipients.values())
        for chunk in _chunks(recipient_ids, LOOKUP_CHUNK):
            for pk, kind, since, allowed in AuthorizedHours.objects.filter(
                recipient_id__in=chunk
            ).values_list("recipient_id", "program", "effective_from", "monthly_minutes"):
                db_authorized[(pk, kind)].append((since, allowed))
            existing.update(
                Assignment.objects.filter(recipient_id__in=chunk).values_list(
                    "provider_id", "recipient_id", "program", "start_date"
                )
            )
        for rows in db_authorized.values():
            rows.sort()
        self.db_recipients = db_recipients
        self.db_providers = db_providers

        seen: dict[tuple[str, str, str, dt.date], AssignmentRow] = {}
        for a in self.assignments:
            before = self.error_count
            program, start, minutes = a.program, a.start, a.minutes
            recipient = self.recipients.get(a.case_number)
            authorized: list[tuple[dt.date, int]] | None = None
            if a.case_number and recipient is not None:
                # A row of this import; a county that is not the importer's is reported there.
                if recipient.valid and program:
                    authorized = [(s, m) for p, s, m in recipient.authorizations if p == program]
            elif a.case_number in db_recipients and self._may_write(
                db_recipients[a.case_number][1]
            ):
                pk, _code = db_recipients[a.case_number]
                if program:
                    authorized = db_authorized.get((pk, program), [])
            elif a.case_number:
                self._unknown_case(a)
            if (
                a.provider_number
                and a.provider_number not in self.providers
                and a.provider_number not in db_providers
            ):
                self.report(
                    a.file,
                    a.row,
                    "provider_number",
                    # Not repeated: a 9-digit number that is no provider's may be an SSN.
                    _("There is no provider with this number in this import or in the portal."),
                )
            if authorized is not None and program and start and minutes:
                self._assigned_within_authorized(a, program, start, minutes, authorized)
            if a.provider_number and a.case_number and program and start:
                key = (a.provider_number, a.case_number, program, start)
                other = seen.get(key)
                if other is not None:
                    self.report(
                        a.file,
                        a.row,
                        "start_date",
                        _(
                            "The same assignment (provider, case, program and start date) is "
                            "also on %(where)s."
                        )
                        % {"where": self._where(other, a.file)},
                    )
                else:
                    seen[key] = a
                provider_pk = db_providers.get(a.provider_number)
                recipient_pk = db_recipients.get(a.case_number, (None, ""))[0]
                if (provider_pk, recipient_pk, program, start) in existing:
                    self.report(
                        a.file,
                        a.row,
                        "start_date",
                        _(
                            "Provider %(provider)s already has this %(program)s assignment for "
                            "case %(case)s starting on this date."
                        )
                        % {
                            "provider": a.provider_number,
                            "program": program,
                            "case": a.case_number,
                        },
                    )
            a.valid = a.valid and self.error_count == before

    def _may_write(self, county_code: str) -> bool:
        return self.allowed is None or county_code in self.allowed

    def _unknown_case(self, a: AssignmentRow) -> None:
        if self.allowed is None:
            message = _(
                "There is no recipient with case number %(number)s in this import or in the portal."
            )
        else:
            # The same words whether the case is another county's or nobody's, so that
            # county staff cannot probe other counties' case numbers.
            message = _("Case %(number)s is not in this import or among your county's recipients.")
        self.report(a.file, a.row, "case_number", message % {"number": a.case_number})

    def _assigned_within_authorized(
        self,
        a: AssignmentRow,
        program: str,
        start: dt.date,
        minutes: int,
        authorized: list[tuple[dt.date, int]],
    ) -> None:
        if not authorized:
            self.report(
                a.file,
                a.row,
                "program",
                _("Case %(case)s has no %(program)s hours authorized, so none can be assigned.")
                % {"case": a.case_number, "program": program},
            )
            return
        # The authorization in force on the start date; for an assignment that started
        # before the first known authorization, that first one.
        position = bisect.bisect_right([s for s, _m in authorized], start) - 1
        limit = authorized[max(position, 0)][1]
        if minutes > limit:
            self._hours_over(
                a.file,
                a.row,
                "assigned_monthly_hours",
                minutes,
                limit,
                _("case %(case)s is authorized for in %(program)s")
                % {"case": a.case_number, "program": program},
            )

    # -- phase 2: saving --

    def write(self, *, actor: Any, reason: str) -> Outcome:
        """Create every record and its audit event. Runs inside the caller's transaction."""
        now = timezone.now()
        displays = choice_labels()
        actor_id = getattr(actor, "pk", None)
        actor_label = audit.actor_name(actor)
        done = 0
        outcome = Outcome(total_rows=self.total)

        def event(action: str, subject: Any, label: str, after: dict[str, Any]) -> AuditEvent:
            return AuditEvent(
                occurred_at=now,
                actor_id=actor_id,
                actor_name=actor_label,
                action=action,
                subject_type=subject._meta.label_lower,
                subject_id=str(subject.pk),
                subject_label=label[:200],
                reason=reason,
                after=after,
            )

        for parsed, rows in self._rows_to_save("recipients"):
            objects = []
            given = []
            for number, clean in rows:
                self._same_person(self.recipients.get(clean.get("case_number", "")), parsed, number)
                fields = {n: v for n, v in clean.items() if n in RECIPIENTS.model_fields}
                recipient = Recipient(**fields, county=self.counties[clean["county_code"]])
                recipient.set_ssn(clean.get("ssn", ""))
                objects.append(recipient)
                given.append(_authorizations(clean))
            insert(objects)
            hours = []
            events = []
            for recipient, authorizations in zip(objects, given, strict=True):
                self.recipients[recipient.case_number].pk = recipient.pk
                authorized = []
                for program, start, minutes in authorizations:
                    hours.append(
                        AuthorizedHours(
                            recipient=recipient,
                            program=program,
                            monthly_minutes=minutes,
                            effective_from=start,
                        )
                    )
                    authorized.append(
                        {
                            "program": program,
                            "monthly_minutes": minutes,
                            "effective_from": start.isoformat(),
                        }
                    )
                after = snapshot(recipient, RECIPIENT_AUDIT_FIELDS, displays)
                after["authorized_hours"] = authorized
                events.append(event("recipient.imported", recipient, str(recipient), after))
            insert(hours)
            insert(events)
            outcome.recipients += len(objects)
            outcome.hours += len(hours)
            done += len(objects)
            self.progress(SAVING, done, self.total)

        for parsed, rows in self._rows_to_save("providers"):
            providers = []
            for number, clean in rows:
                self._same_person(
                    self.providers.get(clean.get("provider_number", "")), parsed, number
                )
                fields = {n: v for n, v in clean.items() if n in PROVIDERS.model_fields}
                provider = Provider(**fields, county=self.counties[clean["county_code"]])
                provider.set_ssn(clean["ssn"])
                providers.append(provider)
            insert(providers)
            events = []
            for provider in providers:
                self.providers[provider.provider_number].pk = provider.pk
                after = snapshot(provider, PROVIDER_AUDIT_FIELDS, displays)
                events.append(event("provider.imported", provider, str(provider), after))
            insert(events)
            outcome.providers += len(providers)
            done += len(providers)
            self.progress(SAVING, done, self.total)

        checked = iter(self.assignments)
        for _parsed, rows in self._rows_to_save("assignments"):
            assignments = []
            keys = []
            for number, clean in rows:
                a = next(checked, None)
                provider_number, case_number = clean["provider_number"], clean["case_number"]
                if a is None or (a.row, a.provider_number, a.case_number) != (
                    number,
                    provider_number,
                    case_number,
                ):
                    raise _FileChanged
                fields = {n: v for n, v in clean.items() if n in ASSIGNMENTS.model_fields}
                assignments.append(
                    Assignment(
                        provider_id=self._provider_pk(provider_number),
                        recipient_id=self._recipient_pk(case_number),
                        assigned_monthly_minutes=clean["assigned_monthly_hours"],
                        **fields,
                    )
                )
                keys.append((provider_number, case_number))
            insert(assignments)
            events = []
            for (provider_number, case_number), assignment in zip(keys, assignments, strict=True):
                after = {
                    "provider_number": provider_number,
                    "case_number": case_number,
                    "program": displays["program"][assignment.program],
                    "assigned_monthly_minutes": assignment.assigned_monthly_minutes,
                    "start_date": audit.jsonable(assignment.start_date),
                    "end_date": audit.jsonable(assignment.end_date),
                    "live_in_certified_on": audit.jsonable(assignment.live_in_certified_on),
                    "family_relationship": displays["family_relationship"][
                        assignment.family_relationship
                    ],
                }
                label = f"{provider_number} → {case_number} ({assignment.program})"
                events.append(event("assignment.imported", assignment, label, after))
            insert(events)
            outcome.assignments += len(assignments)
            done += len(assignments)
            self.progress(SAVING, done, self.total)
        if next(checked, None) is not None:
            raise _FileChanged
        outcome.written = True
        return outcome

    def _rows_to_save(
        self, kind: str
    ) -> Iterator[tuple[_ParsedFile, list[tuple[int, dict[str, Any]]]]]:
        """The files of one kind read again, in the order checked, in batches of clean rows.

        Every row passed the checks, so every cell reads; if one does not, or a row is
        not the one checked, the file changed since (only a file on disk can) and the
        import stops and rolls back.
        """
        for parsed in sorted(
            (p for p in self.parsed if p.layout.kind == kind), key=lambda p: p.order
        ):
            for batch in _batched(self._clean_rows(parsed), BATCH_SIZE):
                yield parsed, batch

    def _clean_rows(self, parsed: _ParsedFile) -> Iterator[tuple[int, dict[str, Any]]]:
        plan = self._plan(parsed)
        records = _records(parsed.source)
        next(records)  # the header
        for number, cells in records:
            clean: dict[str, Any] = {}
            for column, position in plan:
                raw = (
                    cells[position].strip()
                    if position is not None and position < len(cells)
                    else ""
                )
                if raw:
                    try:
                        clean[column.name] = column.read(raw, self.ctx)
                    except rules.Invalid:
                        raise _FileChanged from None
            yield number, clean

    @staticmethod
    def _same_person(person: PersonRow | None, parsed: _ParsedFile, number: int) -> None:
        if person is None or (person.file, person.row, person.pk) != (parsed.name, number, None):
            raise _FileChanged

    def _provider_pk(self, number: str) -> int:
        person = self.providers.get(number)
        pk = person.pk if person is not None else self.db_providers.get(number)
        if pk is None:
            raise _FileChanged
        return pk

    def _recipient_pk(self, number: str) -> int:
        person = self.recipients.get(number)
        pk = person.pk if person is not None else self.db_recipients.get(number, (None, ""))[0]
        if pk is None:
            raise _FileChanged
        return pk

    def counts(self) -> Outcome:
        """What saving would create (for a dry run)."""
        return Outcome(
            total_rows=self.total,
            recipients=len(self.recipients),
            providers=len(self.providers),
            assignments=len(self.assignments),
            hours=self.hours,
        )


def choice_labels() -> dict[str, dict[str, str]]:
    """The label of every choice the audit snapshots show, translated once per import."""
    return {
        "status": {
            **{k: str(v) for k, v in Recipient.Status.choices},
            **{k: str(v) for k, v in Provider.Status.choices},
        },
        "preferred_language": {k: str(v) for k, v in Language.choices},
        "program": {k: str(v) for k, v in Program.choices},
        "family_relationship": {k: str(v) for k, v in FamilyRelationship.choices},
    }


def snapshot(
    instance: Recipient | Provider, fields: Sequence[str], labels: dict[str, dict[str, str]]
) -> dict[str, Any]:
    """Like ihss.core.audit.snapshot (choices shown by label), without a lookup per value."""
    values = instance.__dict__
    result: dict[str, Any] = {}
    for name in fields:
        value = values[name]
        if name in labels:
            value = labels[name].get(value, value)
        elif isinstance(value, dt.date | Decimal):
            value = audit.jsonable(value)
        result[name] = value
    result["county"] = instance.county.name
    return result


RECIPIENT_AUDIT_FIELDS = [c.name for c in RECIPIENTS.columns if c.model_field]
PROVIDER_AUDIT_FIELDS = [c.name for c in PROVIDERS.columns if c.model_field]


def import_files(
    files: Sequence[SourceFile],
    *,
    actor: Any = None,
    allowed_counties: set[str] | None = None,
    dry_run: bool = False,
    reason: str = "",
    progress: Progress | None = None,
    today: dt.date | None = None,
    on_saved: Callable[[Outcome], None] | None = None,
) -> Outcome:
    """Check `files` together and, when every row is right, create all their records.

    `allowed_counties` is the set of county codes the importer may write (None: all).
    `on_saved(outcome)` runs inside the transaction, after the records are created, so
    that the caller's own bookkeeping commits or rolls back with them.
    """
    importer = _Import(
        files,
        allowed_counties=allowed_counties,
        today=today or timezone.localdate(),
        progress=progress,
    )
    importer.check()
    if importer.error_count:
        return Outcome(
            total_rows=importer.total,
            problems=importer.sorted_problems(),
            error_count=importer.error_count,
        )
    if dry_run:
        return importer.counts()
    importer.progress(SAVING, 0, importer.total)
    try:
        with transaction.atomic():
            outcome = importer.write(actor=actor, reason=reason)
            if on_saved is not None:
                on_saved(outcome)
    except _FileChanged:
        problem = Problem(
            "",
            0,
            "",
            _(
                "A file changed while it was being imported. Nothing was imported; please "
                "import the files again."
            ),
        )
        return Outcome(total_rows=importer.total, problems=[problem], error_count=1)
    except IntegrityError as exc:
        # Constraint messages name columns and numbers, never SSNs (those are encrypted).
        logger.warning("Import rolled back by the database: %s", exc)
        problem = Problem(
            "",
            0,
            "",
            _(
                "While this import ran, someone else saved a record with one of its numbers or "
                "SSNs. Nothing was imported; please run the import again."
            ),
        )
        return Outcome(total_rows=importer.total, problems=[problem], error_count=1)
    return outcome


# --- Jobs: the page's imports run in the background ------------------------------------


def create_job(*, files: Sequence[SourceFile], user: Any, dry_run: bool = False) -> ImportJob:
    """Record an import and keep its files, encrypted, until the job has run.

    Each file is copied as a stream, 1 MiB at a time, from the upload's temporary file
    into the default storage (imports/<job>/), where the worker reads it.
    """
    job = ImportJob.objects.create(
        created_by=user, dry_run=dry_run, file_names=[f.name for f in files]
    )
    stored = []
    for i, source in enumerate(files):
        with source.open() as raw:
            path = f"imports/{job.pk}/{i}.csv.enc"
            stored.append(jobs.store_encrypted(raw, path, chunk_bytes=ENCRYPTED_CHUNK_BYTES))
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
