"""Workflows that change case records. Views, the API, imports and commands call these.

Each function runs in one transaction and writes its audit event in that transaction. Who
may call them is decided before, by `ihss.cases.access`; here are the program's rules,
raised as `ValidationError`s keyed by the field they concern, so a form can show them.

Audit snapshots never hold a clear SSN: only its last four digits (`ssn_last4`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ihss.cases import rules
from ihss.cases.models import (
    Assignment,
    AuthorizedHours,
    FamilyRelationship,
    OvertimeExemption,
    Program,
    Provider,
    Recipient,
    TravelAgreement,
)
from ihss.cases.validators import normalize_ssn
from ihss.core import audit, crypto
from ihss.core.parameters import MissingParameter, parameter

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

Actor = AbstractBaseUser | None
M = TypeVar("M", bound=models.Model)

PERSON_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "street",
    "city",
    "zip_code",
    "latitude",
    "longitude",
    "phone",
    "email",
    "preferred_language",
    "county",
)
RECIPIENT_FIELDS = (
    *PERSON_FIELDS,
    "status",
    "severely_impaired",
    "needs_cognitive_behavioral",
    "needs_complex_physical",
    "needs_community_transition",
    "representative_name",
    "representative_relationship",
    "representative_phone",
    "representative_email",
)
PROVIDER_FIELDS = (*PERSON_FIELDS, "status", *Provider.ENROLLMENT_STEPS)
ASSIGNMENT_FIELDS = (
    "assigned_monthly_minutes",
    "start_date",
    "end_date",
    "live_in_certified_on",
    "family_relationship",
)

RECIPIENT_AUDIT = ("case_number", *RECIPIENT_FIELDS)
PROVIDER_AUDIT = ("provider_number", *PROVIDER_FIELDS)
HOURS_AUDIT = ("program", "monthly_minutes", "effective_from", "effective_to")
ASSIGNMENT_AUDIT = ("provider", "recipient", "program", *ASSIGNMENT_FIELDS)
EXEMPTION_AUDIT = ("kind", "circumstance", "approved_on", "effective_from", "effective_to", "notes")
TRAVEL_AUDIT = (
    "from_recipient",
    "to_recipient",
    "weekly_minutes",
    "signed_on",
    "effective_from",
    "effective_to",
)


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
) -> AuthorizedHours:
    """Authorize `monthly_minutes` a month in `program` from `effective_from`.

    A change is a new row and the open row before it is closed the day before; a change on
    the same day as the latest row replaces that row's value. Changes are made in date
    order: a date before the latest change is refused (correct the latest one instead).
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
    with transaction.atomic():
        current = (
            Assignment.objects.select_for_update()
            .select_related("provider", "recipient")
            .get(pk=assignment.pk)
        )
        _check_end(current.start_date, current.end_date, end_date, field="end_date")
        before = audit.snapshot(current, ASSIGNMENT_AUDIT)
        current.end_date = end_date
        current.save(update_fields=["end_date"])
        audit.record(
            actor=by,
            action="assignment.ended",
            subject=current,
            before=before,
            after=audit.snapshot(current, ASSIGNMENT_AUDIT),
            reason=reason,
        )
    return current


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
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=assignment.start_date))
    )
    if assignment.end_date is not None:
        clash = clash.filter(start_date__lte=assignment.end_date)
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
    with transaction.atomic():
        current = OvertimeExemption.objects.select_for_update().get(pk=exemption.pk)
        _check_end(current.effective_from, current.effective_to, effective_to, field="effective_to")
        before = audit.snapshot(current, EXEMPTION_AUDIT)
        current.effective_to = effective_to
        current.save(update_fields=["effective_to"])
        audit.record(
            actor=by,
            action="exemption.ended",
            subject=current,
            before=before,
            after=audit.snapshot(current, EXEMPTION_AUDIT),
            reason=reason,
        )
    return current


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
        others = TravelAgreement.objects.filter(provider=provider).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from)
        )
        if effective_to is not None:
            others = others.filter(effective_from__lte=effective_to)
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
    with transaction.atomic():
        current = (
            TravelAgreement.objects.select_for_update()
            .select_related("provider", "from_recipient", "to_recipient")
            .get(pk=agreement.pk)
        )
        _check_end(current.effective_from, current.effective_to, effective_to, field="effective_to")
        before = audit.snapshot(current, TRAVEL_AUDIT)
        current.effective_to = effective_to
        current.save(update_fields=["effective_to"])
        audit.record(
            actor=by,
            action="travel_agreement.ended",
            subject=current,
            before=before,
            after=audit.snapshot(current, TRAVEL_AUDIT),
            reason=reason,
        )
    return current


