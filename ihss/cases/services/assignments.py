"""Case record workflows: assignments of providers to recipients."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ihss.cases.models import (
    Assignment,
    FamilyRelationship,
    Program,
    Provider,
    Recipient,
)
from ihss.cases.services._shared import (
    ASSIGNMENT_AUDIT,
    ASSIGNMENT_FIELDS,
    Actor,
    _assign,
    _date,
    _end,
    _full_clean,
    _invalid,
    _lock,
    _save_new,
)
from ihss.core import audit

# --- Assignments --------------------------------------------------------------------------


def create_assignment(
    *,
    recipient: Recipient,
    provider: Provider,
    program: str,
    assigned_monthly_minutes: int,
    start_date: dt.date,
    end_date: dt.date | None = None,
    live_in_certified_on: dt.date | None = None,
    family_relationship: str = FamilyRelationship.NONE,
    by: Actor,
    reason: str = "",
) -> Assignment:
    """Assign a provider to a recipient in one program, from a date."""
    with transaction.atomic():
        # Lock the recipient so two overlapping assignments cannot both pass the check.
        _lock(Recipient, recipient.pk)
        assignment = Assignment(
            recipient=recipient,
            provider=provider,
            program=program,
            assigned_monthly_minutes=assigned_monthly_minutes,
            start_date=start_date,
            end_date=end_date,
            live_in_certified_on=live_in_certified_on,
            family_relationship=family_relationship,
        )
        _check_assignment(assignment)
        _full_clean(assignment)
        _save_new(assignment)
        audit.record(
            actor=by,
            action="assignment.created",
            subject=assignment,
            after=audit.snapshot(assignment, ASSIGNMENT_AUDIT),
            reason=reason,
        )
    return assignment


def update_assignment(
    *, assignment: Assignment, fields: Mapping[str, Any], by: Actor, reason: str = ""
) -> Assignment:
    """Change assigned hours, dates, live-in certification or family relationship.

    Provider, recipient and program are what the assignment is; to change them, end it
    and create another.
    """
    with transaction.atomic():
        _lock(Recipient, assignment.recipient_id)
        current = Assignment.objects.select_related("provider", "recipient").get(pk=assignment.pk)
        before = audit.snapshot(current, ASSIGNMENT_AUDIT)
        _assign(current, fields, allowed=ASSIGNMENT_FIELDS)
        _check_assignment(current)
        _full_clean(current)
        current.save()
        after = audit.snapshot(current, ASSIGNMENT_AUDIT)
        if after != before:
            audit.record(
                actor=by,
                action="assignment.updated",
                subject=current,
                before=before,
                after=after,
                reason=reason,
            )
    return current


def end_assignment(
    *, assignment: Assignment, end_date: dt.date, by: Actor, reason: str = ""
) -> Assignment:
    """End an assignment on `end_date` (the last day the provider works for the recipient)."""
    return _end(
        Assignment,
        assignment.pk,
        end_date,
        action="assignment.ended",
        audited=ASSIGNMENT_AUDIT,
        by=by,
        reason=reason,
        related=("provider", "recipient"),
    )


def _check_assignment(assignment: Assignment) -> None:
    if assignment.end_date is not None and assignment.end_date < assignment.start_date:
        raise _invalid(
            "end_date",
            _("The end date cannot be before the start date (%(start)s)."),
            "end_before_start",
            start=_date(assignment.start_date),
        )
    clash = (
        Assignment.objects.filter(
            provider_id=assignment.provider_id,
            recipient_id=assignment.recipient_id,
            program=assignment.program,
        )
        .exclude(pk=assignment.pk)
        .in_force(assignment.start_date, assignment.end_date)
    )
    other = clash.order_by("start_date").first()
    if other is None:
        return
    if other.end_date is None:
        message = _(
            "This provider already works for this recipient in %(program)s from %(start)s, "
            "with no end date. End that assignment first, or start after it ends."
        )
    else:
        message = _(
            "This provider already works for this recipient in %(program)s from %(start)s "
            "to %(end)s. Choose dates that do not overlap it."
        )
    raise _invalid(
        "start_date",
        message,
        "overlapping_assignment",
        program=Program(other.program).label,
        start=_date(other.start_date),
        end=_date(other.end_date) if other.end_date else "",
    )
