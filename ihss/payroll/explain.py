"""A paystub in words: every line and deduction explains itself with its numbers.

The page, the PDF and the API show the same thing, assembled once here by `describe_stub`
(a few queries per stub, whatever its number of lines): the lines grouped by the document
they pay (a timesheet, a sick leave claim), each with a sentence such as "43 h in the week
of Dec. 6 across 3 recipients: 40 h regular, 3 h overtime at 1.5 × $20.00"; each deduction
with its rule ("Social Security: 6.2 % of $900.00"); the totals, the year to date, sick
leave and how the money was sent (bank accounts masked, never whole).

Every sentence is translated (gettext) and every number is formatted in the reader's
language (ihss/core/units.py, ihss/core/dates.py). A code this module does not know (a new
kind of pay, a new deduction or note) gets a plain generic sentence rather than an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from ihss.cases.models import Assignment, Program, Recipient
from ihss.core import parameters, payables
from ihss.core.dates import date_range, day_month, day_month_year, range_ends
from ihss.core.units import format_basis_points, format_cents, format_minutes
from ihss.payroll.models import Deduction, PayLine, Payment, PayrollRun, Paystub

BASIS_POINTS = 10_000  # 1x as a multiplier in basis points (a unit, not a rule's number)

KIND_LABELS: dict[str, Any] = {
    "hours": gettext_lazy("Care hours"),
    "travel": gettext_lazy("Travel time"),
    "sick_leave": gettext_lazy("Paid sick leave"),
    "training": gettext_lazy("Training time"),
    "incentive": gettext_lazy("Incentive"),
}

DEDUCTION_LABELS: dict[str, Any] = {
    "social_security": gettext_lazy("Social Security"),
    "medicare": gettext_lazy("Medicare"),
    "sdi": gettext_lazy("State Disability Insurance (SDI)"),
    "federal_income_tax": gettext_lazy("Federal income tax"),
    "state_income_tax": gettext_lazy("California income tax"),
    "union_dues": gettext_lazy("Union dues"),
    "health_premium": gettext_lazy("Health plan premium"),
}
# Taxes whose threshold counts the calendar quarter rather than the year.
QUARTERLY = frozenset({"sdi"})
# Deductions whose base is "wages subject to" a tax on the yearly statement.
TAXES = ("social_security", "medicare", "sdi")


def multiplier(bp: int) -> str:
    """A multiplier in basis points as people write it: 15000 -> "1.5", 5000 -> "0.5"."""
    value = (Decimal(bp) / BASIS_POINTS).normalize()
    places = max(0, -value.as_tuple().exponent)  # type: ignore[operator]
    return str(number_format(value, decimal_pos=places))


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, _("Pay")))


def deduction_label(code: str) -> str:
    return str(DEDUCTION_LABELS.get(code, _("Deduction")))


# --- Lines ----------------------------------------------------------------------------------


def _week(line: PayLine, overtime_bp: int) -> str:
    """ "43 h in the week of Dec. 6 across 3 recipients: 40 h regular, 3 h overtime at
    1.5 × $20.00" (or "... : no overtime" when the week stayed under the threshold)."""
    values = {
        "total": format_minutes(line.week_minutes),
        "week": day_month(line.week_start),
        "n": line.week_recipients,
    }
    if line.week_recipients > 1:
        head = (
            ngettext(
                "%(total)s in the week of %(week)s across %(n)s recipient",
                "%(total)s in the week of %(week)s across %(n)s recipients",
                line.week_recipients,
            )
            % values
        )
    else:
        head = _("%(total)s in the week of %(week)s") % values
    over = line.week_minutes - line.threshold_minutes
    if over <= 0:
        return _("%(head)s: no overtime (it starts past %(threshold)s)") % {
            "head": head,
            "threshold": format_minutes(line.threshold_minutes),
        }
    if not overtime_bp:
        return _("%(head)s: %(regular)s regular, %(over)s overtime") % {
            "head": head,
            "regular": format_minutes(line.threshold_minutes),
            "over": format_minutes(over),
        }
    return _("%(head)s: %(regular)s regular, %(over)s overtime at %(times)s × %(rate)s") % {
        "head": head,
        "regular": format_minutes(line.threshold_minutes),
        "over": format_minutes(over),
        "times": multiplier(overtime_bp),
        "rate": format_cents(line.rate_cents),
    }


