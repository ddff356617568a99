"""Records with start and end dates answer "in force during this period?" one way."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from ihss.cases.models import Assignment, AuthorizedHours, Program
from ihss.core.dated import in_force_q

DAY = dt.date(2026, 12, 1)


def _day(n: int) -> dt.date:
    return DAY + dt.timedelta(days=n)


def _until(n: int | None) -> dt.date | None:
    return None if n is None else _day(n)


@pytest.mark.django_db
def test_a_period_finds_exactly_the_records_in_force_on_one_of_its_days(la_recipient, la_provider):
    # Every kind of record: ended before, ends on the first day, spans, starts on the last
    # day, starts after, open-ended, and a one-day record.
    spans = [(0, 2), (1, 4), (3, 6), (5, None), (8, None), (4, 4), (9, 12)]
    rows = [
        Assignment.objects.create(
            provider=la_provider,
            recipient=la_recipient,
            program=Program.IHSS,
            assigned_monthly_minutes=60,
            start_date=_day(starts),
            end_date=_until(ends),
        )
        for starts, ends in spans
    ]
    for first, last in itertools.combinations_with_replacement(range(-1, 14), 2):
        days = [_day(n) for n in range(first, last + 1)]
        expected = {r.pk for r in rows if any(r.in_force_on(d) for d in days)}
        found = set(
            Assignment.objects.in_force(_day(first), _day(last)).values_list("pk", flat=True)
        )
        assert found == expected, (first, last)
    # With no end, every record still in force on or after the start.
    open_ended = set(Assignment.objects.in_force(_day(6), None).values_list("pk", flat=True))
    assert open_ended == {r.pk for r in rows if r.end_date is None or r.end_date >= _day(6)}


@pytest.mark.django_db
def test_an_authorization_ended_yesterday_is_not_in_force_today(la_recipient):
    ended = AuthorizedHours.objects.create(
        recipient=la_recipient,
        program=Program.IHSS,
        monthly_minutes=6000,
        effective_from=_day(-30),
        effective_to=_day(-1),
    )
    current = AuthorizedHours.objects.create(
        recipient=la_recipient, program=Program.IHSS, monthly_minutes=4800, effective_from=DAY
    )
    assert list(AuthorizedHours.objects.filter(pk__in=[ended.pk, current.pk]).in_force_on(DAY)) == [
        current
    ]
    assert not ended.in_force_on(DAY) and current.in_force_on(DAY)


def test_the_question_can_be_asked_through_a_relation():
    q = in_force_q(DAY, _day(14), starts="start_date", ends="end_date", through="assignments__")
    assert "assignments__start_date__lte" in str(q)
    assert "assignments__end_date__isnull" in str(q)
