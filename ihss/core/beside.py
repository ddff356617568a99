"""Work read beside: a producer's chunks made in a thread with its own database connection,
a few chunks ahead of the caller, so that the database's work (and the producer's) overlaps
the caller's.

For long reads of committed rows (a payroll run's items, an issue's stubs and accounts):
the producer runs inside a transaction of its own connection, so it sees only what other
transactions committed, and never the caller's uncommitted writes. Call it only where
that is what the caller would have read anyway: outside any transaction (`usable()`), on
PostgreSQL, whose connections each have a server process of their own. Elsewhere read in
line.

The thread's connection is closed when the producer ends, fails or is abandoned; an error
in the producer is raised in the caller's thread at the chunk where it happened.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator
from typing import Any, TypeVar

from django.db import connection, transaction

T = TypeVar("T")

AHEAD = 4  # chunks made ahead of the caller at most
_END = object()


def usable() -> bool:
    """Whether reading beside sees what the caller would: PostgreSQL, outside a transaction."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def chunks(
    produce: Callable[[], Iterator[T]],
    *,
    name: str,
    setup: Callable[[], None] | None = None,
) -> Generator[T, None, None]:
    """The chunks `produce()` yields, made in a thread named `name` (after `setup()`, in the
    same transaction of the thread's connection). Closing the generator (or dropping it)
    stops the thread and waits for it to end."""
    made: queue.Queue[Any] = queue.Queue(maxsize=AHEAD)
    stop = threading.Event()

    def put(value: Any) -> bool:
        while not stop.is_set():
            try:
                made.put(value, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            with transaction.atomic():
                if setup is not None:
                    setup()
                for chunk in produce():
                    if not put(chunk):
                        return
            put(_END)
        except BaseException as error:  # handed to the caller's thread
            put(error)
        finally:
            connection.close()  # this thread's own connection

    maker = threading.Thread(target=make, name=name, daemon=True)
    maker.start()
    try:
        while True:
            chunk = made.get()
            if chunk is _END:
                return
            if isinstance(chunk, BaseException):
                raise chunk
            yield chunk
    finally:
        stop.set()
        maker.join()
