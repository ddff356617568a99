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

from django.db import connection
from django.db.models import BooleanField, CharField, Count, F, Field, Min, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ihss.cases.models import Provider, Recipient
from ihss.core import audit, bulk
from ihss.core.dates import day_month_year, range_ends
from ihss.core.models import PaidSource
from ihss.core.payables import (
    DocumentTimeline,
    Kind,
    PayableItem,
    Source,
    Unpaid,
    merge_by_provider,
    paid_documents,
    provider_filter,
    sql_rows,
)
from ihss.core.payables import rows as payable_rows
from ihss.timesheets.models import DayEntry, SickLeaveClaim, Timesheet, TravelEntry
from ihss.timesheets.services.sick_leave import balance_for

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
    since: dt.date,
    through: dt.date,
    after: int,
    provider_ids: Iterable[int] | None,
    last: int | None,
) -> Iterator[PayableItem]:
    rows = (
        DayEntry.objects.filter(
            provider_filter(after, provider_ids, "timesheet__provider_id", last),
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
    since: dt.date,
    through: dt.date,
    after: int,
    provider_ids: Iterable[int] | None,
    last: int | None,
) -> Iterator[PayableItem]:
    rows = (
        TravelEntry.objects.filter(
            provider_filter(after, provider_ids, "timesheet__provider_id", last),
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
    through_provider: int | None = None,
) -> Iterator[PayableItem]:
    """Day entries and travel, merged a provider at a time (travel after the day's hours
    with the same key, as heapq.merge(days, travel, key=order_key) orders them)."""
    wanted = None if provider_ids is None else list(provider_ids)
    if connection.vendor == "postgresql":
        if wanted == []:
            return iter(())
        sql, params = _items_sql(since, through, after_provider, wanted, through_provider)
        return map(_item, sql_rows(sql, params, chunk_size=CHUNK))
    return itertools.chain.from_iterable(
        merge_by_provider(
            [
                _day_items(since, through, after_provider, wanted, through_provider),
                _travel_items(since, through, after_provider, wanted, through_provider),
            ]
        )
    )


def _items_sql(
    since: dt.date,
    through: dt.date,
    after: int,
    provider_ids: list[int] | None,
    last: int | None,
) -> tuple[str, dict[str, object]]:
    """`timesheet_items` as one query, on PostgreSQL: the timesheets asked for, in provider
    order, each joined once to its recipient's county and to whether it is paid or payable,
    then the days and travel of each, found through the entries' index on their timesheet.
    The rows come out in provider order as they are found, so PostgreSQL sorts only each
    provider's few entries (an incremental sort) and sends the first provider's at once,
    instead of reading every entry of the period and sorting a whole range's before the
    first row (a range's eight million-row scan and four million-row sort on disk took twice
    as long, and the calculation waited for all of it; docs/benchmarks.md, "Payroll"). Its
    rows are the ORM queries' (SQLite's), in the merged order (tests/test_payables_items.py).
    """
    sheet, day, travel, recipient, paid = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (Timesheet, DayEntry, TravelEntry, Recipient, PaidSource)
    )
    wanted = ["t.period_end >= %(since)s", "t.period_start <= %(through)s"]
    if after:
        wanted.append("t.provider_id > %(after)s")
    if last is not None:
        wanted.append("t.provider_id <= %(last)s")
    if provider_ids is not None:
        wanted.append("t.provider_id = ANY(%(ids)s::bigint[])")
    days = "day >= %(since)s AND day <= %(through)s AND minutes > 0"
    # A timesheet's days lie in its period, so the timesheets whose period meets the days
    # asked hold them all. OFFSET 0 keeps them a subquery of their own, sorted once by
    # provider; LATERAL reads each one's entries in that order.
    sql = f"""
        SELECT s.provider_id, e.day, e.start, %(source)s::text, s.id, s.recipient_id,
            s.county_id, s.program, e.kind, e.minutes, 0, true, s.paid
        FROM (
            SELECT t.id, t.provider_id, t.recipient_id, r.county_id, t.program,
                EXISTS (
                    SELECT 1 FROM {paid} p WHERE p.source = %(source)s AND p.document_id = t.id
                ) AS paid,
                t.status = %(approved)s AND t.county_review = ANY(%(released)s::text[]) AS payable
            FROM {sheet} t JOIN {recipient} r ON r.id = t.recipient_id
            WHERE {" AND ".join(wanted)}
            ORDER BY t.provider_id
            OFFSET 0
        ) AS s
        CROSS JOIN LATERAL (
            SELECT day, COALESCE(start, %(morning)s::time) AS start,
                %(hours)s::text AS kind, minutes, 0 AS stream, id
            FROM {day} WHERE timesheet_id = s.id AND {days}
            UNION ALL
            SELECT day, %(evening)s::time, %(travel)s::text, minutes, 1, id
            FROM {travel} WHERE timesheet_id = s.id AND {days}
        ) AS e
        WHERE s.payable OR s.paid
        ORDER BY s.provider_id, e.day, e.start, s.id, e.stream, e.id
    """  # noqa: S608 (table names from Django, values as parameters)  # fmt: skip
    params: dict[str, object] = {
        "since": since,
        "through": through,
        "after": after,
        "last": last,
        "ids": provider_ids,
        "source": TIMESHEET,
        "approved": Timesheet.Status.APPROVED,
        "released": [Timesheet.Review.NONE, Timesheet.Review.RELEASED],
        "morning": START_OF_DAY,
        "evening": END_OF_DAY,
        "hours": Kind.HOURS,
        "travel": Kind.TRAVEL,
    }
    return sql, params


def timesheet_unpaid(*, through: dt.date) -> Unpaid | None:
    owed = (
        Timesheet.objects.filter(_payable_timesheet(""), period_start__lte=through)
        .exclude(paid_documents(TIMESHEET))
        .aggregate(first=Min("period_start"), providers=Count("provider_id", distinct=True))
    )
    if owed["first"] is None:
        return None
    # A timesheet's days lie in its own period and periods do not overlap, so the
    # earliest unpaid period's timesheets (usually a few approved late), when they have a
    # worked day, hold the first one: their days are read by their timesheets' keys
    # instead of every day of the state's period.
    limit = bulk.max_params()
    earliest = list(
        Timesheet.objects.filter(_payable_timesheet(""), period_start=owed["first"])
        .exclude(paid_documents(TIMESHEET))
        .order_by()
        .values_list("pk", flat=True)[: limit + 1]
    )
    worked = DayEntry.objects.filter(day__lte=through, minutes__gt=0)
    first = None
    if len(earliest) <= limit:
        first = worked.filter(timesheet_id__any_of=earliest).aggregate(first=Min("day"))["first"]
    if first is None:
        first = (
            worked.filter(_payable_timesheet("timesheet__"))
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
    through_provider: int | None = None,
) -> Iterator[PayableItem]:
    rows = (
        SickLeaveClaim.objects.filter(
            provider_filter(after_provider, provider_ids, through_provider=through_provider),
            day__gte=since,
            day__lte=through,
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


def sick_leave_fact(provider_id: int, day: dt.date) -> dict[str, object] | None:
    """The paid sick leave a stub shows: granted (earned) this fiscal year, used, available,
    from when it is usable and when it expires, on `day` (the end of the pay period)."""
    provider = Provider.objects.filter(pk=provider_id).first()
    if provider is None:
        return None
    leave = balance_for(provider, day)
    balance = leave.balance
    return {
        "earned_minutes": balance.granted,
        "used_minutes": balance.used,
        "available_minutes": balance.balance,
        "usable_on": balance.usable_on.isoformat() if balance.usable_on else None,
        "expires_on": balance.expires_on.isoformat(),
    }


def timesheet_timeline(pk: int) -> DocumentTimeline | None:
    """A timesheet's steps before payroll: sent, approved by the recipient (or returned),
    released by the county when it reviews it. The county's decision is dated by the audit
    trail (the timesheet keeps only its outcome)."""
    sheet = (
        Timesheet.objects.filter(pk=pk)
        .select_related("recipient")
        .defer("recipient__ssn", "recipient__ssn_index")
        .first()
    )
    if sheet is None:
        return None
    steps: list[tuple[object, dt.datetime | None]] = [(_("Sent"), sheet.first_submitted_at)]
    if sheet.submissions > 1 and sheet.submitted_at != sheet.first_submitted_at:
        steps.append((_("Sent again after a correction"), sheet.submitted_at))
    if sheet.status == Timesheet.Status.REJECTED:
        steps.append((_("Returned by the recipient for correction"), sheet.decided_at))
    elif sheet.status == Timesheet.Status.VOIDED:
        steps.append((_("Voided by the county: it is not paid"), _county_decided(sheet, "void")))
    else:
        approved = sheet.decided_at if sheet.status == Timesheet.Status.APPROVED else None
        steps.append((_("Approved by the recipient"), approved))
        if sheet.county_review == Timesheet.Review.RELEASED:
            steps.append((_("Released for payment by the county"), _county_decided(sheet)))
        elif sheet.county_review == Timesheet.Review.HELD:
            steps.append((_("Held by the county for review"), _county_decided(sheet, "hold")))
        elif sheet.county_review == Timesheet.Review.WAITING:
            steps.append((_("Waiting for the county's review"), None))
    start, end = range_ends(sheet.period_start, sheet.period_end)
    title = _("Timesheet for %(name)s, %(start)s to %(end)s") % {
        "name": sheet.recipient.full_name,
        "start": start,
        "end": end,
    }
    return DocumentTimeline(sheet.provider_id, title, steps)


def _county_decided(sheet: Timesheet, decision: str = "release") -> dt.datetime | None:
    return (
        audit.trail(sheet)
        .filter(action=f"timesheet.county_{decision}")
        .values_list("occurred_at", flat=True)
        .first()
    )


def claim_timeline(pk: int) -> DocumentTimeline | None:
    """A sick leave claim's steps before payroll: sent, approved by the recipient."""
    claim = (
        SickLeaveClaim.objects.filter(pk=pk)
        .select_related("recipient")
        .defer("recipient__ssn", "recipient__ssn_index")
        .first()
    )
    if claim is None:
        return None
    steps: list[tuple[object, dt.datetime | None]] = [(_("Sent"), claim.created_at)]
    if claim.status == SickLeaveClaim.Status.REJECTED:
        steps.append((_("Not approved by the recipient"), claim.decided_at))
    else:
        approved = claim.decided_at if claim.status == SickLeaveClaim.Status.APPROVED else None
        steps.append((_("Approved by the recipient"), approved))
    title = _("Paid sick leave for %(name)s, %(day)s") % {
        "name": claim.recipient.full_name,
        "day": day_month_year(claim.day),
    }
    return DocumentTimeline(claim.provider_id, title, steps)


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
        timeline=timesheet_timeline,
    ),
    Source(
        name=SICK_LEAVE_CLAIM,
        label=_("Paid sick leave claim"),
        items=sick_leave_items,
        unpaid=sick_leave_unpaid,
        document_url=_claim_url,
        timeline=claim_timeline,
    ),
)
