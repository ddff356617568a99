"""Travel claims on a timesheet: save and remove a leg."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ihss.accounts.models import User
from ihss.cases.models import Recipient
from ihss.core import audit
from ihss.timesheets.models import Timesheet, TravelEntry
from ihss.timesheets.services.base import TimesheetError, _locked
from ihss.timesheets.services.reading import travel_origins


def _travel_snapshot(entry: TravelEntry | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    return {
        "day": entry.day.isoformat(),
        "from_recipient": entry.from_recipient.case_number,
        "minutes": entry.minutes,
    }


def save_travel(
    *, timesheet: Timesheet, day: dt.date, from_recipient: Recipient, minutes: int, by: User
) -> TravelEntry:
    """Claim `minutes` of travel on `day` from `from_recipient` to the timesheet's
    recipient; claiming the same day and recipient again replaces the minutes. Needs a
    travel agreement between them touching the pay period; the rules (7 hours a week,
    the agreement's minutes, work at both ends that day) are checked by `submit`."""
    if not timesheet.period_start <= day <= timesheet.period_end:
        raise TimesheetError(_("Choose a day of this timesheet's pay period."))
    if minutes <= 0 or minutes > 24 * 60:
        raise TimesheetError(_("Enter the travel time, up to 24 hours."))
    if from_recipient.pk not in {r.pk for r in travel_origins(timesheet)}:
        raise TimesheetError(
            _("No travel agreement (SOC 2255) covers travel to this recipient from that one.")
        )
    with transaction.atomic():
        locked = _locked(timesheet)
        if not locked.editable:
            raise TimesheetError(_("This timesheet was sent and can no longer be changed."))
        entry = (
            TravelEntry.objects.filter(timesheet=locked, day=day, from_recipient=from_recipient)
            .select_related("from_recipient")
            .first()
        )
        before = _travel_snapshot(entry)
        if entry is None:
            entry = TravelEntry.objects.create(
                timesheet=locked, day=day, from_recipient=from_recipient, minutes=minutes
            )
        elif entry.minutes != minutes:
            entry.minutes = minutes
            entry.save(update_fields=["minutes"])
        else:
            return entry
        audit.record(
            actor=by,
            action="timesheet.travel_saved",
            subject=locked,
            before=before,
            after=_travel_snapshot(entry),
        )
    return entry


def remove_travel(*, timesheet: Timesheet, entry_id: int, by: User) -> None:
    """Take a travel claim off the timesheet while it can be changed. Removing one already
    gone changes nothing."""
    with transaction.atomic():
        locked = _locked(timesheet)
        if not locked.editable:
            raise TimesheetError(_("This timesheet was sent and can no longer be changed."))
        entry = (
            TravelEntry.objects.filter(timesheet=locked, pk=entry_id)
            .select_related("from_recipient")
            .first()
        )
        if entry is None:
            return
        before = _travel_snapshot(entry)
        entry.delete()
        audit.record(
            actor=by, action="timesheet.travel_removed", subject=locked, before=before, after=None
        )
