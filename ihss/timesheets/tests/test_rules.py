"""Pay periods: the 1st to the 15th and the 16th to the month's end."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ihss.timesheets.rules import PayPeriod, pay_period_containing, period_ending_tomorrow

D = dt.date


def test_the_two_pay_periods_of_a_month():
    assert pay_period_containing(D(2026, 11, 1)) == PayPeriod(D(2026, 11, 1), D(2026, 11, 15))
    assert pay_period_containing(D(2026, 11, 15)) == PayPeriod(D(2026, 11, 1), D(2026, 11, 15))
    assert pay_period_containing(D(2026, 11, 16)) == PayPeriod(D(2026, 11, 16), D(2026, 11, 30))


def test_the_second_period_ends_on_the_months_last_day():
    assert pay_period_containing(D(2028, 2, 20)).end == D(2028, 2, 29)  # leap year
    assert pay_period_containing(D(2027, 2, 20)).end == D(2027, 2, 28)
    assert pay_period_containing(D(2026, 12, 31)).end == D(2026, 12, 31)


def test_the_period_that_ends_tomorrow():
    assert period_ending_tomorrow(D(2026, 11, 14)) == PayPeriod(D(2026, 11, 1), D(2026, 11, 15))
    assert period_ending_tomorrow(D(2026, 11, 29)) == PayPeriod(D(2026, 11, 16), D(2026, 11, 30))
    assert period_ending_tomorrow(D(2026, 11, 15)) is None
    assert period_ending_tomorrow(D(2026, 11, 20)) is None


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31)))
def test_every_day_is_in_exactly_one_period_of_its_month(day):
    period = pay_period_containing(day)
    assert period.start <= day <= period.end
    assert period.start.month == period.end.month == day.month
    following = pay_period_containing(period.end + dt.timedelta(days=1))
    assert following.start == period.end + dt.timedelta(days=1)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31)))
def test_each_period_is_announced_exactly_once(day):
    period = pay_period_containing(day)
    days = [
        period.start + dt.timedelta(days=n) for n in range((period.end - period.start).days + 1)
    ]
    announced = [d for d in days if period_ending_tomorrow(d) == period]
    assert announced == [period.end - dt.timedelta(days=1)]
