"""What is withheld from a provider's paystub: Social Security, Medicare, SDI, income tax on
request, union dues and the health-plan premium (ihss-facts §5.3; docs/payroll.md,
"Withholdings and share of cost").

Pure: plain values in, plain values out, integer cents and basis points, no Django. Every
number comes from a `WithholdingPolicy` (effective-dated program parameters) or from the
provider's own `Elections`.

The employer. For Social Security, Medicare and SDI the IHSS recipient is the provider's
employer (a household employer; the State pays as the recipient's agent), so the household
thresholds, the wage base and the family exemptions are counted per recipient: one
Social Security, Medicare and SDI line per recipient on the stub, each with that
recipient's `recipient_id`. Income tax, union dues and the premium are the provider's own
and carry `recipient_id=None`.

Thresholds with catch-up. The IRS household-employee rule makes ALL of a calendar year's
cash wages from one employer subject to Social Security and Medicare once they reach the
threshold (IRS Publication 926). So nothing is withheld while the year's wages from a
recipient stay under it ("below_threshold"); the stub whose wages reach it takes the tax
on every wage of the year so far ("threshold_reached", its base larger than its own
wages); later stubs take it on their own wages. SDI works the same way within a calendar
quarter with the quarterly threshold. Social Security stops at the annual wage base.

Never below zero. Deductions are taken in the order of `PRIORITY` (taxes first) from
what is left of the stub's gross; one that does not fit is cut ("capped") or skipped
("not_enough_pay"). The part of a tax (Social Security, Medicare, SDI) that could not be
taken is carried to the next stub of the same year (quarter for SDI) and shown as
`carried_cents`; income tax, dues and the premium are not carried.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

SOCIAL_SECURITY = "social_security"
MEDICARE = "medicare"
SDI = "sdi"
FEDERAL_INCOME_TAX = "federal_income_tax"
STATE_INCOME_TAX = "state_income_tax"
UNION_DUES = "union_dues"
HEALTH_PREMIUM = "health_premium"

# The order deductions are taken in when the pay does not cover them all: payroll taxes
# the law makes the employer withhold, then the income tax the provider asked for, then
# the union's dues, then the premium.
PRIORITY = (
    SOCIAL_SECURITY,
    MEDICARE,
    SDI,
    FEDERAL_INCOME_TAX,
    STATE_INCOME_TAX,
    UNION_DUES,
    HEALTH_PREMIUM,
)
TAXES = frozenset({SOCIAL_SECURITY, MEDICARE, SDI})

# The provider's relationship to the recipient (ihss.cases.models.FamilyRelationship values).
# FICA: a parent caring for her child or a spouse caring for a spouse is in the "family
# employment" exception (IRC 3121(b)(3); ihss-facts §5.3). SDI: also a child caring for a
# parent, unless the provider elected coverage.
FICA_EXEMPT_FAMILY = frozenset({"spouse", "parent"})
SDI_EXEMPT_FAMILY = frozenset({"spouse", "parent", "child"})


class Note:
    """Machine codes for why a line is what it is; the paystub turns them into words."""

    WITHHELD = "withheld"
    FAMILY_EXEMPT = "family_exempt"
    MINOR_EXEMPT = "minor_exempt"
    BELOW_THRESHOLD = "below_threshold"
    THRESHOLD_REACHED = "threshold_reached"
    WAGE_BASE_REACHED = "wage_base_reached"
    ELECTED = "elected"
    REQUESTED = "requested"
    MEMBER = "member"
    FIRST_STUB_OF_MONTH = "first_stub_of_month"
    CAPPED = "capped"
    NOT_ENOUGH_PAY = "not_enough_pay"


BP = 10_000  # basis points in a whole (100 % = 10,000 bp): a unit, not a rule's number

PARAMETER_KEYS: dict[str, str] = {
    # field of WithholdingPolicy: program parameter key
    "social_security_rate_bp": "social_security_rate",
    "social_security_wage_base_cents": "social_security_wage_base",
    "medicare_rate_bp": "medicare_rate",
    "fica_threshold_cents": "household_fica_threshold",
    "sdi_rate_bp": "sdi_rate",
    "sdi_quarterly_threshold_cents": "sdi_quarterly_threshold",
}


@dataclass(frozen=True)
class WithholdingPolicy:
    """The numbers of one pay date, each an effective-dated program parameter; no defaults.

    Rates in basis points (620 = 6.2 %), amounts in cents. `fica_threshold_cents` is the
    household-employee cash-wage threshold of the calendar year, per employer (recipient);
    `sdi_quarterly_threshold_cents` the cash wages in a calendar quarter from one recipient
    at which SDI is withheld. SDI has no wage ceiling since 2024 (SB 951), so none here.
    """

    social_security_rate_bp: int
    social_security_wage_base_cents: int
    medicare_rate_bp: int
    fica_threshold_cents: int
    sdi_rate_bp: int
    sdi_quarterly_threshold_cents: int

    def __post_init__(self) -> None:
        for name in PARAMETER_KEYS:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative")

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        """The program parameter keys the policy is built from."""
        return tuple(PARAMETER_KEYS.values())

    @classmethod
    def from_parameters(cls, values: Mapping[str, int]) -> WithholdingPolicy:
        """Build from `ihss.core.parameters.parameters(WithholdingPolicy.keys(), on=pay_date)`."""
        return cls(**{field: int(values[key]) for field, key in PARAMETER_KEYS.items()})


# Earning, YearToDate and Withholding are tuples: a state's run makes millions of them, and a
# frozen dataclass costs several times as much to build.


class Earning(NamedTuple):
    """The stub's gross from one recipient (one Earning per recipient)."""

    recipient_id: int
    gross_cents: int
    family: str  # "" / "none" / "other", or "spouse", "parent", "child" (of the recipient)
    provider_is_minor: bool  # under 18 on the pay date: no Social Security or Medicare


