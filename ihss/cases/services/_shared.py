"""What the case record workflows share: the fields they write and audit, and helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ihss.cases import rules
from ihss.cases.models import (
    Provider,
    Recipient,
)
from ihss.cases.validators import normalize_ssn
from ihss.core import audit, crypto
from ihss.core.dated import EffectiveDated

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

Actor = AbstractBaseUser | None
M = TypeVar("M", bound=models.Model)
D = TypeVar("D", bound=EffectiveDated)

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
PROVIDER_FIELDS = (
    *PERSON_FIELDS,
    "status",
    *Provider.ENROLLMENT_STEPS,
    *Provider.SICK_LEAVE_START,
)
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


def _end(
    model: type[D],
    pk: Any,
    last_day: dt.date,
    *,
    action: str,
    audited: Collection[str],
    by: Actor,
    reason: str,
    related: Collection[str] = (),
) -> D:
    """End a dated record on `last_day` (its last day in force): locked, checked (not
    before it starts, only ever earlier), and audited with the value it replaces."""
    ends = model.ends_field
    with transaction.atomic():
        found = model._default_manager.select_for_update().select_related(*related).get(pk=pk)
        current = cast(D, found)
        _check_end(
            getattr(current, model.starts_field), getattr(current, ends), last_day, field=ends
        )
        before = audit.snapshot(current, audited)
        setattr(current, ends, last_day)
        current.save(update_fields=[ends])
        audit.record(
            actor=by,
            action=action,
            subject=current,
            before=before,
            after=audit.snapshot(current, audited),
            reason=reason,
        )
    return current


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
