"""Bulk import of case records: what is given (files), found (problems) and kept per row.

See ihss.cases.importing for the whole import; this module reads the files as streams.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from ihss.cases.import_rules import (
    Layout,
)
from ihss.cases.models import (
    Program,
)

logger = logging.getLogger(__name__)


MAX_LINE_CHARS = 65_536
# No row of any layout is near this long (the widest is about 2,000 characters); reading
# a line stops here, so that a file without line ends is not read into memory whole.

CHECKING = "checking"
SAVING = "saving"
Progress = Callable[[str, int, int], None]
"""Called as progress(phase, rows_done, total_rows); phase is CHECKING or SAVING."""


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