def overtime_bp_of(line: PayLine) -> int:
    """The overtime multiplier of the line's week: on the line itself when it is overtime
    (or the premium of an adjustment, 1x less), else the program's parameter of that week."""
    if line.part == PayLine.Part.OVERTIME:
        return line.multiplier_bp
    if line.part == PayLine.Part.OVERTIME_ADJUSTMENT:
        return line.multiplier_bp + BASIS_POINTS
    return _overtime_parameter(line.week_start)


def _overtime_parameter(day: dt.date) -> int:
    try:
        return parameters.parameter("overtime_multiplier", on=day)
    except parameters.MissingParameter:  # the sentence then names no multiplier
        return 0


def days(first: dt.date, last: dt.date) -> str:
    """Days inside a sentence: "Dec. 1" / "1 de dic.", "Dec. 1 to Dec. 4" / "del 1 al 4 de
    dic." (lower case in the middle of a sentence, unlike a period's title)."""
    if first == last:
        return day_month(first)
    start, end = range_ends(first, last, year=False)
    return pgettext("days inside a sentence", "%(start)s to %(end)s") % {
        "start": start,
        "end": end,
    }


def _days(line: PayLine) -> str:
    return days(line.first_day, line.last_day)


def explain_line(line: PayLine, overtime_bp: int | None = None) -> str:
    """What one line pays and why, with its numbers. `overtime_bp`: the week's overtime
    multiplier when the caller knows it (else read from the line or the parameters)."""
    times = overtime_bp if overtime_bp is not None else None
    values = {
        "minutes": format_minutes(line.minutes),
        "days": _days(line),
        "rate": format_cents(line.rate_cents),
        "times": multiplier(line.multiplier_bp),
        "cents": format_cents(line.cents),
        "kind": kind_label(line.kind),
        "week": day_month(line.week_start),
    }
    if line.part == PayLine.Part.AMOUNT:
        return _("%(kind)s: %(cents)s, an amount paid as it is.") % values
    if line.kind == "sick_leave":
        return (
            _(
                "Paid sick leave: %(minutes)s on %(days)s at %(rate)s = %(cents)s. Sick "
                "leave is not time worked, so it never counts toward overtime."
            )
            % values
        )
    if line.part == PayLine.Part.OVERTIME_ADJUSTMENT:
        return (
            _(
                "Overtime adjustment: %(minutes)s of the week of %(week)s were paid as "
                "regular before later hours arrived; the %(times)s × %(rate)s premium is "
                "paid now: %(cents)s."
            )
            % values
            + " "
            + _week(line, times or overtime_bp_of(line))
            + "."
        )
    if line.part == PayLine.Part.OVERTIME:
        first = _(
            "%(kind)s, %(days)s: %(minutes)s of overtime at %(times)s × %(rate)s = %(cents)s."
        )
    elif line.part == PayLine.Part.REGULAR:
        first = _("%(kind)s, %(days)s: %(minutes)s at %(rate)s = %(cents)s.")
    else:
        return _("%(kind)s: %(cents)s.") % values
    if line.week_minutes <= line.threshold_minutes:
        return first % values + " " + _week(line, 0) + "."
    return first % values + " " + _week(line, times or overtime_bp_of(line)) + "."


# --- Deductions -----------------------------------------------------------------------------

RELATIONSHIP_REASON: dict[str, Any] = {
    "parent": gettext_lazy("you care for your child"),
    "spouse": gettext_lazy("you care for your spouse"),
    "child": gettext_lazy("you care for your parent"),
}


