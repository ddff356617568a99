"""What timesheets owe providers, offered to payroll as payable items (ihss/core/payables.py).

Two sources:
- "timesheet": a timesheet is paid once, as a whole, when it is approved by the recipient
  and not held by the county (`Timesheet.payable`). Its items are the hours of each day
  (counting toward weekly overtime) and the travel time between recipients on its days
  (counting too, and placed at the end of the day: travel falls between two visits);
- "sick_leave_claim": an approved claim, paid as its own line; sick leave is not time
  worked and never counts toward overtime.

Both rates come from the county of the recipient whose care it was.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator
from functools import partial

from django.db.models import Count, F, Min, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ihss.core.payables import (
    Kind,
    PayableItem,
    Source,
    Unpaid,
    order_key,
    paid_documents,
    provider_filter,
)
from ihss.timesheets.models import DayEntry, SickLeaveClaim, Timesheet, TravelEntry

TIMESHEET = "timesheet"
SICK_LEAVE_CLAIM = "sick_leave_claim"
CHUNK = 20_000
START_OF_DAY = dt.time(0, 0)
END_OF_DAY = dt.time(23, 59, 59)
# Timesheets read per page: the items of a state are read a page of providers at a time,
# each page a few queries that PostgreSQL answers from indexes and sorts in memory.
PAGE_TIMESHEETS = 10_000

# A PayableItem from a tuple of its fields, without a Python call.
_item = partial(tuple.__new__, PayableItem)


def _payable_timesheet(prefix: str) -> Q:
    return Q(
        **{
            f"{prefix}status": Timesheet.Status.APPROVED,
            f"{prefix}county_review__in": [Timesheet.Review.NONE, Timesheet.Review.RELEASED],
        }
    )


def _in_days(prefix: str, since: dt.date, through: dt.date) -> Q:
    """Timesheets whose period overlaps the days read (a day lies in its timesheet's
    period, so these hold every day read; the condition lets the index be used)."""
    return Q(**{f"{prefix}period_start__lte": through, f"{prefix}period_end__gte": since})


def _pages(
    since: dt.date, through: dt.date, after: int, provider_ids: Iterable[int] | None
) -> Iterator[tuple[int, int | None]]:
    """(after, upto) provider ranges, each holding about PAGE_TIMESHEETS timesheets of the
    days read (upto None: to the end). A provider is never split between two pages."""
    while True:
        bound = list(
            Timesheet.objects.filter(
                provider_filter(after, provider_ids), _in_days("", since, through)
            )
            .order_by("provider_id")
            .values_list("provider_id", flat=True)[PAGE_TIMESHEETS : PAGE_TIMESHEETS + 1]
        )
        upto = bound[0] if bound else None
        yield after, upto
        if upto is None:
            return
        after = upto


def _page_filter(after: int, upto: int | None, provider_ids: Iterable[int] | None, field: str) -> Q:
    wanted = provider_filter(after, provider_ids, field)
    return wanted if upto is None else wanted & Q(**{f"{field}__lte": upto})


def _page_items(
    since: dt.date,
    through: dt.date,
    after: int,
    upto: int | None,
    provider_ids: Iterable[int] | None,
) -> list[PayableItem]:
    """The items of the providers in (after, upto], in `order_key` order."""
    # The page's timesheets that are payable now or paid: (recipient, county, program,
    # paid) of each. Whether a timesheet is paid is asked once per timesheet, not per day.
    sheets = {
        pk: rest
        for pk, *rest in Timesheet.objects.filter(
            _page_filter(after, upto, provider_ids, "provider_id"), _in_days("", since, through)
        )
        .annotate(paid=paid_documents(TIMESHEET))
        .filter(_payable_timesheet("") | Q(paid=True))
        .values_list("pk", "recipient_id", "recipient__county_id", "program", "paid")
    }
    days = (
        DayEntry.objects.filter(
            _page_filter(after, upto, provider_ids, "timesheet__provider_id"),
            _in_days("timesheet__", since, through),
            day__gte=since,
            day__lte=through,
            minutes__gt=0,
        )
        .annotate(at=Coalesce("start", Value(START_OF_DAY)))
        .order_by("timesheet__provider_id", "day", "at", "timesheet_id")
        .values_list("timesheet__provider_id", "day", "at", "timesheet_id", "minutes")
    )
    items: list[PayableItem] = []
    append = items.append
    hours = Kind.HOURS
    for provider, day, at, sheet, minutes in days:
        info = sheets.get(sheet)
        if info is not None:
            recipient, county, program, paid = info
            append(_item((provider, day, at, TIMESHEET, sheet, recipient, county, program,
                          hours, minutes, 0, True, paid)))  # fmt: skip
    travel = (
        TravelEntry.objects.filter(
            _page_filter(after, upto, provider_ids, "timesheet__provider_id"),
            _in_days("timesheet__", since, through),
            day__gte=since,
            day__lte=through,
            minutes__gt=0,
        )
        .order_by("timesheet__provider_id", "day", "timesheet_id", "pk")
        .values_list("timesheet__provider_id", "day", "timesheet_id", "minutes")
    )
    # Travel is placed at the end of its day, after the day's hours with the same key: the
    # order heapq.merge(days, travel, key=order_key) gives, for a few items among many.
    low = 0
    for provider, day, sheet, minutes in travel:
        info = sheets.get(sheet)
        if info is not None:
            recipient, county, program, paid = info
            item = _item((provider, day, END_OF_DAY, TIMESHEET, sheet, recipient, county,
                          program, Kind.TRAVEL, minutes, 0, True, paid))  # fmt: skip
            low = bisect.bisect_right(items, order_key(item), lo=low, key=order_key)
            items.insert(low, item)
            low += 1
    return items


def timesheet_items(
    *,
    since: dt.date,
    through: dt.date,
    after_provider: int = 0,
    provider_ids: Iterable[int] | None = None,
) -> Iterator[PayableItem]:
    wanted = None if provider_ids is None else list(provider_ids)
    for after, upto in _pages(since, through, after_provider, wanted):
        yield from _page_items(since, through, after, upto, wanted)


def timesheet_unpaid(*, through: dt.date) -> Unpaid | None:
    owed = (
        Timesheet.objects.filter(_payable_timesheet(""), period_start__lte=through)
        .exclude(paid_documents(TIMESHEET))
        .aggregate(first=Min("period_start"), providers=Count("provider_id", distinct=True))
    )
    if owed["first"] is None:
        return None
    first = (
        DayEntry.objects.filter(_payable_timesheet("timesheet__"), day__lte=through, minutes__gt=0)
        .exclude(paid_documents(TIMESHEET, "timesheet_id"))
        .aggregate(first=Min("day"))["first"]
    )
    return Unpaid(first or owed["first"], owed["providers"])


def sick_leave_items(
    *,
    since: dt.date,
    through: dt.date,
    after_provider: int = 0,
    provider_ids: Iterable[int] | None = None,
) -> Iterator[PayableItem]:
    rows = (
        SickLeaveClaim.objects.filter(
            provider_filter(after_provider, provider_ids), day__gte=since, day__lte=through
        )
        .annotate(paid=paid_documents(SICK_LEAVE_CLAIM))
        .filter(Q(status=SickLeaveClaim.Status.APPROVED) | Q(paid=True))
        .order_by("provider_id", "day", "pk")
        .values_list(
            "provider_id",
            "day",
            "pk",
            "recipient_id",
            F("recipient__county_id"),
            "program",
            "minutes",
            "paid",
        )  # fmt: skip
    )
    for provider, day, claim, recipient, county, program, minutes, paid in rows.iterator(
        chunk_size=CHUNK
    ):
        yield _item((provider, day, START_OF_DAY, SICK_LEAVE_CLAIM, claim, recipient, county,
                     program, Kind.SICK_LEAVE, minutes, 0, False, paid))  # fmt: skip


def sick_leave_unpaid(*, through: dt.date) -> Unpaid | None:
    owed = (
        SickLeaveClaim.objects.filter(status=SickLeaveClaim.Status.APPROVED, day__lte=through)
        .exclude(paid_documents(SICK_LEAVE_CLAIM))
        .aggregate(first=Min("day"), providers=Count("provider_id", distinct=True))
    )
    return None if owed["first"] is None else Unpaid(owed["first"], owed["providers"])


def _timesheet_url(pk: int) -> str:
    return reverse("timesheets:detail", args=[pk])


def _claim_url(pk: int) -> str:
    return reverse("timesheets:sick-leave-claim", args=[pk])


SOURCES = (
    Source(
        name=TIMESHEET,
        label=_("Timesheet"),
        items=timesheet_items,
        unpaid=timesheet_unpaid,
        document_url=_timesheet_url,
    ),
    Source(
        name=SICK_LEAVE_CLAIM,
        label=_("Paid sick leave claim"),
        items=sick_leave_items,
        unpaid=sick_leave_unpaid,
        document_url=_claim_url,
    ),
)
