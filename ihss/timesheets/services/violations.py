"""Overtime violations (ACL 16-36): found on approval, disputed, reviewed, trained off."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ihss.accounts.models import User
from ihss.cases.models import Provider
from ihss.core import audit
from ihss.notifications.events import Event
from ihss.notifications.services import notify
from ihss.timesheets import rules, services
from ihss.timesheets.models import DayEntry, Timesheet, TravelEntry, Violation
from ihss.timesheets.policies import violation_policy
from ihss.timesheets.services.base import TimesheetError, _provider_users, _recipient_users
from ihss.timesheets.services.reading import HourPicture

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
    pic = services.picture(timesheet, statuses=[Timesheet.Status.APPROVED])
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
                        code, exempt=pic.provider.is_exempt(week.start), limits=pic.limits
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
