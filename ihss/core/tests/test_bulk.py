"""The shared bulk writer: any app's plain records, saved many at a time, keys set."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ihss.core import bulk
from ihss.core.models import AuditEvent, ProgramParameter

pytestmark = pytest.mark.django_db


def test_it_saves_records_of_any_app_with_their_values_and_keys():
    events = [
        AuditEvent(
            actor_name="Payroll run",
            action="payment.create",
            subject_type="payment",
            subject_id=str(n),
            after={"cents": n * 100, "on": "2026-12-01"},
        )
        for n in range(2_500)
    ]
    bulk.insert(events)

    assert all(e.pk is not None for e in events)
    assert len({e.pk for e in events}) == 2_500
    saved = AuditEvent.objects.get(pk=events[1_234].pk)
    assert saved.subject_id == "1234" and saved.after == {"cents": 123_400, "on": "2026-12-01"}


def test_it_converts_dates_and_sends_few_statements():
    rows = [
        ProgramParameter(
            key=f"test_param_{n}",
            effective_from=dt.date(2030, 1, 1) + dt.timedelta(days=n),
            value=n,
            unit=ProgramParameter.Unit.COUNT,
            description="A test parameter",
        )
        for n in range(300)
    ]
    with CaptureQueriesContext(connection) as queries:
        bulk.insert(rows)

    assert len(queries) <= 3  # one statement (or the sequence and one COPY), not one per row
    assert ProgramParameter.objects.get(key="test_param_299").effective_from == dt.date(
        2030, 10, 27
    )


def test_it_refuses_records_whose_fields_are_set_on_save():
    from ihss.notifications.models import Notification

    with pytest.raises(TypeError, match="set on save"):
        bulk.insert([Notification()])


def test_it_does_nothing_for_no_records():
    with CaptureQueriesContext(connection) as queries:
        bulk.insert([])
    assert len(queries) == 0
