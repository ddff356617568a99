"""What timesheets take from electronic visit verification, and what they give it, through
`ihss.core.visits` (docs/adr/0019-evv-visits-and-timesheets.md); never importing EVV.

- A day with visits shows the day's first check-in, last check-out and place on the week
  page until the day has times of its own (`fill`); the hours are still what the provider
  types (pay is on hours worked, not the span).
- A provider who reports a start, end or place other than the visits' says why
  (`needs_reason`): the reason is kept on the day (`DayEntry.evv_reason`) and given to
  EVV, which records it on the visits (`save_week` calls `correct_day`).
- The timesheet's pages show, day by day, what the check-in and check-out said, what was
  reported and why (`evv_days`), and flag a day with hours and no visit ("No EVV
  check-in") when the provider is not a live-in provider: information for the county,
  never a block (WIC 10836: EVV data may not cut hours).
- EVV asks here whether a day is on a sent timesheet (`day_refusal`: punches and
  corrections for it are refused), and which days have reported hours (`worked_days`, its
  compliance view).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ihss.cases.models import Assignment
from ihss.core import dates
from ihss.core import visits as core_visits
from ihss.core.visits import DayPunches, DayVisits, WorkedDay
from ihss.timesheets.models import DayEntry, Location, Timesheet

# Where the provider's reason for a day goes in the week form (and the API's day).
REASON = "reason"
REASON_REQUIRED = "correction_reason"
# The statuses whose days count as sent for EVV's compliance view.
SENT = (Timesheet.Status.SUBMITTED, Timesheet.Status.APPROVED)


def minute(time: dt.time | None) -> dt.time | None:
    """A time to the minute, as the timesheet keeps it (punches have seconds)."""
    return time.replace(second=0, microsecond=0) if time is not None else None


Times = tuple[dt.time | None, dt.time | None, str]


def said(seen: DayVisits | DayPunches) -> Times:
    """What the visits (or the punches) say of a day: start, end and place, to the minute."""
    return minute(seen.start), minute(seen.end), seen.location


def reported(start: dt.time | None, end: dt.time | None, location: str) -> Times:
    return minute(start), minute(end), location


def needs_reason(
    *,
    minutes: int,
    times: Times,
    reason: str,
    seen: DayVisits | None,
    saved: DayEntry | None,
) -> bool:
    """Whether the provider must say why a typed day differs from its visits: a day worked
    whose start, end or place is not what the visits say, changed from what was saved (a
    day saved as it is already has its reason, or was saved before the visits)."""
    if seen is None or minutes <= 0 or reason.strip():
        return False
    if times == said(seen):
        return False
    return saved is None or times != reported(saved.start, saved.end, saved.location)


def kept_reason(
    *, times: Times, reason: str, seen: DayVisits | None, saved: DayEntry | None
) -> str:
    """The reason the day keeps: none when it agrees with visits never changed through it;
    else the one typed now, or the one it was saved with when saved as it is (the visits
    then say what was reported: saving it again keeps why)."""
    if seen is None:
        return ""
    same_as_saved = saved is not None and times == reported(saved.start, saved.end, saved.location)
    if times == said(seen) and not (same_as_saved and saved is not None and saved.evv_reason):
        return ""
    if reason.strip():
        return reason.strip()
    return saved.evv_reason if same_as_saved and saved is not None else ""


def reason_missing(day: dt.date) -> str:
    return _(
        "%(day)s: say why the start time, end time or location differ from your check-in "
        "and check-out."
    ) % {"day": dates.weekday_day_month(day)}


def reason_missing_here() -> str:
    """The same, at the day's own reason field."""
    return _(
        "Say why the start time, end time or location differ from your check-in and check-out."
    )


def visits_between(timesheet: Timesheet, first: dt.date, last: dt.date) -> dict[dt.date, DayVisits]:
    """The visits of the timesheet's provider, recipient and program, by day."""
    return core_visits.day_visits(
        timesheet.provider_id, timesheet.recipient_id, timesheet.program, first, last
    )


def fill(seen: DayVisits) -> dict[str, object]:
    """The week form's start, end and location of a day with visits and no times of its own."""
    start, end, location = said(seen)
    return {"start": start, "end": end, "location": location}


def describe(seen: DayVisits | DayPunches) -> str:
    """The times and place, as a sentence part: "9:02 a.m. to 5:00 p.m., Home"."""
    start, end, location = said(seen)
    place = str(Location(location).label) if location in Location.values else ""
    if start is not None and end is not None:
        text = pgettext("times of a day", "%(start)s to %(end)s") % {
            "start": time_format(start, "TIME_FORMAT"),
            "end": time_format(end, "TIME_FORMAT"),
        }
    elif start is not None:
        text = _("checked in at %(start)s, no check-out") % {
            "start": time_format(start, "TIME_FORMAT")
        }
    elif end is not None:
        text = _("checked out at %(end)s, no check-in") % {"end": time_format(end, "TIME_FORMAT")}
    else:
        text = ""
    return ", ".join(part for part in (text, place) if part)


