"""Withholdings of ihss-facts §5.3 as worked examples (cents computed by hand in the
comments) and properties. 2026 numbers: Social Security 6.2 % to $184,500, Medicare 1.45 %,
household threshold $3,000 a year per recipient, SDI 1.3 % once $750 in a quarter."""

from __future__ import annotations

import ast
import datetime as dt
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ihss.core.parameters import parameters
from ihss.payroll.rules import withholding as w
from ihss.payroll.rules.withholding import (
    Earning,
    Elections,
    Note,
    WithholdingPolicy,
    YearToDate,
    percent_of,
    withholdings,
    year_to_date,
)

POLICY = WithholdingPolicy(
    social_security_rate_bp=620,
    social_security_wage_base_cents=184_500_00,
    medicare_rate_bp=145,
    fica_threshold_cents=3_000_00,
    sdi_rate_bp=130,
    sdi_quarterly_threshold_cents=750_00,
)
NOTHING = Elections.nothing()


def past_thresholds(recipient_id: int = 1) -> YearToDate:
    """A recipient who already paid $4,000 this year and $1,000 this quarter, all taxed."""
    return YearToDate(
        recipient_id=recipient_id,
        fica_wages_cents=4_000_00,
        social_security_taxed_cents=4_000_00,
        social_security_unpaid_cents=0,
        medicare_taxed_cents=4_000_00,
        medicare_unpaid_cents=0,
        sdi_wages_quarter_cents=1_000_00,
        sdi_taxed_quarter_cents=1_000_00,
        sdi_unpaid_quarter_cents=0,
    )


def stub(*earnings, ytd=None, elections=NOTHING, first=False, policy=POLICY):
    return withholdings(
        policy=policy,
        earnings=list(earnings),
        ytd=ytd
        if ytd is not None
        else {e.recipient_id: past_thresholds(e.recipient_id) for e in earnings},
        elections=elections,
        first_stub_of_month=first,
    )


def amounts(lines):
    return {(line.code, line.recipient_id): line.amount_cents for line in lines}


def by_code(lines, recipient_id=1):
    return {line.code: line for line in lines if line.recipient_id in (recipient_id, None)}


def run_year(grosses, *, family="", recipient_id=1, policy=POLICY):
    """Stubs paid one after another in one year and quarter, each fed the earlier lines."""
    earlier: list[w.Withholding] = []
    stubs: list[list[w.Withholding]] = []
    for gross in grosses:
        before = year_to_date(recipient_id=recipient_id, this_year=earlier, this_quarter=earlier)
        lines = withholdings(
            policy=policy,
            earnings=[Earning(recipient_id, gross, family, False)],
            ytd={recipient_id: before},
            elections=NOTHING,
            first_stub_of_month=False,
        )
        earlier += lines
        stubs.append(lines)
    return stubs


# Worked examples -------------------------------------------------------------------------


def test_it_takes_social_security_medicare_and_sdi_from_900_dollars():
    lines = by_code(stub(Earning(1, 900_00, "", False)))
    # 900.00 x 6.2 % = 55.80; x 1.45 % = 13.05; x 1.3 % = 11.70
    assert lines["social_security"].amount_cents == 55_80
    assert lines["medicare"].amount_cents == 13_05
    assert lines["sdi"].amount_cents == 11_70
    assert {line.note for line in lines.values()} == {Note.WITHHELD}
    assert 900_00 - sum(line.amount_cents for line in lines.values()) == 819_45


def test_it_takes_no_social_security_medicare_or_sdi_from_a_parent_caring_for_her_child():
    lines = stub(Earning(1, 900_00, "parent", False))
    assert [(x.code, x.amount_cents, x.note) for x in lines] == [
        ("social_security", 0, Note.FAMILY_EXEMPT),
        ("medicare", 0, Note.FAMILY_EXEMPT),
        ("sdi", 0, Note.FAMILY_EXEMPT),
    ]
    # Her wages do not count toward the thresholds either.
    assert all(x.counted_cents == 0 and x.base_cents == 0 for x in lines)


def test_it_exempts_only_the_parents_wages_when_she_also_cares_for_someone_else():
    lines = stub(Earning(1, 900_00, "parent", False), Earning(2, 500_00, "none", False))
    assert amounts(lines) == {
        ("social_security", 1): 0,
        ("social_security", 2): 31_00,  # 500.00 x 6.2 %
        ("medicare", 1): 0,
        ("medicare", 2): 7_25,  # 500.00 x 1.45 %
        ("sdi", 1): 0,
        ("sdi", 2): 6_50,  # 500.00 x 1.3 %
    }


