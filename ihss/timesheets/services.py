"""Timesheet workflows: open, save a week, check, submit, approve, reject; travel claims
on a timesheet, and paid sick leave claims.

Views, the API, commands and tasks call these; nothing else writes timesheets. Each runs
in one transaction and writes its audit event (the timesheet's history) and its notices
inside it.

Hours are checked in two places with the same rules: `check` while the person types
(nothing is locked; the answer may be out of date a moment later), and `submit`, which
locks the provider and the recipient first so that two submissions at the same moment
cannot both pass a cap. Travel is checked with the hours, by its own rules: it counts
toward no hour cap.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ihss.accounts.models import Membership, Role, User
from ihss.cases.models import (
    Assignment,
    AuthorizedHours,
    OvertimeExemption,
    Provider,
    Recipient,
    TravelAgreement,
)
from ihss.core import audit
from ihss.core.parameters import parameters as parameters
from ihss.notifications.events import Event
from ihss.notifications.services import notify
from ihss.timesheets import rules
from ihss.timesheets.models import (
    DayEntry,
    SickLeaveClaim,
    Timesheet,
    TravelEntry,
    Violation,
    WeeklyMaximumException,
)
from ihss.timesheets.policies import LIMIT_PARAMETERS, REVIEW_PARAMETERS, USUAL_OVERTIME_MONTHS
from ihss.timesheets.policies import limits_on as limits_on
from ihss.timesheets.policies import sick_leave_policies as sick_leave_policies
from ihss.timesheets.policies import violation_policy as violation_policy

# A provider in these states may not submit (ACL 16-36 suspension, ineligibility).
CANNOT_SUBMIT: dict[str, Any] = {
    Provider.Status.PENDING: gettext_lazy(
        "Your enrollment is not complete, so timesheets cannot be sent."
    ),
    Provider.Status.SUSPENDED: gettext_lazy("You are suspended, so timesheets cannot be sent."),
    Provider.Status.INELIGIBLE: gettext_lazy(
        "You are not eligible to work, so timesheets cannot be sent."
    ),
    Provider.Status.TERMINATED: gettext_lazy(
        "Your enrollment has ended, so timesheets cannot be sent."
    ),
}


class TimesheetError(Exception):
    """A workflow step refused, with a message for the person (in their language)."""

    def __init__(self, message: str, refusals: Iterable[rules.Refusal] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.refusals = list(refusals)


@dataclass(frozen=True)
class DayInput:
    """What the person typed for one day; minutes 0 means not worked (a blank day)."""

    minutes: int
    start: dt.time | None = None
    end: dt.time | None = None
    location: str = ""


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
        AuthorizedHours.objects.filter(recipient_id__in=recipient_ids, effective_from__lte=last)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=first))
        .values("recipient_id", "program", "monthly_minutes", "effective_from", "effective_to")
    ):
        authorizations.setdefault((row["recipient_id"], row["program"]), []).append(dict(row))

    assignments: dict[tuple[int, str], list[dict[str, Any]]] = {}
    # Whom the provider serves in each workweek: the assignments in force during it.
    all_weeks = rules.workweeks_touching(rules.PayPeriod(first, last))
    serving: dict[dt.date, set[int]] = {week.start: set() for week in all_weeks}
    for assignment_row in (
        Assignment.objects.filter(provider_id=timesheet.provider_id, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
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

    exemptions = set(
        OvertimeExemption.objects.filter(
            provider_id=timesheet.provider_id, effective_from__lte=period.end
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=period.start))
        .values_list("kind", flat=True)
    )
    provider = rules.ProviderContext(
        exempt=bool(exemptions),
        live_in_family=OvertimeExemption.Kind.LIVE_IN_FAMILY in exemptions,
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
    provider_total: int  # this provider, every recipient and program
    provider_cap: int | None  # 66 h, 90 h, or None when only the recipient's maximum holds

    @property
    def recipient_remaining(self) -> int:
        return max(0, self.weekly_maximum - self.recipient_total)

    @property
    def provider_remaining(self) -> int | None:
        return (
            None if self.provider_cap is None else max(0, self.provider_cap - self.provider_total)
        )


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
    def assigned_remaining(self) -> int:
        return max(0, self.assigned - self.assigned_used)


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
        if pic.provider.exempt:
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
    pic = picture(timesheet, replace=replace)
    today = today or timezone.localdate()
    return pic.check(today) + travel_picture(pic).check(today), remaining(pic)


# --- Workflow steps -------------------------------------------------------------------------


def _snapshot(days: Iterable[DayEntry]) -> dict[str, dict[str, Any]]:
    """The days as the history shows them: {"2026-11-02": {"minutes": 480, ...}}."""
    return {
        d.day.isoformat(): {
            "minutes": d.minutes,
            "start": d.start.strftime("%H:%M") if d.start else "",
            "end": d.end.strftime("%H:%M") if d.end else "",
            "location": d.location,
        }
        for d in days
    }


def open_timesheet(
    *,
    provider: Provider,
    recipient: Recipient,
    program: str,
    day: dt.date,
    by: User,
    today: dt.date | None = None,
) -> Timesheet:
    """The provider's timesheet for a recipient, program and the pay period of `day`,
    created as a draft the first time. Needs an assignment covering part of the period,
    and a period that has started."""
    period = rules.pay_period_containing(day)
    if period.start > (today or timezone.localdate()):
        raise TimesheetError(_("That pay period has not started yet."))
    covered = (
        Assignment.objects.filter(
            provider=provider, recipient=recipient, program=program, start_date__lte=period.end
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start))
        .exists()
    )
    if not covered:
        raise TimesheetError(_("You are not assigned to this recipient in this pay period."))
    with transaction.atomic():
        timesheet, created = Timesheet.objects.get_or_create(
            provider=provider,
            recipient=recipient,
            program=program,
            period_start=period.start,
            defaults={"period_end": period.end},
        )
        if created:
            audit.record(actor=by, action="timesheet.opened", subject=timesheet)
    return timesheet


def save_week(*, timesheet: Timesheet, days: Mapping[dt.date, DayInput], by: User) -> Timesheet:
    """Save the typed days of one workweek (only those inside the timesheet's period).
    Saving keeps what was typed even when a rule would refuse it; `submit` decides."""
    period_days = {
        d: v for d, v in days.items() if timesheet.period_start <= d <= timesheet.period_end
    }
    with transaction.atomic():
        locked = Timesheet.objects.select_for_update().get(pk=timesheet.pk)
        if not locked.editable:
            raise TimesheetError(_("This timesheet was sent and can no longer be changed."))
        existing = {d.day: d for d in locked.days.filter(day__in=period_days)}
        before = _snapshot(existing.values())
        keep: list[DayEntry] = []
        for day, typed in sorted(period_days.items()):
            if typed.minutes <= 0:
                continue
            keep.append(
                DayEntry(
                    timesheet=locked,
                    day=day,
                    minutes=typed.minutes,
                    start=typed.start,
                    end=typed.end,
                    location=typed.location,
                )
            )
        after = _snapshot(keep)
        if before != after:
            DayEntry.objects.filter(timesheet=locked, day__in=period_days).delete()
            DayEntry.objects.bulk_create(keep)
            audit.record(
                actor=by, action="timesheet.days_saved", subject=locked, before=before, after=after
            )
    return locked


def _recipient_users(recipient_id: int) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            role=Role.RECIPIENT, recipient_id=recipient_id, user__is_active=True
        ).select_related("user")
    ]


def _provider_users(provider_id: int) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            role=Role.PROVIDER, provider_id=provider_id, user__is_active=True
        ).select_related("user")
    ]


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


def submit(*, timesheet: Timesheet, by: User, today: dt.date | None = None) -> Timesheet:
    """Send the timesheet to the recipient, if every hour rule allows it.

    Locks the provider and then the recipient (always in that order, so two submissions
    wait for each other instead of deadlocking), then checks all the provider's hours
    again. Sending one already sent changes nothing.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        status = (
            Provider.objects.select_for_update()
            .filter(pk=timesheet.provider_id)
            .values_list("status", flat=True)
            .get()
        )
        Recipient.objects.select_for_update().filter(pk=timesheet.recipient_id).values_list(
            "pk", flat=True
        ).get()
        locked = _locked(timesheet)
        if locked.status in (Timesheet.Status.SUBMITTED, Timesheet.Status.APPROVED):
            return locked
        if not locked.editable:
            raise TimesheetError(_("This timesheet was voided and cannot be sent."))
        if status in CANNOT_SUBMIT:
            raise TimesheetError(str(CANNOT_SUBMIT[status]))
        barred = barred_until(locked.provider_id, today)
        if barred is not None:
            raise TimesheetError(
                _(
                    "After a violation you may not work in IHSS until %(day)s, so timesheets "
                    "cannot be sent."
                )
                % {"day": date_format(barred, "DATE_FORMAT")}
            )
        pic = picture(locked)
        if not any(
            e.recipient == locked.recipient_id
            and e.program == locked.program
            and locked.period_start <= e.day <= locked.period_end
            for e in pic.entries
        ):
            raise TimesheetError(_("Enter the hours you worked before sending the timesheet."))
        refusals = pic.check(today)
        travel = travel_picture(pic)  # travel is checked apart: it counts toward no hour cap
        travel_refusals = travel.check(today)
        if refusals or travel_refusals:
            raise TimesheetError(
                _("The timesheet was not sent: some hours break a rule. Nothing was lost.")
                if refusals
                else _(
                    "The timesheet was not sent: some travel time breaks a rule. Nothing was lost."
                ),
                refusals + travel_refusals,
            )
        now = timezone.now()
        locked.status = Timesheet.Status.SUBMITTED
        locked.submitted_at = now
        locked.first_submitted_at = locked.first_submitted_at or now
        locked.submissions += 1
        locked.rejection_reason = ""
        locked.save(
            update_fields=[
                "status",
                "submitted_at",
                "first_submitted_at",
                "submissions",
                "rejection_reason",
            ]
        )
        total = remaining(pic).timesheet_total
        audit.record(
            actor=by,
            action="timesheet.submitted",
            subject=locked,
            after={
                "status": locked.status,
                "minutes": total,
                "travel_minutes": sum(leg.minutes for leg in travel.mine),
                "submission": locked.submissions,
            },
        )
        link = reverse("timesheets:detail", args=[locked.pk])
        for user in _recipient_users(locked.recipient_id):
            notify(
                user=user,
                event=Event.TIMESHEET_READY_FOR_REVIEW,
                context={
                    "provider_name": locked.provider.full_name,
                    **_period_context(locked),
                    "minutes": total,
                    "review_by": (today + dt.timedelta(days=3)).isoformat(),
                },
                key=f"timesheet:{locked.pk}:submission:{locked.submissions}",
                link=link,
            )
    return locked


def approve(
    *, timesheet: Timesheet, by: User, signature: str, as_representative: bool = False
) -> Timesheet:
    """The recipient's (or representative's) electronic signature. Approving twice is
    harmless; a timesheet no longer waiting cannot be approved."""
    signature = " ".join(signature.split())
    if not signature:
        raise TimesheetError(_("Type your full name to sign."))
    with transaction.atomic():
        locked = _locked(timesheet)
        if locked.status == Timesheet.Status.APPROVED:
            return locked
        if locked.status != Timesheet.Status.SUBMITTED:
            raise TimesheetError(_("This timesheet is not waiting for your review."))
        total = sum(locked.days.values_list("minutes", flat=True))
        flags = _review_flags(locked, total)
        if _passes_weekly_maximum(locked):
            flags.append(rules.RULE_OVERRIDE)
        locked.status = Timesheet.Status.APPROVED
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.signature = signature[:120]
        locked.signed_as_representative = as_representative
        locked.review_flags = flags
        locked.county_review = Timesheet.Review.WAITING if flags else Timesheet.Review.NONE
        locked.save()
        audit.record(
            actor=by,
            action="timesheet.approved",
            subject=locked,
            after={
                "status": locked.status,
                "signature": locked.signature,
                "representative": as_representative,
                "county_review": flags,
            },
        )
        for user in _provider_users(locked.provider_id):
            notify(
                user=user,
                event=Event.TIMESHEET_APPROVED,
                context={
                    "recipient_name": locked.recipient.full_name,
                    **_period_context(locked),
                    "minutes": total,
                },
                key=f"timesheet:{locked.pk}:approved",
                link=reverse("timesheets:detail", args=[locked.pk]),
            )
        find_violations(timesheet=locked, today=timezone.localdate())
    return locked


def _passes_weekly_maximum(timesheet: Timesheet) -> bool:
    """Whether the recipient's hours pass the weekly maximum in a week of this timesheet
    where it has hours: allowed only by an adjustment or the county's exception, so the
    county looks before payroll."""
    pic = picture(timesheet)
    days = set(timesheet.days.values_list("day", flat=True))
    return any(
        week.recipient_total > week.weekly_maximum
        for week in remaining(pic).weeks
        if any(day in week.week for day in days)
    )


def _review_flags(timesheet: Timesheet, minutes: int) -> list[str]:
    values = parameters(REVIEW_PARAMETERS, on=timesheet.period_start)
    month = timesheet.period_start.replace(day=1)
    auth = _in_force(
        [
            dict(row)
            for row in AuthorizedHours.objects.filter(
                recipient_id=timesheet.recipient_id, program=timesheet.program
            ).values("monthly_minutes", "effective_from", "effective_to")
        ],
        month,
        _month_end(month),
        key="effective_from",
    )
    submitted = timesheet.first_submitted_at or timezone.now()
    return rules.review_flags(
        period=rules.PayPeriod(timesheet.period_start, timesheet.period_end),
        minutes=minutes,
        monthly_authorized=auth["monthly_minutes"] if auth else 0,
        first_submitted_on=timezone.localtime(submitted).date(),
        first_half_share_bp=values["first_half_exception_share"],
        late_after_days=values["timesheet_late_days"],
        random_draw_bp=secrets.randbelow(10_000),
        random_hold_bp=values["timesheet_random_hold_share"],
    )


def reject(*, timesheet: Timesheet, by: User, reason: str) -> Timesheet:
    """Return the timesheet to the provider with the recipient's reason; it becomes
    editable again and goes back to the recipient when resubmitted."""
    reason = reason.strip()
    if not reason:
        raise TimesheetError(_("Say what is wrong, so the provider can correct it."))
    with transaction.atomic():
        locked = _locked(timesheet)
        if locked.status == Timesheet.Status.REJECTED:
            return locked
        if locked.status != Timesheet.Status.SUBMITTED:
            raise TimesheetError(_("This timesheet is not waiting for your review."))
        locked.status = Timesheet.Status.REJECTED
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.rejection_reason = reason[:1000]
        locked.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
        audit.record(
            actor=by,
            action="timesheet.rejected",
            subject=locked,
            after={"status": locked.status},
            reason=locked.rejection_reason,
        )
        for user in _provider_users(locked.provider_id):
            notify(
                user=user,
                event=Event.TIMESHEET_REJECTED,
                context={
                    "recipient_name": locked.recipient.full_name,
                    **_period_context(locked),
                    "reason": locked.rejection_reason,
                },
                key=f"timesheet:{locked.pk}:rejected:{locked.submissions}",
                link=reverse("timesheets:detail", args=[locked.pk]),
            )
    return locked


class Decision:
    RELEASE = "release"
    HOLD = "hold"
    VOID = "void"
    ALL = (RELEASE, HOLD, VOID)


def decide_review(*, timesheet: Timesheet, by: User, decision: str, reason: str) -> Timesheet:
    """A county worker's decision on an approved timesheet before payroll: release it for
    payment, hold it (a manual hold also puts an unflagged timesheet in the queue), or
    void it (its hours stop counting anywhere). Each decision needs a reason and is
    audited. Deciding what is already decided changes nothing."""
    reason = reason.strip()
    if decision not in Decision.ALL:
        raise TimesheetError(_("Choose release, hold or void."))
    if not reason:
        raise TimesheetError(_("Give the reason for the decision; it is kept in the history."))
    with transaction.atomic():
        locked = Timesheet.objects.select_for_update().get(pk=timesheet.pk)
        if locked.status != Timesheet.Status.APPROVED:
            raise TimesheetError(_("Only approved timesheets wait for the county's review."))
        before = {"status": locked.status, "county_review": locked.county_review}
        if decision == Decision.RELEASE:
            if locked.county_review == Timesheet.Review.RELEASED:
                return locked
            locked.county_review = Timesheet.Review.RELEASED
        elif decision == Decision.HOLD:
            if locked.county_review == Timesheet.Review.HELD:
                return locked
            locked.county_review = Timesheet.Review.HELD
            if not locked.review_flags:
                locked.review_flags = [rules.MANUAL_HOLD]
        else:
            locked.status = Timesheet.Status.VOIDED
            locked.county_review = Timesheet.Review.NONE
        locked.review_note = reason[:1000]
        locked.save(update_fields=["status", "county_review", "review_flags", "review_note"])
        audit.record(
            actor=by,
            action=f"timesheet.county_{decision}",
            subject=locked,
            before=before,
            after={"status": locked.status, "county_review": locked.county_review},
            reason=locked.review_note,
        )
    return locked


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
        AuthorizedHours.objects.filter(recipient_id__in=ids, effective_from__lte=end)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=month))
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


