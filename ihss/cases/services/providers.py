"""Case record workflows: providers and their enrollment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
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
