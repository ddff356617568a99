"""The read side: the hour picture the rules judge (`picture`), what remains beside the
form (`remaining`, `check`), the recipient's hours, and the travel picture. Nothing here
writes; `check` locks nothing, so its answer may be out of date a moment later."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from ihss.cases.models import (
    Assignment,
    AuthorizedHours,
    OvertimeExemption,
    Provider,
    Recipient,
    TravelAgreement,
)
from ihss.core.parameters import parameters
from ihss.timesheets import rules, services
from ihss.timesheets.models import DayEntry, Timesheet, TravelEntry, WeeklyMaximumException
from ihss.timesheets.policies import LIMIT_PARAMETERS, USUAL_OVERTIME_MONTHS

# --- Reading the numbers the rules need ---------------------------------------------------


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _in_force(rows: list[dict[str, Any]], start: dt.date, end: dt.date, *, key: str) -> Any:
    """The last of the effective-dated `rows` in force at some point from start to end."""
    chosen = None
    for row in sorted(rows, key=lambda r: r[key]):
        row_end = row.get("effective_to", row.get("end_date"))
        if row[key] <= end and (row_end is None or row_end >= start):
            chosen = row
    return chosen


@dataclass
class HourPicture:
    """Everything the hour rules need about one provider around one pay period."""

    timesheet: Timesheet
    entries: list[rules.Entry]
    recipients: dict[tuple[int, str, dt.date], rules.RecipientLimits]
    provider: rules.ProviderContext
    limits: rules.HourLimits
    weeks: list[rules.Workweek]
    others_by_week: dict[tuple[int, str, dt.date], int] = field(default_factory=dict)

    def check(self, today: dt.date) -> list[rules.Refusal]:
        refusals = rules.check_hours(
            self.entries,
            recipients=self.recipients,
            provider=self.provider,
            limits=self.limits,
            today=today,
        )
        return [r for r in refusals if self._concerns_timesheet(r)]

    def _concerns_timesheet(self, refusal: rules.Refusal) -> bool:
        """Whether a refusal is about this timesheet's own hours: its days, its weeks (when
        it has hours in them) or its recipient's month. Another recipient's trouble does
        not block this one."""
        ts = self.timesheet
        mine = [
            e
            for e in self.entries
            if e.recipient == ts.recipient_id
            and e.program == ts.program
            and ts.period_start <= e.day <= ts.period_end
        ]
        if refusal.recipient is not None and (
            refusal.recipient != ts.recipient_id or refusal.program != ts.program
        ):
            return False
        if refusal.rule in (rules.FUTURE_DAY, rules.DAY_OVER_24):
            return any(e.day == refusal.when for e in mine)
        if refusal.rule in (rules.RECIPIENT_MONTH, rules.PROVIDER_ASSIGNED, rules.EXEMPT_MONTH):
            return refusal.when == ts.period_start.replace(day=1) and bool(mine)
        week = rules.workweek_containing(refusal.when)
        return any(e.day in week for e in mine)


def picture(
    timesheet: Timesheet,
    *,
    replace: Mapping[dt.date, int] | None = None,
    statuses: Iterable[str] | None = None,
) -> HourPicture:
    """The provider's hours in every workweek and month the timesheet touches, with the
    authorizations they count against. `replace` puts typed (unsaved) minutes in place of
    this timesheet's saved ones for those days; `statuses` limits the provider's own
    timesheets counted (all but voided ones by default). The provider's approved hours of
    the months before give their usual monthly overtime (ACL 16-01 condition 2). Seven
    queries, whatever the database size."""
    period = rules.PayPeriod(timesheet.period_start, timesheet.period_end)
    weeks = rules.workweeks_touching(period)
    month_start = period.start.replace(day=1)
    first = min(weeks[0].start, month_start)
    last = max(weeks[-1].end, _month_end(month_start))
    replace = dict(replace or {})
    values = parameters([*LIMIT_PARAMETERS.values(), USUAL_OVERTIME_MONTHS], on=period.start)
    limits = rules.HourLimits(**{name: values[key] for name, key in LIMIT_PARAMETERS.items()})
    window = values[USUAL_OVERTIME_MONTHS]
    history_first = first.replace(day=1)
    for _step in range(window):
        history_first = (history_first - dt.timedelta(days=1)).replace(day=1)

    counted = (
        set(statuses)
        if statuses is not None
        else {s for s in Timesheet.Status.values if s != Timesheet.Status.VOIDED}
    )
    entries: list[rules.Entry] = []
    approved_weeks: dict[dt.date, int] = {}
    rows = DayEntry.objects.filter(
        timesheet__provider_id=timesheet.provider_id, day__range=(history_first, last)
    ).values_list(
        "timesheet_id",
        "day",
        "minutes",
        "timesheet__recipient_id",
        "timesheet__program",
        "timesheet__status",
    )
    for sheet_id, day, minutes, recipient_id, program, status in rows:
        if status == Timesheet.Status.APPROVED:
            week_start = rules.workweek_containing(day).start
            approved_weeks[week_start] = approved_weeks.get(week_start, 0) + minutes
        if day < first or status not in counted:
            continue
        if sheet_id == timesheet.pk and day in replace:
            continue
        entries.append(rules.Entry(day, recipient_id, program, minutes))
    for day, minutes in replace.items():
        if minutes:
            entries.append(rules.Entry(day, timesheet.recipient_id, timesheet.program, minutes))

    pairs = {(e.recipient, e.program) for e in entries} | {
        (timesheet.recipient_id, timesheet.program)
    }
    recipient_ids = {r for r, _p in pairs}
    months = _months(first, last)

    authorizations: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for row in (
        AuthorizedHours.objects.filter(recipient_id__in=recipient_ids)
        .in_force(first, last)
        .values("recipient_id", "program", "monthly_minutes", "effective_from", "effective_to")
    ):
        authorizations.setdefault((row["recipient_id"], row["program"]), []).append(dict(row))

    assignments: dict[tuple[int, str], list[dict[str, Any]]] = {}
    # Whom the provider serves in each workweek: the assignments in force during it.
    all_weeks = rules.workweeks_touching(rules.PayPeriod(first, last))
    serving: dict[dt.date, set[int]] = {week.start: set() for week in all_weeks}
    for assignment_row in (
        Assignment.objects.filter(provider_id=timesheet.provider_id)
        .in_force(first, last)
        .values("recipient_id", "program", "assigned_monthly_minutes", "start_date", "end_date")
    ):
        plain: dict[str, Any] = dict(assignment_row)
        assignments.setdefault((plain["recipient_id"], plain["program"]), []).append(plain)
        for week in all_weeks:
            if plain["start_date"] <= week.end and (
                plain["end_date"] is None or plain["end_date"] >= week.start
            ):
                serving[week.start].add(plain["recipient_id"])

    # Other providers' submitted and approved minutes for the same recipients.
    others_by_month: dict[tuple[int, str, dt.date], int] = {}
    others_by_week: dict[tuple[int, str, dt.date], int] = {}
    for other_row in (
        DayEntry.objects.filter(
            timesheet__recipient_id__in=recipient_ids,
            day__range=(first, last),
            timesheet__status__in=Timesheet.COUNTED_FOR_OTHERS,
        )
        .exclude(timesheet__provider_id=timesheet.provider_id)
        .values("timesheet__recipient_id", "timesheet__program", "day")
        .annotate(total=Sum("minutes"))
    ):
        pair = (other_row["timesheet__recipient_id"], other_row["timesheet__program"])
        month_key = (*pair, other_row["day"].replace(day=1))
        week_key = (*pair, rules.workweek_containing(other_row["day"]).start)
        others_by_month[month_key] = others_by_month.get(month_key, 0) + other_row["total"]
        others_by_week[week_key] = others_by_week.get(week_key, 0) + other_row["total"]

    # The county's exceptions to the weekly maximum, for this provider or any.
    excepted = set(
        WeeklyMaximumException.objects.filter(recipient_id__in=recipient_ids, month__in=months)
        .filter(Q(provider__isnull=True) | Q(provider_id=timesheet.provider_id))
        .values_list("recipient_id", "program", "month")
    )

    recipients: dict[tuple[int, str, dt.date], rules.RecipientLimits] = {}
    for recipient_id, program in pairs:
        for month in months:
            end = _month_end(month)
            auth = _in_force(
                authorizations.get((recipient_id, program), []), month, end, key="effective_from"
            )
            assignment = _in_force(
                assignments.get((recipient_id, program), []), month, end, key="start_date"
            )
            by_week = {
                week: minutes
                for (r, p, week), minutes in others_by_week.items()
                if (r, p) == (recipient_id, program)
            }
            recipients[(recipient_id, program, month)] = rules.RecipientLimits(
                monthly_authorized=auth["monthly_minutes"] if auth else 0,
                used_by_others=others_by_month.get((recipient_id, program, month), 0),
                used_by_others_by_week=by_week,
                assigned=assignment["assigned_monthly_minutes"] if assignment else 0,
                weekly_maximum_exception=(recipient_id, program, month) in excepted,
            )

    # Exemptions, like the 66-hour cap, per workweek: those in force during each week.
    exempt_weeks: dict[int, set[dt.date]] = {kind: set() for kind in OvertimeExemption.Kind}
    for exemption in (
        OvertimeExemption.objects.filter(provider_id=timesheet.provider_id)
        .in_force(first, last)
        .values("kind", "effective_from", "effective_to")
    ):
        for week in all_weeks:
            if exemption["effective_from"] <= week.end and (
                exemption["effective_to"] is None or exemption["effective_to"] >= week.start
            ):
                exempt_weeks[exemption["kind"]].add(week.start)
    provider = rules.ProviderContext(
        exempt_weeks=frozenset(set().union(*exempt_weeks.values())),
        live_in_family_weeks=frozenset(exempt_weeks[OvertimeExemption.Kind.LIVE_IN_FAMILY]),
        several_recipients_weeks=frozenset(
            week for week, served in serving.items() if len(served) >= 2
        ),
        usual_overtime={
            month: rules.usual_monthly_overtime(
                approved_weeks, month=month, window=window, limits=limits
            )
            for month in months
        },
    )
    return HourPicture(
        timesheet=timesheet,
        entries=entries,
        recipients=recipients,
        provider=provider,
        limits=limits,
        weeks=weeks,
        others_by_week=others_by_week,
    )


# --- What the person sees beside the form ------------------------------------------------


@dataclass(frozen=True)
class WeekSummary:
    week: rules.Workweek
    recipient_total: int  # all providers, this recipient and program
    weekly_maximum: int
    provider_total: int  # this provider's IHSS minutes, every recipient
    provider_cap: int | None  # 66 h, 90 h, or None when only the recipient's maximum holds
    wpcs_total: int = 0  # this provider's WPCS minutes, every recipient
    # IHSS and WPCS together (70 h 45 min), when the provider has WPCS hours this week.
    combined_cap: int | None = None

    @property
    def recipient_remaining(self) -> int:
        return max(0, self.weekly_maximum - self.recipient_total)

    @property
    def recipient_over(self) -> int:
        return max(0, self.recipient_total - self.weekly_maximum)

    @property
    def provider_remaining(self) -> int | None:
        return (
            None if self.provider_cap is None else max(0, self.provider_cap - self.provider_total)
        )

    @property
    def provider_over(self) -> int:
        return 0 if self.provider_cap is None else max(0, self.provider_total - self.provider_cap)

    @property
    def combined_total(self) -> int:
        return self.provider_total + self.wpcs_total

    @property
    def combined_remaining(self) -> int | None:
        cap = self.combined_cap
        return None if cap is None else max(0, cap - self.combined_total)

    @property
    def combined_over(self) -> int:
        cap = self.combined_cap
        return 0 if cap is None else max(0, self.combined_total - cap)


@dataclass(frozen=True)
class Remaining:
    """The recipient's authorized hours left for the month and each week, and the
    provider's own, as the provider's form would leave them."""

    month: dt.date
    authorized: int
    used: int  # all providers
    assigned: int
    assigned_used: int  # this provider
    weeks: list[WeekSummary]
    timesheet_total: int

    @property
    def remaining(self) -> int:
        return max(0, self.authorized - self.used)

    @property
    def over(self) -> int:
        return max(0, self.used - self.authorized)

    @property
    def assigned_remaining(self) -> int:
        return max(0, self.assigned - self.assigned_used)

    @property
    def assigned_over(self) -> int:
        return max(0, self.assigned_used - self.assigned)


def remaining(pic: HourPicture) -> Remaining:
    ts = pic.timesheet
    month = ts.period_start.replace(day=1)
    pair = (ts.recipient_id, ts.program)
    auth = pic.recipients[(*pair, month)]
    mine = [e for e in pic.entries if (e.recipient, e.program) == pair]
    assigned_used = sum(e.minutes for e in mine if e.day.replace(day=1) == month)
    weeks = []
    for week in pic.weeks:
        weekly = pic.recipients.get((*pair, week.start.replace(day=1)), auth)
        provider_total = sum(
            e.minutes for e in pic.entries if e.day in week and e.program == rules.IHSS
        )
        wpcs_total = sum(
            e.minutes for e in pic.entries if e.day in week and e.program == rules.WPCS
        )
        if pic.provider.is_exempt(week.start):
            cap: int | None = pic.limits.exempt_week
        elif pic.provider.serves_several(week.start):
            cap = pic.limits.multi_recipient_week
        else:
            cap = None
        weeks.append(
            WeekSummary(
                week=week,
                recipient_total=sum(e.minutes for e in mine if e.day in week)
                + pic.others_by_week.get((*pair, week.start), 0),
                weekly_maximum=rules.weekly_maximum(weekly.monthly_authorized),
                provider_total=provider_total,
                provider_cap=cap,
                wpcs_total=wpcs_total,
                combined_cap=pic.limits.combined_week if wpcs_total else None,
            )
        )
    return Remaining(
        month=month,
        authorized=auth.monthly_authorized,
        used=assigned_used + auth.used_by_others,
        assigned=auth.assigned or 0,
        assigned_used=assigned_used,
        weeks=weeks,
        timesheet_total=sum(e.minutes for e in mine if ts.period_start <= e.day <= ts.period_end),
    )


def check(
    timesheet: Timesheet,
    *,
    replace: Mapping[dt.date, int] | None = None,
    today: dt.date | None = None,
) -> tuple[list[rules.Refusal], Remaining]:
    """The refusals the timesheet (with typed minutes in place) would meet, and what is
    left. Read-only: the authoritative check is the one `submit` makes under locks."""
    pic = services.picture(timesheet, replace=replace)
    today = today or timezone.localdate()
    return pic.check(today) + travel_picture(pic).check(today), remaining(pic)


# --- The recipient's hours, authorized and used -------------------------------------------


@dataclass(frozen=True)
class ProviderUse:
    provider: Provider
    by_week: dict[dt.date, int]
    month: int


@dataclass(frozen=True)
class HoursTable:
    """One recipient's authorization in one program and month, against the hours sent by
    each provider (waiting for review or approved), per workweek and for the month."""

    recipient: Recipient
    program: str
    month: dt.date
    authorized: int
    weeks: list[rules.Workweek]
    providers: list[ProviderUse]

    @property
    def weekly_maximum(self) -> int:
        return rules.weekly_maximum(self.authorized)

    @property
    def week_totals(self) -> dict[dt.date, int]:
        return {w.start: sum(p.by_week.get(w.start, 0) for p in self.providers) for w in self.weeks}

    @property
    def month_total(self) -> int:
        return sum(p.month for p in self.providers)

    @property
    def remaining(self) -> int:
        return max(0, self.authorized - self.month_total)


def recipient_hours(recipients: list[Recipient], month: dt.date) -> list[HoursTable]:
    """Authorized against used hours of `recipients` in `month`: three queries."""
    month = month.replace(day=1)
    end = _month_end(month)
    weeks = rules.workweeks_touching(rules.PayPeriod(month, end))
    first, last = weeks[0].start, weeks[-1].end
    ids = [r.pk for r in recipients]
    authorizations: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for row in (
        AuthorizedHours.objects.filter(recipient_id__in=ids)
        .in_force(month, end)
        .values("recipient_id", "program", "monthly_minutes", "effective_from", "effective_to")
    ):
        authorizations.setdefault((row["recipient_id"], row["program"]), []).append(dict(row))
    used: dict[tuple[int, str], dict[int, dict[str, Any]]] = {}
    provider_ids: set[int] = set()
    for entry in (
        DayEntry.objects.filter(
            timesheet__recipient_id__in=ids,
            day__range=(first, last),
            timesheet__status__in=Timesheet.COUNTED_FOR_OTHERS,
        )
        .values("timesheet__recipient_id", "timesheet__program", "timesheet__provider_id", "day")
        .annotate(total=Sum("minutes"))
    ):
        pair = (entry["timesheet__recipient_id"], entry["timesheet__program"])
        provider_id = entry["timesheet__provider_id"]
        provider_ids.add(provider_id)
        cell = used.setdefault(pair, {}).setdefault(provider_id, {"weeks": {}, "month": 0})
        week = rules.workweek_containing(entry["day"]).start
        cell["weeks"][week] = cell["weeks"].get(week, 0) + entry["total"]
        if month <= entry["day"] <= end:
            cell["month"] += entry["total"]
    providers = {
        p.pk: p for p in Provider.objects.filter(pk__in=provider_ids).defer("ssn").order_by()
    }
    tables = []
    for recipient in recipients:
        programs = sorted(
            {p for r, p in authorizations if r == recipient.pk}
            | {p for r, p in used if r == recipient.pk}
        )
        for program in programs:
            auth = _in_force(
                authorizations.get((recipient.pk, program), []), month, end, key="effective_from"
            )
            uses = [
                ProviderUse(providers[pid], cell["weeks"], cell["month"])
                for pid, cell in used.get((recipient.pk, program), {}).items()
            ]
            uses.sort(key=lambda u: (u.provider.last_name, u.provider.first_name))
            tables.append(
                HoursTable(
                    recipient=recipient,
                    program=program,
                    month=month,
                    authorized=auth["monthly_minutes"] if auth else 0,
                    weeks=weeks,
                    providers=uses,
                )
            )
    return tables


# --- Travel time ----------------------------------------------------------------------------


@dataclass
class TravelPicture:
    """The provider's claimed travel in every workweek a timesheet touches (drafts too,
    voided timesheets not), the travel agreements (SOC 2255) in force then, and the days
    worked for each recipient, as rules.check_travel needs them."""

    timesheet: Timesheet
    weeks: list[rules.Workweek]
    legs: list[rules.TravelLeg]
    mine: list[rules.TravelLeg]  # the legs of this timesheet
    agreements: list[dict[str, Any]]  # TravelAgreement rows of the provider
    worked: set[tuple[dt.date, int]]
    limits: rules.HourLimits

    def _agreements_on(self, start: dt.date, end: dt.date) -> dict[tuple[int, int], int]:
        """(from, to) -> weekly minutes of the agreement in force from start to end (the
        latest, when one replaced another)."""
        by_pair: dict[tuple[int, int], list[dict[str, Any]]] = {}
        for row in self.agreements:
            by_pair.setdefault((row["from_recipient_id"], row["to_recipient_id"]), []).append(row)
        found = {}
        for pair, rows in by_pair.items():
            row = _in_force(rows, start, end, key="effective_from")
            if row is not None:
                found[pair] = row["weekly_minutes"]
        return found

    def check(self, today: dt.date) -> list[rules.Refusal]:
        """The travel refusals about this timesheet's own travel, week by week, each week
        with the agreements in force in it. A day outside every agreement of its pair is
        refused as without agreement even when an agreement starts or ends that week."""
        refusals: list[rules.Refusal] = []
        for week in self.weeks:
            if not any(leg.day in week for leg in self.mine):
                continue
            legs = [leg for leg in self.legs if leg.day in week]
            agreements = self._agreements_on(week.start, week.end)
            found = rules.check_travel(
                legs, agreements=agreements, worked=self.worked, limits=self.limits, today=today
            )
            refused_days = {
                (r.when, r.recipient) for r in found if r.rule == rules.TRAVEL_NO_AGREEMENT
            }
            outside: dict[tuple[dt.date, int, int], int] = {}
            for leg in legs:
                pair = (leg.from_recipient, leg.to_recipient)
                if pair in agreements and pair not in self._agreements_on(leg.day, leg.day):
                    key = (leg.day, *pair)
                    outside[key] = outside.get(key, 0) + leg.minutes
            for (day, _origin, destination), total in sorted(outside.items()):
                if (day, destination) not in refused_days:
                    found.append(
                        rules.Refusal(rules.TRAVEL_NO_AGREEMENT, day, total, 0, destination)
                    )
            refusals += [r for r in found if self._concerns_timesheet(r)]
        return refusals

    def _concerns_timesheet(self, refusal: rules.Refusal) -> bool:
        """A refusal of this timesheet's travel: on a day (or in a week) it claims travel,
        about its recipient, or the week's 7 hours for all recipients."""
        if refusal.recipient is not None and refusal.recipient != self.timesheet.recipient_id:
            return False
        if refusal.rule in (rules.TRAVEL_AGREEMENT_WEEK, rules.TRAVEL_WEEK):
            week = rules.workweek_containing(refusal.when)
            return any(leg.day in week for leg in self.mine)
        return any(leg.day == refusal.when for leg in self.mine)


