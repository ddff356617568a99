"""Payable items: how every source of pay offers what it owes, without payroll importing it.

A source (timesheets today: the hours of each day, travel between recipients, paid sick
leave; Career Pathways training time and incentives later) declares itself in its
`app.py` with `add_source`. It offers, for the days asked, every item that is either
payable now (approved, and released where the county reviews it) or already paid, as
`PayableItem` tuples, **ordered by provider, then day, then start time**, so that payroll
can merge every source and walk one provider at a time, in the order the work was done.
The merge works a provider at a time, not an item at a time: a whole state's pay period
is millions of items, nearly all from one source.

What is paid once is a *document*: the record a person sent and someone approved (a
timesheet, a sick leave claim). `PaidSource` holds (source, document) once; the items of
a document are paid together by the run that writes that row. Sources mark an item
`paid` from that table (`paid_documents`), in SQL.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from ihss.core import beside
from ihss.core.models import PaidSource


class Kind:
    """What an item pays for (PayableItem.kind)."""

    HOURS = "hours"  # care hours on a timesheet
    TRAVEL = "travel"  # travel time between two recipients on one day
    SICK_LEAVE = "sick_leave"  # paid sick leave hours
    TRAINING = "training"  # Career Pathways class time
    INCENTIVE = "incentive"  # an amount, not hours


class PayableItem(NamedTuple):
    """One thing owed to a provider. Sorts (as a tuple) in the order the work was done."""

    provider_id: int
    day: dt.date
    start: dt.time  # when the work began that day (midnight when not known)
    source: str  # the source's name, as declared with add_source
    document_id: int  # the record paid once: (source, document_id)
    recipient_id: int | None
    county_id: int  # whose wage rate applies: the county where the work was done
    program: str  # "IHSS" or "WPCS"
    kind: str  # Kind
    minutes: int  # hours owed, at the county's rate (0 for an amount)
    cents: int  # an amount owed as it is (0 for hours)
    overtime: bool  # whether its minutes count toward the weekly overtime threshold
    paid: bool  # already paid by an earlier run


def order_key(item: PayableItem) -> tuple[int, dt.date, dt.time, str, int]:
    return (item.provider_id, item.day, item.start, item.source, item.document_id)


# The same as order_key (the item's first five fields), without a Python call per item.
_ORDER: Callable[[PayableItem], tuple[int, dt.date, dt.time, str, int]] = itemgetter(slice(0, 5))
_PROVIDER: Callable[[PayableItem], int] = itemgetter(0)


class ItemReader(Protocol):
    def __call__(
        self,
        *,
        since: dt.date,
        through: dt.date,
        after_provider: int = 0,
        provider_ids: Iterable[int] | None = None,
        through_provider: int | None = None,
    ) -> Iterator[PayableItem]: ...


class Unpaid(NamedTuple):
    """What a source still owes up to a day: from which day, to how many providers."""

    first_day: dt.date
    providers: int


@dataclass(frozen=True)
class Source:
    """A source of pay.

    - `items(since=, through=, after_provider=0, provider_ids=None, through_provider=None)`:
      every item with `since <= day <= through` that is payable now or already paid, of
      providers whose id is above `after_provider` (and in `provider_ids` if given, and at
      most `through_provider` if given), in `order_key` order;
    - `unpaid(through=)`: the first day of an unpaid payable item on or before `through`
      and how many providers are owed (None if nothing is owed), so a run knows how far
      back late hours reach and how much work lies ahead;
    - `label`: what a paystub calls a document of this source ("Timesheet");
    - `document_url(document_id)`: the page that shows the document's days, or None;
    - `timeline(document_id)`: the document's own steps before payroll (sent, approved,
      released), as a `DocumentTimeline`, or None when there is no such document. Payroll
      adds its own steps (in a run, issued, deposited) on the pay timeline page.
    """

    name: str
    label: Any
    items: ItemReader
    unpaid: Callable[..., Unpaid | None]
    document_url: Callable[[int], str | None]
    timeline: Callable[[int], DocumentTimeline | None] | None = None


class DocumentTimeline(NamedTuple):
    """A document's steps as its source records them. `steps` are (what, when) in order;
    `when` is None for a step still to come. `provider_id` says whose pay it is (who may
    see it); `title` names the document ("Timesheet for Rosa Delgado, Dec. 1 to 15")."""

    provider_id: int
    title: str
    steps: list[tuple[Any, dt.datetime | None]]


_SOURCES: dict[str, Source] = {}


def add_source(source: Source) -> None:
    known = _SOURCES.get(source.name)
    if known is not None and known != source:
        raise ImproperlyConfigured(f"The source of pay {source.name!r} is declared twice.")
    _SOURCES[source.name] = source


def sources() -> list[Source]:
    return [_SOURCES[name] for name in sorted(_SOURCES)]


def source(name: str) -> Source | None:
    return _SOURCES.get(name)


def unpaid(*, through: dt.date) -> Unpaid | None:
    """What every source still owes on or before `through`: the first day, and the number
    of providers owed by the source that owes the most (sources overlap)."""
    owed = [u for s in sources() if (u := s.unpaid(through=through)) is not None]
    if not owed:
        return None
    return Unpaid(min(u.first_day for u in owed), max(u.providers for u in owed))


def all_items(
    *,
    since: dt.date,
    through: dt.date,
    after_provider: int = 0,
    provider_ids: Iterable[int] | None = None,
    through_provider: int | None = None,
) -> Iterator[PayableItem]:
    """Every source's items, merged in `order_key` order (one stream, one provider at a time)."""
    return itertools.chain.from_iterable(
        provider_items(
            since=since,
            through=through,
            after_provider=after_provider,
            provider_ids=provider_ids,
            through_provider=through_provider,
        )
    )