def explain_deduction(
    deduction: Deduction,
    *,
    recipient_name: str = "",
    relationship: str = "",
    gross_cents: int = 0,
) -> str:
    """A deduction's rule in words, with its numbers. A code or note this module does not
    know reads as "<label>: <amount>."."""
    label = deduction_label(deduction.code)
    values = {
        "label": label,
        "amount": format_cents(deduction.amount_cents),
        "base": format_cents(deduction.base_cents),
        "rate": format_basis_points(deduction.rate_bp) if deduction.rate_bp else "",
        "name": recipient_name,
        "reason": str(RELATIONSHIP_REASON.get(relationship, _("you are family of the recipient"))),
        "gross": format_cents(gross_cents),
    }
    note = deduction.note
    whose = (_(" (wages from %(name)s)") % values) if recipient_name else ""
    if note == "family_exempt":
        return _("No %(label)s: %(reason)s, and family care is exempt.") % values + whose
    if note == "minor_exempt":
        return _("No %(label)s: providers under 18 are exempt.") % values + whose
    if note == "below_threshold":
        if deduction.code in QUARTERLY:
            text = _("No %(label)s yet: the quarter's wages are under the threshold.")
        else:
            text = _("No %(label)s yet: the year's wages are under the threshold.")
        return text % values + whose
    if note == "wage_base_reached" and not deduction.amount_cents:
        return (
            _("No more %(label)s this year: the wages reached the yearly limit.") % values + whose
        )
    if note == "not_enough_pay":
        return _("%(label)s: nothing taken, no pay was left for it.") % values + whose
    if note == "requested":
        return _("%(label)s: %(amount)s, the amount per paycheck you asked for.") % values
    if note == "first_stub_of_month":
        return _("%(label)s: %(amount)s for the month, taken from its first paycheck.") % values
    if deduction.rate_bp:
        text = _("%(label)s: %(rate)s of %(base)s = %(amount)s.") % values + whose
        if note == "threshold_reached":
            if deduction.code in QUARTERLY:
                text += " " + _(
                    "The quarter's wages reached the threshold, so all of them are taxed now."
                )
            else:
                text += " " + _(
                    "The year's wages reached the threshold, so all of them are taxed now."
                )
        elif note == "elected":
            text += " " + _("You chose to be covered.")
        elif note == "wage_base_reached":
            text += " " + _("The wages reached the yearly limit: none is taken after it.")
        elif note == "capped":
            text += " " + _("Less than due, because the pay ran out.")
        return text
    if note == "capped":
        return _("%(label)s: %(amount)s, less than due because the pay ran out.") % values
    return _("%(label)s: %(amount)s.") % values + whose


# --- A whole stub ---------------------------------------------------------------------------


@dataclass
class LineView:
    line: PayLine
    kind: str
    part: str
    text: str


@dataclass
class DocumentGroup:
    """The lines of one document (a timesheet, a claim): what it is, whose, where to see it."""

    source: str
    document_id: int
    label: str
    url: str | None
    recipient: str
    program: str
    lines: list[LineView] = field(default_factory=list)
    days: str = ""  # the days its lines cover, which tell two documents of one recipient apart
    minutes: int = 0
    regular_cents: int = 0
    overtime_cents: int = 0
    cents: int = 0
    rates: list[int] = field(default_factory=list)


@dataclass
class DeductionView:
    deduction: Deduction
    label: str
    text: str
    recipient: str


@dataclass
class PaymentView:
    payment: Payment
    text: str


@dataclass
class StubView:
    stub: Paystub
    run: PayrollRun
    issued: bool
    period: str
    groups: list[DocumentGroup]
    deductions: list[DeductionView]
    payments: list[PaymentView]
    year_to_date: dict[str, Any]
    sick_leave: dict[str, Any] | None
    shares_of_cost: list[tuple[str, int]]


def _document_url(source: payables.Source | None, document_id: int) -> str | None:
    if source is None:
        return None
    try:
        return source.document_url(document_id)
    except Exception:  # noqa: BLE001 - a source's page that cannot be named is left unlinked
        return None


