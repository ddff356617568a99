"""Two people (or one double click) changing the same record at the same moment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from ihss import test as cast
from ihss.cases import services
from ihss.cases.models import AuthorizedHours
from ihss.core.models import AuditEvent

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_change_of_hours_sent_twice_at_once_is_recorded_once(la_staff):
    assert connection.vendor == "postgresql"
    recipient = cast.make_recipient(severely_impaired=True)
    cast.authorize(recipient, 100 * 60, start=dt.date(2025, 1, 1))

    def change():
        services.change_authorized_hours(
            recipient=recipient,
            program="IHSS",
            monthly_minutes=150 * 60,
            effective_from=dt.date(2026, 11, 1),
            by=la_staff,
            reason="Reassessment",
        )

    assert cast.at_once([change, change]) == [None, None]
    rows = AuthorizedHours.objects.filter(recipient=recipient).order_by("effective_from")
    assert [(r.monthly_minutes, r.effective_to) for r in rows] == [
        (100 * 60, dt.date(2026, 10, 31)),
        (150 * 60, None),
    ]
    assert AuditEvent.objects.filter(action="authorized_hours.added").count() == 1
    assert AuditEvent.objects.filter(action="authorized_hours.closed").count() == 1


def test_two_different_changes_at_once_leave_one_consistent_history(la_staff):
    recipient = cast.make_recipient(severely_impaired=True)
    cast.authorize(recipient, 100 * 60, start=dt.date(2025, 1, 1))

    def change_to(minutes):
        return lambda: services.change_authorized_hours(
            recipient=recipient,
            program="IHSS",
            monthly_minutes=minutes,
            effective_from=dt.date(2026, 11, 1),
            by=la_staff,
            reason=f"Set to {minutes}",
        )

    assert cast.at_once([change_to(150 * 60), change_to(160 * 60)]) == [None, None]
    rows = list(AuthorizedHours.objects.filter(recipient=recipient).order_by("effective_from"))
    # One open row: whichever change came second replaced the first on the same day.
    assert len(rows) == 2
    assert rows[0].effective_to == dt.date(2026, 10, 31)
    assert rows[1].effective_to is None
    assert rows[1].monthly_minutes in {150 * 60, 160 * 60}
    last = AuditEvent.objects.filter(subject_id=str(rows[1].pk)).order_by("-id").first()
    assert last is not None and last.after is not None
    assert last.after["monthly_minutes"] == rows[1].monthly_minutes
