"""Names compared the way people say them: without regard to case or accents.

"PETROSYAN", "petrosyan" and "Petrosyán" are one name to a caller; `fold` makes them one
string in Python, and `Folded` does the same inside the database, so a search can use an
index: on PostgreSQL, `UPPER(translate(name, FROM, TO))` is immutable, and the cases
migration 0005 indexes it for prefix search (text_pattern_ops). SQLite, which has no
`translate`, calls `ihss_fold`, a function core registers on each connection
(ihss/core/apps.py). Both apply the same table, so both databases answer alike.

Changing FROM or TO changes the expression: the indexes must then be rebuilt by a new
migration, or PostgreSQL stops using them (the search still answers, slower).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db.models import CharField, Func

# Latin letters with accents (Latin-1, Latin Extended-A and B, and Vietnamese's Latin
# Extended Additional), each with its plain letter; a few that do not decompose by hand.
_PLAIN = {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ı": "i", "Đ": "D", "đ": "d"}


def _base(letter: str) -> str:
    return _PLAIN.get(letter) or unicodedata.normalize("NFKD", letter)[0]


_ACCENTED = "".join(
    letter
    for letter in map(chr, [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)])
    if letter.isalpha() and _base(letter).isascii() and _base(letter).isalpha()
)
FROM = _ACCENTED
TO = "".join(_base(letter) for letter in _ACCENTED)
_TABLE = str.maketrans(FROM, TO)


def fold(text: str) -> str:
    """`text` without accents, in capitals, its spaces as typed: "Pérez" is "PEREZ"."""
    return text.translate(_TABLE).upper()


class Folded(Func):
    """`fold` of a text column, in SQL (see the module's note on indexes)."""

    output_field = CharField()

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(expression, **extra)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        # The table is a constant of this module (letters only, no quote): written into the
        # SQL, so that PostgreSQL matches the expression of its index.
        template = f"UPPER(translate(%(expressions)s, '{FROM}', '{TO}'))"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, template="ihss_fold(%(expressions)s)", **extra)


def sqlite_fold(value: str | None) -> str | None:
    """The SQLite function `ihss_fold`: `fold`, passing NULL through."""
    return None if value is None else fold(value)
