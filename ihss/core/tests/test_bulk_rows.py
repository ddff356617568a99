"""The bulk writer's plain rows: millions of records (a state's payroll run) saved without
making an object per record, each value converted as the model's field says."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ihss.core import bulk
from ihss.core.models import PaidSource, ProgramParameter

pytestmark = pytest.mark.django_db


def test_it_saves_plain_rows_with_their_values_in_few_statements():
    at = timezone.now().replace(microsecond=0)
    rows = [("timesheet", n, 7, at) for n in range(2_500)]
    with CaptureQueriesContext(connection) as queries:
        bulk.insert_rows(PaidSource, ("source", "document_id", "run_id", "paid_at"), rows)

    assert len(queries) <= 3  # one COPY, or a few multi-row INSERTs, never one per row
    assert PaidSource.objects.count() == 2_500
    saved = PaidSource.objects.get(document_id=1_234)
    assert (saved.source, saved.run_id, saved.paid_at) == ("timesheet", 7, at)


def test_it_converts_dates_as_the_field_does():
    bulk.insert_rows(
        ProgramParameter,
        ("key", "effective_from", "value", "unit", "description", "source"),
        [("test_rows", dt.date(2030, 1, 2), 5, ProgramParameter.Unit.COUNT, "A test", "")],
    )
    assert ProgramParameter.objects.get(key="test_rows").effective_from == dt.date(2030, 1, 2)


def test_it_does_nothing_for_no_rows():
    with CaptureQueriesContext(connection) as queries:
        bulk.insert_rows(PaidSource, ("source",), [])
    assert len(queries) == 0


def test_it_returns_each_rows_key_in_order_so_others_can_point_at_it():
    at = timezone.now().replace(microsecond=0)
    rows = [("timesheet", n, 9, at) for n in range(1_500)]
    keys = bulk.insert_rows_with_keys(
        PaidSource, ("source", "document_id", "run_id", "paid_at"), rows
    )

    assert len(keys) == len(set(keys)) == 1_500
    saved = dict(PaidSource.objects.filter(run_id=9).values_list("pk", "document_id"))
    assert [saved[key] for key in keys] == list(range(1_500))
    assert bulk.insert_rows_with_keys(PaidSource, ("source",), []) == []