def test_it_takes_sdi_but_not_fica_from_a_spouse_who_elected_sdi():
    elected = Elections(0, 0, True, 0, 0)
    lines = by_code(stub(Earning(1, 900_00, "spouse", False), elections=elected))
    assert (lines["social_security"].amount_cents, lines["social_security"].note) == (
        0,
        Note.FAMILY_EXEMPT,
    )
    assert lines["medicare"].amount_cents == 0
    assert (lines["sdi"].amount_cents, lines["sdi"].note) == (11_70, Note.ELECTED)


def test_it_takes_no_sdi_from_a_spouse_who_did_not_elect_it():
    lines = by_code(stub(Earning(1, 900_00, "spouse", False)))
    assert (lines["sdi"].amount_cents, lines["sdi"].note) == (0, Note.FAMILY_EXEMPT)


def test_it_takes_fica_but_not_sdi_from_a_child_caring_for_a_parent():
    lines = by_code(stub(Earning(1, 900_00, "child", False)))
    assert lines["social_security"].amount_cents == 55_80
    assert lines["medicare"].amount_cents == 13_05
    assert (lines["sdi"].amount_cents, lines["sdi"].note) == (0, Note.FAMILY_EXEMPT)


def test_it_takes_no_fica_from_a_provider_under_18_but_still_sdi():
    lines = by_code(stub(Earning(1, 900_00, "", True)))
    assert (lines["social_security"].amount_cents, lines["social_security"].note) == (
        0,
        Note.MINOR_EXEMPT,
    )
    assert lines["medicare"].amount_cents == 0
    assert lines["sdi"].amount_cents == 11_70


def test_it_takes_fica_on_the_whole_year_on_the_stub_that_reaches_the_threshold():
    # Five stubs of $500 ($2,500): below $3,000, nothing withheld. The sixth brings the
    # year to $3,000: Social Security on all $3,000 = 186.00, Medicare 43.50.
    stubs = run_year([500_00] * 7)
    for lines in stubs[:5]:
        fica = by_code(lines)
        assert fica["social_security"].amount_cents == 0
        assert fica["social_security"].note == Note.BELOW_THRESHOLD
        assert fica["medicare"].amount_cents == 0
    crossing = by_code(stubs[5])
    assert (crossing["social_security"].base_cents, crossing["social_security"].amount_cents) == (
        3_000_00,
        186_00,
    )
    assert crossing["medicare"].amount_cents == 43_50
    assert crossing["social_security"].note == Note.THRESHOLD_REACHED
    # The seventh: on its own $500 only: 31.00 and 7.25.
    after = by_code(stubs[6])
    assert (after["social_security"].base_cents, after["social_security"].amount_cents) == (
        500_00,
        31_00,
    )
    assert (after["medicare"].amount_cents, after["medicare"].note) == (7_25, Note.WITHHELD)


def test_it_takes_sdi_on_the_whole_quarter_on_the_stub_that_reaches_750_dollars():
    stubs = run_year([400_00, 400_00, 400_00])
    first, second, third = (by_code(lines)["sdi"] for lines in stubs)
    assert (first.amount_cents, first.note) == (0, Note.BELOW_THRESHOLD)
    # $800 in the quarter: 800.00 x 1.3 % = 10.40
    assert (second.base_cents, second.amount_cents, second.note) == (
        800_00,
        10_40,
        Note.THRESHOLD_REACHED,
    )
    assert (third.base_cents, third.amount_cents) == (400_00, 5_20)


