"""Properties of the case-record arithmetic, checked over many generated values."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ihss.cases import import_rules
from ihss.cases.rules import join_minutes, overlaps, peak_total, split_minutes

minutes = st.integers(min_value=0, max_value=10_000 * 60)
days = st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2040, 12, 31))


@st.composite
def periods(draw):
    start = draw(days)
    length = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=400)))
    end = None if length is None else start + dt.timedelta(days=length)
    return (start, end, draw(st.integers(min_value=0, max_value=400 * 60)))


@given(minutes)
def test_hours_and_minutes_give_back_the_same_duration(total):
    hours, rest = split_minutes(total)
    assert 0 <= rest < 60
    assert join_minutes(hours, rest) == total


def test_the_70_hour_45_minute_cap_splits_as_people_write_it():
    assert split_minutes(70 * 60 + 45) == (70, 45)
    with pytest.raises(ValueError):
        join_minutes(70, 60)


@given(st.integers(min_value=0, max_value=999 * 60 + 59))  # files allow up to 999:59
def test_hours_written_in_a_file_read_back_to_the_same_minutes(total):
    assert import_rules.hours(import_rules.format_hours(total)) == total


@given(periods(), periods())
def test_overlap_does_not_depend_on_the_order(a, b):
    assert overlaps(a[0], a[1], b[0], b[1]) == overlaps(b[0], b[1], a[0], a[1])


@given(periods())
def test_a_period_overlaps_itself(a):
    assert overlaps(a[0], a[1], a[0], a[1])


@given(st.lists(periods(), max_size=8))
def test_the_peak_lies_between_the_largest_period_and_the_sum(items):
    peak = peak_total(items)
    assert peak <= sum(m for _, _, m in items)
    assert peak >= max((m for _, _, m in items), default=0)
    assert peak == peak_total(list(reversed(items)))


@given(st.lists(periods(), min_size=1, max_size=6))
def test_the_peak_equals_the_busiest_day_counted_one_day_at_a_time(items):
    starts = {start for start, _, _ in items}

    def total_on(day):
        return sum(m for s, e, m in items if s <= day and (e is None or day <= e))

    assert peak_total(items) == max(total_on(day) for day in starts)


def test_travel_agreements_back_to_back_do_not_add_up():
    june = (dt.date(2026, 6, 1), dt.date(2026, 6, 30), 300)
    july = (dt.date(2026, 7, 1), None, 300)
    assert peak_total([june, july]) == 300
    overlapping = (dt.date(2026, 6, 30), None, 300)
    assert peak_total([june, overlapping]) == 600


def test_a_severely_impaired_recipient_is_held_to_the_283_hour_cap_others_to_195():
    from ihss.cases.rules import monthly_cap_parameter

    assert monthly_cap_parameter(severely_impaired=True) == "recipient_monthly_max_severe"
    assert monthly_cap_parameter(severely_impaired=False) == "recipient_monthly_max"