def group_lines(lines: Iterable[PayLine], names: Mapping[int, str]) -> list[DocumentGroup]:
    groups: dict[tuple[str, int], DocumentGroup] = {}
    lines = list(lines)
    # The week's overtime multiplier, for the sentence of a regular line in the same week:
    # from an overtime line of the week, else the parameter (read once a week).
    week_bp: dict[dt.date, int] = {}
    for line in lines:
        if line.part in (PayLine.Part.OVERTIME, PayLine.Part.OVERTIME_ADJUSTMENT):
            week_bp.setdefault(line.week_start, overtime_bp_of(line))
    for line in lines:
        times = None
        if line.week_minutes > line.threshold_minutes and line.kind != "sick_leave":
            times = week_bp.get(line.week_start)
            if times is None:
                times = week_bp[line.week_start] = overtime_bp_of(line)
        key = (line.source, line.document_id)
        group = groups.get(key)
        if group is None:
            source = payables.source(line.source)
            group = groups[key] = DocumentGroup(
                source=line.source,
                document_id=line.document_id,
                label=str(source.label) if source else _("Pay"),
                url=_document_url(source, line.document_id),
                recipient=names.get(line.recipient_id or 0, ""),
                program=str(Program(line.program).label)
                if line.program in Program.values
                else line.program,
            )
        group.lines.append(
            LineView(
                line, kind_label(line.kind), line.get_part_display(), explain_line(line, times)
            )
        )
        group.minutes += line.minutes if line.part != PayLine.Part.OVERTIME_ADJUSTMENT else 0
        group.cents += line.cents
        if line.part == PayLine.Part.REGULAR:
            group.regular_cents += line.cents
        elif line.part != PayLine.Part.AMOUNT:
            group.overtime_cents += line.cents
        if line.rate_cents and line.rate_cents not in group.rates:
            group.rates.append(line.rate_cents)
    for group in groups.values():
        group.days = days(
            min(i.line.first_day for i in group.lines), max(i.line.last_day for i in group.lines)
        )
    # In the order the work was done: the document with the earliest day first.
    return sorted(
        groups.values(),
        key=lambda g: (min(i.line.first_day for i in g.lines), g.source, g.document_id),
    )


def explain_payment(payment: Payment, pay_date: dt.date | None) -> str:
    values = {
        "amount": format_cents(payment.amount_cents),
        "last4": payment.account_last4 or "····",
        "number": payment.check_number,
        "day": day_month_year(pay_date) if pay_date else "",
    }
    if payment.method == Payment.Method.DEPOSIT:
        if pay_date:
            return (
                _(
                    "%(amount)s by direct deposit to the account ending ••••%(last4)s, in "
                    "the bank on %(day)s."
                )
                % values
            )
        return _("%(amount)s by direct deposit to the account ending ••••%(last4)s.") % values
    if payment.check_number:
        return _("%(amount)s by check number %(number)s.") % values
    return _("%(amount)s by check.") % values


def year_to_date(stub: Paystub) -> dict[str, Any]:
    """Gross, each deduction and net of the provider's issued stubs of the calendar year up
    to this one (this one included): one query for the totals, one for the deductions."""
    run = stub.run
    day = run.pay_date or run.period_end
    counted = Q(
        provider_id=stub.provider_id,
        run__status=PayrollRun.Status.ISSUED,
        run__pay_date__year=day.year,
        run__pay_date__lte=day,
    ) | Q(pk=stub.pk)
    totals = Paystub.objects.filter(counted).aggregate(
        gross=Sum("gross_cents"), deductions=Sum("deductions_cents"), net=Sum("net_cents")
    )
    by_code = dict(
        Deduction.objects.filter(stub__in=Paystub.objects.filter(counted).values("pk"))
        .values_list("code")
        .annotate(total=Sum("amount_cents"))
        .order_by("code")
        .values_list("code", "total")
    )
    return {
        "year": day.year,
        "gross_cents": totals["gross"] or 0,
        "deductions_cents": totals["deductions"] or 0,
        "net_cents": totals["net"] or 0,
        "deductions": [
            (code, deduction_label(code), by_code[code])
            for code in sorted(by_code, key=_deduction_order)
        ],
    }


