"""The incentive rules, with worked examples and properties (ihss-facts 7)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ihss.training.rules import (
    HOURS,
    ONE_MONTH,
    SIX_MONTHS,
    IncentivePolicy,
    ServedMonth,
    Verified,
    incentives,
)

H = 60
POLICY = IncentivePolicy(
    block_minutes=15 * H,
    hours_max=2,
    hours_cents=50_000,
    month_minutes=40 * H,
    one_month_max=1,
    one_month_cents=100_000,
    months_in_a_row=6,
    six_month_max=1,
    six_month_cents=150_000,
    total_cap_cents=350_000,
)
DEMENTIA = "cognitive-behavioral"


def hours(pathway, day, minutes, category=1):
    return Verified(pathway, category, day, minutes)


def test_fifteen_hours_in_one_pathway_earn_the_hours_incentive():
    found = incentives(
        verified=[hours("safety", dt.date(2026, 1, 5), 10 * H), hours("safety", dt.date(2026, 1, 9), 5 * H)],
        served=[],
        policy=POLICY,
    )  # fmt: skip
    assert [(e.kind, e.cents, e.day) for e in found.earned] == [
        (HOURS, 50_000, dt.date(2026, 1, 9))
    ]


def test_hours_in_one_pathway_never_count_toward_another():
    found = incentives(
        verified=[hours("safety", dt.date(2026, 1, 5), 14 * H), hours("adult-ed", dt.date(2026, 1, 6), 14 * H)],
        served=[],
        policy=POLICY,
    )  # fmt: skip
    assert found.earned == ()
    assert {p.pathway: p.minutes_to_next_block for p in found.progress} == {
        "safety": H,
        "adult-ed": H,
    }


def test_the_hours_incentive_is_earned_at_most_twice():
    found = incentives(
        verified=[hours("safety", dt.date(2026, 1, d), 15 * H) for d in range(1, 5)],
        served=[],
        policy=POLICY,
    )
    assert [e.number for e in found.earned] == [1, 2]


def test_a_specialized_pathway_then_months_of_matching_care_earn_all_three():
    completed = [hours(DEMENTIA, dt.date(2026, 1, 10), 15 * H, category=2)]
    served = [ServedMonth(dt.date(2026, m, 1), frozenset({DEMENTIA}), 42 * H) for m in range(2, 8)]

    found = incentives(verified=completed, served=served, policy=POLICY)

    assert [(e.kind, e.day) for e in found.earned] == [
        (HOURS, dt.date(2026, 1, 10)),
        (ONE_MONTH, dt.date(2026, 2, 28)),
        (SIX_MONTHS, dt.date(2026, 7, 31)),
    ]
    assert found.total_cents == 300_000


def test_months_before_completion_or_with_too_few_hours_or_other_needs_do_not_count():
    completed = [hours(DEMENTIA, dt.date(2026, 3, 10), 15 * H, category=2)]
    served = [
        ServedMonth(dt.date(2026, 2, 1), frozenset({DEMENTIA}), 80 * H),  # before completion
        ServedMonth(dt.date(2026, 3, 1), frozenset({DEMENTIA}), 39 * H),  # under 40 hours
        ServedMonth(dt.date(2026, 4, 1), frozenset({"complex-physical"}), 80 * H),  # other needs
    ]
    found = incentives(verified=completed, served=served, policy=POLICY)
    assert [e.kind for e in found.earned] == [HOURS]


def test_a_general_pathway_earns_no_month_incentive():
    found = incentives(
        verified=[hours("safety", dt.date(2026, 1, 10), 15 * H)],
        served=[ServedMonth(dt.date(2026, 2, 1), frozenset({"safety"}), 80 * H)],
        policy=POLICY,
    )
    assert [e.kind for e in found.earned] == [HOURS]


def test_a_gap_in_the_months_restarts_the_six_month_count():
    completed = [hours(DEMENTIA, dt.date(2026, 1, 10), 15 * H, category=2)]
    months = [2, 3, 4, 5, 6, 8, 9, 10, 11, 12]  # July missing
    served = [ServedMonth(dt.date(2026, m, 1), frozenset({DEMENTIA}), 40 * H) for m in months]
    found = incentives(verified=completed, served=served, policy=POLICY)
    assert SIX_MONTHS not in [e.kind for e in found.earned]


verified_facts = st.lists(
    st.builds(
        Verified,
        pathway=st.sampled_from(["safety", "adult-ed", DEMENTIA, "complex-physical"]),
        category=st.just(1),
        day=st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        minutes=st.integers(0, 20 * H),
    ),
    max_size=30,
).map(lambda facts: [
    Verified(f.pathway, 2 if f.pathway in (DEMENTIA, "complex-physical") else 1, f.day, f.minutes)
    for f in facts
])  # fmt: skip
served_months = st.lists(
    st.builds(
        ServedMonth,
        month=st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 1)).map(lambda d: d.replace(day=1)),
        pathways=st.frozensets(st.sampled_from([DEMENTIA, "complex-physical"])),
        minutes=st.integers(0, 100 * H),
    ),
    max_size=20,
)


@given(verified_facts, served_months)
def test_no_incentive_passes_its_count_nor_the_total_cap(verified, served):
    found = incentives(verified=verified, served=served, policy=POLICY)
    kinds = [e.kind for e in found.earned]
    assert kinds.count(HOURS) <= POLICY.hours_max
    assert kinds.count(ONE_MONTH) <= POLICY.one_month_max
    assert kinds.count(SIX_MONTHS) <= POLICY.six_month_max
    assert found.total_cents <= POLICY.total_cap_cents


@given(verified_facts, served_months)
def test_hours_are_never_counted_in_two_pathways(verified, served):
    found = incentives(verified=verified, served=served, policy=POLICY)
    minutes = {p.pathway: p.minutes for p in found.progress}
    for pathway, total in minutes.items():
        assert total == sum(f.minutes for f in verified if f.pathway == pathway)
        blocks = sum(1 for e in found.earned if e.kind == HOURS and e.pathway == pathway)
        assert blocks <= total // POLICY.block_minutes


@given(verified_facts, served_months, st.randoms())
def test_the_result_does_not_depend_on_the_order_of_the_facts(verified, served, rnd):
    first = incentives(verified=verified, served=served, policy=POLICY)
    shuffled_v, shuffled_s = list(verified), list(served)
    rnd.shuffle(shuffled_v)
    rnd.shuffle(shuffled_s)
    assert incentives(verified=shuffled_v, served=shuffled_s, policy=POLICY) == first
