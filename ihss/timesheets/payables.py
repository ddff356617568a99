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

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from functools import partial

from django.db.models import BooleanField, CharField, Count, F, Field, Min, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ihss.core.payables import (
    Kind,
    PayableItem,
    Source,
    Unpaid,
    merge_by_provider,
    paid_documents,
    provider_filter,
)
from ihss.core.payables import rows as payable_rows
from ihss.timesheets.models import DayEntry, SickLeaveClaim, Timesheet, TravelEntry

TIMESHEET = "timesheet"
SICK_LEAVE_CLAIM = "sick_leave_claim"
CHUNK = 20_000
START_OF_DAY = dt.time(0, 0)
END_OF_DAY = dt.time(23, 59, 59)

# A PayableItem from a row of its fields, without a Python call: the queries below select
# every field in PayableItem's order (constants included), so a state's eight million day
# entries become items in C.
_item = partial(tuple.__new__, PayableItem)
ITEM_FIELDS = PayableItem._fields


def _payable_timesheet(prefix: str) -> Q:
    return Q(
        **{
            f"{prefix}status": Timesheet.Status.APPROVED,
            f"{prefix}county_review__in": [Timesheet.Review.NONE, Timesheet.Review.RELEASED],
        }
    )


def _constants(kind: str, overtime: bool) -> dict[str, Value]:
    return {
        "source": Value(TIMESHEET, output_field=CharField()),
        "kind": Value(kind, output_field=CharField()),
        # A plain Field: an IntegerField would make Django convert every row in Python.
        "cents": Value(0, output_field=Field()),
        "overtime": Value(overtime, output_field=BooleanField()),
    }


def _day_items(
    since: dt.date, through: dt.date, after: int, provider_ids: Iterable[int] | None
) -> Iterator[PayableItem]:
    rows = (
        DayEntry.objects.filter(
            provider_filter(after, provider_ids, "timesheet__provider_id"),
            day__gte=since,
            day__lte=through,
            minutes__gt=0,
        )
        .annotate(paid=paid_documents(TIMESHEET, "timesheet_id"))
        .filter(_payable_timesheet("timesheet__") | Q(paid=True))
        .annotate(
            provider_id=F("timesheet__provider_id"),
            start_at=Coalesce("start", Value(START_OF_DAY)),
            document_id=F("timesheet_id"),
            recipient_id=F("timesheet__recipient_id"),
            county_id=F("timesheet__recipient__county_id"),
            program=F("timesheet__program"),
            **_constants(Kind.HOURS, True),
        )
        .order_by("provider_id", "day", "start_at", "document_id")
        .values_list(*(("start_at" if f == "start" else f) for f in ITEM_FIELDS))
    )
    return map(_item, payable_rows(rows, chunk_size=CHUNK))


def _travel_items(
    since: dt.date, through: dt.date, after: int, provider_ids: Iterable[int] | None
) -> Iterator[PayableItem]:
    rows = (
        TravelEntry.objects.filter(
            provider_filter(after, provider_ids, "timesheet__provider_id"),
            day__gte=since,
            day__lte=through,
            minutes__gt=0,
        )
        .annotate(paid=paid_documents(TIMESHEET, "timesheet_id"))
        .filter(_payable_timesheet("timesheet__") | Q(paid=True))
        .annotate(
            provider_id=F("timesheet__provider_id"),
            start_at=Value(END_OF_DAY),
            document_id=F("timesheet_id"),
            recipient_id=F("timesheet__recipient_id"),
            county_id=F("timesheet__recipient__county_id"),
            program=F("timesheet__program"),
            **_constants(Kind.TRAVEL, True),
        )
        .order_by("provider_id", "day", "document_id", "pk")
        .values_list(*(("start_at" if f == "start" else f) for f in ITEM_FIELDS))
    )
    return map(_item, payable_rows(rows, chunk_size=CHUNK))


def timesheet_items(
    *,
    since: dt.date,
    through: dt.date,
    after_provider: int = 0,
    provider_ids: Iterable[int] | None = None,
) -> Iterator[PayableItem]:
    """Day entries and travel, merged a provider at a time (travel after the day's hours
    with the same key, as heapq.merge(days, travel, key=order_key) orders them)."""
    wanted = None if provider_ids is None else list(provider_ids)
    return itertools.chain.from_iterable(
        merge_by_provider(
            [
                _day_items(since, through, after_provider, wanted),
                _travel_items(since, through, after_provider, wanted),
            ]
        )
    )


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
    for provider, day, claim, recipient, county, program, minutes, paid in payable_rows(
        rows, chunk_size=CHUNK
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