# --- Violations (ACL 16-36) -----------------------------------------------------------------


def _ledger_entry(v: Violation) -> rules.LedgerEntry:
    return rules.LedgerEntry(
        occurred_on=v.week_start,
        counted=v.counted,
        number=v.number,
        noticed_on=v.noticed_on,
        rescinded=v.rescinded,
        overturned=v.overturned,
    )


def _history(provider_id: int) -> list[Violation]:
    return list(Violation.objects.filter(provider_id=provider_id).order_by("week_start", "pk"))


def _training_used(history: list[Violation]) -> bool:
    return any(v.rescinded for v in history)


def find_violations(*, timesheet: Timesheet, today: dt.date) -> list[Violation]:
    """Judge each workweek the approved timesheet touches, on the provider's approved
    hours and travel only, and record (once per week) any violation with its ledger step. Runs in
    approve's transaction; notifies the provider and the recipients of the week."""
    pic = picture(timesheet, statuses=[Timesheet.Status.APPROVED])
    refusals = rules.check_hours(
        pic.entries,
        recipients=_sent_before(pic),
        provider=pic.provider,
        limits=pic.limits,
        today=today,
    )
    travel: dict[dt.date, int] = {}
    for day, minutes in TravelEntry.objects.filter(
        timesheet__provider_id=timesheet.provider_id,
        timesheet__status=Timesheet.Status.APPROVED,
        day__range=(pic.weeks[0].start, pic.weeks[-1].end),
    ).values_list("day", "minutes"):
        week_start = rules.workweek_containing(day).start
        travel[week_start] = travel.get(week_start, 0) + minutes
    judged = set(
        Violation.objects.filter(
            provider_id=timesheet.provider_id, week_start__in=[w.start for w in pic.weeks]
        ).values_list("week_start", flat=True)
    )
    found = []
    for week in pic.weeks:
        if week.start in judged:
            continue
        in_week = [e for e in pic.entries if e.day in week]
        pairs = sorted({(e.recipient, e.program) for e in in_week})
        over = {
            (r.recipient, r.program)
            for r in refusals
            if r.rule == rules.WEEKLY_MAXIMUM and r.when == week.start
        }
        recipient_weeks = []
        for recipient_id, program in pairs:
            limits = pic.recipients.get((recipient_id, program, week.start.replace(day=1)))
            weekly = rules.weekly_maximum(limits.monthly_authorized) if limits else 0
            recipient_weeks.append(
                rules.RecipientWeek(
                    recipient=recipient_id,
                    over_weekly_maximum=(recipient_id, program) in over,
                    authorized_40_or_less=weekly <= pic.limits.overtime_after,
                )
            )
        codes = rules.violations_in_week(
            ihss_minutes=sum(e.minutes for e in in_week if e.program == rules.IHSS),
            travel_minutes=travel.get(week.start, 0),
            provider=pic.provider,
            recipients=recipient_weeks,
            week=week.start,
            limits=pic.limits,
        )
        if codes:
            passed = {
                code: limit
                for code in codes
                if (
                    limit := rules.violation_limit(
                        code, exempt=pic.provider.exempt, limits=pic.limits
                    )
                )
                is not None
            }
            found.append(
                _record_violation(
                    timesheet=timesheet,
                    week=week,
                    codes=codes,
                    limits=passed,
                    recipient_ids=sorted({r for r, _p in pairs}),
                    today=today,
                )
            )
    return found


