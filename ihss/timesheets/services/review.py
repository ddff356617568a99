"""County review of an approved timesheet before payroll: release, hold or void."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ihss.accounts.models import User
from ihss.core import audit
from ihss.timesheets import rules
from ihss.timesheets.models import Timesheet
from ihss.timesheets.services.base import TimesheetError


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
        raise TimesheetError(_("Choose release, hold or void."), field="decision", conflict=False)
    if not reason:
        raise TimesheetError(
            _("Give the reason for the decision; it is kept in the history."),
            field="reason",
            conflict=False,
        )
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
