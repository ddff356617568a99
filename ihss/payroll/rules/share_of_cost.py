"""Share of cost: the part of a provider's wages a recipient pays directly (ihss-facts §5.2;
docs/payroll.md, "Withholdings and share of cost").

A recipient with a monthly share of cost (SOC) pays the first wages of the month up to
that amount to the provider herself; the State pays the rest. The provider still claims
every hour, the stub's gross is the full pay, and the deductions are taken from that full
gross (`withholding.withholdings`); only the State's payment is reduced by the share:

    net = gross - withholdings
    share of cost (paid by the recipient) = what `shares_of_cost` applies
    State's payment = net - share of cost

The month's share is met by whichever stubs of the month for that recipient come first,
across all of the recipient's providers. Pure: integer cents, no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class Note:
    APPLIED = "applied"  # the recipient pays this much of the stub
    MONTH_MET = "month_met"  # the month's share was already paid: the State pays it all
    LIMITED_BY_PAY = "limited_by_pay"  # less than the remaining share: the stub ran out


def share_of_cost(*, monthly_cents: int, applied_this_month_cents: int, gross_cents: int) -> int:
    """The share of cost applied on this stub for one recipient: what is left of the
    month's share, never more than the stub's gross from that recipient."""
    if monthly_cents < 0 or applied_this_month_cents < 0 or gross_cents < 0:
        raise ValueError("share of cost amounts cannot be negative")
    remaining = max(0, monthly_cents - applied_this_month_cents)
    return min(remaining, gross_cents)


@dataclass(frozen=True)
class ShareOfCostDue:
    """One recipient of the stub: the month's share (0 if none), what earlier stubs of
    the month already applied (for any provider), and the stub's gross from them."""

    recipient_id: int
    monthly_cents: int
    applied_this_month_cents: int
    gross_cents: int


@dataclass(frozen=True)
class ShareOfCostApplied:
    recipient_id: int
    amount_cents: int  # the recipient pays this to the provider; the State pays less by it
    remaining_cents: int  # of the month's share, after this stub
    note: str


def shares_of_cost(
    *, recipients: Sequence[ShareOfCostDue], net_cents: int
) -> list[ShareOfCostApplied]:
    """The share of cost of each recipient of the stub, in the order given.

    `net_cents` is the stub's gross less its withholdings: the State never pays less than
    nothing, so the shares together never exceed it. A share cut short by that stays due
    for a later stub of the month. Recipients with no share (monthly 0) are left out.
    """
    if net_cents < 0:
        raise ValueError("net pay cannot be negative")
    left = net_cents
    applied: list[ShareOfCostApplied] = []
    for due in recipients:
        if due.monthly_cents == 0:
            continue
        wanted = share_of_cost(
            monthly_cents=due.monthly_cents,
            applied_this_month_cents=due.applied_this_month_cents,
            gross_cents=due.gross_cents,
        )
        amount = min(wanted, left)
        left -= amount
        remaining = max(0, due.monthly_cents - due.applied_this_month_cents) - amount
        if amount < wanted:
            note = Note.LIMITED_BY_PAY
        elif amount == 0 and due.applied_this_month_cents >= due.monthly_cents:
            note = Note.MONTH_MET
        else:
            note = Note.APPLIED
        applied.append(ShareOfCostApplied(due.recipient_id, amount, remaining, note))
    return applied
