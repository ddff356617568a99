"""The county's exception to a recipient's weekly maximum (ACL 16-01)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from ihss.accounts.models import User
from ihss.cases.models import Assignment, Provider, Recipient
from ihss.core import audit
from ihss.timesheets.models import WeeklyMaximumException
from ihss.timesheets.services.base import TimesheetError


def grant_weekly_maximum_exception(
    *,
    recipient: Recipient,
    program: str,
    month: dt.date,
    provider: Provider | None,
    reason: str,
    by: User,
) -> WeeklyMaximumException:
    """The county lets a recipient's hours pass the weekly maximum in a month (for one
    provider, or any), with the reason; audited.

    Granted once: when the same exception (recipient, program, month, and the same
    provider or every provider) is already in force, that one is the answer, unchanged
    and not audited again, whether the first grant came long before or at the same
    moment (a unique constraint decides which insert stands)."""
    reason = reason.strip()
    if not reason:
        raise TimesheetError(
            _("Give the reason for the exception; it is kept in the history."),
            field="reason",
            conflict=False,
        )
    if (
        provider is not None
        and not Assignment.objects.filter(
            provider=provider, recipient=recipient, program=program
        ).exists()
    ):
        raise TimesheetError(
            _("This provider is not assigned to this recipient."),
            field="provider_number",
            conflict=False,
        )
    with transaction.atomic():
        exception, created = WeeklyMaximumException.objects.get_or_create(
            recipient=recipient,
            program=program,
            month=month.replace(day=1),
            provider=provider,
            defaults={"reason": reason[:1000], "granted_by": by},
        )
        if created:
            audit.record(
                actor=by,
                action="timesheet.weekly_maximum_exception",
                subject=recipient,
                after={
                    "program": program,
                    "month": exception.month.isoformat(),
                    "provider": provider.provider_number if provider else "",
                },
                reason=exception.reason,
            )
    return exception
