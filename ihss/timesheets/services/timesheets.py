"""A timesheet's own workflow: open, save a week, submit, approve, reject.

`submit` locks the provider and the recipient first so that two submissions at the same
moment cannot both pass a cap, then checks with the same rules as `check`."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ihss.accounts.models import User
from ihss.cases.models import Assignment, AuthorizedHours, Provider, Recipient
from ihss.core import audit, decisions
from ihss.core import visits as core_visits
from ihss.core.names import same_name
from ihss.core.parameters import parameters
from ihss.core.refusals import ServiceRefused
from ihss.notifications.events import Event
from ihss.notifications.services import notify
from ihss.timesheets import rules, services
from ihss.timesheets.models import DayEntry, Timesheet
from ihss.timesheets.policies import REVIEW_PARAMETERS
from ihss.timesheets.services import visits as visit_rules
from ihss.timesheets.services.base import (
    DayInput,
    TimesheetError,
    _locked,
    _period_context,
    _provider_users,
    _recipient_users,
)
from ihss.timesheets.services.reading import _in_force, _month_end, remaining, travel_picture
from ihss.timesheets.services.violations import barred_until, find_violations

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


# --- Workflow steps -------------------------------------------------------------------------


def _snapshot(days: Iterable[DayEntry]) -> dict[str, dict[str, Any]]:
    """The days as the history shows them: {"2026-11-02": {"minutes": 480, ...}}, with
    the reason a day differs from its check-in and check-out when it does."""
    return {
        d.day.isoformat(): {
            "minutes": d.minutes,
            "start": d.start.strftime("%H:%M") if d.start else "",
            "end": d.end.strftime("%H:%M") if d.end else "",
            "location": d.location,
            **({"evv_reason": d.evv_reason} if d.evv_reason else {}),
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
        raise TimesheetError(_("That pay period has not started yet."), field="day", conflict=False)
    covered = (
        Assignment.objects.filter(provider=provider, recipient=recipient, program=program)
        .in_force(period.start, period.end)
        .exists()
    )
    if not covered:
        raise TimesheetError(
            _("You are not assigned to this recipient in this pay period."),
            field="day",
            conflict=False,
        )
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
    Saving keeps what was typed even when a rule would refuse it; `submit` decides.

    A day whose start, end or location differ from its check-in and check-out (EVV) needs
    the provider's reason, unless it was saved so already: refused without it, nothing
    saved. The reason is kept on the day and, in the same transaction, recorded on the
    day's visits (`ihss.core.visits.correct_day`), which then say what was reported."""
    period_days = {
        d: v for d, v in days.items() if timesheet.period_start <= d <= timesheet.period_end
    }
    with transaction.atomic():
        locked = Timesheet.objects.select_for_update().get(pk=timesheet.pk)
        if not locked.editable:
            raise TimesheetError(_("This timesheet was sent and can no longer be changed."))
        existing = {d.day: d for d in locked.days.filter(day__in=period_days)}
        # Read after the lock: a save repeated at the same moment sees the visits the
        # first one corrected, and corrects nothing twice.
        seen = (
            core_visits.day_visits(
                locked.provider_id,
                locked.recipient_id,
                locked.program,
                min(period_days),
                max(period_days),
            )
            if period_days
            else {}
        )
        before = _snapshot(existing.values())
        keep: list[DayEntry] = []
        corrections: list[tuple[dt.date, DayInput]] = []
        for day, typed in sorted(period_days.items()):
            if typed.minutes <= 0:
                continue
            times = visit_rules.reported(typed.start, typed.end, typed.location)
            if visit_rules.needs_reason(
                minutes=typed.minutes,
                times=times,
                reason=typed.reason,
                seen=seen.get(day),
                saved=existing.get(day),
            ):
                raise TimesheetError(
                    visit_rules.reason_missing(day),
                    code=visit_rules.REASON_REQUIRED,
                    field=f"{day.isoformat()}-{visit_rules.REASON}",
                    conflict=False,
                )
            day_seen = seen.get(day)
            if day_seen and typed.reason.strip() and times != visit_rules.said(day_seen):
                corrections.append((day, typed))
            keep.append(
                DayEntry(
                    timesheet=locked,
                    day=day,
                    minutes=typed.minutes,
                    start=typed.start,
                    end=typed.end,
                    location=typed.location,
                    evv_reason=visit_rules.kept_reason(
                        times=times, reason=typed.reason, seen=day_seen, saved=existing.get(day)
                    ),
                )
            )
        after = _snapshot(keep)
        if before != after:
            DayEntry.objects.filter(timesheet=locked, day__in=period_days).delete()
            DayEntry.objects.bulk_create(keep)
            audit.record(
                actor=by, action="timesheet.days_saved", subject=locked, before=before, after=after
            )
        for day, typed in corrections:
            _correct_visits(locked, day, typed, seen[day], by=by)
    return locked


