"""Providers, recipients and punches for the EVV tests."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ihss import test as cast
from ihss.accounts.models import Role, User
from ihss.cases.models import Assignment, Provider, Recipient
from ihss.evv.services.punches import Outcome, PunchInput, record

# Sacramento's Capitol: a fictional recipient's home.
HOME = (Decimal("38.576600"), Decimal("-121.493500"))


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def worker_and_recipient(
    *, username: str = "evv.provider", located: bool = True, live_in: bool = False
) -> tuple[Provider, Recipient, User, Assignment]:
    recipient = cast.make_recipient(
        county_code="34",
        first_name="Rosa",
        last_name="Delgado",
        latitude=HOME[0] if located else None,
        longitude=HOME[1] if located else None,
    )
    provider = cast.make_active_provider(county_code="34")
    user = cast.make_user(username, Role.PROVIDER, provider=provider)
    assignment = cast.assign(
        provider,
        recipient,
        6000,
        start_date=dt.date(2026, 1, 1),
        live_in_certified_on=dt.date(2026, 1, 1) if live_in else None,
    )
    return provider, recipient, user, assignment


def punch(
    provider: Provider,
    recipient: Recipient,
    user: User,
    *,
    kind: str = "in",
    at: dt.datetime,
    place: str = "home",
    near: tuple[Decimal, Decimal] | None = HOME,
    accuracy: int = 20,
    phone_id: uuid.UUID | None = None,
    **more: Any,
) -> Outcome:
    data = PunchInput(
        phone_id=phone_id or uuid.uuid4(),
        kind=kind,
        recipient_id=recipient.pk,
        program="IHSS",
        place=place,
        punched_at=at,
        position="fix" if near else more.pop("position", "denied"),
        latitude=near[0] if near else None,
        longitude=near[1] if near else None,
        accuracy_m=accuracy if near else None,
    )
    return record(provider=provider, data=data, by=user)