def _check_works_for_both(
    provider: Provider, first: Recipient, second: Recipient, on: dt.date
) -> None:
    working_for = set(
        Assignment.objects.filter(
            provider=provider, recipient_id__in=[first.pk, second.pk], start_date__lte=on
        )
        .exclude(end_date__lt=on)
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


# --- Shared -------------------------------------------------------------------------------


def _invalid(field: str, message: _StrOrPromise, code: str, **params: Any) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code, params=params or None)})


def _date(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _hours(minutes: int) -> str:
    """Minutes as people read them, the same words as the `hours` template filter."""
    h, m = rules.split_minutes(minutes)
    if m == 0:
        return gettext("%(h)s h") % {"h": h}
    return gettext("%(h)s h %(m)s min") % {"h": h, "m": m}


def _assign(instance: models.Model, fields: Mapping[str, Any], *, allowed: Collection[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"These fields are not set here: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _set_ssn(person: Recipient | Provider, value: str) -> None:
    if not value:
        return
    try:
        digits = normalize_ssn(value)
    except ValidationError as exc:
        raise ValidationError({"ssn": exc.error_list}) from exc
    index = crypto.blind_index(digits, purpose="ssn")
    others = type(person).objects.filter(ssn_index=index).exclude(pk=person.pk)
    if others.exists():
        if isinstance(person, Recipient):
            message = _("Another recipient already has this Social Security number.")
        else:
            message = _("Another provider already has this Social Security number.")
        raise _invalid("ssn", message, "ssn_taken")
    person.set_ssn(digits)


def _record_ssn_replaced(
    person: Recipient | Provider, old_last4: str, *, by: Actor, reason: str
) -> None:
    action = "recipient.ssn_replaced" if isinstance(person, Recipient) else "provider.ssn_replaced"
    audit.record(
        actor=by,
        action=action,
        subject=person,
        before={"ssn_last4": old_last4},
        after={"ssn_last4": person.ssn_last4},
        reason=reason,
    )


def _recipient_snapshot(recipient: Recipient, *, with_ssn: bool = False) -> dict[str, Any]:
    fields = (*RECIPIENT_AUDIT, "ssn_last4") if with_ssn else RECIPIENT_AUDIT
    return audit.snapshot(recipient, fields)


def _provider_snapshot(provider: Provider, *, with_ssn: bool = False) -> dict[str, Any]:
    fields = (*PROVIDER_AUDIT, "ssn_last4") if with_ssn else PROVIDER_AUDIT
    return audit.snapshot(provider, fields)


def _check_end(
    start: dt.date, current_end: dt.date | None, new_end: dt.date, *, field: str
) -> None:
    if new_end < start:
        raise _invalid(
            field,
            _("The end date cannot be before the start date (%(start)s)."),
            "end_before_start",
            start=_date(start),
        )
    if current_end is not None and new_end >= current_end:
        raise _invalid(
            field,
            _("This already ends on %(end)s; an earlier end date is all that can change here."),
            "already_ended",
            end=_date(current_end),
        )


def _lock(model: type[models.Model], pk: Any) -> None:
    """Hold the row until the transaction ends, so checks and writes are not interleaved."""
    list(model._default_manager.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def _full_clean(instance: models.Model) -> None:
    """Field and uniqueness checks; the program's own rules have run before."""
    instance.full_clean(validate_constraints=False)


def _save_new(instance: M) -> M:
    """Insert a row; a unique value taken by a simultaneous request becomes a form error."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("This record was just added by someone else; look it up before adding it again."),
            code="duplicate",
        ) from exc
    return instance
