"""Payable items: how every source of pay offers what it owes, without payroll importing it.

A source (timesheets today: the hours of each day, travel between recipients, paid sick
leave; Career Pathways training time and incentives later) declares itself in its
`app.py` with `add_source`. It offers, for the days asked, every item that is either
payable now (approved, and released where the county reviews it) or already paid, as
`PayableItem` tuples, **ordered by provider, then day, then start time**, so that payroll
can merge every source and walk one provider at a time, in the order the work was done.

What is paid once is a *document*: the record a person sent and someone approved (a
timesheet, a sick leave claim). `PaidSource` holds (source, document) once; the items of
a document are paid together by the run that writes that row. Sources mark an item
`paid` from that table (`paid_documents`), in SQL.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef, Q

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


class ItemReader(Protocol):
    def __call__(
        self,
        *,
        since: dt.date,
        through: dt.date,
        after_provider: int = 0,
        provider_ids: Iterable[int] | None = None,
    ) -> Iterator[PayableItem]: ...


class Unpaid(NamedTuple):
    """What a source still owes up to a day: from which day, to how many providers."""

    first_day: dt.date
    providers: int


@dataclass(frozen=True)
class Source:
    """A source of pay.

    - `items(since=, through=, after_provider=0, provider_ids=None)`: every item with
      `since <= day <= through` that is payable now or already paid, of providers whose id
      is above `after_provider` (and in `provider_ids` if given), in `order_key` order;
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
) -> Iterator[PayableItem]:
    """Every source's items, merged in `order_key` order (one stream, one provider at a time)."""
    wanted = None if provider_ids is None else sorted(set(provider_ids))
    streams = [
        s.items(since=since, through=through, after_provider=after_provider, provider_ids=wanted)
        for s in sources()
    ]
    return heapq.merge(*streams, key=order_key)


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
    after_provider: int, provider_ids: Iterable[int] | None, field: str = "provider_id"
) -> Q:
    """The condition a source's queryset puts on its provider field for `items`."""
    wanted = Q(**{f"{field}__gt": after_provider}) if after_provider else Q()
    if provider_ids is not None:
        wanted &= Q(**{f"{field}__in": list(provider_ids)})
    return wanted