def _sent_before(pic: HourPicture) -> dict[tuple[int, str, dt.date], rules.RecipientLimits]:
    """The recipients' authorizations of `pic`, where another provider's hours count
    against the weekly maximum only if they were sent before this provider's hours for
    the same recipient and week. A provider is judged on their own hours: when P sends the
    whole weekly maximum and Q later sends more (which ACL 16-01 may allow Q), the hours
    past the maximum are Q's, not P's. Hours with no sending time count as sent first.
    One query."""
    provider_id = pic.timesheet.provider_id
    week_starts = [w.start for w in pic.weeks]
    rows = DayEntry.objects.filter(
        timesheet__recipient_id__in={r for r, _p, _m in pic.recipients},
        day__range=(pic.weeks[0].start, pic.weeks[-1].end),
        timesheet__status__in=Timesheet.COUNTED_FOR_OTHERS,
    ).values_list(
        "timesheet__provider_id",
        "timesheet__recipient_id",
        "timesheet__program",
        "timesheet__status",
        "timesheet__submitted_at",
        "day",
        "minutes",
    )
    mine: dict[tuple[int, str, dt.date], dt.datetime | None] = {}
    theirs: list[tuple[tuple[int, str, dt.date], dt.datetime | None, int]] = []
    for provider, recipient_id, program, status, sent, day, minutes in rows:
        key = (recipient_id, program, rules.workweek_containing(day).start)
        if provider != provider_id:
            theirs.append((key, sent, minutes))
        elif status == Timesheet.Status.APPROVED and minutes:
            before = mine.get(key, sent) if key in mine else sent
            mine[key] = None if before is None or sent is None else max(before, sent)
    earlier: dict[tuple[int, str, dt.date], int] = {}
    for key, sent, minutes in theirs:
        own = mine.get(key)
        if own is None or sent is None or sent < own:
            earlier[key] = earlier.get(key, 0) + minutes
    return {
        (recipient_id, program, month): dataclasses.replace(
            limits,
            used_by_others_by_week={
                week: earlier.get((recipient_id, program, week), 0) for week in week_starts
            },
        )
        for (recipient_id, program, month), limits in pic.recipients.items()
    }


