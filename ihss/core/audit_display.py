"""How an audit event reads on a page, for every app that shows a history.

The audit table is append-only: an event written once is read for ever, whatever the
code that reads it has become. So reading is total: an action, a model, a key or a value
of a shape this code does not know is shown plainly, never raised. A page that shows a
history must not break because of an event it cannot name.

Apps name their own actions and keys (`register_actions`, `register_labels`) from their
`AppConfig.ready`, so this module imports no app.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst

from ihss.core.models import AuditEvent

_ACTIONS: dict[str, str | Promise] = {}
_LABELS: dict[str, str | Promise] = {}
# Keys never shown, whoever reads the history: secrets and their lookup digests.
HIDDEN_KEYS = frozenset({"ssn", "ssn_index", "password", "token", "secret", "account_number"})
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A value longer than this is cut on the page (the event keeps it whole).
LONGEST_VALUE = 500


def register_actions(labels: Mapping[str, str | Promise]) -> None:
    """Name an app's audit actions ("recipient.created" -> "Recipient added")."""
    _ACTIONS.update(labels)


def register_labels(labels: Mapping[str, str | Promise]) -> None:
    """Name keys of audit snapshots that are not fields of the event's model."""
    _LABELS.update(labels)


@dataclass(frozen=True)
class Change:
    label: str
    before: Any
    after: Any
    kind: str  # "minutes", "bool", "date" or "text": how the template shows the values


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    action: str
    subject: str  # what the event is about, when not the page's own record
    changes: list[Change] = field(default_factory=list)


def _humanize(name: object) -> str:
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "?"


def action_label(action: object) -> str:
    label = _ACTIONS.get(action) if isinstance(action, str) else None
    return str(label) if label is not None else _humanize(action)


def field_label(subject_type: object, name: object) -> str:
    """The words for a snapshot key: registered, else the model field's, else the key."""
    if isinstance(name, str) and name in _LABELS:
        return str(_LABELS[name])
    try:
        model = apps.get_model(str(subject_type))
        verbose = getattr(model._meta.get_field(str(name)), "verbose_name", None)
    except (LookupError, ValueError, FieldDoesNotExist, AttributeError, TypeError):
        verbose = None
    return str(capfirst(verbose)) if verbose else _humanize(name)


def _is_iso_date(value: object) -> bool:
    return isinstance(value, str) and bool(ISO_DATE.fullmatch(value))


def _as_date(value: object) -> object:
    """Audit snapshots keep dates as ISO text; show them in the reader's date format."""
    if not _is_iso_date(value):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:  # "2026-13-45" has the shape of a date, not the meaning
        return value


def plain(value: object) -> str:
    """Any JSON value as short text: lists and objects flattened, long text cut."""
    if isinstance(value, Mapping):
        text = "; ".join(f"{_humanize(k)}: {plain(v)}" for k, v in value.items())
    elif isinstance(value, list | tuple):
        text = ", ".join(plain(v) for v in value)
    elif value is None:
        text = ""
    else:
        text = str(value)
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"


def _is_minutes(value: object) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _kind(name: str, before: object, after: object) -> tuple[str, object, object]:
    if name.endswith("_minutes") and _is_minutes(before) and _is_minutes(after):
        return "minutes", before, after
    if isinstance(before, bool | None) and isinstance(after, bool | None):
        return "bool", before, after
    if (_is_iso_date(before) or before is None) and (_is_iso_date(after) or after is None):
        return "date", _as_date(before), _as_date(after)
    return "text", plain(before), plain(after)


def present(event: AuditEvent, own: models.Model | None = None) -> AuditRow:
    """One history row. `own` is the page's record: events about others name their subject."""
    created = event.before is None
    changes = []
    for name, before, after in event.changes():
        if name in HIDDEN_KEYS or (before in (None, "") and after in (None, "")):
            continue
        if created and after is False:
            continue
        kind, shown_before, shown_after = _kind(name, before, after)
        changes.append(
            Change(field_label(event.subject_type, name), shown_before, shown_after, kind)
        )
    subject = ""
    if own is None or (event.subject_type, event.subject_id) != (
        own._meta.label_lower,
        str(own.pk),
    ):
        subject = event.subject_label or ""
    return AuditRow(event, action_label(event.action), subject, changes)


def visible_values(values: object) -> dict[str, Any] | None:
    """A snapshot as the API shows it: an object, secrets left out, any other shape wrapped."""
    if values is None:
        return None
    if not isinstance(values, Mapping):
        return {"value": values}
    return {str(k): v for k, v in values.items() if k not in HIDDEN_KEYS}
