"""The pure rules of accounts: lockout lengths and the address throttle."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ihss.accounts.rules import (
    after_failure,
    lockout_minutes,
    minutes_left,
    too_many_from_one_address,
)


def test_lockouts_start_at_fifteen_minutes_and_double_up_to_a_day():
    lengths = [lockout_minutes(n, base_minutes=15, cap_minutes=1440) for n in range(9)]
    assert lengths == [15, 30, 60, 120, 240, 480, 960, 1440, 1440]


@given(previous=st.integers(min_value=0, max_value=10_000))
def test_a_lockout_is_never_permanent_and_never_shrinks(previous):
    now = lockout_minutes(previous, base_minutes=15, cap_minutes=1440)
    after = lockout_minutes(previous + 1, base_minutes=15, cap_minutes=1440)
    assert 15 <= now <= after <= 1440


def test_a_negative_count_is_an_error():
    with pytest.raises(ValueError):
        lockout_minutes(-1, base_minutes=15, cap_minutes=1440)


def test_an_address_waits_from_its_limit_on():
    assert not too_many_from_one_address(49, limit=50)
    assert too_many_from_one_address(50, limit=50)


def test_every_fifth_failure_pauses_longer_and_the_hundredth_stops():
    failures, pauses, seen = 0, 0, []
    for _ in range(100):
        outcome = after_failure(
            failures_before=failures,
            pauses_before=pauses,
            limit=5,
            cap=100,
            base_minutes=15,
            cap_minutes=1440,
        )
        failures = outcome.failures
        if outcome.pause_minutes:
            pauses += 1
            seen.append(outcome.pause_minutes)
        if outcome.stopped:
            break
    assert failures == 100 and outcome.stopped and outcome.pause_minutes == 0
    assert seen[:8] == [15, 30, 60, 120, 240, 480, 960, 1440] and len(seen) == 19


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=100))
def test_the_count_never_passes_the_cap(failures_before, cap):
    outcome = after_failure(
        failures_before=min(failures_before, cap - 1),
        pauses_before=3,
        limit=5,
        cap=cap,
        base_minutes=15,
        cap_minutes=1440,
    )
    assert outcome.failures <= cap
    assert outcome.stopped == (outcome.failures == cap)


def test_the_minutes_left_round_up_so_a_pause_never_reads_zero():
    assert [minutes_left(s) for s in (0, 1, 59, 60, 61, 57_600)] == [0, 1, 1, 1, 2, 960]