def _correct_visits(
    timesheet: Timesheet, day: dt.date, typed: DayInput, seen: core_visits.DayVisits, *, by: User
) -> None:
    """Tell EVV what the provider reported instead of the day's visits, and why; a time
    they did not change is left as the visits have it."""
    start, end, _location = visit_rules.said(seen)
    try:
        core_visits.correct_day(
            provider_id=timesheet.provider_id,
            recipient_id=timesheet.recipient_id,
            program=timesheet.program,
            day=day,
            start=typed.start if visit_rules.minute(typed.start) != start else None,
            end=typed.end if visit_rules.minute(typed.end) != end else None,
            location=typed.location,
            reason=typed.reason.strip(),
            by=by,
        )
    except ServiceRefused as refused:
        # Nothing is saved: the whole week's save is undone with it.
        raise TimesheetError(
            refused.message,
            code=refused.code,
            field=f"{day.isoformat()}-{refused.field}" if refused.field else None,
            conflict=refused.conflict,
        ) from None


def days_left(timesheet: Timesheet, today: dt.date) -> int:
    """The days of the timesheet's pay period still to come after `today` (the provider's
    local date): 0 on its last day and after."""
    return max((timesheet.period_end - today).days, 0)


def early_send_refusal(timesheet: Timesheet, today: dt.date) -> TimesheetError:
    """Why a period cannot be sent before its last day without the provider confirming
    that no more care will be given in it (sending locks it: ihss-facts 2.2)."""
    count = days_left(timesheet, today)
    return TimesheetError(
        ngettext(
            "This pay period ends on %(end)s; %(count)d more day is still to come. Confirm "
            "that you will give no more care in this period before sending it: you cannot "
            "add days to it unless it is returned to you.",
            "This pay period ends on %(end)s; %(count)d more days are still to come. Confirm "
            "that you will give no more care in this period before sending it: you cannot "
            "add days to it unless it is returned to you.",
            count,
        )
        % {"end": date_format(timesheet.period_end, "DATE_FORMAT"), "count": count},
        code="confirm_early",
        field="confirm_early",
        conflict=False,
    )


