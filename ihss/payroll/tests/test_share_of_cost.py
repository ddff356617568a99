"""Share of cost (ihss-facts §5.2): the recipient pays the first wages of the month up to
the share; withholdings come off the full gross; the State pays the rest."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ihss.payroll.rules.share_of_cost import (
    Note,
    ShareOfCostApplied,
    ShareOfCostDue,
    share_of_cost,
    shares_of_cost,
)
from ihss.payroll.rules.withholding import Earning, Elections, withholdings
from ihss.payroll.tests.test_withholding import POLICY, past_thresholds


def test_it_applies_one_recipients_share_across_two_stubs_of_the_month():
    # $300 a month. First stub $200: all of it; second stub $500: the $100 left.
    first = share_of_cost(monthly_cents=300_00, applied_this_month_cents=0, gross_cents=200_00)
    assert first == 200_00
    second = share_of_cost(monthly_cents=300_00, applied_this_month_cents=first, gross_cents=500_00)
    assert second == 100_00
    third = share_of_cost(
        monthly_cents=300_00, applied_this_month_cents=first + second, gross_cents=500_00
    )
    assert third == 0


def test_it_applies_two_recipients_shares_each_to_its_own_wages_across_two_stubs():
    # A: $300 a month, B: $50. Stub 1: A $200, B $100 of gross, $280.00 net.
    stub_1 = shares_of_cost(
        recipients=[ShareOfCostDue(1, 300_00, 0, 200_00), ShareOfCostDue(2, 50_00, 0, 100_00)],
        net_cents=280_00,
    )
    assert stub_1 == [
        ShareOfCostApplied(1, 200_00, 100_00, Note.APPLIED),
        ShareOfCostApplied(2, 50_00, 0, Note.APPLIED),
    ]
    # Stub 2: A $400, B $100: A pays the $100 left, B nothing more this month.
    stub_2 = shares_of_cost(
        recipients=[
            ShareOfCostDue(1, 300_00, 200_00, 400_00),
            ShareOfCostDue(2, 50_00, 50_00, 100_00),
        ],
        net_cents=460_00,
    )
    assert stub_2 == [
        ShareOfCostApplied(1, 100_00, 0, Note.APPLIED),
        ShareOfCostApplied(2, 0, 0, Note.MONTH_MET),
    ]


def test_it_takes_withholdings_from_the_full_gross_and_reduces_the_states_payment():
    # $900 gross from a recipient with a $300 share: 55.80 + 13.05 + 11.70 = 80.55 off
    # the full $900; net 819.45; the recipient pays 300.00, the State 519.45.
    lines = withholdings(
        policy=POLICY,
        earnings=[Earning(1, 900_00, "", False)],
        ytd={1: past_thresholds(1)},
        elections=Elections.nothing(),
        first_stub_of_month=True,
    )
    net = 900_00 - sum(x.amount_cents for x in lines)
    assert net == 819_45
    [soc] = shares_of_cost(recipients=[ShareOfCostDue(1, 300_00, 0, 900_00)], net_cents=net)
    assert soc.amount_cents == 300_00
    assert net - soc.amount_cents == 519_45


def test_it_leaves_the_rest_of_a_share_for_a_later_stub_when_the_net_is_smaller():
    # $1,000 share, $1,000 gross, 80.55 withheld: the recipient pays the 919.45 net, the
    # State nothing, and 80.55 of the share is still due this month.
    [soc] = shares_of_cost(recipients=[ShareOfCostDue(1, 1_000_00, 0, 1_000_00)], net_cents=919_45)
    assert (soc.amount_cents, soc.remaining_cents, soc.note) == (
        919_45,
        80_55,
        Note.LIMITED_BY_PAY,
    )


def test_it_leaves_out_recipients_without_a_share():
    assert shares_of_cost(recipients=[ShareOfCostDue(1, 0, 0, 500_00)], net_cents=500_00) == []


def test_it_refuses_negative_amounts():
    with pytest.raises(ValueError):
        share_of_cost(monthly_cents=-1, applied_this_month_cents=0, gross_cents=0)
    with pytest.raises(ValueError):
        shares_of_cost(recipients=[], net_cents=-1)


CENTS = st.integers(min_value=0, max_value=5_000_00)


@settings(max_examples=300)
@given(CENTS, CENTS, CENTS)
def test_a_share_is_never_more_than_what_is_left_of_the_month_nor_the_gross(
    monthly, applied, gross
):
    got = share_of_cost(monthly_cents=monthly, applied_this_month_cents=applied, gross_cents=gross)
    assert 0 <= got <= gross
    assert got <= max(0, monthly - applied)


@settings(max_examples=200)
@given(
    st.lists(CENTS, min_size=1, max_size=3),
    st.lists(st.lists(CENTS, min_size=3, max_size=3), max_size=6),
)
def test_over_a_month_the_shares_never_exceed_the_monthly_amounts_nor_any_stubs_net(
    recipients, stubs
):
    """Each stub: the gross from each recipient, and a net somewhere up to the gross."""
    applied = [0] * len(recipients)
    for grosses in stubs:
        gross = sum(grosses[: len(recipients)])
        net = gross - gross // 10
        due = [
            ShareOfCostDue(i, monthly, applied[i], grosses[i])
            for i, monthly in enumerate(recipients)
        ]
        got = shares_of_cost(recipients=due, net_cents=net)
        assert sum(x.amount_cents for x in got) <= net
        for x in got:
            assert 0 <= x.amount_cents <= grosses[x.recipient_id]
            applied[x.recipient_id] += x.amount_cents
    for i, monthly in enumerate(recipients):
        assert applied[i] <= monthly
