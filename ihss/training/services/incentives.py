"""Incentives earned, kept up to date from verified hours and case data.

`refresh(provider)` gathers the facts the rules read (ihss/training/rules.py): the minutes
of verified attendance in each pathway, and the approved care hours of each month for
each recipient, with the pathways whose needs that recipient has (read from every source
of pay through ihss/core/payables.py: training never reads timesheets itself). It keeps
each newly earned incentive once (unique by kind and number) and tells the provider.
Called when attendance is recorded, and each morning for providers who completed a
specialized pathway (their months of care add up over time).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ihss.accounts.services import provider_accounts
from ihss.cases.models import Provider, Recipient
from ihss.core import audit, parameters, payables
from ihss.core.payables import Kind
from ihss.notifications import services as notices
from ihss.notifications.events import Event
from ihss.training.models import Attendance, Incentive, Pathway
from ihss.training.rules import (
    SPECIALIZED,
    IncentivePolicy,
    Incentives,
    ServedMonth,
    Verified,
    incentives,
)


def policy(on: dt.date) -> IncentivePolicy:
    return IncentivePolicy.from_parameters(parameters.parameters(IncentivePolicy.keys(), on=on))


def verified_of(provider: Provider) -> list[Verified]:
    return [
        Verified(code, category, day, minutes)
        for code, category, day, minutes in Attendance.objects.filter(
            registration__provider=provider, minutes__gt=0
        ).values_list(
            "registration__course__pathway__code",
            "registration__course__pathway__category",
            "day",
            "minutes",
        )
    ]


def served_of(provider: Provider, *, since: dt.date, through: dt.date) -> list[ServedMonth]:
    """Approved care minutes per recipient and month, with the pathways their needs match."""
    minutes: dict[tuple[int, dt.date], int] = defaultdict(int)
    for item in payables.all_items(since=since, through=through, provider_ids=[provider.pk]):
        if item.kind == Kind.HOURS and item.recipient_id is not None:
            minutes[(item.recipient_id, item.day.replace(day=1))] += item.minutes
    if not minutes:
        return []
    serves = {p.code: set(p.serves_needs) for p in Pathway.objects.filter(category=SPECIALIZED)}
    fields = sorted(set().union(*serves.values())) if serves else []
    needs_of = {
        r.pk: {field for field in fields if getattr(r, field)}
        for r in Recipient.objects.filter(pk__in={r for r, _m in minutes}).only("pk", *fields)
    }
    return [
        ServedMonth(
            month,
            frozenset(code for code, needs in serves.items() if needs & needs_of.get(r, set())),
            total,
        )
        for (r, month), total in minutes.items()
    ]


def compute(provider: Provider, *, today: dt.date) -> Incentives:
    verified = verified_of(provider)
    specialized = [v.day for v in verified if v.category == SPECIALIZED]
    served = (
        served_of(provider, since=min(specialized).replace(day=1), through=today)
        if specialized
        else []
    )
    return incentives(verified=verified, served=served, policy=policy(today))


def refresh(provider: Provider, *, today: dt.date | None = None) -> list[Incentive]:
    """Keep the incentives the provider has newly earned; returns them."""
    today = today or timezone.localdate()
    found = compute(provider, today=today)
    kept = {(i.kind, i.number) for i in Incentive.objects.filter(provider=provider)}
    pathways = {p.code: p for p in Pathway.objects.all()}
    made: list[Incentive] = []
    for earned in found.earned:
        if (earned.kind, earned.number) in kept or earned.day > today:
            continue
        try:
            with transaction.atomic():
                incentive = Incentive.objects.create(
                    provider=provider,
                    kind=earned.kind,
                    number=earned.number,
                    pathway=pathways[earned.pathway],
                    cents=earned.cents,
                    earned_on=earned.day,
                    recorded_at=timezone.now(),
                )
                audit.record(
                    actor=None,
                    action="training.incentive_earned",
                    subject=incentive,
                    after={"kind": earned.kind, "cents": earned.cents},
                )
                _tell(incentive)
        except IntegrityError:  # kept at the same moment by another refresh
            continue
        made.append(incentive)
    return made


def _tell(incentive: Incentive) -> None:
    for user in provider_accounts(incentive.provider_id):
        notices.notify(
            user=user,
            event=Event.INCENTIVE_EARNED,
            context={"pathway": incentive.pathway.name, "amount_cents": incentive.cents},
            key=f"incentive-{incentive.pk}",
            link=reverse("training:progress"),
        )


def refresh_specialized(*, today: dt.date) -> int:
    """The morning refresh: every provider with verified minutes in a specialized pathway
    (their months of matching care keep adding up). Returns how many incentives were made."""
    providers = Provider.objects.filter(
        pk__in=Attendance.objects.filter(
            minutes__gt=0, registration__course__pathway__category=SPECIALIZED
        ).values("registration__provider_id")
    )
    return sum(len(refresh(p, today=today)) for p in providers.iterator(chunk_size=500))