def _record_violation(
    *,
    timesheet: Timesheet,
    week: rules.Workweek,
    codes: list[str],
    limits: dict[str, int],
    recipient_ids: list[int],
    today: dt.date,
) -> Violation:
    history = _history(timesheet.provider_id)
    outcome = rules.record_violation(
        [_ledger_entry(v) for v in history],
        occurred_on=week.start,
        noticed_on=today,
        training_used_before=_training_used(history),
        policy=violation_policy(today),
    )
    violation = Violation.objects.create(
        provider_id=timesheet.provider_id,
        week_start=week.start,
        codes=codes,
        limits=limits,
        found_by=timesheet,
        recipient_ids=recipient_ids,
        noticed_on=outcome.noticed_on,
        counted=outcome.counted,
        number=outcome.number,
        consequence=outcome.consequence,
        dispute_by=outcome.dispute_by,
        training_due=outcome.training_due,
        suspended_from=outcome.suspended_from,
        suspended_until=outcome.suspended_until,
        ineligible_from=outcome.ineligible_from,
        ineligible_until=outcome.ineligible_until,
    )
    audit.record(
        actor=None,
        action="violation.recorded",
        subject=violation,
        after={"codes": codes, "number": outcome.number, "consequence": outcome.consequence},
    )
    if outcome.counted:
        context = {
            "period_start": week.start.isoformat(),
            "period_end": week.end.isoformat(),
            "violation_number": outcome.number,
            "rule": codes[0],
        }
        if codes[0] in limits:  # the limit in force that was passed (66 h, or 90 h...)
            context["limit"] = limits[codes[0]]
        if outcome.dispute_by is not None:  # the dispute days in force, as a date
            context["dispute_by"] = outcome.dispute_by.isoformat()
        link = reverse("timesheets:violation", args=[violation.pk])
        for user in _provider_users(timesheet.provider_id):
            notify(
                user=user,
                event=Event.VIOLATION_NOTICE,
                context=context,
                key=f"violation:{violation.pk}",
                link=link,
            )
        provider_name = timesheet.provider.full_name
        for recipient_id in recipient_ids:
            for user in _recipient_users(recipient_id):
                notify(
                    user=user,
                    event=Event.VIOLATION_NOTICE,
                    context={**context, "provider_name": provider_name},
                    key=f"violation:{violation.pk}",
                )
    return violation


