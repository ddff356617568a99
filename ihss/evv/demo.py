"""Demo visits (fictional, as every demo record is): a few workdays of check-ins and
check-outs before today, so that the phone screen, the timesheet's filled days and the
county's compliance view have something to show. Recorded through the same service the
phone uses; a day already on a sent demo timesheet is left out, as it would be refused."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.utils import timezone

from ihss.core.demo import DemoContext
from ihss.core.refusals import ServiceRefused
from ihss.evv.services.punches import PunchInput, record

AFTER = ("cases", "accounts", "timesheets")

# (provider, account, recipient, days before today, in, out, place, offset of the fix)
VISITS = [
    ("190000001", "provider.one", "1900001", 3, (8, 0), (13, 0), "home", Decimal("0")),
    ("190000001", "provider.one", "1900001", 2, (8, 5), (12, 55), "home", Decimal("0.0004")),
    ("190000001", "provider.one", "1900001", 1, (9, 0), (11, 30), "community", None),
    ("190000002", "provider.three", "1900002", 2, (7, 30), (10, 0), "home", Decimal("0.03")),
    ("190000002", "provider.three", "1900003", 2, (13, 0), (15, 0), "home", None),
]


def _at(day: dt.date, hour_minute: tuple[int, int]) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(*hour_minute)))


def load(context: DemoContext) -> None:
    recorded = 0
    for number, username, case, days_back, start, end, place, offset in VISITS:
        provider = context.record("provider", number)
        recipient = context.record("recipient", case)
        user = context.record("user", username)
        day = context.today - dt.timedelta(days=days_back)
        for kind, moment in (("in", start), ("out", end)):
            located = place == "home" and offset is not None and recipient.latitude is not None
            data = PunchInput(
                phone_id=uuid.uuid4(),
                kind=kind,
                recipient_id=recipient.pk,
                program="IHSS",
                place=place,
                punched_at=_at(day, moment),
                position="fix" if located else ("denied" if place == "home" else "not_asked"),
                latitude=recipient.latitude + offset if located else None,
                longitude=recipient.longitude if located else None,
                accuracy_m=15 if located else None,
            )
            try:
                record(provider=provider, data=data, by=user)
                recorded += 1
            except ServiceRefused:
                continue
    context.say("Electronic visit verification", heading=True)
    context.say(
        f"{recorded} demo check-ins and check-outs of the last three days (provider.one and "
        "provider.three): open /evv/ as a provider to check in and out, or as county.la to "
        "see the compliance view."
    )
