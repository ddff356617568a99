"""A provider's withholding requests: income tax withheld only when asked (a W-4 or DE 4
amount per paycheck), and SDI coverage a family provider may elect (ihss-facts 5.3).

A request is a new `WithholdingElection` in force from today; the one before ends
yesterday (or, made earlier today, is replaced). Union dues and a health premium come
from the union and the plan, not from the provider: they carry over unchanged. Asking
again for what is in force changes nothing (a double tap, two tabs).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ihss.cases.models import Provider
from ihss.core import audit
from ihss.payroll.models import WithholdingElection

REQUESTED = "payroll.withholding_requested"


def _values(election: WithholdingElection | None) -> dict[str, Any]:
    if election is None:
        return {
            "federal_income_tax_cents": 0,
            "state_income_tax_cents": 0,
            "elective_sdi": False,
            "union_dues_bp": 0,
            "health_premium_cents": 0,
        }
    return {
        "federal_income_tax_cents": election.federal_income_tax_cents,
        "state_income_tax_cents": election.state_income_tax_cents,
        "elective_sdi": election.elective_sdi,
        "union_dues_bp": election.union_dues_bp,
        "health_premium_cents": election.health_premium_cents,
    }


def in_force(provider: Provider, on: dt.date) -> WithholdingElection | None:
    return (
        WithholdingElection.objects.in_force_on(on)
        .filter(provider=provider)
        .order_by("-effective_from")
        .first()
    )


def request_withholding(
    *,
    provider: Provider,
    federal_income_tax_cents: int,
    state_income_tax_cents: int,
    elective_sdi: bool,
    by: Any,
    today: dt.date,
) -> tuple[WithholdingElection | None, bool]:
    """Record what the provider asks to have withheld from today; (election, changed)."""
    if federal_income_tax_cents < 0 or state_income_tax_cents < 0:
        raise ValueError("an amount withheld cannot be negative")
    with transaction.atomic():
        Provider.objects.select_for_update().only("pk").get(pk=provider.pk)
        current = in_force(provider, today)
        before = _values(current)
        after = {
            **before,
            "federal_income_tax_cents": federal_income_tax_cents,
            "state_income_tax_cents": state_income_tax_cents,
            "elective_sdi": elective_sdi,
        }
        if after == before:
            return current, False
        if current is not None and current.effective_from == today:
            for field, value in after.items():
                setattr(current, field, value)
            current.save(update_fields=list(after))
            election = current
        else:
            if current is not None:
                current.effective_to = today - dt.timedelta(days=1)
                current.save(update_fields=["effective_to"])
            election = WithholdingElection.objects.create(
                provider=provider, effective_from=today, **after
            )
        audit.record(
            actor=by,
            action=REQUESTED,
            subject=provider,
            before=before,
            after=after,
        )
        return election, True