def test_it_carries_a_catch_up_the_crossing_stub_could_not_cover_to_the_next_stub():
    # $2,995 earlier, then a $10 stub reaches the threshold: Social Security is due on
    # $3,005 = 186.31, more than the stub's $10; Medicare (43.57) finds nothing left.
    earlier = run_year([2_995_00])[0]
    before = year_to_date(recipient_id=1, this_year=earlier, this_quarter=[])
    small = by_code(stub(Earning(1, 10_00, "", False), ytd={1: before}))
    assert (small["social_security"].due_cents, small["social_security"].amount_cents) == (
        186_31,
        10_00,
    )
    assert small["social_security"].note == Note.CAPPED
    assert (small["medicare"].due_cents, small["medicare"].amount_cents) == (43_57, 0)
    assert small["medicare"].note == Note.NOT_ENOUGH_PAY
    # The next $500 stub takes its own tax plus what was left: 31.00 + 176.31, 7.25 + 43.57.
    before = year_to_date(recipient_id=1, this_year=[*earlier, *small.values()], this_quarter=[])
    nxt = by_code(stub(Earning(1, 500_00, "", False), ytd={1: before}))
    assert (nxt["social_security"].carried_cents, nxt["social_security"].amount_cents) == (
        176_31,
        207_31,
    )
    assert (nxt["medicare"].carried_cents, nxt["medicare"].amount_cents) == (43_57, 50_82)
    # Over the year every cent of the tax was taken: 6.2 % of $3,505 = 217.31.
    taken = sum(
        x.amount_cents
        for x in [*earlier, *small.values(), *nxt.values()]
        if x.code == "social_security"
    )
    assert taken == 217_31 == percent_of(3_505_00, 620)


def test_it_stops_social_security_at_the_wage_base_in_the_middle_of_a_stub():
    ytd = YearToDate(1, 184_000_00, 184_000_00, 0, 184_000_00, 0, 1_000_00, 1_000_00, 0)
    lines = by_code(stub(Earning(1, 1_000_00, "", False), ytd={1: ytd}))
    # Only $500 of the $1,000 is under $184,500: 500.00 x 6.2 % = 31.00.
    ss = lines["social_security"]
    assert (ss.base_cents, ss.amount_cents, ss.note) == (500_00, 31_00, Note.WAGE_BASE_REACHED)
    # Medicare has no limit: 1,000.00 x 1.45 % = 14.50.
    assert lines["medicare"].amount_cents == 14_50
    # The next stub: no Social Security at all.
    ytd = YearToDate(1, 185_000_00, 184_500_00, 0, 185_000_00, 0, 2_000_00, 2_000_00, 0)
    ss = by_code(stub(Earning(1, 1_000_00, "", False), ytd={1: ytd}))["social_security"]
    assert (ss.base_cents, ss.amount_cents, ss.note) == (0, 0, Note.WAGE_BASE_REACHED)


def test_it_withholds_income_tax_only_when_the_provider_asked_for_it():
    codes = {x.code for x in stub(Earning(1, 900_00, "", False))}
    assert "federal_income_tax" not in codes and "state_income_tax" not in codes
    asked = Elections(25_00, 10_00, False, 0, 0)
    lines = by_code(stub(Earning(1, 900_00, "", False), elections=asked))
    assert (lines["federal_income_tax"].amount_cents, lines["federal_income_tax"].note) == (
        25_00,
        Note.REQUESTED,
    )
    assert lines["state_income_tax"].amount_cents == 10_00


def test_it_takes_union_dues_from_the_gross_and_the_premium_on_the_first_stub_of_the_month():
    member = Elections(0, 0, False, 200, 60_00)
    first = by_code(stub(Earning(1, 900_00, "", False), elections=member, first=True))
    # 2 % of 900.00 = 18.00
    assert (first["union_dues"].amount_cents, first["union_dues"].note) == (18_00, Note.MEMBER)
    assert (first["health_premium"].amount_cents, first["health_premium"].note) == (
        60_00,
        Note.FIRST_STUB_OF_MONTH,
    )
    later = by_code(stub(Earning(1, 900_00, "", False), elections=member, first=False))
    assert later["union_dues"].amount_cents == 18_00
    assert "health_premium" not in later


def test_it_never_takes_more_than_the_gross_taxes_first():
    asked = Elections(40_00, 20_00, False, 200, 60_00)
    lines = stub(Earning(1, 50_00, "", False), elections=asked, first=True)
    got = [(x.code, x.due_cents, x.amount_cents, x.note) for x in lines]
    # 50.00: SS 3.10, Medicare 0.725 -> 0.73 (half a cent up), SDI 0.65 -> 45.52 left;
    # federal 40.00 -> 5.52 left; state 20.00 cut to 5.52; dues and premium find nothing.
    assert got == [
        ("social_security", 3_10, 3_10, Note.WITHHELD),
        ("medicare", 73, 73, Note.WITHHELD),
        ("sdi", 65, 65, Note.WITHHELD),
        ("federal_income_tax", 40_00, 40_00, Note.REQUESTED),
        ("state_income_tax", 20_00, 5_52, Note.CAPPED),
        ("union_dues", 1_00, 0, Note.NOT_ENOUGH_PAY),
        ("health_premium", 60_00, 0, Note.NOT_ENOUGH_PAY),
    ]
    assert sum(x.amount_cents for x in lines) == 50_00


