"""What Career Pathways owes providers, offered to payroll (ihss/core/payables.py).

One source, "training_claim": a confirmed training-time claim is paid once, as a whole,
at the county wage of the recipient the provider chose. Training time counts toward
weekly overtime (ihss-facts 7) and never toward a recipient's authorized hours (it is not
on a timesheet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import partial

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    F,
    Field,
    IntegerField,
    Min,
    Q,
    TimeField,
    Value,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ihss.core.payables import (
    DocumentTimeline,
    Kind,
    PayableItem,
    Source,
    Unpaid,
    paid_documents,
    provider_filter,
)
from ihss.core.payables import rows as payable_rows
from ihss.training.models import Incentive, TrainingClaim

TRAINING_CLAIM = "training_claim"
TRAINING_INCENTIVE = "training_incentive"
CHUNK = 20_000
_item = partial(tuple.__new__, PayableItem)


def claim_items(
    *,
    since: dt.date,
    through: dt.date,
    after_provider: int = 0,
    provider_ids: Iterable[int] | None = None,
    through_provider: int | None = None,
) -> Iterator[PayableItem]:
    rows = (
        TrainingClaim.objects.filter(
            provider_filter(after_provider, provider_ids, through_provider=through_provider),
            day__gte=since,
            day__lte=through,
        )
        .annotate(paid=paid_documents(TRAINING_CLAIM))
        .filter(Q(status=TrainingClaim.Status.CONFIRMED) | Q(paid=True))
        .annotate(
            source=Value(TRAINING_CLAIM, output_field=CharField()),
            document_id=F("pk"),
            county_id=F("recipient__county_id"),
            kind=Value(Kind.TRAINING, output_field=CharField()),
            cents=Value(0, output_field=Field()),
            overtime=Value(True, output_field=BooleanField()),
        )
        .order_by("provider_id", "day", "start", "pk")
        .values_list(*PayableItem._fields)
    )
    return map(_item, payable_rows(rows, chunk_size=CHUNK))


def claim_unpaid(*, through: dt.date) -> Unpaid | None:
    owed = (
        TrainingClaim.objects.filter(status=TrainingClaim.Status.CONFIRMED, day__lte=through)
        .exclude(paid_documents(TRAINING_CLAIM))
        .aggregate(first=Min("day"), providers=Count("provider_id", distinct=True))
    )
    return None if owed["first"] is None else Unpaid(owed["first"], owed["providers"])


def incentive_items(
    *,
    since: dt.date,
    through: dt.date,
    after_provider: int = 0,
    provider_ids: Iterable[int] | None = None,
    through_provider: int | None = None,
) -> Iterator[PayableItem]:
    """Earned incentives: an amount each, at no county's rate (the provider's county),
    never counting toward overtime."""
    rows = (
        Incentive.objects.filter(
            provider_filter(after_provider, provider_ids, through_provider=through_provider),
            earned_on__gte=since,
            earned_on__lte=through,
        )
        .annotate(
            paid=paid_documents(TRAINING_INCENTIVE),
            day=F("earned_on"),
            start=Value(dt.time(0, 0), output_field=TimeField()),
            source=Value(TRAINING_INCENTIVE, output_field=CharField()),
            document_id=F("pk"),
            recipient_id=Value(None, output_field=IntegerField()),
            county_id=F("provider__county_id"),
            program=Value("IHSS", output_field=CharField()),
            item_kind=Value(Kind.INCENTIVE, output_field=CharField()),  # "kind" is a field
            minutes=Value(0, output_field=Field()),
            overtime=Value(False, output_field=BooleanField()),
        )
        .order_by("provider_id", "earned_on", "pk")
        .values_list(*(("item_kind" if f == "kind" else f) for f in PayableItem._fields))
    )
    return map(_item, payable_rows(rows, chunk_size=CHUNK))


def incentive_unpaid(*, through: dt.date) -> Unpaid | None:
    owed = (
        Incentive.objects.filter(earned_on__lte=through)
        .exclude(paid_documents(TRAINING_INCENTIVE))
        .aggregate(first=Min("earned_on"), providers=Count("provider_id", distinct=True))
    )
    return None if owed["first"] is None else Unpaid(owed["first"], owed["providers"])


def claim_timeline(pk: int) -> DocumentTimeline | None:
    claim = TrainingClaim.objects.filter(pk=pk).select_related("course", "attendance").first()
    if claim is None:
        return None
    steps: list[tuple[object, dt.datetime | None]] = [
        (_("Attendance recorded by the training provider"), claim.attendance.recorded_at),
        (_("Confirmed by you"), claim.confirmed_at),
    ]
    title = _("Training time: %(course)s, %(day)s") % {
        "course": claim.course.title,
        "day": claim.day.isoformat(),
    }
    return DocumentTimeline(claim.provider_id, str(title), steps)


def _claim_url(pk: int) -> str:
    return reverse("training:mine") + f"#claim-{pk}"


def _incentive_url(pk: int) -> str:
    return reverse("training:progress")


SOURCES = (
    Source(
        name=TRAINING_CLAIM,
        label=_("Training time claim"),
        items=claim_items,
        unpaid=claim_unpaid,
        document_url=_claim_url,
        timeline=claim_timeline,
    ),
    Source(
        name=TRAINING_INCENTIVE,
        label=_("Career Pathways incentive"),
        items=incentive_items,
        unpaid=incentive_unpaid,
        document_url=_incentive_url,
    ),
)
