"""Travel time of ihss-facts §3.3, as worked examples and properties."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ihss.timesheets import rules
from ihss.timesheets.rules import Refusal, TravelLeg, check_travel
from ihss.timesheets.tests.numbers import LIMITS

D = dt.date
H = 60
TODAY = D(2026, 11, 30)
# Sun 11 to Sat 17 October 2026: the 1st-15th pay period ends inside it.
WEEK = [D(2026, 10, 11) + dt.timedelta(days=i) for i in range(7)]
SUNDAY = WEEK[0]
# Recipients 1, 2 and 3, each worked for every day of the week.
EVERY_DAY = {(d, r) for d in WEEK for r in (1, 2, 3)}
# SOC 2255: 4 h a week from 1 to 2, 4 h from 2 to 3, 4 h from 3 to 1.
AGREEMENTS = {(1, 2): 4 * H, (2, 3): 4 * H, (3, 1): 4 * H}


def refusals(legs, agreements=AGREEMENTS, worked=EVERY_DAY, today=TODAY):
    return check_travel(legs, agreements=agreements, worked=worked, limits=LIMITS, today=today)


def rules_broken(legs, **kwargs):
    return [r.rule for r in refusals(legs, **kwargs)]


def test_it_allows_travel_between_two_recipients_worked_for_that_day():
    legs = [TravelLeg(WEEK[1], 1, 2, 30), TravelLeg(WEEK[1], 2, 3, 45)]
    assert refusals(legs) == []


def test_it_refuses_travel_past_7_hours_a_week():
    # Seven days of 1 h: exactly 7 h is allowed.
    legs = [TravelLeg(d, (1, 2, 3)[i % 3], (2, 3, 1)[i % 3], H) for i, d in enumerate(WEEK)]
    assert refusals(legs) == []
    # One more minute is refused, for the whole week and not against one recipient.
    legs.append(TravelLeg(WEEK[6], 2, 3, 1))
    assert refusals(legs) == [Refusal(rules.TRAVEL_WEEK, SUNDAY, 7 * H + 1, 7 * H)]


def test_the_7_hours_count_the_part_of_the_week_in_the_other_pay_period():
    # Sun-Thu in the 1st-15th period, Fri-Sat in the 16th-31st period: one workweek.
    agreements = {(1, 2): 7 * H, (2, 1): 7 * H}
    legs = [TravelLeg(WEEK[i], 1, 2, 75) for i in range(5)]  # 6 h 15 min
    legs += [TravelLeg(WEEK[i], 2, 1, 30) for i in (5, 6)]  # 1 h: 7 h 15 min in all
    assert rules_broken(legs, agreements=agreements) == [rules.TRAVEL_WEEK]
    # The week after starts again from zero.
    next_week = [TravelLeg(d + dt.timedelta(days=7), 1, 2, 60) for d in WEEK]
    worked = EVERY_DAY | {(d + dt.timedelta(days=7), r) for d in WEEK for r in (1, 2)}
    assert rules_broken(next_week, agreements=agreements, worked=worked) == []


def test_it_refuses_travel_without_a_travel_agreement():
    found = refusals([TravelLeg(WEEK[2], 1, 3, 20)])
    assert found == [Refusal(rules.TRAVEL_NO_AGREEMENT, WEEK[2], 20, 0, recipient=3)]


def test_an_agreement_covers_one_direction_only():
    assert rules_broken([TravelLeg(WEEK[2], 2, 1, 20)]) == [rules.TRAVEL_NO_AGREEMENT]


def test_it_refuses_travel_to_a_recipient_not_worked_for_that_day():
    worked = {(WEEK[3], 1)}  # recipient 2 had no hours on Wednesday
    found = refusals([TravelLeg(WEEK[3], 1, 2, 40)], worked=worked)
    assert found == [Refusal(rules.TRAVEL_NOT_BETWEEN_WORK, WEEK[3], 40, 0, recipient=2)]


def test_it_refuses_travel_from_a_recipient_not_worked_for_that_day():
    # From home (no recipient worked for before) is not paid travel.
    worked = {(WEEK[3], 2)}
    assert rules_broken([TravelLeg(WEEK[3], 1, 2, 40)], worked=worked) == [
        rules.TRAVEL_NOT_BETWEEN_WORK
    ]


def test_work_on_another_day_does_not_make_travel_payable():
    worked = {(WEEK[3], 1), (WEEK[4], 2)}
    assert rules_broken([TravelLeg(WEEK[3], 1, 2, 40)], worked=worked) == [
        rules.TRAVEL_NOT_BETWEEN_WORK
    ]


def test_it_refuses_travel_from_a_recipient_to_the_same_recipient():
    found = rules_broken([TravelLeg(WEEK[3], 1, 1, 40)], agreements={(1, 1): H})
    assert found == [rules.TRAVEL_NOT_BETWEEN_WORK]


def test_a_pair_cannot_pass_the_weekly_minutes_of_its_agreement():
    legs = [TravelLeg(WEEK[i], 1, 2, H) for i in range(4)]  # 4 h from 1 to 2: the agreement
    assert refusals(legs) == []
    legs.append(TravelLeg(WEEK[4], 1, 2, 15))
    assert refusals(legs) == [
        Refusal(rules.TRAVEL_AGREEMENT_WEEK, SUNDAY, 4 * H + 15, 4 * H, recipient=2)
    ]


def test_it_refuses_travel_on_days_that_have_not_happened_yet():
    found = refusals([TravelLeg(WEEK[5], 1, 2, 30)], today=WEEK[4])
    assert found == [Refusal(rules.FUTURE_DAY, WEEK[5], 30, 0, recipient=2)]


def test_zero_minutes_are_no_claim_and_negative_minutes_an_error():
    assert refusals([TravelLeg(WEEK[1], 1, 3, 0)]) == []
    try:
        refusals([TravelLeg(WEEK[1], 1, 2, -5)])
    except ValueError:
        pass
    else:
        raise AssertionError("negative minutes were accepted")


def test_a_travel_refusal_reads_with_its_numbers():
    from django.utils import translation

    from ihss.timesheets.explain import explain

    refusal = Refusal(rules.TRAVEL_WEEK, SUNDAY, 7 * H + 15, 7 * H)
    with translation.override("en"):
        assert explain(refusal) == (
            "The week starting Oct. 11, 2026 would total 7 h 15 min of travel time; the "
            "limit is 7 h a week."
        )
    with translation.override("es"):
        assert "7 h 15 min" in explain(refusal)


# --- Properties ----------------------------------------------------------------------------

legs_strategy = st.lists(
    st.builds(
        TravelLeg,
        day=st.sampled_from([*WEEK, D(2026, 10, 18), D(2026, 10, 9)]),
        from_recipient=st.sampled_from([1, 2, 3, 4]),
        to_recipient=st.sampled_from([1, 2, 3, 4]),
        minutes=st.integers(min_value=0, max_value=4 * H),
    ),
    max_size=20,
)
worked_strategy = st.sets(
    st.tuples(st.sampled_from([*WEEK, D(2026, 10, 18), D(2026, 10, 9)]), st.integers(1, 4))
)


def week_refusals(found):
    return sorted((r for r in found if r.rule == rules.TRAVEL_WEEK), key=repr)


@given(legs_strategy, worked_strategy)
def test_the_same_travel_split_into_more_legs_gives_the_same_refusals(legs, worked):
    split = []
    for leg in legs:
        part = leg.minutes // 3
        split += [
            TravelLeg(leg.day, leg.from_recipient, leg.to_recipient, part),
            TravelLeg(leg.day, leg.from_recipient, leg.to_recipient, leg.minutes - part),
        ]
    whole = refusals(legs, worked=worked)
    parts = refusals(split[::-1], worked=worked)
    assert sorted(whole, key=repr) == sorted(parts, key=repr)


@given(legs_strategy, st.randoms(use_true_random=False))
def test_moving_travel_between_days_of_a_week_keeps_the_week_refusal(legs, random):
    """The 7-hour cap looks at the week's total only, whatever the days and pairs."""
    moved = [
        TravelLeg(
            rules.workweek_containing(leg.day).start + dt.timedelta(days=random.randrange(7)),
            random.choice([1, 2, 3]),
            random.choice([1, 2, 3]),
            leg.minutes,
        )
        for leg in legs
    ]
    assert week_refusals(refusals(legs)) == week_refusals(refusals(moved))


@given(legs_strategy, worked_strategy)
def test_week_refusals_total_more_than_their_limit_and_never_more_than_claimed(legs, worked):
    claimed = sum(leg.minutes for leg in legs)
    for refusal in refusals(legs, worked=worked):
        assert refusal.total > refusal.limit
        assert refusal.total <= claimed
        if refusal.rule == rules.TRAVEL_WEEK:
            assert refusal.when.weekday() == 6 and refusal.recipient is None
        else:
            assert refusal.recipient is not None