class YearToDate(NamedTuple):
    """What earlier stubs of the calendar year (SDI: of the calendar quarter) held for one
    recipient; build it with `year_to_date` from those stubs' lines, or sum them in SQL:

    - `*_wages_cents` counted: SUM(counted_cents) of the code's lines (wages that count
      toward the threshold: the FICA ones from the social_security lines);
    - `*_taxed_cents`: SUM(base_cents) (wages already taxed);
    - `*_unpaid_cents`: SUM(tax_cents - amount_cents) (tax computed but not yet withheld).
    """

    recipient_id: int
    fica_wages_cents: int
    social_security_taxed_cents: int
    social_security_unpaid_cents: int
    medicare_taxed_cents: int
    medicare_unpaid_cents: int
    sdi_wages_quarter_cents: int
    sdi_taxed_quarter_cents: int
    sdi_unpaid_quarter_cents: int

    @classmethod
    def nothing(cls, recipient_id: int) -> YearToDate:
        """No earlier stub from this recipient this year."""
        return cls(recipient_id, 0, 0, 0, 0, 0, 0, 0, 0)


@dataclass(frozen=True)
class Elections:
    """What the provider asked for, in force on the pay date.

    Income tax is a flat amount per paycheck (W-4 extra withholding, DE 4 additional
    amount), withheld only when asked for. Union dues are a share of the stub's gross in
    basis points, the rate the union sets (0: not a member). The health-plan premium is
    monthly, taken on the first stub of the month. `elective_sdi`: a family provider
    (spouse, parent or child of the recipient) who elected SDI coverage.
    """

    federal_income_tax_cents: int
    state_income_tax_cents: int
    elective_sdi: bool
    union_dues_bp: int
    health_premium_cents: int

    def __post_init__(self) -> None:
        for name in (
            "federal_income_tax_cents",
            "state_income_tax_cents",
            "union_dues_bp",
            "health_premium_cents",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative")
        if self.union_dues_bp > BP:
            raise ValueError("union_dues_bp cannot be more than 100 %")

    @classmethod
    def nothing(cls) -> Elections:
        """A provider who asked for nothing: no income tax, not a member, no premium."""
        return cls(0, 0, False, 0, 0)


class Withholding(NamedTuple):
    """One deduction line.

    `base_cents` is the wages the rate applies to on this stub (on the stub that reaches
    a threshold, the year's or quarter's earlier wages too); `tax_cents` the rule's result
    (base x rate, half a cent up; a flat amount for income tax and the premium);
    `carried_cents` what earlier stubs could not take; `due_cents = tax + carried`;
    `amount_cents` what is actually withheld (less than due only when the pay ran out).
    `counted_cents` is this stub's wages counted toward the threshold (FICA, SDI lines).
    """

    code: str
    recipient_id: int | None
    base_cents: int
    rate_bp: int | None
    counted_cents: int
    tax_cents: int
    carried_cents: int
    due_cents: int
    amount_cents: int
    note: str


def percent_of(cents: int, rate_bp: int) -> int:
    """`cents` x `rate_bp` / 10,000, half a cent rounded up; integers only."""
    if cents < 0 or rate_bp < 0:
        raise ValueError("cents and rate must not be negative")
    return (cents * rate_bp * 2 + BP) // (2 * BP)


def withholdings(
    *,
    policy: WithholdingPolicy,
    earnings: Sequence[Earning],
    ytd: Mapping[int, YearToDate],
    elections: Elections,
    first_stub_of_month: bool,
) -> list[Withholding]:
    """The stub's deduction lines, in `PRIORITY` order (per recipient in `earnings` order).

    `ytd` maps a recipient id to its earlier totals; a recipient missing from it had no
    earlier stub this year. The amounts never add up to more than the gross.
    """
    seen: set[int] = set()
    for earning in earnings:
        if earning.gross_cents < 0:
            raise ValueError("an earning's gross cannot be negative")
        if earning.recipient_id in seen:
            raise ValueError("one Earning per recipient")
        seen.add(earning.recipient_id)
    gross = sum(e.gross_cents for e in earnings)
    before = [ytd.get(e.recipient_id) or YearToDate.nothing(e.recipient_id) for e in earnings]

    wanted: list[Withholding] = []
    fica = [_fica(policy, e, y) for e, y in zip(earnings, before, strict=True)]
    wanted += [ss for ss, _medicare in fica]
    wanted += [medicare for _ss, medicare in fica]
    wanted += [_sdi(policy, e, y, elections) for e, y in zip(earnings, before, strict=True)]
    for code, cents in (
        (FEDERAL_INCOME_TAX, elections.federal_income_tax_cents),
        (STATE_INCOME_TAX, elections.state_income_tax_cents),
    ):
        if cents:
            wanted.append(_line(code, None, gross, None, 0, cents, 0, Note.REQUESTED))
    if elections.union_dues_bp:
        dues = percent_of(gross, elections.union_dues_bp)
        wanted.append(
            _line(UNION_DUES, None, gross, elections.union_dues_bp, 0, dues, 0, Note.MEMBER)
        )
    if elections.health_premium_cents and first_stub_of_month:
        wanted.append(
            _line(
                HEALTH_PREMIUM,
                None,
                0,
                None,
                0,
                elections.health_premium_cents,
                0,
                Note.FIRST_STUB_OF_MONTH,
            )
        )
    return _within(wanted, gross)


def year_to_date(
    *, recipient_id: int, this_year: Iterable[Withholding], this_quarter: Iterable[Withholding]
) -> YearToDate:
    """A recipient's `YearToDate` from the lines of the provider's earlier stubs paid this
    calendar year and this calendar quarter (the quarter's lines are also the year's)."""

    def total(lines: Iterable[Withholding], code: str) -> tuple[int, int, int]:
        counted = taxed = unpaid = 0
        for line in lines:
            if line.code == code and line.recipient_id == recipient_id:
                counted += line.counted_cents
                taxed += line.base_cents
                unpaid += line.tax_cents - line.amount_cents
        return counted, taxed, unpaid

    year = list(this_year)
    fica_wages, ss_taxed, ss_unpaid = total(year, SOCIAL_SECURITY)
    _counted, medicare_taxed, medicare_unpaid = total(year, MEDICARE)
    sdi_wages, sdi_taxed, sdi_unpaid = total(this_quarter, SDI)
    return YearToDate(
        recipient_id=recipient_id,
        fica_wages_cents=fica_wages,
        social_security_taxed_cents=ss_taxed,
        social_security_unpaid_cents=ss_unpaid,
        medicare_taxed_cents=medicare_taxed,
        medicare_unpaid_cents=medicare_unpaid,
        sdi_wages_quarter_cents=sdi_wages,
        sdi_taxed_quarter_cents=sdi_taxed,
        sdi_unpaid_quarter_cents=sdi_unpaid,
    )


def _line(
    code: str,
    recipient_id: int | None,
    base: int,
    rate_bp: int | None,
    counted: int,
    tax: int,
    carried: int,
    note: str,
) -> Withholding:
    due = tax + carried
    # code, recipient_id, base, rate, counted, tax, carried, due, amount (all of it), note
    return Withholding(code, recipient_id, base, rate_bp, counted, tax, carried, due, due, note)


def _fica(
    policy: WithholdingPolicy, earning: Earning, before: YearToDate
) -> tuple[Withholding, Withholding]:
    """The Social Security and Medicare lines for one recipient."""
    rid = earning.recipient_id
    ss_rate, medicare_rate = policy.social_security_rate_bp, policy.medicare_rate_bp
    ss_carried = max(0, before.social_security_unpaid_cents)
    medicare_carried = max(0, before.medicare_unpaid_cents)
    exempt = (
        Note.FAMILY_EXEMPT
        if earning.family in FICA_EXEMPT_FAMILY
        else Note.MINOR_EXEMPT
        if earning.provider_is_minor
        else ""
    )
    if exempt:
        return (
            _line(SOCIAL_SECURITY, rid, 0, ss_rate, 0, 0, ss_carried, exempt),
            _line(MEDICARE, rid, 0, medicare_rate, 0, 0, medicare_carried, exempt),
        )
    counted = earning.gross_cents
    year = before.fica_wages_cents + counted
    if year < policy.fica_threshold_cents:
        note = Note.BELOW_THRESHOLD
        return (
            _line(SOCIAL_SECURITY, rid, 0, ss_rate, counted, 0, ss_carried, note),
            _line(MEDICARE, rid, 0, medicare_rate, counted, 0, medicare_carried, note),
        )
    wage_base = policy.social_security_wage_base_cents
    ss_base = max(0, min(year, wage_base) - before.social_security_taxed_cents)
    medicare_base = max(0, year - before.medicare_taxed_cents)
    ss_note = (
        Note.WAGE_BASE_REACHED
        if year > wage_base
        else Note.THRESHOLD_REACHED
        if ss_base > counted
        else Note.WITHHELD
    )
    medicare_note = Note.THRESHOLD_REACHED if medicare_base > counted else Note.WITHHELD
    return (
        _line(
            SOCIAL_SECURITY,
            rid,
            ss_base,
            ss_rate,
            counted,
            percent_of(ss_base, ss_rate),
            ss_carried,
            ss_note,
        ),
        _line(
            MEDICARE,
            rid,
            medicare_base,
            medicare_rate,
            counted,
            percent_of(medicare_base, medicare_rate),
            medicare_carried,
            medicare_note,
        ),
    )


def _sdi(
    policy: WithholdingPolicy, earning: Earning, before: YearToDate, elections: Elections
) -> Withholding:
    """The SDI line for one recipient."""
    rid, rate = earning.recipient_id, policy.sdi_rate_bp
    carried = max(0, before.sdi_unpaid_quarter_cents)
    family = earning.family in SDI_EXEMPT_FAMILY
    if family and not elections.elective_sdi:
        return _line(SDI, rid, 0, rate, 0, 0, carried, Note.FAMILY_EXEMPT)
    counted = earning.gross_cents
    quarter = before.sdi_wages_quarter_cents + counted
    if quarter < policy.sdi_quarterly_threshold_cents:
        return _line(SDI, rid, 0, rate, counted, 0, carried, Note.BELOW_THRESHOLD)
    base = max(0, quarter - before.sdi_taxed_quarter_cents)
    note = Note.THRESHOLD_REACHED if base > counted else Note.ELECTED if family else Note.WITHHELD
    return _line(SDI, rid, base, rate, counted, percent_of(base, rate), carried, note)


def _within(wanted: Sequence[Withholding], gross: int) -> list[Withholding]:
    """Take each line's due, in order, from what is left of the gross."""
    left = gross
    lines: list[Withholding] = []
    for line in wanted:
        amount = min(line.due_cents, left)
        left -= amount
        if amount == line.due_cents:
            lines.append(line)
            continue
        note = Note.CAPPED if amount else Note.NOT_ENOUGH_PAY
        lines.append(line._replace(amount_cents=amount, note=note))
    return lines
