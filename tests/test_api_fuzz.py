"""schemathesis over /api/v1 on PostgreSQL: no input gives a 5xx, every answer fits the schema.

Each generated call (valid and invalid data, from the published OpenAPI description) is
sent three times, with the bearer token of a provider, a recipient and a county worker of
one small world, through the Django WSGI application in the test's transaction. The
number of examples is bounded (MAX_EXAMPLES per operation) and Hypothesis is
derandomized, so the run is the same every time and adds about three minutes to the
PostgreSQL phase of `make test` (docs/api.md#fuzzing).

Run it alone:
  DATABASE_URL=postgres://... pytest -q tests/test_api_fuzz.py
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from ihss import test as cast
from ihss.accounts import services as account_services
from ihss.accounts.models import Role, TokenScope
from ihss.api import api
from ihss.notifications import services as notices
from ihss.notifications.events import Event
from ihss.timesheets import services as timesheets

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]

# Examples per operation; IHSS_FUZZ_EXAMPLES raises it for a longer run by hand.
MAX_EXAMPLES = int(os.environ.get("IHSS_FUZZ_EXAMPLES", "40"))
CHECKS = [
    not_a_server_error,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def callers(db):
    """Bearer tokens of a provider, a recipient and a county worker of Los Angeles, with
    every scope their roles allow, and a little of everything for them to see."""
    recipient = cast.make_recipient(first_name="Rosa", last_name="Delgado")
    provider = cast.make_active_provider(first_name="Ana", last_name="Reyes")
    cast.authorize(recipient, 283 * 60)
    cast.assign(provider, recipient, 283 * 60)
    people = {
        "provider": cast.make_user("fuzz.provider", Role.PROVIDER, provider=provider),
        "recipient": cast.make_user("fuzz.recipient", Role.RECIPIENT, recipient=recipient),
        "county": cast.make_user("fuzz.county", Role.COUNTY_STAFF, county=cast.county("19")),
    }
    sheet = timesheets.open_timesheet(
        provider=provider,
        recipient=recipient,
        program="IHSS",
        day=timezone.localdate(),
        by=people["provider"],
    )
    assert sheet.pk
    for user in people.values():
        notices.notify(user=user, event=Event.PREFERENCES_CHANGED.value, context={}, key="fuzz")
    scopes = {
        "provider": [TokenScope.TIMESHEETS_READ, TokenScope.TIMESHEETS_WRITE],
        "recipient": [TokenScope.TIMESHEETS_READ, TokenScope.TIMESHEETS_WRITE],
        "county": [TokenScope.CASES_READ, TokenScope.TIMESHEETS_READ, TokenScope.TIMESHEETS_WRITE],
    }
    return {
        role: account_services.create_token(
            user=user,
            name="Fuzz",
            scopes=[s.value for s in scopes[role]]
            + [TokenScope.MESSAGES_READ.value, TokenScope.MESSAGES_WRITE.value],
            days=30,
        ).text
        for role, user in people.items()
    }


@pytest.fixture(autouse=True)
def _one_connection(db):
    """The real WSGI application, as gunicorn runs it, but keeping the test's database
    connection (and its transaction) open between requests, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The published description (/api/v1/openapi.json is this document), called in-process.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_call_answers_5xx_or_breaks_the_schema(case, callers):
    for token in callers.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
