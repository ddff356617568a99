"""Deleting punches' coordinates after the retention period.

A Home punch keeps its latitude, longitude and accuracy for
`evv_coordinates_retention_days` days; then they are deleted and its position becomes
"dropped". What the county needs afterwards stays: whether it was in range, and how far.
Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ihss.core.parameters import parameter
from ihss.evv.models import Position, Punch
from ihss.evv.services import export

RETENTION_DAYS = "evv_coordinates_retention_days"
BATCH = 5_000  # punches updated per statement: a long table is not locked in one go


def drop_old_coordinates(*, today: dt.date) -> int:
    """Delete the coordinates of punches made before the first day still kept; how many
    punches lost theirs."""
    days = parameter(RETENTION_DAYS, on=today)
    first_kept = today - dt.timedelta(days=days)
    cutoff = timezone.make_aware(dt.datetime.combine(first_kept, dt.time.min))
    old = Punch.objects.filter(latitude__isnull=False, punched_at__lt=cutoff)
    dropped = 0
    while True:
        with transaction.atomic():
            ids = list(old.values_list("pk", flat=True)[:BATCH])
            if not ids:
                return dropped
            dropped += Punch.objects.filter(pk__in=ids, latitude__isnull=False).update(
                latitude=None, longitude=None, accuracy_m=None, position=Position.DROPPED
            )


def run(*, now: dt.datetime) -> int:
    """The daily job: the punches' coordinates, and the export files that hold them."""
    dropped = drop_old_coordinates(today=timezone.localtime(now).date())
    export.delete_old_files(now=now)
    return dropped
