"""Case record workflows: providers and their enrollment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ihss.cases.models import (
    Provider,
)
from ihss.cases.services._shared import (
    PROVIDER_FIELDS,
    Actor,
    _assign,
    _full_clean,
    _invalid,
    _provider_snapshot,
    _record_ssn_replaced,
    _save_new,
    _set_ssn,
)
from ihss.core import audit

# --- Providers ----------------------------------------------------------------------------


def create_provider(
    *, fields: Mapping[str, Any], ssn: str = "", by: Actor, reason: str = ""
) -> Provider:
    """Add a provider. `fields` are model fields (`provider_number` and PROVIDER_FIELDS)."""
    provider = Provider()
    _assign(provider, fields, allowed=("provider_number", *PROVIDER_FIELDS))
    with transaction.atomic():
        _set_ssn(provider, ssn)
        _check_enrollment(provider)
        _check_sick_leave_start(provider)
        _full_clean(provider)
        _save_new(provider)
        audit.record(
            actor=by,
            action="provider.created",
            subject=provider,
            after=_provider_snapshot(provider, with_ssn=True),
            reason=reason,
        )
    return provider


def update_provider(
    *,
    provider: Provider,
    fields: Mapping[str, Any],
    ssn: str = "",
    by: Actor,
    reason: str = "",
) -> Provider:
    """Change a provider's details, enrollment step dates and status.

    Active needs all four enrollment steps. A non-empty `ssn` replaces the one on file.
    """
    with transaction.atomic():
        current = Provider.objects.select_for_update().get(pk=provider.pk)
        before = _provider_snapshot(current)
        old_last4 = current.ssn_last4
        _assign(current, fields, allowed=PROVIDER_FIELDS)
        if ssn:
            _set_ssn(current, ssn)
        _check_enrollment(current)
        _check_sick_leave_start(current)
        _full_clean(current)
        current.save()
        after = _provider_snapshot(current)
        if after != before:
            audit.record(
                actor=by,
                action="provider.updated",
                subject=current,
                before=before,
                after=after,
                reason=reason,
            )
        if ssn:
            _record_ssn_replaced(current, old_last4, by=by, reason=reason)
    return current


def _check_enrollment(provider: Provider) -> None:
    if provider.status != Provider.Status.ACTIVE:
        return
    missing = [str(label) for label, done_on in provider.enrollment_steps() if done_on is None]
    if missing:
        raise _invalid(
            "status",
            _(
                "A provider can be Active only once all four enrollment steps are done. "
                "Still missing: %(steps)s."
            ),
            "enrollment_incomplete",
            steps="; ".join(missing),
        )


def _check_sick_leave_start(provider: Provider) -> None:
    """Hours worked to date need the day they count to; a usable day needs the earned day
    and is not before it; none of the days is in the future but the usable one."""
    today = timezone.localdate()
    if provider.worked_to_date_minutes and provider.worked_to_date_through is None:
        raise _invalid(
            "worked_to_date_through",
            _("Give the last day the hours worked to date count."),
            "worked_to_date_without_day",
        )
    for name in ("worked_to_date_through", "sick_leave_earned_on"):
        day = getattr(provider, name)
        if day is not None and day > today:
            raise _invalid(name, _("This day is in the future."), "sick_leave_start_future")
    earned, usable = provider.sick_leave_earned_on, provider.sick_leave_usable_on
    if usable is not None and earned is None:
        raise _invalid(
            "sick_leave_earned_on",
            _("Give the day paid sick leave was earned, since the day it became usable is."),
            "usable_without_earned",
        )
    if usable is not None and earned is not None and usable < earned:
        raise _invalid(
            "sick_leave_usable_on",
            _("Paid sick leave becomes usable on or after the day it was earned."),
            "usable_before_earned",
        )