def test_it_rounds_half_a_cent_up_and_less_down():
    assert percent_of(1, 5_000) == 1  # 0.5 cent
    assert percent_of(1, 4_999) == 0
    assert percent_of(50_00, 145) == 73  # 72.5 cents
    assert percent_of(50_10, 145) == 73  # 72.645 cents


def test_it_refuses_two_earnings_from_one_recipient_and_negative_gross():
    with pytest.raises(ValueError):
        stub(Earning(1, 100, "", False), Earning(1, 100, "", False))
    with pytest.raises(ValueError):
        stub(Earning(1, -100, "", False))


def test_the_withholding_rules_import_no_django():
    path = Path(w.__file__)
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    assert all(n.split(".")[0] in sys.stdlib_module_names or n == "__future__" for n in names)


# The seeded program parameters ------------------------------------------------------------


@pytest.mark.django_db
def test_it_builds_the_2026_policy_from_the_seeded_parameters():
    policy = WithholdingPolicy.from_parameters(
        parameters(WithholdingPolicy.keys(), on=dt.date(2026, 6, 15))
    )
    assert policy == POLICY


@pytest.mark.django_db
def test_it_builds_the_2025_policy_from_the_earlier_rows():
    policy = WithholdingPolicy.from_parameters(
        parameters(WithholdingPolicy.keys(), on=dt.date(2025, 12, 31))
    )
    assert policy.social_security_wage_base_cents == 176_100_00
    assert policy.fica_threshold_cents == 2_800_00
    assert policy.sdi_rate_bp == 120
    assert policy.medicare_rate_bp == 145


def test_the_policy_has_no_default_for_any_number():
    with pytest.raises(TypeError):
        WithholdingPolicy()  # type: ignore[call-arg]
    with pytest.raises(KeyError):
        WithholdingPolicy.from_parameters({"social_security_rate": 620})


# Properties --------------------------------------------------------------------------------

FAMILIES = st.sampled_from(["", "none", "other", "spouse", "parent", "child"])
CENTS = st.integers(min_value=0, max_value=20_000_00)


@st.composite
def earnings_and_ytd(draw):
    count = draw(st.integers(min_value=0, max_value=4))
    earnings, ytd = [], {}
    for rid in range(1, count + 1):
        earnings.append(Earning(rid, draw(CENTS), draw(FAMILIES), draw(st.booleans())))
        fica = draw(st.integers(min_value=0, max_value=200_000_00))
        sdi = draw(st.integers(min_value=0, max_value=50_000_00))
        ytd[rid] = YearToDate(
            recipient_id=rid,
            fica_wages_cents=fica,
            social_security_taxed_cents=draw(st.integers(min_value=0, max_value=fica)),
            social_security_unpaid_cents=draw(st.integers(min_value=0, max_value=500_00)),
            medicare_taxed_cents=draw(st.integers(min_value=0, max_value=fica)),
            medicare_unpaid_cents=draw(st.integers(min_value=0, max_value=500_00)),
            sdi_wages_quarter_cents=sdi,
            sdi_taxed_quarter_cents=draw(st.integers(min_value=0, max_value=sdi)),
            sdi_unpaid_quarter_cents=draw(st.integers(min_value=0, max_value=500_00)),
        )
    return earnings, ytd


ELECTIONS = st.builds(
    Elections,
    federal_income_tax_cents=st.integers(min_value=0, max_value=500_00),
    state_income_tax_cents=st.integers(min_value=0, max_value=500_00),
    elective_sdi=st.booleans(),
    union_dues_bp=st.integers(min_value=0, max_value=10_000),
    health_premium_cents=st.integers(min_value=0, max_value=500_00),
)


