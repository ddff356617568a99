"""Write audit events from service functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import connection, models

from ihss.core.models import AuditEvent


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of a record as JSON-safe values (never pass encrypted fields)."""
    result: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if hasattr(instance, f"get_{name}_display"):
            value = getattr(instance, f"get_{name}_display")()
        result[name] = jsonable(value)
    return result


def actor_name(actor: Any) -> str:
    if actor is None:
        return "System"
    full = getattr(actor, "get_full_name", lambda: "")()
    return f"{full} ({actor.get_username()})" if full else str(actor.get_username())


def record(
    *,
    actor: Any,
    action: str,
    subject: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event about `subject`. Must run inside the change's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("Audit events are written inside the transaction of their change.")
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_name(actor),
        action=action,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        subject_label=str(subject)[:200],
        reason=reason,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
    )


def trail(subject: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
    )