def barred_until(provider_id: int, today: dt.date) -> dt.date | None:
    """The last day of a suspension or ineligibility in force today, if any."""
    standing = [
        v
        for v in Violation.objects.filter(provider_id=provider_id)
        .filter(
            Q(suspended_from__lte=today, suspended_until__gte=today)
            | Q(ineligible_from__lte=today, ineligible_until__gte=today)
        )
        .exclude(dispute=Violation.Dispute.UPHELD)
    ]
    ends = [d for v in standing for d in (v.suspended_until, v.ineligible_until) if d]
    return max(ends) if ends else None


def file_dispute(*, violation: Violation, filed_on: dt.date, by: User) -> Violation:
    """County staff record a provider's dispute (SOC 2272), which must come within the
    dispute days of the notice."""
    with transaction.atomic():
        locked = Violation.objects.select_for_update().get(pk=violation.pk)
        if locked.dispute:
            raise TimesheetError(_("A dispute was already recorded for this violation."))
        if locked.dispute_by is None or filed_on > locked.dispute_by:
            raise TimesheetError(
                _("The dispute came after its last day (%(day)s).")
                % {"day": date_format(locked.dispute_by or locked.noticed_on, "DATE_FORMAT")}
            )
        if filed_on < locked.noticed_on:
            raise TimesheetError(_("A dispute cannot come before the notice."))
        locked.dispute = Violation.Dispute.FILED
        locked.dispute_filed_on = filed_on
        locked.save(update_fields=["dispute", "dispute_filed_on"])
        audit.record(
            actor=by,
            action="violation.dispute_filed",
            subject=locked,
            after={"dispute_filed_on": filed_on.isoformat()},
        )
    return locked


