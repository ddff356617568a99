import datetime as dt

import pytest

from ihss.core.parameters import MissingParameter, parameter

pytestmark = pytest.mark.django_db


def test_it_reads_the_value_in_force_on_a_date():
    assert parameter("sick_leave_annual", on=dt.date(2024, 6, 30)) == 24 * 60
    assert parameter("sick_leave_annual", on=dt.date(2024, 7, 1)) == 40 * 60


def test_the_seeded_caps_match_the_program_rules():
    on = dt.date(2026, 11, 23)
    assert parameter("multi_recipient_weekly_cap", on=on) == 66 * 60
    assert parameter("combined_weekly_cap", on=on) == 70 * 60 + 45
    assert parameter("travel_weekly_cap", on=on) == 7 * 60


def test_it_says_which_parameter_is_missing_before_it_starts():
    with pytest.raises(MissingParameter, match="sick_leave_annual"):
        parameter("sick_leave_annual", on=dt.date(2010, 1, 1))
