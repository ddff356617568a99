"""The hour limits of ihss-facts §3, as worked examples and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ihss.timesheets import rules
from ihss.timesheets.rules import (
    IHSS,
    WPCS,
    Entry,
    PayPeriod,
    ProviderContext,
    RecipientLimits,
    Workweek,
    check_hours,
    overtime_minutes,
    weekly_maximum,
    workweek_containing,
    workweeks_touching,
)
from ihss.timesheets.tests.numbers import EVERY_WEEK, LIMITS

D = dt.date
H = 60
TODAY = D(2026, 11, 30)
# A week that starts in one pay period and ends in the next: Sun 11 to Sat 17 October 2026.
SHARED_WEEK = [D(2026, 10, 11) + dt.timedelta(days=i) for i in range(7)]


OCTOBER = D(2026, 10, 1)
NO_EXEMPTION = ProviderContext()


def plenty(*recipients: int, program: str = IHSS, month: dt.date = OCTOBER):
    return {(r, program, month): RecipientLimits(283 * H) for r in recipients}


def rules_broken(entries, recipients, provider=NO_EXEMPTION, today=TODAY):
    return [
        r.rule
        for r in check_hours(
            entries, recipients=recipients, provider=provider, limits=LIMITS, today=today
        )
    ]


def test_workweeks_run_sunday_to_saturday_across_pay_periods():
    assert workweek_containing(D(2026, 10, 15)) == Workweek(D(2026, 10, 11), D(2026, 10, 17))
    assert workweek_containing(D(2026, 10, 11)).start == D(2026, 10, 11)  # a Sunday
    assert workweek_containing(D(2026, 10, 17)).end == D(2026, 10, 17)  # a Saturday
    weeks = workweeks_touching(PayPeriod(D(2026, 10, 1), D(2026, 10, 15)))
    assert weeks[0].start == D(2026, 9, 27) and weeks[-1] == Workweek(
        D(2026, 10, 11), D(2026, 10, 17)
    )


def test_the_weekly_maximum_is_a_quarter_of_the_monthly_hours():
    assert weekly_maximum(260 * H) == 65 * H
    assert weekly_maximum(283 * H) == 70 * H + 45  # the most a single provider may work


def test_overtime_is_what_passes_40_hours_in_a_workweek():
    # The county slide's example: 43 h in a week is 40 h regular and 3 h overtime.
    assert overtime_minutes(43 * H, limits=LIMITS) == 3 * H
    assert overtime_minutes(39 * H, limits=LIMITS) == 0


def test_it_blocks_hours_past_the_66_hour_cap():
    # A provider of two recipients: 33 h + 33 h is fine, 34 h + 33 h 30 min is not.
    several = ProviderContext(several_recipients_weeks=EVERY_WEEK)
    fine = [Entry(SHARED_WEEK[i], 1, IHSS, 11 * H) for i in range(3)] + [
        Entry(SHARED_WEEK[i], 2, IHSS, 11 * H) for i in range(3, 6)
    ]
    assert rules_broken(fine, plenty(1, 2), several) == []
    over = [*fine, Entry(SHARED_WEEK[6], 2, IHSS, 90)]
    refusals = check_hours(
        over, recipients=plenty(1, 2), provider=several, limits=LIMITS, today=TODAY
    )
    assert [(r.rule, r.total, r.limit) for r in refusals] == [
        (rules.MULTI_RECIPIENT_WEEK, 67 * H + 30, 66 * H)
    ]


def test_the_66_hour_cap_counts_the_part_of_the_week_in_the_other_pay_period():
    several = ProviderContext(several_recipients_weeks=EVERY_WEEK)
    # Sun-Thu in the first period (5 x 12 h), Fri-Sat in the second (2 x 4 h): 68 h.
    entries = [Entry(SHARED_WEEK[i], 1 + i % 2, IHSS, 12 * H) for i in range(5)]
    entries += [Entry(SHARED_WEEK[i], 2, IHSS, 4 * H) for i in (5, 6)]
    assert rules_broken(entries, plenty(1, 2), several) == [rules.MULTI_RECIPIENT_WEEK]


def test_an_exemption_allows_90_hours_a_week_and_360_a_month():
    exempt = ProviderContext(several_recipients_weeks=EVERY_WEEK, exempt_weeks=EVERY_WEEK)
    entries = [Entry(d, 1 + i % 2, IHSS, 12 * H) for i, d in enumerate(SHARED_WEEK)]  # 84 h
    assert rules_broken(entries, plenty(1, 2), exempt) == []
    entries.append(Entry(SHARED_WEEK[0], 1, IHSS, 7 * H))  # 91 h
    assert rules.EXEMPT_WEEK in rules_broken(entries, plenty(1, 2), exempt)
    month = [Entry(D(2026, 10, d), 1 + d % 2, IHSS, 12 * H) for d in range(1, 32)]  # 372 h
    assert rules.EXEMPT_MONTH in rules_broken(month, plenty(1, 2), exempt)


def test_ihss_and_wpcs_together_stop_at_70_hours_45_minutes():
    # ihss-facts §3.1: the combined cap holds whatever the number of recipients.
    recipients = {**plenty(1), **plenty(1, program=WPCS)}
    entries = [Entry(d, 1, IHSS, 6 * H) for d in SHARED_WEEK]  # 42 h of IHSS
    entries += [Entry(d, 1, WPCS, 4 * H) for d in SHARED_WEEK]  # 28 h of WPCS: 70 h
    assert rules_broken(entries, recipients) == []
    entries.append(Entry(SHARED_WEEK[0], 1, WPCS, 46))  # 70 h 46 min
    assert rules_broken(entries, recipients) == [rules.COMBINED_WEEK]


def test_no_day_holds_more_than_24_hours_across_recipients():
    entries = [Entry(SHARED_WEEK[1], 1, IHSS, 14 * H), Entry(SHARED_WEEK[1], 2, IHSS, 10 * H + 1)]
    assert rules.DAY_OVER_24 in rules_broken(entries, plenty(1, 2))


def test_it_refuses_days_that_have_not_happened_yet():
    entries = [Entry(D(2026, 12, 1), 1, IHSS, 4 * H)]
    assert rules_broken(entries, plenty(1, month=D(2026, 12, 1))) == [rules.FUTURE_DAY]


def test_the_recipients_monthly_hours_count_other_providers():
    recipients = {(1, IHSS, D(2026, 10, 1)): RecipientLimits(100 * H, used_by_others=95 * H)}
    entries = [Entry(SHARED_WEEK[1], 1, IHSS, 5 * H)]
    assert rules_broken(entries, recipients) == []
    entries.append(Entry(SHARED_WEEK[2], 1, IHSS, 1))
    refusals = check_hours(
        entries, recipients=recipients, provider=ProviderContext(), limits=LIMITS, today=TODAY
    )
    assert [(r.rule, r.total, r.limit) for r in refusals] == [
        (rules.RECIPIENT_MONTH, 100 * H + 1, 100 * H)
    ]


def test_the_provider_cannot_pass_the_hours_assigned_to_them():
    recipients = {(1, IHSS, D(2026, 10, 1)): RecipientLimits(283 * H, assigned=20 * H)}
    entries = [Entry(d, 1, IHSS, 3 * H) for d in SHARED_WEEK]  # 21 h
    assert rules_broken(entries, recipients) == [rules.PROVIDER_ASSIGNED]


def test_the_weekly_maximum_holds_unless_acl_16_01_allows_more():
    # 120 h a month: 30 h a week. 32 h in a week is over it.
    recipients = {(1, IHSS, D(2026, 10, 1)): RecipientLimits(120 * H)}
    entries = [Entry(SHARED_WEEK[i], 1, IHSS, 8 * H) for i in range(4)]
    # Within 40 h and no more overtime than usual: the recipient may allow it.
    assert rules_broken(entries, recipients) == []
    # Past 40 h for a recipient authorized 40 h a week or less: blocked.
    longer = entries + [Entry(SHARED_WEEK[i], 1, IHSS, 5 * H) for i in (4, 5)]  # 42 h
    assert rules.WEEKLY_MAXIMUM in rules_broken(
        longer, {(1, IHSS, D(2026, 10, 1)): RecipientLimits(120 * H)}
    )
    # With the county's exception it is allowed.
    approved = {(1, IHSS, D(2026, 10, 1)): RecipientLimits(120 * H, weekly_maximum_exception=True)}
    assert rules.WEEKLY_MAXIMUM not in rules_broken(longer, approved)


# --- Properties ----------------------------------------------------------------------------

days = st.sampled_from(SHARED_WEEK + [D(2026, 10, 18), D(2026, 10, 5)])
entries_strategy = st.lists(
    st.builds(
        Entry,
        day=days,
        recipient=st.sampled_from([1, 2, 3]),
        program=st.sampled_from([IHSS, WPCS]),
        minutes=st.integers(min_value=0, max_value=16 * H),
    ),
    max_size=25,
)


def all_authorized():
    month = D(2026, 10, 1)
    return {(r, p, month): RecipientLimits(283 * H) for r in (1, 2, 3) for p in (IHSS, WPCS)}


@given(entries_strategy, st.booleans(), st.booleans())
def test_the_same_work_split_differently_gives_the_same_refusals(entries, several, exempt):
    """Week totals do not depend on how the days were split into entries or periods."""
    provider = ProviderContext(
        several_recipients_weeks=EVERY_WEEK if several else frozenset(),
        exempt_weeks=EVERY_WEEK if exempt else frozenset(),
    )
    split = []
    for e in entries:
        half = e.minutes // 2
        split += [
            Entry(e.day, e.recipient, e.program, half),
            Entry(e.day, e.recipient, e.program, e.minutes - half),
        ]
    whole = check_hours(
        entries, recipients=all_authorized(), provider=provider, limits=LIMITS, today=TODAY
    )
    parts = check_hours(
        split[::-1], recipients=all_authorized(), provider=provider, limits=LIMITS, today=TODAY
    )
    assert sorted(whole, key=repr) == sorted(parts, key=repr)


@given(entries_strategy)
def test_every_refusal_totals_more_than_its_limit_and_conserves_minutes(entries):
    refusals = check_hours(
        entries,
        recipients=all_authorized(),
        provider=ProviderContext(several_recipients_weeks=EVERY_WEEK),
        limits=LIMITS,
        today=TODAY,
    )
    worked = sum(e.minutes for e in entries)
    for refusal in refusals:
        assert refusal.total > refusal.limit
        if refusal.rule in (rules.COMBINED_WEEK, rules.DAY_OVER_24):
            assert refusal.total <= worked
    week_totals: dict[dt.date, int] = {}
    for e in entries:
        start = workweek_containing(e.day).start
        week_totals[start] = week_totals.get(start, 0) + e.minutes
    assert sum(week_totals.values()) == worked


def test_a_refusal_reads_with_its_numbers_in_english_and_spanish():
    from django.utils import translation

    from ihss.timesheets.explain import explain

    refusal = rules.Refusal(rules.MULTI_RECIPIENT_WEEK, D(2026, 10, 11), 67 * H + 30, 66 * H)
    with translation.override("en"):
        assert explain(refusal) == (
            "The week starting Oct. 11, 2026 would total 67 h 30 min for all your "
            "recipients; the limit is 66 h."
        )
    with translation.override("es"):
        text = explain(refusal)
        assert "67 h 30 min" in text and "66 h" in text and "semana" in text


@pytest.mark.django_db  # the sick leave thresholds are read from the parameters in force
def test_every_rule_has_an_explanation():
    from ihss.timesheets.explain import explain

    codes = [
        v
        for k, v in vars(rules).items()
        if k.isupper()
        and isinstance(v, str)
        and v not in (IHSS, WPCS, *rules.VIOLATION_CODES, *rules.CONSEQUENCES)
        and v not in rules.REVIEW_FLAGS
    ]
    for code in codes:
        assert explain(rules.Refusal(code, D(2026, 10, 11), 100, 50))
