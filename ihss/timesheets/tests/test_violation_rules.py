"""Violations of ihss-facts §3.5 (ACL 16-36), as worked examples and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ihss.timesheets import rules
from ihss.timesheets.rules import (
    LedgerEntry,
    ProviderContext,
    RecipientWeek,
    complete_training,
    current_count,
    dispute_upheld,
    record_violation,
    violations_in_week,
)
from ihss.timesheets.tests.numbers import EVERY_WEEK, LIMITS, VIOLATION_POLICY

D = dt.date
H = 60
POLICY = VIOLATION_POLICY
ONE_RECIPIENT = ProviderContext()


def week(ihss=30 * H, travel=0, provider=ONE_RECIPIENT, recipients=()):
    return violations_in_week(
        ihss_minutes=ihss,
        travel_minutes=travel,
        provider=provider,
        recipients=list(recipients),
        week=D(2026, 10, 11),
        limits=LIMITS,
    )


def record(history, day, training_used_before=False, noticed_on=None):
    """Record a violation and return its outcome and the ledger with its row added."""
    outcome = record_violation(
        history,
        occurred_on=day,
        noticed_on=noticed_on,
        training_used_before=training_used_before,
        policy=POLICY,
    )
    return outcome, [*history, outcome.entry()]


def ledger(*days):
    history: list[LedgerEntry] = []
    for day in days:
        _, history = record(history, day)
    return history


# --- The violations of a workweek ------------------------------------------------------------


def test_a_week_within_every_limit_is_no_violation():
    several = ProviderContext(several_recipients_weeks=EVERY_WEEK)
    assert week(66 * H, 7 * H, several, [RecipientWeek(1, False), RecipientWeek(2, False)]) == []


def test_more_than_66_hours_for_several_recipients_is_a_violation():
    several = ProviderContext(several_recipients_weeks=EVERY_WEEK)
    assert week(66 * H + 1, provider=several) == [rules.VIOLATION_OVER_66]
    # A provider of one recipient is held by the weekly maximum instead.
    assert week(66 * H + 1) == []


def test_an_exempt_provider_is_in_violation_only_past_90_hours():
    exempt = ProviderContext(several_recipients_weeks=EVERY_WEEK, exempt_weeks=EVERY_WEEK)
    assert week(90 * H, provider=exempt) == []
    assert week(90 * H + 1, provider=exempt) == [rules.VIOLATION_OVER_66]


def test_more_than_7_hours_of_travel_is_a_violation():
    assert week(travel=7 * H) == []
    assert week(travel=7 * H + 1) == [rules.VIOLATION_TRAVEL_OVER_7]


def test_passing_the_weekly_maximum_without_approval_is_a_violation():
    assert week(recipients=[RecipientWeek(1, True)]) == [rules.VIOLATION_WEEKLY_MAXIMUM]


def test_past_40_hours_for_a_recipient_authorized_40_or_less_is_its_own_violation():
    low = RecipientWeek(1, True, authorized_40_or_less=True)
    assert week(41 * H, recipients=[low]) == [rules.VIOLATION_OVER_40]
    # Within 40 hours the breach is of the weekly maximum.
    assert week(38 * H, recipients=[low]) == [rules.VIOLATION_WEEKLY_MAXIMUM]


def test_each_violation_of_a_week_is_named_once_in_a_fixed_order():
    several = ProviderContext(several_recipients_weeks=EVERY_WEEK)
    recipients = [RecipientWeek(1, True), RecipientWeek(2, True), RecipientWeek(3, False)]
    assert week(70 * H, 8 * H, several, recipients) == [
        rules.VIOLATION_WEEKLY_MAXIMUM,
        rules.VIOLATION_OVER_66,
        rules.VIOLATION_TRAVEL_OVER_7,
    ]


def test_the_violation_codes_are_those_the_notices_know():
    from ihss.notifications.templatetags.notices import VIOLATION_RULES

    assert set(rules.VIOLATION_CODES) == set(VIOLATION_RULES)


# --- The ledger ------------------------------------------------------------------------------


def test_the_first_violation_brings_a_notice_that_can_be_disputed_for_10_days():
    outcome, _ = record([], D(2026, 3, 10), noticed_on=D(2026, 3, 20))
    assert (outcome.counted, outcome.number, outcome.consequence) == (
        True,
        1,
        rules.CONSEQUENCE_NOTICE,
    )
    assert outcome.dispute_by == D(2026, 3, 30)
    assert outcome.training_due is None and outcome.suspended_from is None


def test_the_second_brings_a_notice_and_the_training_within_14_days():
    outcome, _ = record(ledger(D(2026, 3, 10)), D(2026, 4, 8))
    assert (outcome.number, outcome.consequence) == (2, rules.CONSEQUENCE_NOTICE_WITH_TRAINING)
    assert outcome.training_due == D(2026, 4, 22)


def test_the_third_brings_a_90_day_suspension():
    outcome, _ = record(ledger(D(2026, 3, 10), D(2026, 4, 8)), D(2026, 5, 4))
    assert (outcome.number, outcome.consequence) == (3, rules.CONSEQUENCE_SUSPENSION)
    # After the 10 days to dispute it: May 15, then 90 days, May 15 to August 12.
    assert (outcome.suspended_from, outcome.suspended_until) == (D(2026, 5, 15), D(2026, 8, 12))
    assert (outcome.suspended_until - outcome.suspended_from).days + 1 == 90


def test_the_fourth_brings_365_days_of_ineligibility_and_resets_the_count_to_0():
    history = ledger(D(2026, 3, 10), D(2026, 4, 8), D(2026, 5, 4))
    outcome, history = record(history, D(2026, 6, 2))
    assert (outcome.number, outcome.consequence) == (4, rules.CONSEQUENCE_INELIGIBILITY)
    assert outcome.ineligible_from == D(2026, 6, 13)
    assert (outcome.ineligible_until - outcome.ineligible_from).days + 1 == 365
    assert current_count(history, D(2026, 6, 2), POLICY) == 0
    after, _ = record(history, D(2027, 7, 5))
    assert (after.number, after.consequence) == (1, rules.CONSEQUENCE_NOTICE)


def test_at_most_one_violation_counts_in_a_calendar_month():
    history = ledger(D(2026, 3, 2))
    later, history = record(history, D(2026, 3, 28))
    assert (later.counted, later.number, later.consequence) == (
        False,
        None,
        rules.CONSEQUENCE_TRACKED_ONLY,
    )
    assert later.dispute_by is None
    assert current_count(history, D(2026, 3, 31), POLICY) == 1
    next_month, _ = record(history, D(2026, 4, 1))
    assert next_month.number == 2


def test_a_clean_year_drops_the_count_by_one_and_each_further_clean_year_again():
    history = ledger(D(2025, 1, 15), D(2025, 2, 10))
    assert current_count(history, D(2026, 2, 9), POLICY) == 2
    assert current_count(history, D(2026, 2, 10), POLICY) == 1  # 365 days without one
    assert current_count(history, D(2027, 2, 10), POLICY) == 0
    assert current_count(history, D(2030, 1, 1), POLICY) == 0  # never below zero
    outcome, _ = record(history, D(2026, 3, 1))
    assert outcome.number == 2  # 2 - 1 + 1


def test_a_tracked_violation_does_not_restart_the_clean_year():
    history = ledger(D(2025, 1, 15), D(2025, 1, 20))  # the second one only tracked
    assert current_count(history, D(2026, 1, 15), POLICY) == 0


def test_the_training_rescinds_the_second_violation():
    history = ledger(D(2026, 3, 10))
    second, history = record(history, D(2026, 4, 8))
    rescinded = complete_training(
        history, history[-1], completed_on=D(2026, 4, 20), training_used_before=False, policy=POLICY
    )
    history[-1] = rescinded
    assert rescinded.rescinded and current_count(history, D(2026, 4, 30), POLICY) == 1
    again, _ = record(history, D(2026, 5, 5))
    assert again.number == 2


def test_the_training_rescinds_a_second_violation_only_once_in_a_career():
    history = ledger(D(2026, 3, 10), D(2026, 4, 8))
    history[-1] = complete_training(
        history, history[-1], completed_on=D(2026, 4, 20), training_used_before=False, policy=POLICY
    )
    # The next 2nd brings a plain notice, and the training cannot rescind it.
    outcome, history = record(history, D(2026, 5, 5))
    assert (outcome.number, outcome.consequence) == (2, rules.CONSEQUENCE_NOTICE)
    assert outcome.training_due is None
    with pytest.raises(ValueError):
        complete_training(
            history,
            history[-1],
            completed_on=D(2026, 5, 10),
            training_used_before=False,
            policy=POLICY,
        )


def test_the_training_used_in_rows_no_longer_kept_counts_too():
    outcome, _ = record(ledger(D(2026, 3, 10)), D(2026, 4, 8), training_used_before=True)
    assert outcome.consequence == rules.CONSEQUENCE_NOTICE


def test_the_training_must_be_finished_within_14_days_of_the_notice():
    history = ledger(D(2026, 3, 10), D(2026, 4, 8))
    with pytest.raises(ValueError):
        complete_training(
            history,
            history[-1],
            completed_on=D(2026, 4, 23),
            training_used_before=False,
            policy=POLICY,
        )
    assert complete_training(
        history, history[-1], completed_on=D(2026, 4, 22), training_used_before=False, policy=POLICY
    ).rescinded


def test_the_training_rescinds_only_a_second_violation():
    history = ledger(D(2026, 3, 10))
    with pytest.raises(ValueError):
        complete_training(
            history,
            history[0],
            completed_on=D(2026, 3, 12),
            training_used_before=False,
            policy=POLICY,
        )


def test_a_violation_overturned_on_dispute_does_not_count():
    history = ledger(D(2026, 3, 10))
    history[0] = dispute_upheld(history[0])
    assert current_count(history, D(2026, 3, 31), POLICY) == 0
    # Nor does it hold the month: another one in March is counted, as the first.
    outcome, _ = record(history, D(2026, 3, 25))
    assert (outcome.counted, outcome.number) == (True, 1)


def test_an_outcome_reads_with_its_dates():
    from django.utils import translation

    from ihss.timesheets.explain import explain_outcome, explain_violation

    outcome, _ = record(ledger(D(2026, 3, 10)), D(2026, 4, 8))
    with translation.override("en"):
        assert explain_outcome(outcome) == (
            "This is violation number 2. If you complete the one-time self-study training by "
            "April 22, 2026, it will be removed; this offer is made only once. You may ask the "
            "county to review it by April 18, 2026."
        )
        assert explain_violation(rules.VIOLATION_TRAVEL_OVER_7, limits=LIMITS) == (
            "Your travel time in a workweek passed 7 h."
        )
        assert "90 h" in explain_violation(rules.VIOLATION_OVER_66, limits=LIMITS, exempt=True)


def test_every_violation_and_consequence_has_an_explanation():
    from ihss.timesheets.explain import explain_outcome, explain_violation

    for code in rules.VIOLATION_CODES:
        assert explain_violation(code, limits=LIMITS)
    for consequence in rules.CONSEQUENCES:
        outcome = rules.ViolationOutcome(D(2026, 3, 1), D(2026, 3, 1), True, 1, consequence)
        assert explain_outcome(outcome)


# --- Properties ----------------------------------------------------------------------------

events = st.lists(
    st.tuples(
        st.integers(0, 45),  # days since the previous violation
        st.sampled_from(["none", "training", "dispute"]),  # what happens to it afterwards
    ),
    max_size=30,
)


def replay(steps):
    """A provider's ledger built one violation at a time, as the portal would."""
    history: list[LedgerEntry] = []
    outcomes = []
    day = D(2020, 1, 1)
    for gap, then in steps:
        day += dt.timedelta(days=gap)
        outcome, history = record(history, day)
        outcomes.append(outcome)
        last = history[-1]
        if then == "dispute":
            history[-1] = dispute_upheld(last)
        elif then == "training" and outcome.consequence == rules.CONSEQUENCE_NOTICE_WITH_TRAINING:
            history[-1] = complete_training(
                history, last, completed_on=day, training_used_before=False, policy=POLICY
            )
    return history, outcomes, day


@given(events, st.integers(0, 2000))
def test_the_count_is_never_negative_nor_above_3_and_numbers_run_1_to_4(steps, later):
    history, outcomes, last_day = replay(steps)
    for outcome in outcomes:
        assert outcome.counted == (outcome.number is not None)
        assert outcome.number is None or 1 <= outcome.number <= 4
    for day in [last_day, last_day + dt.timedelta(days=later)]:
        assert 0 <= current_count(history, day, POLICY) <= 3


@given(events)
def test_no_two_standing_violations_count_in_the_same_month(steps):
    history, _, _ = replay(steps)
    months = [(e.occurred_on.year, e.occurred_on.month) for e in history if e.stands]
    assert len(months) == len(set(months))


@given(events)
def test_the_training_rescinds_at_most_one_violation(steps):
    history, _, _ = replay(steps)
    assert sum(e.rescinded for e in history) <= 1


@given(events, st.integers(0, 2000), st.integers(0, 2000))
def test_without_new_violations_the_count_never_goes_up(steps, a, b):
    history, _, last_day = replay(steps)
    first, second = sorted([a, b])
    assert current_count(history, last_day + dt.timedelta(days=second), POLICY) <= current_count(
        history, last_day + dt.timedelta(days=first), POLICY
    )
