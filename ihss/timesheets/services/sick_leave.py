"""Paid sick leave: the balance, a claim, and the recipient's approval or rejection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ihss.accounts.models import User
from ihss.cases.models import Assignment, Provider, Recipient
from ihss.core import audit, decisions
from ihss.timesheets import rules
from ihss.timesheets.models import DayEntry, SickLeaveClaim, Timesheet
from ihss.timesheets.policies import sick_leave_policies
from ihss.timesheets.services.base import TimesheetError

# --- Paid sick leave ------------------------------------------------------------------------


class SickLeaveError(TimesheetError):
    """A sick leave step refused, with its message and the rules' refusals."""


@dataclass(frozen=True)
class SickLeave:
    """A provider's paid sick leave in the fiscal year containing `today`: the balance,
    and the policy of that year (None before paid sick leave began)."""

    balance: rules.SickLeaveBalance
    policy: rules.SickLeavePolicy | None


def starting_point(provider: Provider) -> rules.SickLeaveStart | None:
    """The county's starting point for a provider who worked before the portal."""
    start = provider.sick_leave_start
    if start is None:
        return None
    through, minutes, earned_on, usable_on = start
    return rules.SickLeaveStart(
        through=through, worked=minutes, earned_on=earned_on, usable_on=usable_on
    )


def _sick_leave(provider: Provider, *, today: dt.date, until: dt.date) -> SickLeave:
    provider_id = provider.pk
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
        worked=worked,
        claims_used=claims,
        policy_for=policies.get,
        today=today,
        start=starting_point(provider),
    )
    return SickLeave(balance, policies.get(rules.fiscal_year_containing(today).start))


def balance_for(provider: Provider, today: dt.date | None = None) -> SickLeave:
    """The provider's paid sick leave on `today`: worked minutes per day from their
    submitted and approved timesheets (all time, added up per day in SQL) after the
    county's starting point (the hours worked before the portal, and when leave was
    earned and usable), claims waiting or approved as used, and the policy of each
    fiscal year. Three queries."""
    today = today or timezone.localdate()
    return _sick_leave(provider, today=today, until=today)


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
        Assignment.objects.filter(provider=provider, recipient=recipient, program=program)
        .in_force_on(day)
        .exists()
    )
    if not assigned:
        raise SickLeaveError(
            _("You were not assigned to this recipient on that day."), field="day", conflict=False
        )
    with transaction.atomic():
        Provider.objects.select_for_update().filter(pk=provider.pk).values_list(
            "pk", flat=True
        ).get()
        # The balance of the claim's fiscal year, as it stood on the claim's day.
        leave = _sick_leave(provider, today=day, until=max(day, today))
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
                _("You already claimed sick leave for this recipient on that day."),
                field="day",
                conflict=False,
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


APPROVE = decisions.Step(
    waiting=SickLeaveClaim.Status.SUBMITTED,
    decided=SickLeaveClaim.Status.APPROVED,
    action="sick_leave.approved",
    not_waiting=lambda: SickLeaveError(_("This sick leave claim is not waiting for your review.")),
)
RETURN = decisions.Step(
    waiting=SickLeaveClaim.Status.SUBMITTED,
    decided=SickLeaveClaim.Status.REJECTED,
    action="sick_leave.rejected",
    not_waiting=lambda: SickLeaveError(_("This sick leave claim is not waiting for your review.")),
)
WAITING = {"status": SickLeaveClaim.Status.SUBMITTED.value}


def approve_sick_leave(*, claim: SickLeaveClaim, by: User) -> SickLeaveClaim:
    """The recipient (or representative) approves the claim. Approving twice is
    harmless; a claim no longer waiting cannot be approved."""
    return decisions.decide(
        claim, step=APPROVE, by=by, related=("provider", "recipient"), before=WAITING
    )


def reject_sick_leave(*, claim: SickLeaveClaim, by: User, reason: str) -> SickLeaveClaim:
    """The recipient does not approve the claim, and says why; its hours go back to the
    provider's balance. Rejecting twice is harmless."""
    reason = reason.strip()
    if not reason:
        raise SickLeaveError(
            _("Say why you do not approve it, so the provider knows."),
            field="reason",
            conflict=False,
        )
    return decisions.decide(
        claim, step=RETURN, by=by, reason=reason, related=("provider", "recipient"), before=WAITING
    )