def provider_items(
    *,
    since: dt.date,
    through: dt.date,
    after_provider: int = 0,
    provider_ids: Iterable[int] | None = None,
    through_provider: int | None = None,
) -> Iterator[list[PayableItem]]:
    """`all_items`, a list per provider (in provider order)."""
    wanted = None if provider_ids is None else sorted(set(provider_ids))
    streams = [
        s.items(
            since=since,
            through=through,
            after_provider=after_provider,
            provider_ids=wanted,
            through_provider=through_provider,
        )
        for s in sources()
    ]
    return merge_by_provider(streams)


def merge_by_provider(streams: Iterable[Iterable[PayableItem]]) -> Iterator[list[PayableItem]]:
    """Streams in `order_key` order, merged: each provider's items as one list in that order.

    The same order as `heapq.merge(*streams, key=order_key)`: equal keys keep the order of
    the streams, then their order within a stream. Work is done per provider (a heap of
    providers, a sort only when several streams have items for the same one), not per item.
    """
    heads: list[tuple[int, int, list[PayableItem], Iterator[Any]]] = []
    for index, stream in enumerate(streams):
        grouped: Iterator[Any] = itertools.groupby(stream, key=_PROVIDER)
        for provider, group in grouped:
            heads.append((provider, index, list(group), grouped))
            break
    if len(heads) == 1:
        _provider, _index, first, groups = heads[0]
        yield first
        for _provider, group in groups:
            yield list(group)
        return
    heapq.heapify(heads)
    while heads:
        provider, index, items, groups = heads[0]
        _advance(heads, groups, index)
        if not heads or heads[0][0] != provider:
            yield items
            continue
        merged = list(items)
        while heads and heads[0][0] == provider:
            _same, index, more, groups = heads[0]
            _advance(heads, groups, index)
            merged += more
        merged.sort(key=_ORDER)  # stable: equal keys stay in stream order
        yield merged


def _advance(
    heads: list[tuple[int, int, list[PayableItem], Iterator[Any]]],
    groups: Iterator[Any],
    index: int,
) -> None:
    """Replace the head of the heap by the next provider of the same stream, if any."""
    for provider, group in groups:
        heapq.heapreplace(heads, (provider, index, list(group), groups))
        return
    heapq.heappop(heads)


# --- Facts a paystub shows that belong to a source (paid sick leave's balance) -------------

Fact = Callable[[int, dt.date], dict[str, Any] | None]
_FACTS: dict[str, Fact] = {}