def decide_dispute(*, violation: Violation, upheld: bool, reason: str, by: User) -> Violation:
    """The county's decision on a filed dispute. Upheld: the violation is cancelled, with
    its suspension or ineligibility; denied: it stands."""
    reason = reason.strip()
    if not reason:
        raise TimesheetError(_("Give the reason for the decision; it is kept in the history."))
    with transaction.atomic():
        locked = Violation.objects.select_for_update().get(pk=violation.pk)
        if locked.dispute != Violation.Dispute.FILED:
            raise TimesheetError(_("No dispute is waiting for a decision."))
        locked.dispute = Violation.Dispute.UPHELD if upheld else Violation.Dispute.DENIED
        locked.dispute_note = reason[:1000]
        locked.save(update_fields=["dispute", "dispute_note"])
        audit.record(
            actor=by,
            action="violation.dispute_decided",
            subject=locked,
            after={"dispute": locked.dispute},
            reason=locked.dispute_note,
        )
    return locked


def record_training(*, violation: Violation, completed_on: dt.date, by: User) -> Violation:
    """The one-time self-study training, finished within its days, rescinds a second
    violation (once in a career)."""
    with transaction.atomic():
        Provider.objects.select_for_update().filter(pk=violation.provider_id).values("pk").get()
        history = _history(violation.provider_id)
        locked = next(v for v in history if v.pk == violation.pk)
        try:
            rules.complete_training(
                [_ledger_entry(v) for v in history],
                _ledger_entry(locked),
                completed_on=completed_on,
                training_used_before=_training_used(history),
                policy=violation_policy(locked.noticed_on),
            )
        except ValueError:
            raise TimesheetError(
                _(
                    "The training cancels only a second violation, once in a career, when "
                    "finished by its due date."
                )
            ) from None
        locked.rescinded = True
        locked.training_completed_on = completed_on
        locked.save(update_fields=["rescinded", "training_completed_on"])
        audit.record(
            actor=by,
            action="violation.training_completed",
            subject=locked,
            after={"training_completed_on": completed_on.isoformat()},
        )
    return locked


