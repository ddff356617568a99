"""The fast walk over a provider's weeks (rules/pay.py) gives exactly the lines of the
straightforward one it replaced: the same lines, in the same order, for any work, paid or
not, over several weeks, counties, kinds, rates and amounts (issue 15, the state run)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ihss.payroll.rules.pay import (
    BASIS_POINTS,
    NoRate,
    Part,
    PayPolicy,
    RateBook,
    Work,
    cents_for,
    provider_lines,
    split_week,
    week_start,
)

H = 60
POLICY = PayPolicy(overtime_threshold_minutes=40 * H, overtime_multiplier_bp=15_000)
NOV_22 = dt.date(2026, 11, 22)  # a Sunday: items fall in three workweeks from here
RAISE = dt.date(2026, 12, 1)


def straightforward_lines(
    work: Sequence[Work], *, policy: PayPolicy, rate: Callable[[Hashable, dt.date], int]
) -> list[tuple[object, ...]]:
    """provider_lines as first written: every item through split_week and every part."""
    weeks: dict[dt.date, list[Work]] = {}
    for item in work:
        weeks.setdefault(week_start(item.day), []).append(item)
    lines: dict[tuple[str, Hashable, str, str, str, dt.date, int, int], list[Any]] = {}
    threshold = policy.overtime_threshold_minutes
    multiplier = policy.overtime_multiplier_bp
    for start, items in weeks.items():
        if all(item.paid for item in items):
            continue
        counted = [i for i in items if i.overtime]
        week = (sum(i.minutes for i in counted), len({i.recipient for i in counted}))
        for item, split in zip(items, split_week(items, threshold), strict=True):
            parts = [
                (Part.REGULAR, split.regular, BASIS_POINTS),
                (Part.OVERTIME, split.overtime, multiplier),
                (Part.OVERTIME_ADJUSTMENT, split.adjustment, multiplier - BASIS_POINTS),
            ]
            if item.cents and not item.paid:
                parts.append((Part.AMOUNT, 0, 0))
            for part, minutes, times in parts:
                if part != Part.AMOUNT and minutes == 0:
                    continue
                rate_cents = 0 if part == Part.AMOUNT else rate(item.county, item.day)
                key = (item.source, item.document, item.program, item.kind, part, start,
                       rate_cents, times)  # fmt: skip
                total = lines.get(key)
                if total is None:
                    lines[key] = [item, item.day, minutes, item.cents, week]
                else:
                    total[1] = item.day
                    total[2] += minutes
                    total[3] += item.cents
    return [
        (
            source,
            document,
            first.recipient,
            first.county,
            program,
            kind,
            part,
            start,
            first.day,
            last_day,
            0 if part == Part.AMOUNT else minutes,
            rate_cents,
            times,
            cents if part == Part.AMOUNT else cents_for(minutes, rate_cents, times),
            week[0],
            week[1],
            threshold,
        )  # fmt: skip
        for (source, document, program, kind, part, start, rate_cents, times), (
            first,
            last_day,
            minutes,
            cents,
            week,
        ) in lines.items()
    ]


BOOK = RateBook(
    {
        19: [(dt.date(2025, 1, 1), 1890), (RAISE, 2000)],
        10: [(dt.date(2025, 1, 1), 1835)],
        30: [(RAISE, 2100)],  # no rate before Dec 1: NoRate
    }
)

item = st.builds(
    lambda day, minutes, doc, county, kind, cents, paid: Work(
        provider=1,
        day=NOV_22 + dt.timedelta(days=day),
        start=None,
        source="training_claim" if doc == 5 else "timesheet",
        document=doc,
        recipient=doc % 3,
        county=county,
        program="WPCS" if doc == 4 else "IHSS",
        kind=kind,
        minutes=0 if kind == "incentive" else minutes,
        cents=cents if kind == "incentive" else 0,
        overtime=kind not in ("sick_leave", "incentive"),
        paid=paid,
    ),
    st.integers(0, 20),
    st.integers(0, 28).map(lambda halves: halves * 30),  # round sums meet 40 h often
    st.integers(1, 5),
    st.sampled_from([19, 19, 19, 10, 30]),
    st.sampled_from(["hours", "hours", "hours", "travel", "sick_leave", "incentive"]),
    st.integers(1, 50_000),
    st.booleans(),
)


def _lines_or_refusal(rules, work):
    try:
        return [tuple(line) for line in rules(work, policy=POLICY, rate=BOOK.rate)]
    except NoRate as missing:
        return ("NoRate", missing.county, missing.day)


@settings(max_examples=500, deadline=None)
@given(st.lists(item, max_size=30), st.booleans())
def test_it_gives_the_same_lines_in_the_same_order_as_the_straightforward_rules(raw, new):
    work = sorted(raw, key=lambda w: w.day)  # the order worked
    if new:  # nothing paid before: the usual run
        work = [w._replace(paid=False) for w in work]
    assert _lines_or_refusal(provider_lines, work) == _lines_or_refusal(straightforward_lines, work)


def test_a_week_under_40_hours_with_nothing_paid_is_all_regular_time():
    work = [
        Work(1, NOV_22 + dt.timedelta(days=d), None, "timesheet", 1, 1, 19, "IHSS", "hours",
             8 * H, 0, True, False)
        for d in range(1, 6)
    ]  # fmt: skip
    lines = provider_lines(work, policy=POLICY, rate=BOOK.rate)
    assert [(line.part, line.minutes, line.cents) for line in lines] == [
        (Part.REGULAR, 40 * H, 40 * 1890)
    ]