def add_fact(name: str, fact: Fact) -> None:
    """Declare `fact(provider_id, day)`: something a source knows about a provider on a day
    that every paystub shows (timesheets: the paid sick leave earned, used and available).
    Called for one stub at a time, when a stub is shown."""
    known = _FACTS.get(name)
    if known is not None and known is not fact:
        raise ImproperlyConfigured(f"The paystub fact {name!r} is declared twice.")
    _FACTS[name] = fact


def facts(provider_id: int, day: dt.date) -> dict[str, dict[str, Any]]:
    """Every declared fact about a provider on a day (those a source has), by name."""
    found = {}
    for name in sorted(_FACTS):
        value = _FACTS[name](provider_id, day)
        if value is not None:
            found[name] = value
    return found


def paid_documents(source_name: str, document: str = "pk") -> Exists:
    """An SQL condition, for a source's queryset: its document (`document`, the field or
    lookup holding the document's id) has been paid."""
    return Exists(PaidSource.objects.filter(source=source_name, document_id=OuterRef(document)))


def provider_filter(
    after_provider: int,
    provider_ids: Iterable[int] | None,
    field: str = "provider_id",
    through_provider: int | None = None,
) -> Q:
    """The condition a source's queryset puts on its provider field for `items`."""
    wanted = Q(**{f"{field}__gt": after_provider}) if after_provider else Q()
    if through_provider is not None:
        wanted &= Q(**{f"{field}__lte": through_provider})
    if provider_ids is not None:
        wanted &= Q(**{f"{field}__in": list(provider_ids)})
    return wanted


def rows(queryset: QuerySet[Any, Any], *, chunk_size: int) -> Iterator[Any]:
    """The rows of a (values_list) queryset, for a source's `items`.

    Outside a transaction on PostgreSQL, Django reads `iterator()` through a cursor WITH
    HOLD: PostgreSQL computes and stores the whole result before the first row (for a
    state's 8 million sorted day entries, as long as the sort itself). Then a thread with
    its own connection reads them inside a transaction, with a cursor without hold, a few
    chunks ahead of the caller. Elsewhere (SQLite, or inside the caller's transaction,
    whose rows another connection could not see) it is `iterator()`.
    """
    if not beside.usable():
        return queryset.iterator(chunk_size=chunk_size)
    return itertools.chain.from_iterable(_read_beside(queryset, chunk_size))


def sql_rows(
    sql: str, params: Sequence[Any] | Mapping[str, Any], *, chunk_size: int
) -> Iterator[tuple[Any, ...]]:
    """The rows of an SQL query, for a source's `items` whose query the ORM cannot say
    (PostgreSQL only: the rows come as psycopg gives them). Read as `rows` reads: beside,
    outside a transaction; in line, inside the caller's."""

    def produce() -> Iterator[list[tuple[Any, ...]]]:
        # A server-side cursor, as Django's chunked cursor, in binary: PostgreSQL sends
        # dates, times and numbers as they are stored, and psycopg reads them without
        # parsing text (millions of rows).
        connection.ensure_connection()
        raw = connection.connection
        name = f"payables_{uuid.uuid4().hex}"
        with (
            connection.wrap_database_errors,
            raw.cursor(name=name, binary=True, scrollable=False, withhold=raw.autocommit) as cursor,
        ):
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(chunk_size):
                yield chunk

    if not beside.usable():
        return itertools.chain.from_iterable(produce())
    return itertools.chain.from_iterable(
        beside.chunks(produce, name="payables-reader", setup=_reading_settings)
    )


def _reading_settings() -> None:
    with connection.cursor() as cursor:
        # Memory to sort the items and to hash the paid documents once, instead of
        # sorting on disk and looking each item's document up in the index; no JIT
        # compilation (seconds per query, for a plan run once).
        cursor.execute(
            "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)",
            [settings.PAYABLE_ITEMS_WORK_MEM],
        )


def _read_beside(queryset: QuerySet[Any, Any], chunk_size: int) -> Iterator[list[Any]]:
    def produce() -> Iterator[list[Any]]:
        found = queryset.iterator(chunk_size=chunk_size)
        while chunk := list(itertools.islice(found, chunk_size)):
            yield chunk

    return beside.chunks(produce, name="payables-reader", setup=_reading_settings)
