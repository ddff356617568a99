"""CSV files that a spreadsheet opens without running any cell as a formula.

A cell that begins with = + - @ (or a tab or carriage return) is run as a formula by
Excel, LibreOffice and Google Sheets: a name typed as ``=HYPERLINK(...)`` would become a
link, or worse, in the file a county worker downloads (OWASP, "CSV Injection"). Names are
stored as typed; every CSV the portal writes goes through `writer`, which prefixes such
cells with a single quote, as OWASP recommends, so the spreadsheet shows them as text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def cell(value: Any) -> str | int | Decimal:
    """The value as a CSV cell: text that would start a formula gets a leading quote.

    Numbers (not text that looks like one) are written as they are: a spreadsheet reads
    a number as a number, never as a formula.
    """
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return ESCAPE + text if text.startswith(FORMULA_START) else text


class SafeWriter:
    """Like csv.writer, with every cell passed through `cell`."""

    def __init__(self, stream: _Writable, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: _Writable, **options: Any) -> SafeWriter:
    """The only way the portal writes CSV (see the module's docstring)."""
    return SafeWriter(stream, **options)
