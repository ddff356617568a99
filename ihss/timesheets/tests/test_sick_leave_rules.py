"""Paid sick leave of ihss-facts §3.6, as worked examples and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ihss.timesheets import rules
from ihss.timesheets.rules import (
    FiscalYear,
    check_sick_leave_claim,
    fiscal_year_containing,
    sick_leave_balance,
)
from ihss.timesheets.tests.numbers import sick_leave_policy

D = dt.date
H = 60
ANNUAL = {2018: 8, 2019: 8, 2020: 16, 2021: 16, 2022: 24, 2023: 24, 2024: 40, 2025: 40, 2026: 40}
# One policy per fiscal year, keyed by its July 1; none before July 2018.
POLICIES = {D(year, 7, 1): sick_leave_policy(hours * H) for year, hours in ANNUAL.items()}
POLICY = POLICIES[D(2025, 7, 1)]


def days_from(first, count, minutes):
    return [(first + dt.timedelta(days=i), minutes) for i in range(count)]


def balance(worked, today, claims=()):
    return sick_leave_balance(
        worked=worked, claims_used=list(claims), policy_for=POLICIES.get, today=today
    )


def claim(minutes, day, today, worked, claims=()):
    found = check_sick_leave_claim(
        minutes,
        balance=balance(worked, day, claims),
        day=day,
        policy=POLICIES[fiscal_year_containing(day).start],
        today=today,
    )
    return [r.rule for r in found]


# A provider who has worked 10 h a day since March 2019: long since earned and usable.
VETERAN = days_from(D(2019, 3, 4), 2500, 10 * H)


def test_the_fiscal_year_runs_from_july_1_to_june_30():
    assert fiscal_year_containing(D(2025, 7, 1)) == FiscalYear(D(2025, 7, 1), D(2026, 6, 30))
    assert fiscal_year_containing(D(2026, 6, 30)) == FiscalYear(D(2025, 7, 1), D(2026, 6, 30))
    assert fiscal_year_containing(D(2026, 1, 15)).start == D(2025, 7, 1)
    assert D(2025, 12, 31) in fiscal_year_containing(D(2025, 8, 1))


def test_sick_leave_is_earned_on_the_day_the_100th_hour_is_worked():
    worked = days_from(D(2025, 8, 4), 10, 10 * H)  # 100 h on August 13
    before = balance(worked[:9], D(2025, 8, 13))
    assert (before.earned_on, before.granted, before.balance) == (None, 0, 0)
    after = balance(worked, D(2025, 8, 13))
    assert after.earned_on == D(2025, 8, 13)
    assert (after.granted, after.balance) == (40 * H, 40 * H)


def test_it_is_usable_after_200_more_hours_when_they_come_before_60_days():
    worked = days_from(D(2025, 8, 4), 30, 10 * H)  # 300 h on September 2
    found = balance(worked, D(2025, 9, 10))
    assert (found.earned_on, found.usable_on) == (D(2025, 8, 13), D(2025, 9, 2))


def test_it_is_usable_60_days_after_earning_when_they_come_before_200_more_hours():
    worked = days_from(D(2025, 8, 4), 10, 10 * H) + days_from(D(2025, 8, 14), 90, 2 * H)
    found = balance(worked, D(2025, 11, 20))
    assert found.usable_on == D(2025, 8, 13) + dt.timedelta(days=60)  # October 12
    # Before the 60th day, the leave is granted but cannot be used yet.
    early = balance(worked, D(2025, 9, 1))
    assert early.usable_on == D(2025, 10, 12) and early.balance == 40 * H
    assert claim(2 * H, D(2025, 9, 1), D(2025, 9, 1), worked) == [rules.SICK_NOT_YET_USABLE]
    assert claim(2 * H, D(2025, 10, 12), D(2025, 10, 13), worked) == []


def test_a_claim_is_at_least_1_hour_then_steps_of_30_minutes():
    day = D(2025, 11, 3)
    assert claim(30, day, day, VETERAN) == [rules.SICK_MINIMUM]
    assert claim(0, day, day, VETERAN) == [rules.SICK_MINIMUM]
    assert claim(60, day, day, VETERAN) == []
    assert claim(75, day, day, VETERAN) == [rules.SICK_STEP]
    assert claim(90, day, day, VETERAN) == []
    assert claim(8 * H + 30, day, day, VETERAN) == []
    assert claim(8 * H + 20, day, day, VETERAN) == [rules.SICK_STEP]


def test_a_claim_cannot_pass_the_balance():
    used = [(D(2025, 9, 2), 35 * H)]
    day = D(2025, 11, 3)
    assert balance(VETERAN, day, used).balance == 5 * H
    assert claim(5 * H, day, day, VETERAN, used) == []
    found = check_sick_leave_claim(
        6 * H, balance=balance(VETERAN, day, used), day=day, policy=POLICY, today=day
    )
    assert [(r.rule, r.total, r.limit) for r in found] == [(rules.SICK_OVER_BALANCE, 6 * H, 5 * H)]


def test_it_refuses_sick_leave_for_days_that_have_not_happened_yet():
    assert claim(2 * H, D(2025, 11, 4), D(2025, 11, 3), VETERAN) == [rules.FUTURE_DAY]


def test_the_balance_expires_on_june_30_and_a_new_one_is_granted_on_july_1():
    used = [(D(2025, 1, 6), 10 * H)]
    june = balance(VETERAN, D(2025, 6, 30), used)
    assert (june.granted, june.used, june.balance) == (40 * H, 10 * H, 30 * H)
    assert june.expires_on == D(2025, 6, 30)
    july = balance(VETERAN, D(2025, 7, 1), used)  # nothing carried over
    assert (july.granted, july.used, july.balance) == (40 * H, 0, 40 * H)
    assert (july.year_start, july.expires_on) == (D(2025, 7, 1), D(2026, 6, 30))


def test_40_hours_a_year_from_july_2024_and_24_hours_before():
    assert balance(VETERAN, D(2024, 6, 30)).granted == 24 * H
    assert balance(VETERAN, D(2024, 7, 1)).granted == 40 * H
    assert balance(VETERAN, D(2022, 6, 30)).granted == 16 * H
    assert balance(VETERAN, D(2020, 6, 30)).granted == 8 * H


def test_the_whole_year_is_granted_even_when_earned_on_june_29():
    worked = days_from(D(2025, 6, 20), 10, 10 * H)  # 100 h on June 29, 2025
    found = balance(worked, D(2025, 6, 29))
    assert (found.earned_on, found.granted, found.expires_on) == (
        D(2025, 6, 29),
        40 * H,
        D(2025, 6, 30),
    )
    assert balance(worked, D(2025, 7, 1)).granted == 40 * H  # and again from July 1


def test_hours_before_july_2018_do_not_count_toward_the_first_100():
    worked = days_from(D(2018, 5, 1), 30, 8 * H) + days_from(D(2018, 7, 2), 10, 5 * H)
    assert balance(worked, D(2018, 7, 31)).earned_on is None  # 50 h since July 1
    worked += days_from(D(2018, 8, 1), 10, 5 * H)  # 100 h on August 10
    assert balance(worked, D(2018, 8, 31)).earned_on == D(2018, 8, 10)


def test_more_than_a_year_without_work_starts_over():
    worked = days_from(D(2022, 1, 3), 40, 8 * H)  # earned in January 2022, last day Feb 11
    assert balance(worked, D(2023, 2, 11)).granted == 24 * H  # within a year: kept
    assert balance(worked, D(2023, 2, 12)).granted == 0  # more than a year: lost
    again = worked + days_from(D(2023, 3, 1), 10, 5 * H)  # 50 h after the gap
    assert balance(again, D(2023, 3, 31)).earned_on is None
    again += days_from(D(2023, 4, 1), 10, 5 * H)  # 100 h again on April 10
    assert balance(again, D(2023, 4, 30)).earned_on == D(2023, 4, 10)


def test_a_late_claim_draws_on_the_balance_of_its_own_fiscal_year():
    # Entered on July 3 for June 27: last year's balance, taken before it expired.
    assert claim(4 * H, D(2025, 6, 27), D(2025, 7, 3), VETERAN) == []
    with pytest.raises(ValueError):
        check_sick_leave_claim(
            4 * H,
            balance=balance(VETERAN, D(2025, 7, 3)),
            day=D(2025, 6, 27),
            policy=POLICY,
            today=D(2025, 7, 3),
        )


def test_a_sick_leave_refusal_reads_with_its_numbers():
    from django.utils import translation

    from ihss.timesheets.explain import explain

    refusal = rules.Refusal(rules.SICK_OVER_BALANCE, D(2025, 11, 3), 6 * H, 5 * H + 30)
    with translation.override("en"):
        assert explain(refusal) == (
            "This claim of 6 h is more than your paid sick leave balance of 5 h 30 min."
        )


# --- Properties ----------------------------------------------------------------------------

some_days = st.dates(min_value=D(2017, 1, 1), max_value=D(2027, 12, 31))
worked_strategy = st.lists(st.tuples(some_days, st.integers(0, 16 * H)), max_size=60)
claims_strategy = st.lists(st.tuples(some_days, st.integers(0, 20 * H)), max_size=10)
today_strategy = st.dates(min_value=D(2018, 7, 1), max_value=D(2027, 6, 30))


@given(worked_strategy, claims_strategy, today_strategy)
def test_the_balance_is_never_negative_nor_more_than_granted(worked, claims, today):
    found = balance(worked, today, claims)
    annual = POLICIES[fiscal_year_containing(today).start].annual
    assert 0 <= found.balance <= found.granted
    assert found.granted in (0, annual)
    assert found.expires_on == fiscal_year_containing(today).end
    if found.earned_on is None:
        assert found.granted == 0 and found.usable_on is None
    else:
        assert found.earned_on <= today and found.usable_on is not None
        assert found.earned_on <= found.usable_on <= found.earned_on + dt.timedelta(days=60)


@given(worked_strategy, claims_strategy, today_strategy, st.integers(0, 50 * H))
def test_an_accepted_claim_never_takes_the_balance_below_zero(worked, claims, today, minutes):
    found = balance(worked, today, claims)
    refusals = check_sick_leave_claim(
        minutes, balance=found, day=today, policy=POLICIES[found.year_start], today=today
    )
    if not refusals:
        after = balance(worked, today, [*claims, (today, minutes)])
        assert after.balance == found.balance - minutes >= 0
        assert minutes >= H and minutes % 30 == 0


@given(worked_strategy, today_strategy)
def test_the_same_work_split_differently_earns_on_the_same_day(worked, today):
    split = []
    for day, minutes in worked:
        split += [(day, minutes // 2), (day, minutes - minutes // 2)]
    assert balance(worked, today) == balance(split[::-1], today)


# --- The county's starting point for work before the portal (issue 14, item 9) -----------


def started(worked, today, start, claims=()):
    return sick_leave_balance(
        worked=worked, claims_used=list(claims), policy_for=POLICIES.get, today=today, start=start
    )


def test_hours_worked_before_the_portal_count_toward_the_100_and_200_hours():
    portal = days_from(D(2026, 12, 1), 5, 8 * H)  # 40 h through the portal
    assert balance(portal, D(2026, 12, 10)).earned_on is None
    start = rules.SickLeaveStart(through=D(2026, 11, 30), worked=270 * H)
    found = started(portal, D(2026, 12, 10), start)
    # 270 h before: the 100th hour was before the portal, earned on that day; the 300th
    # hour is worked on December 4 (270 + 4 x 8 = 302).
    assert (found.earned_on, found.usable_on) == (D(2026, 11, 30), D(2026, 12, 4))
    assert found.granted == POLICIES[D(2026, 7, 1)].annual


def test_the_countys_earned_and_usable_days_are_taken_as_they_are():
    start = rules.SickLeaveStart(
        through=D(2026, 11, 30), worked=0, earned_on=D(2025, 3, 1), usable_on=D(2025, 5, 1)
    )
    found = started([], D(2026, 12, 10), start)
    assert (found.earned_on, found.usable_on, found.granted) == (
        D(2025, 3, 1),
        D(2025, 5, 1),
        POLICIES[D(2026, 7, 1)].annual,
    )
    earned_only = rules.SickLeaveStart(through=D(2026, 11, 2), earned_on=D(2026, 11, 2))
    later = started([], D(2026, 11, 20), earned_only)
    # Not usable yet: 60 days after earning unless 200 more hours come first.
    assert later.usable_on == D(2026, 11, 2) + dt.timedelta(days=POLICY.usable_after_days)


def test_portal_days_up_to_the_starting_point_are_not_counted_twice():
    portal = days_from(D(2026, 11, 1), 10, 10 * H)  # 100 h, all before the start's day
    start = rules.SickLeaveStart(through=D(2026, 11, 15), worked=50 * H)
    assert started(portal, D(2026, 11, 20), start).earned_on is None


def test_a_starting_point_after_today_is_not_yet_in_force():
    start = rules.SickLeaveStart(through=D(2026, 12, 1), worked=500 * H)
    assert started([], D(2026, 11, 20), start).earned_on is None


@given(
    before=st.integers(min_value=0, max_value=400 * H),
    portal_days=st.integers(min_value=0, max_value=60),
)
def test_a_starting_point_never_makes_leave_later(before, portal_days):
    """More hours before the portal never delays earning or use."""
    portal = days_from(D(2026, 9, 1), portal_days, 6 * H)
    today = D(2026, 11, 20)
    without = started(portal, today, rules.SickLeaveStart(through=D(2026, 8, 31)))
    with_hours = started(portal, today, rules.SickLeaveStart(through=D(2026, 8, 31), worked=before))
    if without.earned_on is not None:
        assert with_hours.earned_on is not None and with_hours.earned_on <= without.earned_on
    if without.usable_on is not None:
        assert with_hours.usable_on is not None and with_hours.usable_on <= without.usable_on
