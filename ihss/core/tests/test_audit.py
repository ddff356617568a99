import pytest
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from ihss.core import audit
from ihss.core.models import AuditEvent


@pytest.fixture
def event(la_recipient, la_staff):
    with transaction.atomic():
        return audit.record(
            actor=la_staff,
            action="recipient.updated",
            subject=la_recipient,
            before={"city": "Fresno"},
            after={"city": "Los Angeles"},
            reason="Moved",
        )


def test_it_records_who_what_why_before_and_after(event, la_recipient):
    assert event.actor_name == "la.staff"
    assert event.subject_id == str(la_recipient.pk)
    assert event.changes() == [("city", "Fresno", "Los Angeles")]
    assert list(audit.trail(la_recipient)) == [event]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_refuses_to_write_outside_the_change_transaction(la_recipient):
    with pytest.raises(RuntimeError):
        audit.record(actor=None, action="x", subject=la_recipient)


@override_settings(AUDIT_PURGE_ALLOWED=False)
def test_the_database_refuses_to_change_an_audit_event(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    assert AuditEvent.objects.get(pk=event.pk).reason == "Moved"


@override_settings(AUDIT_PURGE_ALLOWED=False)
def test_the_database_refuses_to_delete_an_audit_event(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
