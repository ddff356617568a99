"""What every timesheet workflow shares: the refusal, a typed day, the people to tell,
and the lock on a timesheet's row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ihss.accounts.models import Membership, Role, User
from ihss.accounts.services import provider_accounts
from ihss.core.refusals import ServiceRefused
from ihss.timesheets import rules
from ihss.timesheets.models import Timesheet


class TimesheetError(ServiceRefused):
    """A workflow step refused, with a message for the person (in their language), the
    field it is about (when one is), and the rules' refusals behind it."""

    def __init__(
        self,
        message: str,
        refusals: Iterable[rules.Refusal] = (),
        *,
        code: str = "",
        field: str | None = None,
        conflict: bool = True,
    ) -> None:
        super().__init__(message, code=code, field=field, conflict=conflict)
        self.refusals = list(refusals)


@dataclass(frozen=True)
class DayInput:
    """What the person typed for one day; minutes 0 means not worked (a blank day)."""

    minutes: int
    start: dt.time | None = None
    end: dt.time | None = None
    location: str = ""
    # Why the start, end or location differ from the day's check-in and check-out.
    reason: str = ""


def _recipient_users(recipient_id: int) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            role=Role.RECIPIENT, recipient_id=recipient_id, user__is_active=True
        ).select_related("user")
    ]


def approvers(recipient_id: int) -> list[str]:
    """Who will be asked to approve the recipient's timesheets: the names of the people
    with an active account on the recipient's case (the recipient, their authorized
    representatives). Empty when nobody on the case has one: nobody can approve here."""
    names = []
    for membership in Membership.objects.filter(
        role=Role.RECIPIENT, recipient_id=recipient_id, user__is_active=True
    ).select_related("user", "recipient"):
        recipient = membership.recipient
        assert recipient is not None  # a recipient membership always names its record
        if not membership.is_representative:
            names.append(recipient.full_name)
            continue
        name = membership.user.get_full_name() or recipient.representative_name
        names.append(
            _("%(name)s, authorized representative") % {"name": name}
            if name
            else _("the authorized representative")
        )
    return list(dict.fromkeys(names))


def _provider_users(provider_id: int) -> list[User]:
    return provider_accounts(provider_id)


def _period_context(timesheet: Timesheet) -> dict[str, Any]:
    return {
        "period_start": timesheet.period_start.isoformat(),
        "period_end": timesheet.period_end.isoformat(),
    }


def _locked(timesheet: Timesheet) -> Timesheet:
    """The timesheet's row, locked until the transaction ends (its own row only: the
    provider and recipient rows are locked, when needed, explicitly and first)."""
    return (
        Timesheet.objects.select_for_update(of=("self",))
        .select_related("provider", "recipient")
        .get(pk=timesheet.pk)
    )
