"""The pure rules of accounts: lockout lengths and the address throttle."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ihss.accounts.rules import lockout_minutes, too_many_from_one_address


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