def _deduction_order(code: str) -> tuple[int, str]:
    order = list(DEDUCTION_LABELS)
    return (order.index(code) if code in order else len(order), code)


def sick_leave_of(stub: Paystub) -> dict[str, Any] | None:
    """Earned, used and available sick leave as the stub shows it: kept on the stub when
    the run wrote it, else what the source knows on the last day of the period; None
    when neither says (the page says "not available")."""
    kept = stub.sick_leave or {}
    if not kept:
        facts = getattr(payables, "facts", None)
        if facts is not None:
            kept = facts(stub.provider_id, stub.run.period_end).get("sick_leave") or {}
    wanted = ("earned_minutes", "used_minutes", "available_minutes")
    if not any(isinstance(kept.get(k), int) for k in wanted):
        return None
    return {k: kept.get(k) for k in wanted}


def _relationships(stub: Paystub, recipient_ids: set[int]) -> dict[int, str]:
    if not recipient_ids:
        return {}
    rows = (
        Assignment.objects.filter(provider_id=stub.provider_id, recipient_id__in=recipient_ids)
        .order_by("recipient_id", "-start_date")
        .values_list("recipient_id", "family_relationship")
    )
    found: dict[int, str] = {}
    for recipient_id, relationship in rows:
        found.setdefault(recipient_id, relationship)
    return found


def describe_stub(stub: Paystub) -> StubView:
    """Everything a paystub shows, in the reader's language (the stub comes with its run)."""
    run = stub.run
    lines = list(
        PayLine.objects.filter(stub=stub).order_by(
            "source", "document_id", "week_start", "first_day", "pk"
        )
    )
    deductions = list(Deduction.objects.filter(stub=stub).order_by("pk"))
    payments = list(Payment.objects.filter(stub=stub).order_by("pk"))
    shares = list(stub.shares_of_cost.all()) if hasattr(stub, "shares_of_cost") else []
    recipient_ids = {line.recipient_id for line in lines if line.recipient_id}
    recipient_ids |= {
        rid for d in deductions if (rid := getattr(d, "recipient_id", None)) is not None
    }
    recipient_ids |= {s.recipient_id for s in shares}
    names = {
        r.pk: r.full_name
        for r in Recipient.objects.filter(pk__in=recipient_ids).only(
            "first_name", "middle_name", "last_name"
        )
    }
    family = _relationships(stub, recipient_ids)
    deduction_views = []
    for d in deductions:
        rid = getattr(d, "recipient_id", None)
        name = names.get(rid, "") if rid else ""
        deduction_views.append(
            DeductionView(
                deduction=d,
                label=deduction_label(d.code),
                text=explain_deduction(
                    d,
                    recipient_name=name,
                    relationship=family.get(rid, "") if rid else _single(family),
                    gross_cents=stub.gross_cents,
                ),
                recipient=name,
            )
        )
    return StubView(
        stub=stub,
        run=run,
        issued=run.status == PayrollRun.Status.ISSUED,
        period=date_range(run.period_start, run.period_end),
        groups=group_lines(lines, names),
        deductions=deduction_views,
        payments=[PaymentView(p, explain_payment(p, run.pay_date)) for p in payments],
        year_to_date=year_to_date(stub),
        sick_leave=sick_leave_of(stub),
        shares_of_cost=[(names.get(s.recipient_id, ""), s.amount_cents) for s in shares],
    )


def _single(family: Mapping[int, str]) -> str:
    """The relationship, when the provider has one recipient (a deduction without one)."""
    values = set(family.values())
    return values.pop() if len(values) == 1 else ""