def travel_picture(pic: HourPicture) -> TravelPicture:
    """The travel around the hour picture's timesheet: two queries, whatever the size of
    the database. The days worked come from the hour picture (typed minutes included)."""
    ts = pic.timesheet
    first, last = pic.weeks[0].start, pic.weeks[-1].end
    legs: list[rules.TravelLeg] = []
    mine: list[rules.TravelLeg] = []
    for sheet_id, day, origin, destination, minutes in (
        TravelEntry.objects.filter(timesheet__provider_id=ts.provider_id, day__range=(first, last))
        .exclude(timesheet__status=Timesheet.Status.VOIDED)
        .values_list(
            "timesheet_id", "day", "from_recipient_id", "timesheet__recipient_id", "minutes"
        )
    ):
        leg = rules.TravelLeg(day, origin, destination, minutes)
        legs.append(leg)
        if sheet_id == ts.pk:
            mine.append(leg)
    agreements = [
        dict(row)
        for row in TravelAgreement.objects.filter(provider_id=ts.provider_id)
        .in_force(first, last)
        .values(
            "from_recipient_id",
            "to_recipient_id",
            "weekly_minutes",
            "effective_from",
            "effective_to",
        )
    ]
    return TravelPicture(
        timesheet=ts,
        weeks=pic.weeks,
        legs=legs,
        mine=mine,
        agreements=agreements,
        worked={(e.day, e.recipient) for e in pic.entries if e.minutes > 0},
        limits=pic.limits,
    )


def travel_origins(timesheet: Timesheet) -> list[Recipient]:
    """The recipients the provider may claim travel from to this timesheet's recipient:
    those of their travel agreements ending at it and in force during the pay period."""
    agreements = (
        TravelAgreement.objects.filter(
            provider_id=timesheet.provider_id,
            to_recipient_id=timesheet.recipient_id,
        )
        .in_force(timesheet.period_start, timesheet.period_end)
        .select_related("from_recipient")
        .defer("from_recipient__ssn")
        .order_by("from_recipient__last_name", "from_recipient__first_name", "from_recipient_id")
    )
    origins: dict[int, Recipient] = {}
    for agreement in agreements:
        origins.setdefault(agreement.from_recipient_id, agreement.from_recipient)
    return list(origins.values())
