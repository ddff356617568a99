"""Fixtures shared by every app's tests (the cast is described in ihss/test.py)."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from ihss import test as cast
from ihss.accounts.models import Role

# Properties assert behaviour, never speed: Hypothesis' per-example deadline (200 ms) made
# a rule property fail on a busy two-core machine. Timing belongs in bench/.
hypothesis_settings.register_profile("portal", deadline=None)
hypothesis_settings.load_profile("portal")


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
