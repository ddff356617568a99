"""Case record workflows: recipients and their authorized hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ihss.cases import rules
from ihss.cases.models import (
    Assignment,
    AuthorizedHours,
    Program,
    Recipient,
)
from ihss.cases.services._shared import (
    HOURS_AUDIT,
    RECIPIENT_FIELDS,
    Actor,
    _assign,
    _date,
    _full_clean,
    _hours,
    _invalid,
    _recipient_snapshot,
    _record_ssn_replaced,
    _save_new,
    _set_ssn,
)
from ihss.core import audit
from ihss.core.parameters import MissingParameter, parameter

# --- Recipients ---------------------------------------------------------------------------


def create_recipient(
    *, fields: Mapping[str, Any], ssn: str = "", by: Actor, reason: str = ""
) -> Recipient:
    """Add a recipient. `fields` are model fields (`case_number` and RECIPIENT_FIELDS)."""
    recipient = Recipient()
    _assign(recipient, fields, allowed=("case_number", *RECIPIENT_FIELDS))
    with transaction.atomic():
        _set_ssn(recipient, ssn)
        _full_clean(recipient)
        _save_new(recipient)
        audit.record(
            actor=by,
            action="recipient.created",
            subject=recipient,
            after=_recipient_snapshot(recipient, with_ssn=True),
            reason=reason,
        )
    return recipient


def update_recipient(
    *,
    recipient: Recipient,
    fields: Mapping[str, Any],
    ssn: str = "",
    by: Actor,
    reason: str = "",
) -> Recipient:
    """Change a recipient's details; a non-empty `ssn` replaces the one on file.

    The case number is the recipient's identifier and is not changed here.
    """
    with transaction.atomic():
        current = Recipient.objects.select_for_update().get(pk=recipient.pk)
        before = _recipient_snapshot(current)
        old_last4 = current.ssn_last4
        _assign(current, fields, allowed=RECIPIENT_FIELDS)
        if ssn:
            _set_ssn(current, ssn)
        _full_clean(current)
        current.save()
        after = _recipient_snapshot(current)
        if after != before:
            audit.record(
                actor=by,
                action="recipient.updated",
                subject=current,
                before=before,
                after=after,
                reason=reason,
            )
        if ssn:
            _record_ssn_replaced(current, old_last4, by=by, reason=reason)
    return current


def change_authorized_hours(
    *,
    recipient: Recipient,
    program: str,
    monthly_minutes: int,
    effective_from: dt.date,
    by: Actor,
    reason: str,
    below_assignments_confirmed: bool = False,
) -> AuthorizedHours:
    """Authorize `monthly_minutes` a month in `program` from `effective_from`.

    A change is a new row and the open row before it is closed the day before; a change on
    the same day as the latest row replaces that row's value. Changes are made in date
    order: a date before the latest change is refused (correct the latest one instead).
    Hours below a provider's assigned hours (an assignment in force on or after the
    date) are refused, naming the providers, unless `below_assignments_confirmed`: the
    county worker then changes those assignments.
    """
    if not reason.strip():
        raise _invalid(
            "reason",
            _("Say why the hours change; the reason is kept in the case history."),
            "reason_required",
        )
    if program not in Program.values:
        raise _invalid("program", _("Choose IHSS or WPCS."), "program")
    if monthly_minutes < 0:
        raise _invalid("monthly_minutes", _("Hours cannot be negative."), "negative")
    with transaction.atomic():
        # The recipient's row serialises concurrent changes to their hours.
        current = Recipient.objects.select_for_update().get(pk=recipient.pk)
        _check_monthly_maximum(current, monthly_minutes, effective_from)
        if not below_assignments_confirmed:
            _check_assignments_fit(current, program, monthly_minutes, effective_from)
        latest = (
            AuthorizedHours.objects.filter(recipient=current, program=program)
            .order_by("-effective_from")
            .first()
        )
        if latest is not None and effective_from < latest.effective_from:
            raise _invalid(
                "effective_from",
                _(
                    "The %(program)s hours already change on %(date)s. A new change must "
                    "start on or after that date."
                ),
                "before_latest_change",
                program=Program(program).label,
                date=_date(latest.effective_from),
            )
        if latest is not None and effective_from == latest.effective_from:
            if latest.monthly_minutes == monthly_minutes:
                return latest  # the same change sent twice: nothing to do, nothing to record
            before = audit.snapshot(latest, HOURS_AUDIT)
            latest.monthly_minutes = monthly_minutes
            latest.save(update_fields=["monthly_minutes"])
            audit.record(
                actor=by,
                action="authorized_hours.updated",
                subject=latest,
                before=before,
                after=audit.snapshot(latest, HOURS_AUDIT),
                reason=reason,
            )
            return latest
        # The hours in force until now, so the history reads "120 h -> 135 h 30 min".
        previous = audit.snapshot(latest, HOURS_AUDIT) if latest is not None else None
        if latest is not None and (
            latest.effective_to is None or latest.effective_to >= effective_from
        ):
            before = audit.snapshot(latest, HOURS_AUDIT)
            latest.effective_to = effective_from - dt.timedelta(days=1)
            latest.save(update_fields=["effective_to"])
            audit.record(
                actor=by,
                action="authorized_hours.closed",
                subject=latest,
                before=before,
                after=audit.snapshot(latest, HOURS_AUDIT),
                reason=reason,
            )
        hours = AuthorizedHours.objects.create(
            recipient=current,
            program=program,
            monthly_minutes=monthly_minutes,
            effective_from=effective_from,
        )
        audit.record(
            actor=by,
            action="authorized_hours.added",
            subject=hours,
            before=previous,
            after=audit.snapshot(hours, HOURS_AUDIT),
            reason=reason,
        )
    return hours


BELOW_ASSIGNMENTS = "below_assignments"


def _check_assignments_fit(recipient: Recipient, program: str, minutes: int, on: dt.date) -> None:
    """Refuse hours below what an assignment in force from `on` gives one provider."""
    over = list(
        Assignment.objects.filter(
            recipient=recipient, program=program, assigned_monthly_minutes__gt=minutes
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("provider")
        .only(
            "assigned_monthly_minutes",
            "provider__first_name",
            "provider__middle_name",
            "provider__last_name",
        )
        .order_by("provider__last_name", "provider__first_name")
    )
    if not over:
        return
    raise _invalid(
        "monthly_minutes",
        _(
            "%(hours)s a month is less than the hours assigned to %(providers)s. Lower "
            "those assignments after this change, or confirm below to save these hours "
            "anyway."
        ),
        BELOW_ASSIGNMENTS,
        hours=_hours(minutes),
        providers=", ".join(
            f"{a.provider.full_name} ({_hours(a.assigned_monthly_minutes)})" for a in over
        ),
    )


def _check_monthly_maximum(recipient: Recipient, minutes: int, on: dt.date) -> None:
    key = rules.monthly_cap_parameter(severely_impaired=recipient.severely_impaired)
    try:
        maximum = parameter(key, on=on)
    except MissingParameter as exc:
        raise _invalid(
            "effective_from",
            _("No monthly maximum is in force on %(date)s; choose a later date."),
            "no_maximum",
            date=_date(on),
        ) from exc
    if minutes <= maximum:
        return
    if recipient.severely_impaired:
        message = _(
            "%(hours)s a month is more than the %(maximum)s a severely impaired recipient "
            "can be authorized."
        )
    else:
        message = _(
            "%(hours)s a month is more than the %(maximum)s a recipient who is not severely "
            "impaired can be authorized."
        )
    raise _invalid(
        "monthly_minutes",
        message,
        "above_monthly_maximum",
        hours=_hours(minutes),
        maximum=_hours(maximum),
    )
