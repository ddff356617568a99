"""Assembling and writing paystubs for a batch of providers (called by services/runs.py).

Everything a batch needs beyond its lines (each provider's county and birth date, the
family ties that exempt wages from taxes, withholding elections, the year's earlier
withholding lines, shares of cost and what earlier stubs of the month applied) is read for
the whole batch in a few queries, never per provider.

The tax year of a run is the year of the day after its period ends (a Dec 16-31 run is paid
in January, and wages count in the year they are paid); its quarter likewise.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import cast

from django.db.models import F, Sum

from ihss.cases.models import Assignment, Provider
from ihss.core import bulk, parameters
from ihss.core.lookups import among
from ihss.payroll.models import (
    Deduction,
    PayLine,
    PayrollRun,
    Paystub,
    ShareOfCost,
    ShareOfCostPaid,
    WithholdingElection,
)
from ihss.payroll.rules import withholding as tax
from ihss.payroll.rules.pay import Line, Part
from ihss.payroll.rules.share_of_cost import ShareOfCostDue, shares_of_cost

WORKED = frozenset({"hours", "travel", "training"})
SICK_LEAVE = "sick_leave"
ADULT_AGE = 18


@dataclass
class ProviderPay:
    """One provider's lines in a run, and the documents the run pays them for."""

    provider_id: int
    lines: Sequence[Line]
    documents: set[tuple[str, int]] = field(default_factory=set)


def tax_day(run: PayrollRun) -> dt.date:
    """The day whose year and quarter a run's wages count in."""
    return run.period_end + dt.timedelta(days=1)


def _quarter_start(day: dt.date) -> dt.date:
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


@dataclass
class _Batch:
    """What a batch of providers' withholdings and shares of cost need, read at once."""

    run: PayrollRun
    providers: dict[int, tuple[int, dt.date]]  # county, date of birth
    family: dict[tuple[int, int], str]
    elections: dict[int, tax.Elections]
    ytd: dict[int, dict[int, tax.YearToDate]]
    paid_this_month: set[int]  # providers with an earlier stub for this month
    shares: dict[int, int]  # recipient -> monthly share of cost in force
    applied: dict[int, int]  # recipient -> share applied by earlier stubs this month
    policy: tax.WithholdingPolicy

    @classmethod
    def read(cls, run: PayrollRun, batch: Sequence[ProviderPay], recipients: set[int]) -> _Batch:
        """What `batch` needs, whose lines are for `recipients`."""
        # A set: Django looks into each value of a list or tuple for expressions.
        ids = frozenset(p.provider_id for p in batch)
        day = run.period_end
        taxed = tax_day(run)
        year, quarter = taxed.replace(month=1, day=1), _quarter_start(taxed)
        month = run.period_start.replace(day=1)
        family: dict[tuple[int, int], str] = {}
        for provider, recipient, relation in (
            Assignment.objects.filter(among("provider_id", ids))
            .order_by("start_date", "pk")
            .values_list("provider_id", "recipient_id", "family_relationship")
        ):
            family[(provider, recipient)] = relation
        elections = {
            e.provider_id: e.elections()
            for e in WithholdingElection.objects.in_force_on(day).filter(among("provider_id", ids))
        }
        ytd: dict[int, dict[int, tax.YearToDate]] = defaultdict(dict)
        # The earlier runs of the tax year and of the month, found first (a few): their
        # stubs are then looked up by run and provider, never by scanning this run's own,
        # written as it goes.
        year_end = year - dt.timedelta(days=1)
        earlier = list(
            PayrollRun.objects.filter(
                period_end__gte=min(year_end, month), period_end__lt=run.period_start
            )
            .exclude(pk=run.pk)
            .values_list("pk", "period_start", "period_end")
        )
        this_year = frozenset(pk for pk, _start, end in earlier if end >= year_end)
        this_month = frozenset(pk for pk, start, _end in earlier if start >= month)
        totals: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        rows = (
            Deduction.objects.filter(
                among("stub__provider_id", ids),
                stub__run_id__any_of=this_year,
                recipient__isnull=False,
                code__in=[tax.SOCIAL_SECURITY, tax.MEDICARE, tax.SDI],
            )
            .values("stub__provider_id", "recipient_id", "code", "stub__run__period_end")
            .annotate(
                counted=Sum("counted_cents"),
                base=Sum("base_cents"),
                unpaid=Sum(F("tax_cents") - F("amount_cents")),
            )
            .order_by()
            if this_year
            else []
        )
        for row in rows:
            provider, recipient, code = row["stub__provider_id"], row["recipient_id"], row["code"]
            counted, base, unpaid = row["counted"], row["base"], row["unpaid"]
            period_end = row["stub__run__period_end"]
            in_quarter = period_end + dt.timedelta(days=1) >= quarter
            key = totals[(provider, recipient)]
            if code == tax.SOCIAL_SECURITY:
                key["fica"] += counted
                key["ss_taxed"] += base
                key["ss_unpaid"] += unpaid
            elif code == tax.MEDICARE:
                key["medicare_taxed"] += base
                key["medicare_unpaid"] += unpaid
            elif in_quarter:
                key["sdi"] += counted
                key["sdi_taxed"] += base
                key["sdi_unpaid"] += unpaid
        for (provider, recipient), t in totals.items():
            ytd[provider][recipient] = tax.YearToDate(
                recipient_id=recipient,
                fica_wages_cents=t["fica"],
                social_security_taxed_cents=t["ss_taxed"],
                social_security_unpaid_cents=t["ss_unpaid"],
                medicare_taxed_cents=t["medicare_taxed"],
                medicare_unpaid_cents=t["medicare_unpaid"],
                sdi_wages_quarter_cents=t["sdi"],
                sdi_taxed_quarter_cents=t["sdi_taxed"],
                sdi_unpaid_quarter_cents=t["sdi_unpaid"],
            )
        paid_this_month = (
            set(
                Paystub.objects.filter(
                    among("provider_id", ids), run_id__any_of=this_month
                ).values_list("provider_id", flat=True)
            )
            if this_month
            else set()
        )
        shares = dict(
            ShareOfCost.objects.in_force_on(day)
            .filter(recipient_id__any_of=recipients)
            .values_list("recipient_id", "monthly_cents")
        )
        applied = dict(
            ShareOfCostPaid.objects.filter(recipient_id__any_of=frozenset(shares), month=month)
            .values_list("recipient_id")
            .annotate(total=Sum("amount_cents"))
            .values_list("recipient_id", "total")
        )
        return cls(
            run=run,
            providers={
                pk: (county, born)
                for pk, county, born in Provider.objects.filter(among("pk", ids))
                .order_by()
                .values_list("pk", "county_id", "date_of_birth")
            },
            family=family,
            elections=elections,
            ytd=dict(ytd),
            paid_this_month=paid_this_month,
            shares=shares,
            applied=applied,
            policy=tax.WithholdingPolicy.from_parameters(
                parameters.parameters(tax.WithholdingPolicy.keys(), on=day)
            ),
        )


