"""No Social Security number sits in the database in clear."""

import pytest
from django.db import connection

from ihss import test as cast
from ihss.cases.models import Provider, Recipient
from ihss.core import crypto

SSN = "521987654"


def _database_bytes() -> bytes:
    if connection.vendor == "sqlite":
        # The database file's pages, exactly as SQLite would write them to disk.
        connection.ensure_connection()
        return bytes(connection.connection.serialize())
    with connection.cursor() as cursor:
        texts = []
        for table in ["cases_recipient", "cases_provider", "core_auditevent"]:
            cursor.execute(f"SELECT coalesce(string_agg(t::text, ' '), '') FROM {table} t")  # noqa: S608
            texts.append(cursor.fetchone()[0])
        return " ".join(texts).encode()


@pytest.mark.django_db
def test_no_clear_ssn_appears_in_the_database():
    recipient = cast.make_recipient(ssn=SSN)
    cast.make_provider(ssn="521987655")
    data = _database_bytes()
    assert SSN.encode() not in data
    assert b"521987655" not in data
    assert b"521-98-7654" not in data
    # ...yet the portal reads it back, and finds the person by it.
    assert Recipient.objects.get(pk=recipient.pk).ssn == SSN
    found = Recipient.objects.get(ssn_index=crypto.blind_index("521-98-7654", purpose="ssn"))
    assert found == recipient
    assert found.ssn_masked == "***-**-7654"


@pytest.mark.django_db
def test_two_people_cannot_share_an_ssn_within_a_table():
    from django.db import IntegrityError, transaction

    cast.make_provider(ssn="521987656")
    with pytest.raises(IntegrityError), transaction.atomic():
        cast.make_provider(ssn="521987656")
    assert Provider.objects.filter(ssn_last4="7656").count() == 1
