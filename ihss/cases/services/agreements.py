"""Case record workflows: overtime exemptions and travel agreements."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ihss.cases import rules
from ihss.cases.models import (
    Assignment,
    OvertimeExemption,
    Provider,
    Recipient,
    TravelAgreement,
)
from ihss.cases.services._shared import (
    EXEMPTION_AUDIT,
    TRAVEL_AUDIT,
    Actor,
    _date,
    _end,
    _full_clean,
    _hours,
    _invalid,
    _lock,
)
from ihss.core import audit
from ihss.core.parameters import parameter

# --- Overtime exemptions ------------------------------------------------------------------


def add_exemption(
    *,
    provider: Provider,
    kind: int,
    circumstance: str = "",
    approved_on: dt.date,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
    notes: str = "",
    by: Actor,
    reason: str = "",
) -> OvertimeExemption:
    """Record an approved overtime exemption (1: live-in family, 2: extraordinary)."""
    if kind == OvertimeExemption.Kind.EXTRAORDINARY and not circumstance:
        raise _invalid(
            "circumstance",
            _("Exemption 2 is approved for a circumstance; choose which one."),
            "circumstance_required",
        )
    if kind == OvertimeExemption.Kind.LIVE_IN_FAMILY and circumstance:
        raise _invalid(
            "circumstance",
            _("A circumstance applies only to Exemption 2; leave it as Not applicable."),
            "circumstance_not_applicable",
        )
    if effective_to is not None and effective_to < effective_from:
        raise _invalid(
            "effective_to",
            _("The end date cannot be before the start date (%(start)s)."),
            "end_before_start",
            start=_date(effective_from),
        )
    with transaction.atomic():
        _lock(Provider, provider.pk)
        same_kind = OvertimeExemption.objects.filter(provider=provider, kind=kind)
        for other in same_kind:
            if rules.overlaps(
                other.effective_from, other.effective_to, effective_from, effective_to
            ):
                raise _invalid(
                    "effective_from",
                    _(
                        "This provider already has this exemption from %(start)s. End it "
                        "first, or choose dates that do not overlap it."
                    ),
                    "overlapping_exemption",
                    start=_date(other.effective_from),
                )
        exemption = OvertimeExemption(
            provider=provider,
            kind=kind,
            circumstance=circumstance,
            approved_on=approved_on,
            effective_from=effective_from,
            effective_to=effective_to,
            notes=notes,
        )
        _full_clean(exemption)
        exemption.save()
        audit.record(
            actor=by,
            action="exemption.added",
            subject=exemption,
            after=audit.snapshot(exemption, EXEMPTION_AUDIT),
            reason=reason,
        )
    return exemption


def end_exemption(
    *, exemption: OvertimeExemption, effective_to: dt.date, by: Actor, reason: str = ""
) -> OvertimeExemption:
    """End an exemption on `effective_to` (its last day)."""
    return _end(
        OvertimeExemption,
        exemption.pk,
        effective_to,
        action="exemption.ended",
        audited=EXEMPTION_AUDIT,
        by=by,
        reason=reason,
    )


# --- Travel agreements --------------------------------------------------------------------


def add_travel_agreement(
    *,
    provider: Provider,
    from_recipient: Recipient,
    to_recipient: Recipient,
    weekly_minutes: int,
    signed_on: dt.date,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
    by: Actor,
    reason: str = "",
) -> TravelAgreement:
    """Record a SOC 2255 travel agreement between two recipients the provider works for.

    The provider's travel time is capped per workweek (`travel_weekly_cap`): this
    agreement, and all the provider's agreements in force on the same days, stay within it.
    """
    if from_recipient.pk == to_recipient.pk:
        raise _invalid(
            "to_recipient",
            _("Travel is between two different recipients; choose another one."),
            "same_recipient",
        )
    if effective_to is not None and effective_to < effective_from:
        raise _invalid(
            "effective_to",
            _("The end date cannot be before the start date (%(start)s)."),
            "end_before_start",
            start=_date(effective_from),
        )
    with transaction.atomic():
        _lock(Provider, provider.pk)
        _check_works_for_both(provider, from_recipient, to_recipient, effective_from)
        cap = parameter("travel_weekly_cap", on=effective_from)
        if weekly_minutes > cap:
            raise _invalid(
                "weekly_minutes",
                _("%(minutes)s a week is more than the %(cap)s of travel a provider can claim."),
                "above_travel_cap",
                minutes=_hours(weekly_minutes),
                cap=_hours(cap),
            )
        others = TravelAgreement.objects.filter(provider=provider).in_force(
            effective_from, effective_to
        )
        periods = [(a.effective_from, a.effective_to, a.weekly_minutes) for a in others]
        total = rules.peak_total([*periods, (effective_from, effective_to, weekly_minutes)])
        if total > cap:
            raise _invalid(
                "weekly_minutes",
                _(
                    "With the provider's other travel agreements this comes to %(total)s a "
                    "week, more than the %(cap)s of travel a provider can claim."
                ),
                "above_travel_cap_total",
                total=_hours(total),
                cap=_hours(cap),
            )
        agreement = TravelAgreement(
            provider=provider,
            from_recipient=from_recipient,
            to_recipient=to_recipient,
            weekly_minutes=weekly_minutes,
            signed_on=signed_on,
            effective_from=effective_from,
            effective_to=effective_to,
        )
        _full_clean(agreement)
        agreement.save()
        audit.record(
            actor=by,
            action="travel_agreement.added",
            subject=agreement,
            after=audit.snapshot(agreement, TRAVEL_AUDIT),
            reason=reason,
        )
    return agreement


def end_travel_agreement(
    *, agreement: TravelAgreement, effective_to: dt.date, by: Actor, reason: str = ""
) -> TravelAgreement:
    """End a travel agreement on `effective_to` (its last day)."""
    return _end(
        TravelAgreement,
        agreement.pk,
        effective_to,
        action="travel_agreement.ended",
        audited=TRAVEL_AUDIT,
        by=by,
        reason=reason,
        related=("provider", "from_recipient", "to_recipient"),
    )


def _check_works_for_both(
    provider: Provider, first: Recipient, second: Recipient, on: dt.date
) -> None:
    working_for = set(
        Assignment.objects.filter(provider=provider, recipient_id__in=[first.pk, second.pk])
        .in_force_on(on)
        .values_list("recipient_id", flat=True)
    )
    for field, recipient in (("from_recipient", first), ("to_recipient", second)):
        if recipient.pk not in working_for:
            raise _invalid(
                field,
                _(
                    "The provider has no assignment with %(recipient)s on %(date)s; travel "
                    "time is only between recipients the provider works for."
                ),
                "not_assigned",
                recipient=str(recipient),
                date=_date(on),
            )