def _adult_on(born: dt.date, day: dt.date) -> bool:
    try:
        birthday = born.replace(year=born.year + ADULT_AGE)
    except ValueError:  # born on Feb 29
        birthday = dt.date(born.year + ADULT_AGE, 3, 1)
    return day >= birthday


def write(*, run: PayrollRun, batch: Sequence[ProviderPay]) -> list[int]:
    """Insert the stubs, lines, deductions and shares of cost of `batch` (inside the
    caller's transaction) and return the stubs' keys, in the batch's order.

    Everything is written as plain rows, with no model instance each: a state's run writes
    millions of them (docs/benchmarks.md, "Payroll")."""
    month = run.period_start.replace(day=1)
    stubs: list[tuple[object, ...]] = []
    withheld: list[list[tax.Withholding]] = []
    shares: list[list[tuple[int, int]]] = []  # (recipient, amount) applied by each stub
    notes: dict[tuple[int, int], str] = {}
    regular, overtime = Part.REGULAR, Part.OVERTIME
    # One pass over the lines (unpacked: a state's run has millions): each stub's gross,
    # gross by recipient and minutes, and the batch's recipients.
    sums: list[tuple[int, int, int, int, dict[int, int]]] = []
    recipients: set[int] = set()
    for pay in batch:
        gross = regular_minutes = overtime_minutes = sick_minutes = 0
        gross_of: dict[Hashable, int] = {}
        for (_source, _document, recipient, _county, _program, kind, part, _week, _first,
             _last, minutes, _rate, _times, cents, _in_week, _recipients, _limit
             ) in pay.lines:  # fmt: skip
            gross += cents
            if recipient is not None:
                gross_of[recipient] = gross_of.get(recipient, 0) + cents
            if kind in WORKED:
                if part == regular:
                    regular_minutes += minutes
                elif part == overtime:
                    overtime_minutes += minutes
            elif kind == SICK_LEAVE:
                sick_minutes += minutes
        by_recipient = cast("dict[int, int]", gross_of)  # a run's recipients are keys
        recipients.update(by_recipient)
        sums.append((gross, regular_minutes, overtime_minutes, sick_minutes, by_recipient))
    context = _Batch.read(run, batch, recipients)
    nothing = tax.Elections.nothing()  # most providers asked for nothing: built once
    adult: dict[dt.date, bool] = {}  # by date of birth
    for pay, (gross, regular_minutes, overtime_minutes, sick_minutes, by_recipient) in zip(
        batch, sums, strict=True
    ):
        county, born = context.providers[pay.provider_id]
        grown_up = adult.get(born)
        if grown_up is None:
            grown_up = adult[born] = _adult_on(born, run.period_end)
        minor = not grown_up
        lines = tax.withholdings(
            policy=context.policy,
            earnings=[
                tax.Earning(
                    recipient_id=recipient,
                    gross_cents=cents,
                    family=context.family.get((pay.provider_id, recipient), ""),
                    provider_is_minor=minor,
                )
                for recipient, cents in sorted(by_recipient.items())
            ],
            ytd=context.ytd.get(pay.provider_id, {}),
            elections=context.elections.get(pay.provider_id) or nothing,
            first_stub_of_month=pay.provider_id not in context.paid_this_month,
        )
        deductions = sum(line.amount_cents for line in lines)
        net = gross - deductions
        applied = (
            shares_of_cost(
                recipients=[
                    ShareOfCostDue(
                        recipient_id=recipient,
                        monthly_cents=context.shares[recipient],
                        applied_this_month_cents=context.applied.get(recipient, 0),
                        gross_cents=cents,
                    )
                    for recipient, cents in sorted(by_recipient.items())
                    if recipient in context.shares
                ],
                net_cents=net,
            )
            if context.shares
            else []
        )
        for share in applied:
            context.applied[share.recipient_id] = (
                context.applied.get(share.recipient_id, 0) + share.amount_cents
            )
            notes[(len(stubs), share.recipient_id)] = share.note
        share_of_cost = sum(share.amount_cents for share in applied)
        stubs.append(
            (
                run.pk,
                pay.provider_id,
                county,
                gross,
                deductions,
                net,
                share_of_cost,
                net - share_of_cost,
                regular_minutes,
                overtime_minutes,
                sick_minutes,
                "",
            )  # fmt: skip
        )
        withheld.append(lines)
        shares.append([(share.recipient_id, share.amount_cents) for share in applied])
    keys = bulk.insert_rows_with_keys(Paystub, STUB_FIELDS, stubs)
    bulk.insert_rows(PayLine, PAY_LINE_FIELDS, _pay_line_rows(keys, batch))
    bulk.insert_rows(
        Deduction,
        DEDUCTION_FIELDS,
        # A Withholding's fields are DEDUCTION_FIELDS after the stub and number, in order.
        [
            (key, number, *line)
            for key, lines in zip(keys, withheld, strict=True)
            for number, line in enumerate(lines, 1)
        ],
    )
    bulk.insert_rows(
        ShareOfCostPaid,
        ("stub_id", "recipient_id", "month", "monthly_cents", "amount_cents", "note"),
        [
            (key, recipient, month, context.shares[recipient], amount, notes[(n, recipient)])
            for n, (key, applied_shares) in enumerate(zip(keys, shares, strict=True))
            for recipient, amount in applied_shares
        ],
    )
    return keys


