"""The bulk writer's plain rows: millions of records (a state's payroll run) saved without
making an object per record, each value converted as the model's field says."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ihss.core import bulk
from ihss.core.models import AuditEvent, PaidSource, ProgramParameter

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
    fields = (
        "occurred_at", "actor_name", "action", "subject_type", "subject_id", "subject_label",
        "reason",
    )  # fmt: skip
    rows = [(at, "Bulk", "bulk.keys", "Row", str(n), "", "") for n in range(1_500)]
    keys = bulk.insert_rows_with_keys(AuditEvent, fields, rows)

    assert len(keys) == len(set(keys)) == 1_500
    saved = dict(AuditEvent.objects.filter(action="bulk.keys").values_list("pk", "subject_id"))
    assert [saved[key] for key in keys] == [str(n) for n in range(1_500)]
    assert bulk.insert_rows_with_keys(AuditEvent, ("action",), []) == []


def test_rows_keyed_by_their_own_values_are_saved_without_drawing_keys():
    """A paid record's key is the record itself (source, document): nothing is drawn."""
    at = timezone.now().replace(microsecond=0)
    bulk.insert_rows(
        PaidSource,
        ("source", "document_id", "run_id", "paid_at"),
        [("timesheet", 5, 9, at), ("sick_leave_claim", 5, 9, at)],
    )
    assert PaidSource.objects.get(pk=("sick_leave_claim", 5)).run_id == 9
    with pytest.raises(IntegrityError), transaction.atomic():  # paid once
        bulk.insert_rows(
            PaidSource, ("source", "document_id", "run_id", "paid_at"), [("timesheet", 5, 10, at)]
        )


def test_it_keeps_every_value_as_given_whatever_it_holds():
    """JSON, empty and missing values, and text a copy format could misread (tabs, line
    breaks, backslashes, quotes, accents) come back as they were sent."""
    at = timezone.now().replace(microsecond=0)
    odd = 'Tab\there, line\nbreak, back\\slash, "quotes", \\N, niño, 中文'
    fields = (
        "occurred_at", "actor_id", "actor_name", "action", "subject_type", "subject_id",
        "subject_label", "reason", "before", "after",
    )  # fmt: skip
    rows = [
        (at, None, odd, "bulk.test", "Row", "1", "", odd, {"a": [1, None, odd]}, None),
        (at, None, "B", "bulk.test", "Row", "2", odd, "", [], {"nested": {"x": True}}),
        (at, None, "C", "bulk.test", "Row", "3", "", "", "just text", 12),
    ]
    keys = bulk.insert_rows_with_keys(AuditEvent, fields, rows)

    saved = {event.pk: event for event in AuditEvent.objects.filter(action="bulk.test")}
    first, second = saved[keys[0]], saved[keys[1]]
    assert (first.actor_id, first.actor_name, first.reason) == (None, odd, odd)
    assert (first.before, first.after, first.occurred_at) == ({"a": [1, None, odd]}, None, at)
    assert (second.subject_label, second.before, second.after) == (odd, [], {"nested": {"x": True}})
    assert (saved[keys[2]].before, saved[keys[2]].after) == ("just text", 12)


def test_rows_made_as_they_are_asked_for_are_all_saved_in_their_order():
    at = timezone.now().replace(microsecond=0)
    asked = []

    def made():
        for n in range(3_000):
            asked.append(n)
            yield ("timesheet", n, 11, at)

    bulk.insert_rows(PaidSource, ("source", "document_id", "run_id", "paid_at"), made())

    assert asked == list(range(3_000))
    saved = PaidSource.objects.filter(run_id=11).order_by("document_id")
    assert list(saved.values_list("document_id", flat=True)) == list(range(3_000))
    bulk.insert_rows(PaidSource, ("source",), iter([]))  # none made: nothing written
    assert PaidSource.objects.count() == 3_000


def test_updates_sent_meanwhile_have_all_happened_when_the_block_ends():
    at = timezone.now().replace(microsecond=0)
    bulk.insert_rows(
        PaidSource,
        ("source", "document_id", "run_id", "paid_at"),
        [("timesheet", n, 12, at) for n in range(100)],
    )
    with bulk.meanwhile() as meanwhile:
        meanwhile.update(PaidSource.objects.filter(document_id__lt=40), run_id=13)
        meanwhile.update(PaidSource.objects.filter(document_id__any_of={50, 51}), run_id=14)
        meanwhile.update(PaidSource.objects.none(), run_id=15)  # nothing to send
        written = sum(len(str(n)) for n in range(10_000))  # the caller's own work meanwhile
    assert written > 0
    counts = dict(
        PaidSource.objects.values_list("run_id").annotate(n=Count("document_id")).order_by("run_id")
    )
    assert counts == {12: 58, 13: 40, 14: 2}


def test_an_update_that_fails_meanwhile_is_raised_when_the_block_ends_and_undoes_the_rest():
    at = timezone.now().replace(microsecond=0)
    bulk.insert_rows(
        PaidSource,
        ("source", "document_id", "run_id", "paid_at"),
        [("timesheet", 1, 16, at), ("timesheet", 2, 16, at)],
    )
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.meanwhile() as meanwhile:
        meanwhile.update(PaidSource.objects.filter(document_id=1), run_id=17)
        # a second record for the same document: the unique key refuses it
        meanwhile.update(PaidSource.objects.filter(document_id=2), document_id=1)
    assert sorted(PaidSource.objects.values_list("document_id", "run_id")) == [(1, 16), (2, 16)]
