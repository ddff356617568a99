"""Changing the program parameters: a state administrator schedules a new value.

A parameter's history is its rows (ihss.core.models.ProgramParameter): a new value is a
new row from a date, never an edit. A value may start today or later, never earlier: a
changed past would change hours already checked and paid. One row per key and day (the
table's unique constraint), so the same submission twice, a double click or two tabs,
gives one row and one audit event; a different value for a day that already has one is
refused, since rows are never edited: the message asks for another day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ihss.core import audit
from ihss.core.models import ProgramParameter
from ihss.core.units import format_parameter

SCHEDULED = "parameter.scheduled"
# Longest reason kept with a change (the audit event's reason is text; a page shows it).
LONGEST_REASON = 1000


class ParameterRefused(ValueError):
    """A change the rules refuse; the message says why, in the user's language."""


def _snapshot(row: ProgramParameter) -> dict[str, Any]:
    with translation.override("en"):
        shown = format_parameter(row.value, row.unit)
    return {
        "effective_from": row.effective_from.isoformat(),
        "value": shown,
        "stored_value": int(row.value),
        "unit": row.unit,
    }


def in_force(key: str, *, on: dt.date) -> ProgramParameter | None:
    """The row of `key` in force on a date, if any."""
    return (
        ProgramParameter.objects.filter(key=key, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def schedule_parameter(
    *,
    actor: Any,
    key: str,
    value: int,
    effective_from: dt.date,
    reason: str,
    today: dt.date,
) -> ProgramParameter:
    """Give `key` the value `value` (in its stored unit) from `effective_from`, and audit
    who did it, the value it replaces and why, in the same transaction.

    Asking again for the same value from the same day returns the row already there and
    writes nothing. Raises ParameterRefused for an unknown key, a day before `today`, a
    negative value, a missing reason, or another value already set for that day.
    """
    reason = reason.strip()
    if not reason:
        raise ParameterRefused(_("Say why the value changes."))
    if len(reason) > LONGEST_REASON:
        raise ParameterRefused(
            _("Keep the reason to %(n)s characters or fewer.") % {"n": LONGEST_REASON}
        )
    if effective_from < today:
        raise ParameterRefused(
            _("A new value can start today or later, not in the past: the past was paid.")
        )
    if value < 0:
        raise ParameterRefused(_("Enter a value of zero or more."))
    with transaction.atomic():
        latest = ProgramParameter.objects.filter(key=key).order_by("-effective_from").first()
        if latest is None:
            raise ParameterRefused(_("There is no program parameter %(key)s.") % {"key": key})
        existing = ProgramParameter.objects.filter(key=key, effective_from=effective_from)
        same_day = existing.first()
        if same_day is None:
            try:
                with transaction.atomic():
                    row = ProgramParameter.objects.create(
                        key=key,
                        effective_from=effective_from,
                        value=value,
                        unit=latest.unit,
                        description=latest.description,
                        source=latest.source,
                    )
            except IntegrityError:
                # Someone sent a value for that day at the same moment and it was saved
                # first: the same value is this one, a different one is refused below.
                same_day = existing.get()
            else:
                before = in_force(key, on=effective_from - dt.timedelta(days=1))
                audit.record(
                    actor=actor,
                    action=SCHEDULED,
                    subject=row,
                    before=_snapshot(before) if before is not None else None,
                    after=_snapshot(row),
                    reason=reason,
                )
                return row
        if same_day.value == value:
            return same_day
        raise ParameterRefused(
            _(
                "%(key)s already has the value %(value)s from that day. A value is never "
                "changed once set: choose another day for the new value."
            )
            % {"key": key, "value": format_parameter(same_day.value, same_day.unit)}
        )
