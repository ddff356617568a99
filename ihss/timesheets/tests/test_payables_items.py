"""What timesheets offer payroll: every approved (or paid) day and travel item in the days
asked, in the order the work was done, travel after the day's hours, as a record-by-record
reading gives them (issue 15: the items are now built and merged in bulk)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from ihss.core import bulk
from ihss.core.models import PaidSource
from ihss.core.payables import Kind, PayableItem, Unpaid, merge_by_provider, order_key
from ihss.payroll.tests.factories import H, provider_with, timesheet
from ihss.timesheets import payables
from ihss.timesheets.models import DayEntry, Timesheet, TravelEntry

pytestmark = pytest.mark.django_db

SINCE, THROUGH = dt.date(2026, 11, 29), dt.date(2026, 12, 15)


def day(n: int, month: int = 12) -> dt.date:
    return dt.date(2026, month, n)


@pytest.fixture
def state():
    """Four providers: two recipients with travel between them, a paid timesheet of the
    week that crosses the period, a held and a waiting timesheet, days outside the days
    asked, and two days with the same start."""
    first, (a, b) = provider_with(2)
    timesheet(first, a, {day(1): 4 * H, day(2): 3 * H}, starts={day(1): dt.time(8)})
    sheet_b = timesheet(first, b, {day(1): 2 * H, day(2): 5 * H}, starts={day(1): dt.time(8)})
    TravelEntry.objects.create(timesheet=sheet_b, day=day(1), from_recipient=a, minutes=30)
    TravelEntry.objects.create(timesheet=sheet_b, day=day(2), from_recipient=a, minutes=15)
    second, (c,) = provider_with(1)
    paid = timesheet(second, c, {day(29, 11): 8 * H, day(30, 11): 8 * H, day(20, 11): 6 * H})
    PaidSource.objects.create(source=payables.TIMESHEET, document_id=paid.pk, run_id=1)
    timesheet(second, c, {day(n): 7 * H for n in range(1, 16)})
    third, (d, e) = provider_with(2)
    timesheet(third, d, {day(3): 1 * H}, review=Timesheet.Review.HELD)
    timesheet(third, e, {day(4): 2 * H}, status=Timesheet.Status.SUBMITTED)
    fourth, (f,) = provider_with(1)
    timesheet(fourth, f, {day(16): 3 * H, day(14): 1 * H}, review=Timesheet.Review.RELEASED)


def straightforward() -> list[PayableItem]:
    """The items as the rule says, read record by record."""
    items = []
    for kind, model in ((Kind.HOURS, DayEntry), (Kind.TRAVEL, TravelEntry)):
        for entry in model.objects.select_related("timesheet__recipient"):
            sheet = entry.timesheet
            paid = PaidSource.objects.filter(source="timesheet", document_id=sheet.pk).exists()
            payable = sheet.status == "approved" and sheet.county_review in ("", "released")
            if not (SINCE <= entry.day <= THROUGH) or not (payable or paid):
                continue
            start = getattr(entry, "start", None) or dt.time(0)
            if kind == Kind.TRAVEL:
                start = dt.time(23, 59, 59)
            items.append(PayableItem(
                sheet.provider_id, entry.day, start, "timesheet", sheet.pk, sheet.recipient_id,
                sheet.recipient.county_id, sheet.program, kind, entry.minutes, 0, True, paid,
            ))  # fmt: skip
    # Sorted by the key, hours before travel when the key is the same.
    return sorted(items, key=lambda i: (*order_key(i), i.kind != Kind.HOURS))


def test_it_offers_every_payable_item_in_the_order_the_work_was_done(state):
    items = list(payables.timesheet_items(since=SINCE, through=THROUGH))
    assert items == straightforward()
    assert len(items) == 2 + 2 + 2 + 2 + 15 + 1  # days and travel of the first, the second...


def test_it_offers_the_providers_after_the_one_asked_and_those_named(state):
    everything = straightforward()
    providers = sorted({i.provider_id for i in everything})
    after = list(
        payables.timesheet_items(since=SINCE, through=THROUGH, after_provider=providers[0])
    )
    assert after == [i for i in everything if i.provider_id > providers[0]]
    named = list(
        payables.timesheet_items(since=SINCE, through=THROUGH, provider_ids=[providers[-1]])
    )
    assert named == [i for i in everything if i.provider_id == providers[-1]]
    middle = list(
        payables.timesheet_items(
            since=SINCE,
            through=THROUGH,
            after_provider=providers[0],
            through_provider=providers[-2],
        )
    )
    assert middle == [i for i in everything if providers[0] < i.provider_id <= providers[-2]]
    assert middle and len(providers) > 2


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_the_items_are_read_beside_and_are_the_same(state, monkeypatch):
    # A run reads outside any transaction: PostgreSQL rows come from reader threads.
    import threading

    from django.db import connection

    from ihss.core import beside

    chunks = beside.chunks
    readers = []

    def spy(produce, *, name, setup=None):
        readers.append(name)
        return chunks(produce, name=name, setup=setup)

    monkeypatch.setattr(beside, "chunks", spy)
    assert not connection.in_atomic_block
    assert list(payables.timesheet_items(since=SINCE, through=THROUGH)) == straightforward()
    assert readers == ["payables-reader"]  # days and travel come in one query
    # A reading stopped early ends its threads and their connections.
    items = payables.timesheet_items(since=SINCE, through=THROUGH)
    assert next(items) == straightforward()[0]
    del items
    assert not [t for t in threading.enumerate() if t.name == "payables-reader"]


@pytest.mark.postgres_only
def test_on_postgresql_the_one_query_gives_the_rows_of_the_orm_queries(state):
    # SQLite reads days and travel with the ORM and merges them; PostgreSQL asks one query.
    def orm(**asked):
        wanted = asked.get("provider_ids")
        return list(
            itertools.chain.from_iterable(
                merge_by_provider(
                    [
                        reader(SINCE, THROUGH, asked.get("after_provider", 0), wanted,
                               asked.get("through_provider"))
                        for reader in (payables._day_items, payables._travel_items)
                    ]
                )
            )
        )  # fmt: skip

    providers = sorted({i.provider_id for i in straightforward()})
    asking: list[dict[str, Any]] = [
        {},
        {"after_provider": providers[0]},
        {"after_provider": providers[0], "through_provider": providers[-2]},
        {"provider_ids": [providers[1], providers[-1]]},
        {"provider_ids": []},
    ]
    for asked in asking:
        one_query = list(payables.timesheet_items(since=SINCE, through=THROUGH, **asked))
        assert one_query == orm(**asked), asked
    assert any(item.paid for item in orm()) and not all(item.paid for item in orm())


@pytest.mark.parametrize("many_late", [False, True])
def test_the_first_unpaid_day_is_the_earliest_worked_day_of_a_timesheet_still_owed(
    many_late, monkeypatch
):
    if many_late:  # more late timesheets than one query can name: every day is searched
        monkeypatch.setattr(bulk, "max_params", lambda: 0)
    one, (a,) = provider_with(1)
    two, (b,) = provider_with(1)
    paid = timesheet(one, a, {day(18, 11): 8 * H})
    PaidSource.objects.create(source=payables.TIMESHEET, document_id=paid.pk, run_id=1)
    timesheet(one, a, {day(3): 4 * H, day(9): 2 * H})
    timesheet(two, b, {day(2): 3 * H}, review=Timesheet.Review.HELD)

    assert payables.timesheet_unpaid(through=THROUGH) == Unpaid(day(3), 1)

    # A timesheet of an earlier period approved late: its first worked day is the first.
    timesheet(two, b, {day(27, 11): 5 * H, day(24, 11): 6 * H})
    assert payables.timesheet_unpaid(through=THROUGH) == Unpaid(day(24, 11), 2)
    # Nothing is owed on or before a day with no unpaid hours.
    assert payables.timesheet_unpaid(through=day(15, 11)) is None
