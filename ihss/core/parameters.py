"""Read effective-dated program parameters."""

from __future__ import annotations

import datetime as dt

from ihss.core.models import ProgramParameter


class MissingParameter(LookupError):
    pass


def parameter(key: str, *, on: dt.date) -> int:
    """The value of `key` in force on a date (the latest row effective on or before it)."""
    row = (
        ProgramParameter.objects.filter(key=key, effective_from__lte=on)
        .order_by("-effective_from")
        .values_list("value", flat=True)
        .first()
    )
    if row is None:
        raise MissingParameter(f"No value of {key!r} is in force on {on.isoformat()}.")
    return int(row)
