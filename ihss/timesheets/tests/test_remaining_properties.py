"""Properties of the hours-left panel: never a negative figure, and figures that add up."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from ihss.timesheets import rules, services
from ihss.timesheets.models import Timesheet
from ihss.timesheets.tests.numbers import EVERY_WEEK, LIMITS

PERIOD = rules.PayPeriod(dt.date(2026, 11, 16), dt.date(2026, 11, 30))
WEEKS = rules.workweeks_touching(PERIOD)
DAYS = [
    WEEKS[0].start + dt.timedelta(days=i) for i in range((WEEKS[-1].end - WEEKS[0].start).days + 1)
]

entries = st.lists(
    st.builds(
        rules.Entry,
        day=st.sampled_from(DAYS),
        recipient=st.sampled_from([1, 2]),
        program=st.just(rules.IHSS),
        minutes=st.integers(min_value=1, max_value=16 * 60),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(
    entries=entries,
    authorized=st.integers(min_value=0, max_value=283 * 60),
    assigned=st.integers(min_value=0, max_value=283 * 60),
    others=st.integers(min_value=0, max_value=300 * 60),
    others_week=st.integers(min_value=0, max_value=80 * 60),
    several=st.booleans(),
)
def test_hours_left_are_never_negative_and_add_up(
    entries, authorized, assigned, others, others_week, several
):
    sheet = Timesheet(
        provider_id=1,
        recipient_id=1,
        program=rules.IHSS,
        period_start=PERIOD.start,
        period_end=PERIOD.end,
    )
    limits = rules.RecipientLimits(
        monthly_authorized=authorized,
        used_by_others=others,
        used_by_others_by_week={WEEKS[1].start: others_week},
        assigned=assigned,
    )
    pic = services.HourPicture(
        timesheet=sheet,
        entries=entries,
        recipients={
            (r, rules.IHSS, m): limits
            for r in (1, 2)
            for m in (dt.date(2026, 11, 1), dt.date(2026, 12, 1))
        },
        provider=rules.ProviderContext(
            several_recipients_weeks=EVERY_WEEK if several else frozenset()
        ),
        limits=LIMITS,
        weeks=WEEKS,
        others_by_week={(1, rules.IHSS, WEEKS[1].start): others_week},
    )
    left = services.remaining(pic)
    mine_in_month = sum(e.minutes for e in entries if e.recipient == 1 and e.day.month == 11)
    assert left.used == mine_in_month + others
    assert left.remaining == max(0, authorized - left.used) >= 0
    assert left.assigned_remaining == max(0, assigned - mine_in_month) >= 0
    for week in left.weeks:
        assert week.recipient_remaining >= 0
        assert week.provider_remaining is None or week.provider_remaining >= 0
        mine_in_week = sum(e.minutes for e in entries if e.recipient == 1 and e.day in week.week)
        assert week.recipient_total >= mine_in_week
