"""Background jobs with a progress bar: the pieces every long task of the portal shares.

A job is a row (the case records import's ImportJob today; payroll runs, the state
generator and attendance uploads next) that a page creates, a background task runs once,
and the page polls every second for its progress (see templates/includes/job_progress.html
and job_poll.html). This module holds what does not depend on what the job does:

- its uploaded files, kept encrypted in the default storage until the job has run,
  and read back as a stream (never a whole file in memory);
- `RowProgress`, which writes the progress onto the job row at most every half second,
  even from inside the job's own transaction on PostgreSQL;
- `run_once`, which claims a queued job (so a task delivered twice runs it once), runs it
  in its starter's language, records an unexpected error and always cleans up.
"""

from __future__ import annotations

import io
import logging
import struct
import time
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, TypeVar, cast

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import translation

from ihss.core import crypto

logger = logging.getLogger(__name__)

ENCRYPTED_CHUNK_BYTES = 1024 * 1024  # plaintext per Fernet token in a job's stored file
PROGRESS_INTERVAL_SECONDS = 0.5  # a page polls every second; half that keeps it current

# A job's stored file is one Fernet token per line, each the encryption of a 9-byte
# header (the chunk's index, and whether it is the last) and up to 1 MiB of the file. The
# header keeps the chunks from being reordered, dropped or cut off unnoticed.
_CHUNK_HEADER = struct.Struct(">Q?")

Job = TypeVar("Job", bound=models.Model)


# --- Files kept, encrypted, until the job has run ----------------------------------------


def encrypted_lines(raw: IO[bytes], *, chunk_bytes: int = ENCRYPTED_CHUNK_BYTES) -> Iterator[bytes]:
    """The stored form of `raw`: one encrypted chunk per line, read a chunk at a time."""
    fernet = crypto.fernet()
    index = 0
    chunk = raw.read(chunk_bytes)
    while True:
        following = raw.read(chunk_bytes) if chunk else b""
        last = not following
        yield fernet.encrypt(_CHUNK_HEADER.pack(index, last) + chunk) + b"\n"
        if last:
            return
        chunk, index = following, index + 1


class _Parts:
    """A read()-able view of byte strings, for Storage.save (which calls read until b"")."""

    def __init__(self, parts: Iterator[bytes]) -> None:
        self.parts = parts

    def read(self, size: int = -1) -> bytes:
        return next(self.parts, b"")


class _Decrypting(io.RawIOBase):
    """The plaintext of a stored job file, decrypted one chunk at a time."""

    def __init__(self, handle: IO[bytes]) -> None:
        super().__init__()
        self.handle = handle
        self.fernet = crypto.fernet()
        self.chunk = memoryview(b"")
        self.index = 0
        self.done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.chunk and not self.done:
            line = self.handle.readline()
            if not line:
                raise ValueError("The stored job file is cut short.")
            plain = self.fernet.decrypt(line.rstrip(b"\n"))
            index, last = _CHUNK_HEADER.unpack_from(plain)
            if index != self.index:
                raise ValueError("The stored job file's chunks are out of order.")
            self.index, self.done = index + 1, last
            self.chunk = memoryview(plain)[_CHUNK_HEADER.size :]
        n = min(len(buffer), len(self.chunk))
        buffer[:n] = self.chunk[:n]
        self.chunk = self.chunk[n:]
        return n

    def close(self) -> None:
        self.handle.close()
        super().close()


def store_encrypted(raw: IO[bytes], path: str, *, chunk_bytes: int = ENCRYPTED_CHUNK_BYTES) -> str:
    """Copy `raw` into the default storage at `path`, encrypted; the name it was saved as."""
    name = path.rsplit("/", 1)[-1]
    content = File(cast(Any, _Parts(encrypted_lines(raw, chunk_bytes=chunk_bytes))), name=name)
    return default_storage.save(path, content)


def open_encrypted(path: str) -> IO[bytes]:
    """A stored file's plaintext, decrypted as it is read; a changed file raises ValueError."""
    return io.BufferedReader(_Decrypting(default_storage.open(path, "rb")))


def delete_stored(paths: Sequence[str]) -> None:
    """Delete a job's stored files; best effort (the path is logged, never the data)."""
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:  # pragma: no cover - best effort
            logger.warning("Could not delete the stored job file %s", path)


# --- Progress on the job row ----------------------------------------------------------------


class RowProgress:
    """Writes a job's progress onto its row, at most every PROGRESS_INTERVAL_SECONDS.

    `update` writes through the ordinary connection (outside the job's transaction).
    `update_outside_transaction` is for progress made inside the job's transaction: on
    PostgreSQL a second connection writes it so that the polling page sees it; on SQLite
    (one writer at a time) it does nothing, and the page shows the phase without a count.
    Call `close` when the job is done (it closes the second connection).
    """

    def __init__(self, model: type[models.Model], pk: Any) -> None:
        self.model = model
        self.pk = pk
        self.last = 0.0
        self.side: Any = None

    def due(self, done: int, total: int) -> bool:
        """Whether to write now: always at the start and the end, else every interval."""
        now = time.monotonic()
        if 0 < done < total and now - self.last < PROGRESS_INTERVAL_SECONDS:
            return False
        self.last = now
        return True

    def update(self, **values: Any) -> None:
        self.model._default_manager.filter(pk=self.pk).update(**values)

    def update_outside_transaction(self, **values: Any) -> None:
        if connection.vendor != "postgresql" or not values:
            return
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        qn = connection.ops.quote_name
        meta = self.model._meta
        assert meta.pk is not None
        fields = [meta.get_field(name) for name in values]
        assigns = ", ".join(f"{qn(str(getattr(f, 'column', f.name)))} = %s" for f in fields)
        # Only quoted column names and placeholders go into the SQL text.
        sql = f"UPDATE {qn(meta.db_table)} SET {assigns} WHERE {qn(str(meta.pk.column))} = %s"  # noqa: S608
        with self.side.cursor() as cursor:
            cursor.execute(sql, [*values.values(), self.pk])

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


# --- Running a queued job once ------------------------------------------------------------------


def run_once(
    model: type[Job],
    pk: Any,
    *,
    queued: str,
    running: str,
    work: Callable[[Job], object],
    failed: Callable[[Job], object],
    cleanup: Callable[[Job], object] = lambda job: None,
) -> Job | None:
    """Claim the job `pk` (status `queued` -> `running`) and run `work(job)` once.

    A job already claimed is returned as it is, without running it again (a task may be
    delivered twice). `work` runs in the language of the job's `created_by` user; an
    unexpected error is logged and handed to `failed(job)`, and `cleanup(job)` always
    runs. Returns the job as stored afterwards, or None when there is no such job.
    """
    manager = model._default_manager
    claimed = manager.filter(pk=pk, status=queued).update(status=running)
    job = manager.select_related("created_by").filter(pk=pk).first()
    if job is None or not claimed:
        return job
    user = getattr(job, "created_by", None)
    language = (getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE)[:8]
    try:
        with translation.override(language):
            try:
                work(job)
            except Exception:
                logger.exception("%s %s stopped unexpectedly", model.__name__, job.pk)
                failed(job)
    finally:
        cleanup(job)
    job.refresh_from_db()
    return job
