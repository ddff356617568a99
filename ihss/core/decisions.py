"""One approve-or-return step for every record a person decides: a timesheet, a sick leave
claim, and next an EVV correction or a training claim.

`decide` locks the record's row, answers a repeat with the record as it is (a double
click, or two tabs, is one decision and the same answer), refuses a record no longer
waiting, stamps who decided and when, saves, and writes the audit event; what the caller
adds (notices, follow-up findings) runs in the same transaction, only the first time.

The record has `status`, `decided_at` and `decided_by` fields; a return's reason goes in
`rejection_reason`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from ihss.core import audit

M = TypeVar("M", bound=models.Model)

REASON_LENGTH = 1000  # the rejection_reason column's length


@dataclass(frozen=True)
class Step:
    """One decision a record can take: from `waiting` to `decided`, audited as `action`.

    `not_waiting` builds the refusal for a record in any other state (its message says
    what the person sees, e.g. "This timesheet is not waiting for your review.")."""

    waiting: str
    decided: str
    action: str
    not_waiting: Callable[[], Exception]


def lock(record: M, *, related: Iterable[str] = ()) -> M:
    """The record's own row, locked until the transaction ends (related rows are read,
    not locked)."""
    manager = type(record)._default_manager
    return manager.select_for_update(of=("self",)).select_related(*related).get(pk=record.pk)


def decide(
    record: M,
    *,
    step: Step,
    by: Any,
    reason: str = "",
    related: Iterable[str] = (),
    stamp: Callable[[M], Iterable[str] | None] | None = None,
    before: Mapping[str, Any] | None = None,
    after: Callable[[M], Mapping[str, Any]] | None = None,
    then: Callable[[M], None] | None = None,
) -> M:
    """Decide `record` by `step`, once. Returns the locked, decided record.

    - `stamp(locked)` sets the step's own fields before saving and returns their names
      (None saves every field);
    - `before` and `after(locked)` add to the audit event (`after` always has the status);
    - `then(locked)` runs after the event, in the same transaction: notices, findings.

    A record already in `step.decided` is returned as it is, with nothing written; one in
    neither state raises `step.not_waiting()`."""
    with transaction.atomic():
        locked = lock(record, related=related)
        status = getattr(locked, "status")  # noqa: B009 - any model with a status field
        if status == step.decided:
            return locked
        if status != step.waiting:
            raise step.not_waiting()
        locked.status = step.decided  # type: ignore[attr-defined]
        locked.decided_at = timezone.now()  # type: ignore[attr-defined]
        locked.decided_by = by  # type: ignore[attr-defined]
        fields: list[str] | None = ["status", "decided_at", "decided_by"]
        if reason:
            locked.rejection_reason = reason[:REASON_LENGTH]  # type: ignore[attr-defined]
            fields = [*(fields or []), "rejection_reason"]
        if stamp is not None:
            own = stamp(locked)
            fields = None if own is None or fields is None else [*fields, *own]
        locked.save(update_fields=fields)
        audit.record(
            actor=by,
            action=step.action,
            subject=locked,
            before=before,
            after={"status": step.decided, **(after(locked) if after else {})},
            reason=reason[:REASON_LENGTH],
        )
        if then is not None:
            then(locked)
    return locked
