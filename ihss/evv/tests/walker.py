"""A visit and visit exports for the page walker (tests/browser/test_every_page.py), made
once whatever the number of pages opened."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from ihss.evv.models import Punch, Visit, VisitExport
from ihss.evv.services import export as exports


def walker_visit(cast: Any) -> int:
    """Yesterday's Home visit of the cast's provider for Rosa, from 8:00 to 12:00 (Rosa's
    home has no coordinates on file: she is one of the recipients to locate)."""
    known = Visit.objects.filter(provider=cast.provider, recipient=cast.recipient).first()
    if known is not None:
        return known.pk
    day = timezone.localdate() - dt.timedelta(days=1)
    user = cast.by_role["provider"]

    def made(kind: str, hour: int) -> Punch:
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
        return Punch.objects.create(
            phone_id=uuid.uuid4(),
            provider=cast.provider,
            recipient=cast.recipient,
            program="IHSS",
            kind=kind,
            place="home",
            punched_at=at,
            received_at=at,
            position="fix",
            latitude="34.052200",
            longitude="-118.243700",
            accuracy_m=15,
            range="unknown",
            made_by=user,
        )

    check_in, check_out = made("in", 8), made("out", 12)
    visit = Visit.objects.create(
        provider=cast.provider,
        recipient=cast.recipient,
        program="IHSS",
        county=cast.recipient.county,
        day=day,
        place="home",
        check_in=check_in,
        check_out=check_out,
        started_at=check_in.punched_at,
        ended_at=check_out.punched_at,
        flags=["unknown_range"],
    )
    return visit.pk


def walker_export(cast: Any, format: str = VisitExport.Format.CSV) -> int:
    """A finished export of the cast's county staff, in `format`, with the walker's visit."""
    known = VisitExport.objects.filter(created_by=cast.county_staff, format=format).first()
    if known is not None:
        return known.pk
    walker_visit(cast)
    day = timezone.localdate() - dt.timedelta(days=1)
    job = exports.start_export(
        user=cast.county_staff,
        county_id=cast.recipient.county_id,
        first=day,
        last=day,
        format=format,
    )
    exports.run_export(job.pk)
    return job.pk