# --- The timesheet's pages ------------------------------------------------------------------


@dataclass(frozen=True)
class EvvDay:
    """One day of a timesheet against its visits, for the timesheet's pages."""

    day: dt.date
    visits: DayVisits | None  # what counts now (corrections included)
    punches: DayPunches | None  # what the check-ins and check-outs said
    entry: DayEntry | None  # what the provider reported
    no_evv: bool  # hours, no visit, and not a live-in provider

    @property
    def said(self) -> str:
        """What the check-in and check-out said."""
        seen = self.punches or self.visits
        return describe(seen) if seen is not None else ""

    @property
    def changed(self) -> bool:
        """Whether what was reported differs from what the check-in and check-out said."""
        seen = self.punches or self.visits
        if seen is None or self.entry is None:
            return False
        e = self.entry
        return reported(e.start, e.end, e.location) != said(seen)

    @property
    def reason(self) -> str:
        return self.entry.evv_reason if self.entry is not None else ""


def live_in_days(timesheet: Timesheet) -> set[dt.date]:
    """The days of the timesheet's period on which its provider is a live-in provider for
    its recipient (SOC 2298 on file): exempt from EVV."""
    exempt: set[dt.date] = set()
    rows = (
        Assignment.objects.filter(
            provider_id=timesheet.provider_id,
            recipient_id=timesheet.recipient_id,
            program=timesheet.program,
            live_in_certified_on__isnull=False,
        )
        .in_force(timesheet.period_start, timesheet.period_end)
        .values_list("start_date", "end_date")
    )
    for start, end in rows:
        day = max(start, timesheet.period_start)
        last = min(end or timesheet.period_end, timesheet.period_end)
        while day <= last:
            exempt.add(day)
            day += dt.timedelta(days=1)
    return exempt


def evv_days(timesheet: Timesheet, entries: Mapping[dt.date, DayEntry]) -> dict[dt.date, EvvDay]:
    """Each day of the period with visits or hours: its visits, its punches, what was
    reported, and whether it has hours and no visit (for a provider who is not live-in).
    Three queries, whatever the number of days."""
    key = (timesheet.provider_id, timesheet.recipient_id, timesheet.program)
    first, last = timesheet.period_start, timesheet.period_end
    seen = core_visits.day_visits(*key, first, last)
    punches = core_visits.day_punches(*key, first, last) if seen else {}
    exempt = live_in_days(timesheet) if set(entries) - set(seen) else set()
    return {
        day: EvvDay(
            day=day,
            visits=seen.get(day),
            punches=punches.get(day),
            entry=entries.get(day),
            no_evv=day in entries and day not in seen and day not in exempt,
        )
        for day in sorted(set(seen) | set(entries))
    }


# --- What EVV asks (offered in ihss/timesheets/app.py) ----------------------------------------


def day_refusal(provider_id: int, recipient_id: int, program: str, day: dt.date) -> str | None:
    """Why a punch (or a correction) for this day may no longer be recorded: the provider's
    timesheet for the recipient, program and period holding the day was sent (waiting,
    approved or voided). None while it is being filled in or was returned."""
    period = (
        Timesheet.objects.filter(
            provider_id=provider_id,
            recipient_id=recipient_id,
            program=program,
            period_start__lte=day,
            period_end__gte=day,
        )
        .exclude(status__in=Timesheet.EDITABLE)
        .values_list("period_start", "period_end")
        .first()
    )
    if period is None:
        return None
    return _(
        "This day is on a timesheet you already sent (period %(start)s to %(end)s), so "
        "check-ins for it can no longer be recorded. Ask your county IHSS office if a visit "
        "is missing."
    ) % {
        "start": date_format(period[0], "DATE_FORMAT"),
        "end": date_format(period[1], "DATE_FORMAT"),
    }


def worked_days(county_ids: Iterable[int], first: dt.date, last: dt.date) -> Iterator[WorkedDay]:
    """Every day with reported hours from `first` to `last` of the counties' recipients, on
    a timesheet not voided: one query, read in chunks."""
    rows = (
        DayEntry.objects.filter(
            timesheet__recipient__county_id__in=list(county_ids),
            day__gte=first,
            day__lte=last,
        )
        .exclude(timesheet__status=Timesheet.Status.VOIDED)
        .order_by("day", "pk")
        .values_list(
            "timesheet__provider_id",
            "timesheet__recipient_id",
            "timesheet__program",
            "day",
            "minutes",
            "timesheet__status",
        )
    )
    for provider_id, recipient_id, program, day, minutes, status in rows.iterator(chunk_size=2000):
        yield WorkedDay(provider_id, recipient_id, program, day, minutes, status in SENT)
