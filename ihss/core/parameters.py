"""Read effective-dated program parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

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


def parameters(keys: Iterable[str], *, on: dt.date) -> dict[str, int]:
    """The values of `keys` in force on a date, in one query: the loader every rule's
    numbers come through."""
    wanted = list(keys)
    values: dict[str, int] = {}
    rows = (
        ProgramParameter.objects.filter(key__in=wanted, effective_from__lte=on)
        .order_by("key", "-effective_from")
        .values_list("key", "value")
    )
    for key, value in rows:
        values.setdefault(key, int(value))
    missing = [k for k in wanted if k not in values]
    if missing:
        raise MissingParameter(f"No value of {', '.join(missing)} is in force on {on.isoformat()}.")
    return values


def history(key: str) -> list[tuple[dt.date, int]]:
    """Every value `key` has had, as (effective from, value) in date order: for a rule
    that spans dates (a wage tied to the minimum wage over a year of late hours)."""
    return [
        (day, int(value))
        for day, value in ProgramParameter.objects.filter(key=key)
        .order_by("effective_from")
        .values_list("effective_from", "value")
    ]