def outcome_of(violation: Violation) -> rules.ViolationOutcome:
    """The ledger step of a stored violation, as rules.record_violation gave it."""
    return rules.ViolationOutcome(
        occurred_on=violation.week_start,
        noticed_on=violation.noticed_on,
        counted=violation.counted,
        number=violation.number,
        consequence=violation.consequence,
        dispute_by=violation.dispute_by,
        training_due=violation.training_due,
        suspended_from=violation.suspended_from,
        suspended_until=violation.suspended_until,
        ineligible_from=violation.ineligible_from,
        ineligible_until=violation.ineligible_until,
    )


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
        raise TimesheetError(_("Give the reason for the exception; it is kept in the history."))
    if (
        provider is not None
        and not Assignment.objects.filter(
            provider=provider, recipient=recipient, program=program
        ).exists()
    ):
        raise TimesheetError(_("This provider is not assigned to this recipient."))
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
        for row in TravelAgreement.objects.filter(
            provider_id=ts.provider_id, effective_from__lte=last
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=first))
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
            effective_from__lte=timesheet.period_end,
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=timesheet.period_start))
        .select_related("from_recipient")
        .defer("from_recipient__ssn")
        .order_by("from_recipient__last_name", "from_recipient__first_name", "from_recipient_id")
    )
    origins: dict[int, Recipient] = {}
    for agreement in agreements:
        origins.setdefault(agreement.from_recipient_id, agreement.from_recipient)
    return list(origins.values())


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


# --- Paid sick leave ------------------------------------------------------------------------


class SickLeaveError(TimesheetError):
    """A sick leave step refused, with its message and the rules' refusals."""


@dataclass(frozen=True)
class SickLeave:
    """A provider's paid sick leave in the fiscal year containing `today`: the balance,
    and the policy of that year (None before paid sick leave began)."""

    balance: rules.SickLeaveBalance
    policy: rules.SickLeavePolicy | None


def _sick_leave(provider_id: int, *, today: dt.date, until: dt.date) -> SickLeave:
    worked = [
        (row["day"], row["total"])
        for row in DayEntry.objects.filter(
            timesheet__provider_id=provider_id,
            timesheet__status__in=Timesheet.COUNTED_FOR_OTHERS,
            day__lte=today,
        )
        .values("day")
        .annotate(total=Sum("minutes"))
        .order_by("day")
    ]
    claims = list(
        SickLeaveClaim.objects.filter(
            provider_id=provider_id, status__in=SickLeaveClaim.USED
        ).values_list("day", "minutes")
    )
    policies = sick_leave_policies(until)
    balance = rules.sick_leave_balance(
        worked=worked, claims_used=claims, policy_for=policies.get, today=today
    )
    return SickLeave(balance, policies.get(rules.fiscal_year_containing(today).start))


