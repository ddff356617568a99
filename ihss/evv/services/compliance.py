"""The county's compliance view: how the period's visits went, per provider and per week.

For a period (a Sunday-to-Saturday week or a pay period) and the counties a person may
read, each provider's visits are counted per week:

- with location: Home visits whose check-in and check-out each had a location (or had
  one, deleted since after the retention period);
- without location: Home visits where the browser gave none (permission refused, no fix);
- out of range: visits with a punch farther than the tolerance from the recipient's home;
- corrected by hand: visits whose times or location the provider changed, with a reason;
- missing: days with hours reported on a timesheet and no visit, for provider and
  recipient pairs that are not live-in (SOC 2298). The days with hours come from
  timesheets, through ihss/core/visits.py (`worked_days`).

These are counts for the county to look at, never violations (WIC 10836). Nothing here
writes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, DateField, Q, QuerySet, Value, When

from ihss.cases.models import Assignment, Provider, Recipient
from ihss.core import visits as core_visits
from ihss.evv.models import Place, Position, Punch, Range, Visit

WEEK = "week"
PAY_PERIOD = "pay_period"
PERIOD_KINDS = (WEEK, PAY_PERIOD)

# What a punch's position says about a Home visit's location.
LOCATED = (Position.FIX, Position.DROPPED)
UNLOCATED = (Position.DENIED, Position.UNAVAILABLE)


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def weeks(self) -> list[tuple[dt.date, dt.date]]:
        """The period's Sunday-to-Saturday weeks, each cut to the period."""
        weeks = []
        start = self.start
        while start <= self.end:
            saturday = start + dt.timedelta(days=(5 - start.weekday()) % 7)
            end = min(saturday, self.end)
            weeks.append((start, end))
            start = end + dt.timedelta(days=1)
        return weeks

    def previous(self) -> Period:
        return period_containing(self.kind, self.start - dt.timedelta(days=1))

    def following(self) -> Period:
        return period_containing(self.kind, self.end + dt.timedelta(days=1))


def period_containing(kind: str, day: dt.date) -> Period:
    """The week (Sunday to Saturday) or the pay period (1st-15th, 16th-end) of `day`."""
    if kind == WEEK:
        sunday = day - dt.timedelta(days=(day.weekday() + 1) % 7)
        return Period(WEEK, sunday, sunday + dt.timedelta(days=6))
    if day.day <= 15:
        return Period(PAY_PERIOD, day.replace(day=1), day.replace(day=15))
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return Period(PAY_PERIOD, day.replace(day=16), following - dt.timedelta(days=1))


@dataclass
class Counts:
    visits: int = 0
    located: int = 0
    unlocated: int = 0
    out_of_range: int = 0
    corrected: int = 0
    missing: int = 0

    def add(self, other: Counts) -> None:
        for name in COUNT_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def community(self) -> int:
        return max(0, self.visits - self.located - self.unlocated)

    def as_row(self) -> list[int]:
        return [getattr(self, name) for name in COUNT_NAMES]


COUNT_NAMES = ("visits", "located", "unlocated", "out_of_range", "corrected", "missing")


@dataclass
class ProviderRow:
    provider: Provider
    weeks: list[Counts]
    total: Counts = field(default_factory=Counts)


@dataclass(frozen=True)
class Selection:
    """What the report covers: the counties (already limited to what the person may
    read), the period, and optionally one provider."""

    county_ids: frozenset[int]
    period: Period
    provider_id: int | None = None


def visits_of(selection: Selection) -> QuerySet[Visit]:
    rows = Visit.objects.filter(
        county_id__in=sorted(selection.county_ids),
        day__gte=selection.period.start,
        day__lte=selection.period.end,
    )
    if selection.provider_id is not None:
        rows = rows.filter(provider_id=selection.provider_id)
    return rows


def _week_of(weeks: Sequence[tuple[dt.date, dt.date]]) -> Case:
    return Case(
        *[When(day__gte=start, day__lte=end, then=Value(start)) for start, end in weeks],
        output_field=DateField(),
    )


def _counted(
    rows: QuerySet[Visit], weeks: Sequence[tuple[dt.date, dt.date]], *by: str
) -> list[dict[str, Any]]:
    home = Q(place=Place.HOME)
    unlocated = home & (Q(check_in__position__in=UNLOCATED) | Q(check_out__position__in=UNLOCATED))
    located = (
        home & ~unlocated & (Q(check_in__position__in=LOCATED) | Q(check_out__position__in=LOCATED))
    )
    out = Q(check_in__range=Range.OUT) | Q(check_out__range=Range.OUT)
    return list(
        rows.annotate(week=_week_of(weeks))
        .values(*by, "week")
        .order_by()
        .annotate(
            visits=Count("id"),
            located=Count("id", filter=located),
            unlocated=Count("id", filter=unlocated),
            out_of_range=Count("id", filter=out),
            corrected=Count("id", filter=Q(corrected=True)),
        )
    )


