"""Fixtures shared by every app's tests (the cast is described in ihss/test.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import serializers
from django.db import transaction
from django.db.backends.base.creation import BaseDatabaseCreation
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from ihss import test as cast
from ihss.accounts.models import Role

# Properties assert behaviour, never speed: Hypothesis' per-example deadline (200 ms) made
# a rule property fail on a busy two-core machine. Timing belongs in bench/.
hypothesis_settings.register_profile("portal", deadline=None)
hypothesis_settings.load_profile("portal")


# What a database's serialized contents (migrated counties, parameters, content types)
# deserialize to, by the serialized text: the models in the order they come, each with
# its objects, and the objects that also have many-to-many values.
_RESTORED: dict[str, tuple[list[tuple[Any, list[Any]]], list[Any]]] = {}
_DJANGO_RESTORE = BaseDatabaseCreation.deserialize_db_from_string


def _restore_in_bulk(creation: BaseDatabaseCreation, data: str) -> None:
    """What serialized_rollback does before a transactional test, a query per table.

    Django's own restore saves each of the ~550 migrated objects with an UPDATE and an
    INSERT, after parsing the JSON again: 0.8 s before every browser and concurrency test,
    a quarter of the browser suite. After the previous test's flush the tables are empty,
    and the same objects, parsed once, are inserted a table at a time; constraints are checked as
    Django checks them. When a table still has rows (the first transactional test after
    the others, which leave the migrated rows), Django's own restore runs.
    """
    connection = creation.connection
    alias = connection.alias
    restored = _RESTORED.get(data)
    if restored is None:
        by_model: dict[Any, list[Any]] = {}
        with_many: list[Any] = []
        for found in serializers.deserialize("json", data, using=alias):
            by_model.setdefault(type(found.object), []).append(found.object)
            if found.m2m_data:
                with_many.append(found)
        restored = _RESTORED[data] = (list(by_model.items()), with_many)
    models, with_many = restored
    if any(model._base_manager.using(alias).exists() for model, _ in models):
        _DJANGO_RESTORE(creation, data)
        return
    with transaction.atomic(using=alias):
        with connection.constraint_checks_disabled():
            for model, objects in models:
                # Raw, as Django's restore saves: values as they were serialized (an
                # auto_now field keeps its time).
                fields = model._meta.concrete_fields
                size = connection.ops.bulk_batch_size(fields, objects) or len(objects)
                for start in range(0, len(objects), size):
                    model._base_manager._insert(
                        objects[start : start + size], fields=fields, raw=True, using=alias
                    )
            for found in with_many:
                found.save()  # its many-to-many values (and the object again, unchanged)
        connection.check_constraints(table_names=[model._meta.db_table for model, _ in models])


@pytest.fixture(scope="session", autouse=True)
def _serialized_rollback_restores_in_bulk():
    BaseDatabaseCreation.deserialize_db_from_string = _restore_in_bulk  # type: ignore[method-assign]
    yield
    BaseDatabaseCreation.deserialize_db_from_string = _DJANGO_RESTORE  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _each_test_starts_in_english():
    """A request served in Spanish leaves the thread's language active (as in any server
    thread, where the next request sets its own); tests that read messages outside a
    request must not depend on which test ran before."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def la_recipient(db):
    return cast.make_recipient(county_code="19", first_name="Rosa", last_name="Delgado")


@pytest.fixture
def fresno_recipient(db):
    return cast.make_recipient(county_code="10", first_name="Wei", last_name="Chen")


@pytest.fixture
def la_provider(db):
    return cast.make_provider(county_code="19", first_name="Ana", last_name="Reyes")


@pytest.fixture
def la_staff(db):
    return cast.make_user("la.staff", Role.COUNTY_STAFF, county=cast.county("19"))


@pytest.fixture
def fresno_staff(db):
    return cast.make_user("fresno.staff", Role.COUNTY_STAFF, county=cast.county("10"))


@pytest.fixture
def state_admin(db):
    return cast.make_user("state.admin", Role.STATE_ADMIN)


@pytest.fixture
def service_desk(db):
    return cast.make_user("service.desk", Role.SERVICE_DESK)


@pytest.fixture
def provider_user(la_provider):
    return cast.make_user("provider", Role.PROVIDER, provider=la_provider)


@pytest.fixture
def recipient_user(la_recipient):
    return cast.make_user("recipient", Role.RECIPIENT, recipient=la_recipient)


@pytest.fixture
def signed_in(client):
    """Sign a user in on the test client: signed_in(user) -> client."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres_only are skipped, with the reason, on other databases."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (make test runs it when initdb exists)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)