STUB_FIELDS = (
    "run_id", "provider_id", "county_id", "gross_cents", "deductions_cents", "net_cents",
    "share_of_cost_cents", "state_pays_cents", "regular_minutes", "overtime_minutes",
    "sick_leave_minutes", "method",
)  # fmt: skip
# Not written: `sick_leave` (the database's default, an empty object; JSON encoding it for
# each of a state's stubs took about a second).
PAY_LINE_FIELDS = (
    "stub_id", "number", "source", "document_id", "recipient_id", "county_id", "program",
    "kind", "part", "week_start", "first_day", "last_day", "minutes", "rate_cents",
    "multiplier_bp", "cents", "week_minutes", "week_recipients", "threshold_minutes",
)  # fmt: skip
DEDUCTION_FIELDS = (
    "stub_id", "number", "code", "recipient_id", "base_cents", "rate_bp", "counted_cents",
    "tax_cents", "carried_cents", "due_cents", "amount_cents", "note",
)  # fmt: skip
# Deduction and PayLine rows are built from the rules' tuples in their own field order
# (`write`, `_pay_line_rows`); ihss/payroll/tests/test_stub_rows.py holds the orders together.
# A run's lines carry the document's, recipient's and county's keys as ints (the sources'
# rows): the rules only ask that they be hashable.


def _pay_line_rows(keys: Sequence[int], batch: Sequence[ProviderPay]) -> list[tuple[object, ...]]:
    """Every PayLine's values of a batch, in PAY_LINE_FIELDS order: its stub's key (`keys`,
    in the batch's order) and its place on the stub, then the Line's fields."""
    return [
        (key, number, *line)
        for key, pay in zip(keys, batch, strict=True)
        for number, line in enumerate(pay.lines, 1)
    ]
