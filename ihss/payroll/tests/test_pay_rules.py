"""Gross pay rules: worked examples from ../shared/domain/ihss-facts.md and the issue, and
properties that must hold for any week (no database)."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from ihss.payroll.rules.pay import (
    NoRate,
    Part,
    PayPolicy,
    RateBook,
    WageTerm,
    Work,
    cents_for,
    provider_lines,
    rate_schedule,
    split_amount,
    week_start,
)

H = 60
POLICY = PayPolicy(overtime_threshold_minutes=40 * H, overtime_multiplier_bp=15_000)
SUNDAY = dt.date(2026, 11, 29)  # the workweek Nov 29 - Dec 5 crosses the Dec 1 period start


def flat(cents: int):
    return lambda county, day: cents


def work(day, minutes, document="A", *, recipient=None, county=19, paid=False, kind="hours"):
    return Work(
        provider=1,
        day=day,
        start=None,
        source="timesheet",
        document=document,
        recipient=recipient or document,
        county=county,
        program="IHSS",
        kind=kind,
        minutes=minutes,
        cents=0,
        overtime=kind != "sick_leave",
        paid=paid,
    )


def by_part(lines):
    totals: dict[str, tuple[int, int]] = {}
    for line in lines:
        minutes, cents = totals.get(line.part, (0, 0))
        totals[line.part] = (minutes + line.minutes, cents + line.cents)
    return totals


def test_it_pays_43_hours_in_a_week_as_40_regular_and_3_overtime():
    # The county slide: 43 h at $10.50 -> 40 x $10.50 + 3 x $15.75.
    days = [work(SUNDAY + dt.timedelta(days=i), m) for i, m in enumerate([9 * H] * 4 + [7 * H])]
    lines = provider_lines(days, policy=POLICY, rate=flat(1050))
    assert by_part(lines) == {Part.REGULAR: (40 * H, 42000), Part.OVERTIME: (3 * H, 4725)}
    overtime = next(line for line in lines if line.part == Part.OVERTIME)
    assert (overtime.week_minutes, overtime.threshold_minutes) == (43 * H, 40 * H)
    assert overtime.first_day == overtime.last_day == SUNDAY + dt.timedelta(days=4)


def test_the_two_hours_that_cross_40_are_overtime_on_the_day_they_were_worked():
    # 42 h across two recipients: A on Sun-Tue (30 h), B on Wed-Thu (12 h).
    days = [
        work(SUNDAY, 10 * H, "A"),
        work(SUNDAY + dt.timedelta(days=1), 10 * H, "A"),
        work(SUNDAY + dt.timedelta(days=2), 10 * H, "A"),
        work(SUNDAY + dt.timedelta(days=3), 6 * H, "B"),
        work(SUNDAY + dt.timedelta(days=4), 6 * H, "B"),
    ]
    lines = provider_lines(days, policy=POLICY, rate=flat(2000))
    overtime = [line for line in lines if line.part == Part.OVERTIME]
    assert [(o.document, o.first_day, o.minutes, o.cents) for o in overtime] == [
        ("B", SUNDAY + dt.timedelta(days=4), 2 * H, 6000)
    ]
    assert overtime[0].week_recipients == 2
    assert sum(line.cents for line in lines) == 40 * 2000 + 2 * 3000


def test_late_hours_are_paid_with_a_premium_adjustment_and_the_paid_stub_is_unchanged():
    # The worked example at $20.00: 40 h paid as regular on Dec 1-4; 10 h for
    # Nov 29-30 arrive late; the next run pays 10 h regular and a 10 h premium.
    first_run = [work(dt.date(2026, 12, d), 10 * H, "Dec") for d in range(1, 5)]
    paid = provider_lines(first_run, policy=POLICY, rate=flat(2000))
    assert by_part(paid) == {Part.REGULAR: (40 * H, 80000)}

    late = [work(SUNDAY, 5 * H, "Nov"), work(SUNDAY + dt.timedelta(days=1), 5 * H, "Nov")]
    earlier = [w._replace(paid=True) for w in first_run]
    lines = provider_lines(late + earlier, policy=POLICY, rate=flat(2000))
    assert by_part(lines) == {
        Part.REGULAR: (10 * H, 20000),
        Part.OVERTIME_ADJUSTMENT: (10 * H, 10000),
    }
    adjustment = next(line for line in lines if line.part == Part.OVERTIME_ADJUSTMENT)
    assert adjustment.document == "Dec" and adjustment.multiplier_bp == 5_000
    # The week totals 40 x rate + 10 x 1.5 x rate.
    assert 80000 + 20000 + 10000 == 40 * 2000 + 10 * 3000


def test_a_week_spanning_two_pay_periods_counts_the_hours_of_both():
    # 30 h paid in the Nov 16-30 run (Nov 29-30), then 15 h on Dec 1-2: 5 h overtime.
    paid = [
        work(SUNDAY, 15 * H, "Nov", paid=True),
        work(SUNDAY + dt.timedelta(1), 15 * H, "Nov", paid=True),
    ]
    new = [work(dt.date(2026, 12, 1), 10 * H, "Dec"), work(dt.date(2026, 12, 2), 5 * H, "Dec")]
    lines = provider_lines(paid + new, policy=POLICY, rate=flat(2000))
    assert by_part(lines) == {Part.REGULAR: (10 * H, 20000), Part.OVERTIME: (5 * H, 15000)}


def test_three_recipients_across_the_pay_period_boundary():
    # Week Nov 29 - Dec 5; Nov 29-30 paid already (A 12 h, B 8 h); now C and A in Dec.
    paid = [work(SUNDAY, 12 * H, "A-Nov", recipient="A", paid=True),
            work(SUNDAY + dt.timedelta(1), 8 * H, "B-Nov", recipient="B", paid=True)]  # fmt: skip
    new = [
        work(dt.date(2026, 12, 1), 10 * H, "C-Dec", recipient="C"),
        work(dt.date(2026, 12, 2), 8 * H, "A-Dec", recipient="A"),
        work(dt.date(2026, 12, 3), 6 * H, "C-Dec", recipient="C"),
    ]
    lines = provider_lines(paid + new, policy=POLICY, rate=flat(2000))
    overtime = {
        (line.document, line.first_day): line.minutes
        for line in lines
        if line.part == Part.OVERTIME
    }
    # 20 h paid + 10 + 8 = 38; the next 6 h: 2 regular, 4 overtime on Dec 3, recipient C.
    assert overtime == {("C-Dec", dt.date(2026, 12, 3)): 4 * H}
    assert {line.week_recipients for line in lines} == {3}


def test_a_raise_in_the_middle_of_the_period_splits_the_lines():
    terms = [WageTerm(dt.date(2025, 1, 1), 2000, None), WageTerm(dt.date(2026, 12, 8), 2100, None)]
    book = RateBook({19: rate_schedule(terms, [])})
    days = [work(dt.date(2026, 12, d), 4 * H) for d in (4, 7, 8, 9)]
    lines = provider_lines(days, policy=POLICY, rate=book.rate)
    assert sorted((line.rate_cents, line.minutes, line.cents) for line in lines) == [
        (2000, 4 * H, 8000),  # Dec 4, week of Nov 29
        (2000, 4 * H, 8000),  # Dec 7, week of Dec 6
        (2100, 8 * H, 16800),  # Dec 8-9
    ]


def test_minimum_wage_plus_a_supplement_follows_the_minimum_wage():
    terms = [WageTerm(dt.date(2024, 1, 1), None, 200)]
    minimum = [
        (dt.date(2024, 1, 1), 1600),
        (dt.date(2025, 1, 1), 1650),
        (dt.date(2026, 1, 1), 1690),
    ]
    book = RateBook({19: rate_schedule(terms, minimum)})
    assert book.rate(19, dt.date(2024, 6, 1)) == 1800
    assert book.rate(19, dt.date(2025, 5, 1)) == 1850  # LA's $18.50 of May 2025
    assert book.rate(19, dt.date(2026, 12, 1)) == 1890


def test_a_fixed_rate_replaces_the_minimum_plus_rule_from_its_date():
    terms = [WageTerm(dt.date(2024, 1, 1), None, 200), WageTerm(dt.date(2025, 7, 1), 2200, None)]
    minimum = [(dt.date(2024, 1, 1), 1600), (dt.date(2026, 1, 1), 1690)]
    schedule = rate_schedule(terms, minimum)
    assert schedule == [(dt.date(2024, 1, 1), 1800), (dt.date(2025, 7, 1), 2200)]


def test_a_county_without_a_rate_on_the_day_is_named():
    book = RateBook({19: [(dt.date(2026, 1, 1), 2000)]})
    try:
        book.rate(10, dt.date(2026, 12, 1))
    except NoRate as refusal:
        assert refusal.county == 10
    else:  # pragma: no cover
        raise AssertionError("expected NoRate")


def test_sick_leave_is_its_own_line_and_never_overtime():
    days = [work(SUNDAY + dt.timedelta(days=i), 10 * H) for i in range(4)]
    days.append(work(SUNDAY + dt.timedelta(days=4), 8 * H, "claim", kind="sick_leave"))
    lines = provider_lines(days, policy=POLICY, rate=flat(2000))
    sick = [line for line in lines if line.kind == "sick_leave"]
    assert [(s.part, s.minutes, s.cents) for s in sick] == [(Part.REGULAR, 8 * H, 16000)]
    assert not any(line.part == Part.OVERTIME for line in lines)


def test_cents_round_half_up_once_per_line():
    assert cents_for(1, 1050, 10_000) == 18  # 17.5 cents
    assert cents_for(20, 1050, 15_000) == 525


def test_split_amount_shares_every_cent():
    assert split_amount(1001, [1, 1]) == [501, 500]
    assert split_amount(100, [3, 0, 1]) == [75, 0, 25]
    assert split_amount(0, []) == []


def test_week_start_is_the_sunday():
    assert week_start(dt.date(2026, 12, 5)) == SUNDAY
    assert week_start(SUNDAY) == SUNDAY


# --- Properties --------------------------------------------------------------------------

days_of_week = st.integers(min_value=0, max_value=6)
items = st.lists(
    st.tuples(days_of_week, st.integers(min_value=0, max_value=16 * H), st.sampled_from("ABC")),
    min_size=1,
    max_size=12,
)


def _week(raw):
    ordered = sorted(raw, key=lambda r: r[0])
    return [
        work(SUNDAY + dt.timedelta(days=d), m, f"{doc}{i}", recipient=doc)
        for i, (d, m, doc) in enumerate(ordered)
    ]


def _pay_in_runs(week, runs):
    """Pay the week in several runs, each adding the items whose run number comes up."""
    total, paid = [], set()
    for run in sorted(set(runs)):
        now = {i for i, r in enumerate(runs) if r <= run}
        visible = [w._replace(paid=i in paid) for i, w in enumerate(week) if i in now]
        total += provider_lines(visible, policy=POLICY, rate=flat(1890))
        paid = now
    return total


@settings(max_examples=150, deadline=None)
@given(items, st.data())
def test_the_result_never_depends_on_the_order_timesheets_were_paid_in(raw, data):
    week = _week(raw)
    runs = data.draw(st.lists(st.integers(0, 3), min_size=len(week), max_size=len(week)))
    at_once = provider_lines(week, policy=POLICY, rate=flat(1890))
    in_runs = _pay_in_runs(week, runs)
    minutes = lambda lines, part: sum(line.minutes for line in lines if line.part == part)  # noqa: E731
    # Overtime minutes are the same whether paid at once or as a premium later...
    assert minutes(at_once, Part.OVERTIME) == minutes(in_runs, Part.OVERTIME) + minutes(
        in_runs, Part.OVERTIME_ADJUSTMENT
    )
    # ...and paid minutes equal approved minutes, never counted twice.
    worked = sum(w.minutes for w in week)
    paid = minutes(in_runs, Part.REGULAR) + minutes(in_runs, Part.OVERTIME)
    assert paid == worked == minutes(at_once, Part.REGULAR) + minutes(at_once, Part.OVERTIME)
    assert minutes(at_once, Part.OVERTIME) == max(0, worked - 40 * H)


@settings(max_examples=100, deadline=None)
@given(items)
def test_gross_is_the_sum_of_the_lines_and_no_line_is_negative(raw):
    lines = provider_lines(_week(raw), policy=POLICY, rate=flat(1890))
    assert all(line.minutes >= 0 and line.cents >= 0 for line in lines)
    for line in lines:
        assert line.cents == cents_for(line.minutes, line.rate_cents, line.multiplier_bp)


@settings(max_examples=60, deadline=None)
@given(items)
def test_reordering_work_of_the_same_day_keeps_the_overtime_and_the_paid_minutes(raw):
    # Work of one day whose start times are unknown may come in any order: the week's
    # overtime and paid minutes stay the same (which document bears them may change, and
    # with it a cent of rounding, so the sources give a fixed order: start time, source,
    # document).
    week = _week(raw)
    seen = set()
    for permutation in itertools.islice(itertools.permutations(range(len(week))), 6):
        shuffled = sorted((week[i] for i in permutation), key=lambda w: w.day)
        lines = provider_lines(shuffled, policy=POLICY, rate=flat(1890))
        seen.add(
            (
                sum(line.minutes for line in lines if line.part == Part.OVERTIME),
                sum(line.minutes for line in lines),
            )
        )
    assert len(seen) == 1


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**6), min_size=1, max_size=8))
def test_split_amount_always_sums_to_the_total(total, weights):
    shares = split_amount(total, weights)
    assert sum(shares) == total and all(s >= 0 for s in shares)