@settings(max_examples=300)
@given(earnings_and_ytd(), ELECTIONS, st.booleans())
def test_it_never_withholds_a_negative_amount_nor_more_than_the_gross(case, elections, first):
    earnings, ytd = case
    lines = withholdings(
        policy=POLICY, earnings=earnings, ytd=ytd, elections=elections, first_stub_of_month=first
    )
    gross = sum(e.gross_cents for e in earnings)
    assert all(0 <= x.amount_cents <= x.due_cents for x in lines)
    assert all(x.base_cents >= 0 and x.tax_cents >= 0 for x in lines)
    assert sum(x.amount_cents for x in lines) <= gross
    # What is cut is cut from the end: a line short of its due leaves nothing after it.
    short = [i for i, x in enumerate(lines) if x.amount_cents < x.due_cents]
    if short:
        assert all(x.amount_cents == 0 for x in lines[short[0] + 1 :])
        assert sum(x.amount_cents for x in lines) == gross


@settings(max_examples=300)
@given(earnings_and_ytd(), ELECTIONS)
def test_family_exempt_wages_never_carry_fica_or_sdi(case, elections):
    earnings, ytd = case
    lines = withholdings(
        policy=POLICY, earnings=earnings, ytd=ytd, elections=elections, first_stub_of_month=False
    )
    family = {e.recipient_id: e.family for e in earnings}
    for x in lines:
        fica_exempt = x.code in ("social_security", "medicare") and family[x.recipient_id] in (
            "spouse",
            "parent",
        )
        sdi_exempt = (
            x.code == "sdi"
            and family[x.recipient_id] in ("spouse", "parent", "child")
            and not elections.elective_sdi
        )
        if fica_exempt or sdi_exempt:
            assert (x.base_cents, x.tax_cents, x.counted_cents) == (0, 0, 0)
            assert x.amount_cents <= x.carried_cents  # only what earlier stubs owed
            assert x.note in (Note.FAMILY_EXEMPT, Note.CAPPED, Note.NOT_ENOUGH_PAY)


@settings(max_examples=200)
@given(st.lists(st.integers(min_value=0, max_value=3_000_00), max_size=30))
def test_over_a_year_fica_is_taken_on_every_wage_once_the_threshold_is_reached(grosses):
    stubs = run_year(grosses)
    total = sum(grosses)
    ss = [by_code(lines)["social_security"] for lines in stubs]
    medicare = [by_code(lines)["medicare"] for lines in stubs]
    reached = total >= POLICY.fica_threshold_cents
    assert sum(x.base_cents for x in ss) == (
        min(total, POLICY.social_security_wage_base_cents) if reached else 0
    )
    assert sum(x.base_cents for x in medicare) == (total if reached else 0)
    # Every cent computed was taken, on this stub or a later one, unless the last stub
    # ran out (then it is still owed).
    owed = sum(x.tax_cents for x in ss) - sum(x.amount_cents for x in ss)
    assert owed >= 0
    if owed:
        assert ss[-1].amount_cents < ss[-1].due_cents


# The records -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_election_in_force_on_the_pay_date_gives_the_providers_requests():
    from ihss.payroll.models import WithholdingElection
    from ihss.test import make_provider

    provider = make_provider()
    WithholdingElection.objects.create(
        provider=provider,
        effective_from=dt.date(2026, 1, 1),
        effective_to=dt.date(2026, 5, 31),
        federal_income_tax_cents=25_00,
    )
    WithholdingElection.objects.create(
        provider=provider, effective_from=dt.date(2026, 6, 1), union_dues_bp=200, elective_sdi=True
    )
    in_june = WithholdingElection.objects.filter(provider=provider).in_force_on(
        dt.date(2026, 6, 15)
    )
    assert [e.elections() for e in in_june] == [Elections(0, 0, True, 200, 0)]
    in_may = WithholdingElection.objects.filter(provider=provider).in_force_on(dt.date(2026, 5, 15))
    assert [e.elections() for e in in_may] == [Elections(25_00, 0, False, 0, 0)]


@pytest.mark.django_db
def test_a_share_of_cost_is_in_force_from_its_date():
    from ihss.payroll.models.deductions import ShareOfCost
    from ihss.test import make_recipient

    recipient = make_recipient()
    ShareOfCost.objects.create(
        recipient=recipient, effective_from=dt.date(2026, 3, 1), monthly_cents=300_00
    )
    on = ShareOfCost.objects.filter(recipient=recipient).in_force_on
    assert [s.monthly_cents for s in on(dt.date(2026, 3, 1))] == [300_00]
    assert list(on(dt.date(2026, 2, 28))) == []