def submit(
    *,
    timesheet: Timesheet,
    by: User,
    today: dt.date | None = None,
    confirm_early: bool = False,
) -> Timesheet:
    """Send the timesheet to the recipient, if every hour rule allows it.

    Before the pay period's last day (in the provider's local date) the provider may still
    send it, as the state's portal allows once the period's work is done, but only with
    `confirm_early`: sending locks the period against more days until it is returned.

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
        pic = services.picture(locked)
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
        if days_left(locked, today) and not confirm_early:
            raise early_send_refusal(locked, today)
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


APPROVE = decisions.Step(
    waiting=Timesheet.Status.SUBMITTED,
    decided=Timesheet.Status.APPROVED,
    action="timesheet.approved",
    not_waiting=lambda: TimesheetError(_("This timesheet is not waiting for your review.")),
)
RETURN = decisions.Step(
    waiting=Timesheet.Status.SUBMITTED,
    decided=Timesheet.Status.REJECTED,
    action="timesheet.rejected",
    not_waiting=lambda: TimesheetError(_("This timesheet is not waiting for your review.")),
)


SIGNATURE_MISMATCH = "signature_mismatch"
SIGNATURE_NO_NAME = "signature_no_name_on_record"


def check_signature(
    *, signature: str, by: User, recipient: Recipient, as_representative: bool
) -> None:
    """Refuse a typed signature that is not the signer's name on record: the recipient's
    (with or without the middle name) or, for an authorized representative, the name the
    county gave the representative's own account. Case, accents and extra spaces do not
    matter. The message names only the signer's own name."""
    if not signature.split():
        raise TimesheetError(_("Type your full name to sign."), field="signature", conflict=False)
    if as_representative:
        own = " ".join(p for p in (by.first_name, by.last_name) if p.strip())
        if not own:
            raise TimesheetError(
                _(
                    "Your name as the authorized representative is not on record, so your "
                    "signature cannot be checked. Call your county IHSS office to add it."
                ),
                code=SIGNATURE_NO_NAME,
                field="signature",
                conflict=False,
            )
        if not same_name(signature, own):
            raise TimesheetError(
                _(
                    "The name you typed is not your name on record. As the authorized "
                    "representative, type your own full name: %(name)s."
                )
                % {"name": own},
                code=SIGNATURE_MISMATCH,
                field="signature",
                conflict=False,
            )
        return
    short = f"{recipient.first_name} {recipient.last_name}"
    if not same_name(signature, recipient.full_name, short):
        raise TimesheetError(
            _(
                "The name you typed is not your name on your case record. Type your full "
                "name: %(name)s."
            )
            % {"name": short},
            code=SIGNATURE_MISMATCH,
            field="signature",
            conflict=False,
        )


def session_fingerprint(session_key: str | None) -> str:
    """What the record keeps of the session a signature was typed in: a hash of its key."""
    return hashlib.sha256(session_key.encode()).hexdigest() if session_key else ""


def approve(
    *,
    timesheet: Timesheet,
    by: User,
    signature: str,
    as_representative: bool = False,
    session_key: str | None = None,
) -> Timesheet:
    """The recipient's (or representative's) electronic signature: the typed name must be
    the signer's name on record (`check_signature`). The record keeps what was typed, who
    signed (`decided_by`), in which role, when, and a hash of the session. Approving twice
    is harmless; a timesheet no longer waiting cannot be approved."""
    signature = " ".join(signature.split())
    check_signature(
        signature=signature,
        by=by,
        recipient=timesheet.recipient,
        as_representative=as_representative,
    )
    session = session_fingerprint(session_key)
    total = 0

    def stamp(locked: Timesheet) -> None:
        nonlocal total
        total = sum(locked.days.values_list("minutes", flat=True))
        flags = _review_flags(locked, total)
        if _passes_weekly_maximum(locked):
            flags.append(rules.RULE_OVERRIDE)
        locked.signature = signature[:120]
        locked.signed_as_representative = as_representative
        locked.signature_session = session
        locked.review_flags = flags
        locked.county_review = Timesheet.Review.WAITING if flags else Timesheet.Review.NONE
        return None  # every field saved

    def tell(locked: Timesheet) -> None:
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

    return decisions.decide(
        timesheet,
        step=APPROVE,
        by=by,
        related=("provider", "recipient"),
        stamp=stamp,
        after=lambda locked: {
            "signature": locked.signature,
            "representative": as_representative,
            "session": locked.signature_session,
            "county_review": locked.review_flags,
        },
        then=tell,
    )


def _passes_weekly_maximum(timesheet: Timesheet) -> bool:
    """Whether the recipient's hours pass the weekly maximum in a week of this timesheet
    where it has hours: allowed only by an adjustment or the county's exception, so the
    county looks before payroll."""
    pic = services.picture(timesheet)
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
        raise TimesheetError(
            _("Say what is wrong, so the provider can correct it."), field="reason", conflict=False
        )

    def tell(locked: Timesheet) -> None:
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

    return decisions.decide(
        timesheet, step=RETURN, by=by, reason=reason, related=("provider", "recipient"), then=tell
    )