def balance_for(provider: Provider, today: dt.date | None = None) -> SickLeave:
    """The provider's paid sick leave on `today`: worked minutes per day from their
    submitted and approved timesheets (all time, added up per day in SQL), claims
    waiting or approved as used, and the policy of each fiscal year. Three queries."""
    today = today or timezone.localdate()
    return _sick_leave(provider.pk, today=today, until=today)


def claim_sick_leave(
    *,
    provider: Provider,
    recipient: Recipient,
    program: str,
    day: dt.date,
    minutes: int,
    by: User,
    today: dt.date | None = None,
) -> SickLeaveClaim:
    """The provider claims `minutes` of paid sick leave taken on `day`, for the recipient
    whose care was missed (who then approves or rejects it). Needs an assignment with
    that recipient and program on that day, and every rule of check_sick_leave_claim:
    usable on that day, at least 1 hour then steps of 30 minutes, within the balance of
    the day's fiscal year. The provider is locked first, so two claims at the same moment
    cannot both spend the same hours."""
    today = today or timezone.localdate()
    assigned = (
        Assignment.objects.filter(
            provider=provider, recipient=recipient, program=program, start_date__lte=day
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .exists()
    )
    if not assigned:
        raise SickLeaveError(_("You were not assigned to this recipient on that day."))
    with transaction.atomic():
        Provider.objects.select_for_update().filter(pk=provider.pk).values_list(
            "pk", flat=True
        ).get()
        # The balance of the claim's fiscal year, as it stood on the claim's day.
        leave = _sick_leave(provider.pk, today=day, until=max(day, today))
        if leave.policy is None:
            refusals = [rules.Refusal(rules.SICK_NOT_YET_USABLE, day, minutes, 0)]
        else:
            refusals = rules.check_sick_leave_claim(
                minutes, balance=leave.balance, day=day, policy=leave.policy, today=today
            )
        if refusals:
            raise SickLeaveError(_("The sick leave was not claimed: it breaks a rule."), refusals)
        if SickLeaveClaim.objects.filter(
            provider=provider,
            recipient=recipient,
            program=program,
            day=day,
            status__in=SickLeaveClaim.USED,
        ).exists():
            raise SickLeaveError(
                _("You already claimed sick leave for this recipient on that day.")
            )
        claim = SickLeaveClaim.objects.create(
            provider=provider, recipient=recipient, program=program, day=day, minutes=minutes
        )
        audit.record(
            actor=by,
            action="sick_leave.claimed",
            subject=claim,
            after={
                "status": claim.status,
                "day": day.isoformat(),
                "minutes": minutes,
                "program": program,
                "balance_before": leave.balance.balance,
            },
        )
    return claim


def _locked_claim(claim: SickLeaveClaim) -> SickLeaveClaim:
    return (
        SickLeaveClaim.objects.select_for_update(of=("self",))
        .select_related("provider", "recipient")
        .get(pk=claim.pk)
    )


def approve_sick_leave(*, claim: SickLeaveClaim, by: User) -> SickLeaveClaim:
    """The recipient (or representative) approves the claim. Approving twice is
    harmless; a claim no longer waiting cannot be approved."""
    with transaction.atomic():
        locked = _locked_claim(claim)
        if locked.status == SickLeaveClaim.Status.APPROVED:
            return locked
        if locked.status != SickLeaveClaim.Status.SUBMITTED:
            raise SickLeaveError(_("This sick leave claim is not waiting for your review."))
        locked.status = SickLeaveClaim.Status.APPROVED
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(
            actor=by,
            action="sick_leave.approved",
            subject=locked,
            before={"status": SickLeaveClaim.Status.SUBMITTED.value},
            after={"status": locked.status},
        )
    return locked


def reject_sick_leave(*, claim: SickLeaveClaim, by: User, reason: str) -> SickLeaveClaim:
    """The recipient does not approve the claim, and says why; its hours go back to the
    provider's balance. Rejecting twice is harmless."""
    reason = reason.strip()
    if not reason:
        raise SickLeaveError(_("Say why you do not approve it, so the provider knows."))
    with transaction.atomic():
        locked = _locked_claim(claim)
        if locked.status == SickLeaveClaim.Status.REJECTED:
            return locked
        if locked.status != SickLeaveClaim.Status.SUBMITTED:
            raise SickLeaveError(_("This sick leave claim is not waiting for your review."))
        locked.status = SickLeaveClaim.Status.REJECTED
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.rejection_reason = reason[:1000]
        locked.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
        audit.record(
            actor=by,
            action="sick_leave.rejected",
            subject=locked,
            before={"status": SickLeaveClaim.Status.SUBMITTED.value},
            after={"status": locked.status},
            reason=locked.rejection_reason,
        )
    return locked