def _week_index(weeks: Sequence[tuple[dt.date, dt.date]], day: dt.date) -> int | None:
    for i, (start, end) in enumerate(weeks):
        if start <= day <= end:
            return i
    return None


@dataclass(frozen=True)
class MissingDay:
    provider_id: int
    recipient_id: int
    program: str
    day: dt.date


def missing_days(selection: Selection) -> list[MissingDay]:
    """Days with hours reported and no visit, for pairs that are not live-in."""
    period = selection.period
    worked = [
        w
        for w in core_visits.worked_days(sorted(selection.county_ids), period.start, period.end)
        if w.minutes > 0
        and period.start <= w.day <= period.end
        and (selection.provider_id is None or w.provider_id == selection.provider_id)
    ]
    if not worked:
        return []
    visited = set(visits_of(selection).values_list("provider_id", "recipient_id", "program", "day"))
    providers = sorted({w.provider_id for w in worked})
    live_in: dict[tuple[int, int, str], list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for provider_id, recipient_id, program, start, end in Assignment.objects.filter(
        provider_id__in=providers, live_in_certified_on__isnull=False
    ).values_list("provider_id", "recipient_id", "program", "start_date", "end_date"):
        live_in[(provider_id, recipient_id, program)].append((start, end))

    def is_live_in(w: core_visits.WorkedDay) -> bool:
        spans = live_in.get((w.provider_id, w.recipient_id, w.program), [])
        return any(start <= w.day and (end is None or w.day <= end) for start, end in spans)

    return [
        MissingDay(w.provider_id, w.recipient_id, w.program, w.day)
        for w in worked
        if (w.provider_id, w.recipient_id, w.program, w.day) not in visited and not is_live_in(w)
    ]


def provider_rows(
    selection: Selection, providers: Iterable[Provider], missing: Sequence[MissingDay]
) -> list[ProviderRow]:
    """The counts of `providers` (a page of them), per week, in their order."""
    weeks = selection.period.weeks
    rows = {p.pk: ProviderRow(p, [Counts() for _ in weeks]) for p in providers}
    if not rows:
        return []
    visits = visits_of(selection).filter(provider_id__in=sorted(rows))
    for counted in _counted(visits, weeks, "provider_id"):
        index = _week_index(weeks, counted["week"])
        if index is None:
            continue
        cell = rows[counted["provider_id"]].weeks[index]
        for name in COUNT_NAMES[:-1]:
            setattr(cell, name, counted[name])
    for day in missing:
        row = rows.get(day.provider_id)
        index = _week_index(weeks, day.day)
        if row is not None and index is not None:
            row.weeks[index].missing += 1
    for row in rows.values():
        for cell in row.weeks:
            row.total.add(cell)
    return list(rows.values())


def week_totals(selection: Selection, missing: Sequence[MissingDay]) -> list[Counts]:
    """Every provider's counts added up, per week (the chart)."""
    weeks = selection.period.weeks
    totals = [Counts() for _ in weeks]
    for counted in _counted(visits_of(selection), weeks):
        index = _week_index(weeks, counted["week"])
        if index is not None:
            for name in COUNT_NAMES[:-1]:
                setattr(totals[index], name, counted[name])
    for day in missing:
        index = _week_index(weeks, day.day)
        if index is not None:
            totals[index].missing += 1
    return totals


def providers_in(selection: Selection, missing: Sequence[MissingDay]) -> QuerySet[Provider]:
    """The providers with a visit or a missing day in the selection, by name."""
    missing_ids = sorted({m.provider_id for m in missing})
    return (
        Provider.objects.filter(
            Q(pk__in=visits_of(selection).values("provider_id")) | Q(pk__in=missing_ids)
        )
        .only("pk", "first_name", "last_name", "provider_number")
        .order_by("last_name", "first_name", "pk")
    )


def recipients_to_locate(county_ids: Collection[int]) -> QuerySet[Recipient]:
    """The county work item: recipients with a Home check-in or check-out made while
    their home's coordinates were not on file (no range check could be made), who still
    have none. Adding the coordinates to the case record takes them off the list."""
    unknown = Punch.objects.filter(range=Range.UNKNOWN).values("recipient_id")
    return (
        Recipient.objects.filter(county_id__in=sorted(county_ids), pk__in=unknown)
        .filter(Q(latitude__isnull=True) | Q(longitude__isnull=True))
        .select_related("county")
        .only(
            "pk",
            "first_name",
            "last_name",
            "case_number",
            "street",
            "city",
            "zip_code",
            "county__name",
        )
        .order_by("last_name", "first_name", "pk")
    )
