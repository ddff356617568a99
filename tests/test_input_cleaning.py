"""Text the database cannot take is refused before any view reads it (ihss/core/input.py).

The named cases answered 500 on PostgreSQL ("PostgreSQL text fields cannot contain NUL
(0x00) bytes", "value too long for type character varying(255)"); each now gets a
specific refusal (400 page, or 422 with the field in the API) and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ihss.accounts.models import FailedSignIn, SecurityEvent, SignInGuard
from ihss.api import api
from ihss.core.models import AuditEvent
from ihss.timesheets import services
from ihss.timesheets.models import Timesheet, WeeklyMaximumException
from ihss.timesheets.tests import conftest as timesheet_world
from ihss.timesheets.tests.conftest import H
from ihss.timesheets.tests.test_api import call, token
from tests.routes import all_routes, arguments

NUL = "\x00"
NUL_SAID = "NUL character"

postgres_only = pytest.mark.postgres_only

# The timesheets' small world (a provider, three recipients of Los Angeles, on a fixed day).
today = timesheet_world.today
world = timesheet_world.world


def refused_page(response) -> str:
    page = response.content.decode()
    assert response.status_code == 400, (response.status_code, page[:300])
    return page


def approved(world) -> Timesheet:
    sheet = world.fill(world.open(0, dt.date(2026, 11, 8)), {dt.date(2026, 11, 8): 2 * H})
    sheet = services.submit(timesheet=sheet, by=world.provider_user)
    return services.approve(timesheet=sheet, by=world.recipient_users[0], signature="Rosa Delgado")


# --- The cases named in the issue, on PostgreSQL ---------------------------------------------


@postgres_only
def test_it_refuses_a_nul_in_the_case_list_searches(signed_in, la_staff, la_recipient):
    client = signed_in(la_staff)
    for name in ("cases:recipient-list", "cases:provider-list"):
        page = refused_page(client.get(reverse(name), {"q": f"Del{NUL}"}))
        assert NUL_SAID in page
    # The same search without it still works.
    assert client.get(reverse("cases:recipient-list"), {"q": "Del"}).status_code == 200


@postgres_only
def test_it_refuses_a_nul_in_the_service_desks_account_search(signed_in, service_desk):
    client = signed_in(service_desk)
    assert NUL_SAID in refused_page(client.get(reverse("accounts:desk-search"), {"q": NUL}))


@postgres_only
def test_it_refuses_a_nul_in_the_case_api_searches_with_the_field_at_fault(la_staff):
    bearer = {"Authorization": f"Bearer {token(la_staff, 'cases:read')}"}
    for path in ("/api/v1/cases/recipients", "/api/v1/cases/providers"):
        response = Client().get(path, {"q": NUL}, headers=bearer)
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["loc"] == ["query", "q"] and NUL_SAID in error["msg"]


@postgres_only
def test_it_refuses_a_nul_in_a_county_review_reason_on_the_page(world, signed_in, la_staff):
    sheet = approved(world)
    before = (sheet.status, sheet.county_review, AuditEvent.objects.count())
    client = signed_in(la_staff)
    url = reverse("timesheets:county-decide", args=[sheet.pk])
    refused_page(client.post(url, {"decision": "hold", "reason": f"Check{NUL}"}))
    sheet.refresh_from_db()
    assert (sheet.status, sheet.county_review, AuditEvent.objects.count()) == before


@postgres_only
def test_it_refuses_a_nul_in_a_county_review_reason_in_the_api(world, la_staff):
    sheet = approved(world)
    body = {"decision": "hold", "reason": f"Check{NUL}"}
    detail = call("post", f"/{sheet.pk}/county-review", token(la_staff), body, status=422)
    assert detail["detail"][0]["loc"] == ["body", "data", "reason"]


@postgres_only
def test_it_refuses_a_nul_in_an_exceptions_reason_or_provider_number(world, la_staff):
    county = token(la_staff)
    base = {"case_number": world.recipients[0].case_number, "program": "IHSS", "month": "2026-11"}
    for field, body in [
        ("reason", {**base, "reason": f"After a fall{NUL}"}),
        ("provider_number", {**base, "reason": "After a fall", "provider_number": f"1{NUL}"}),
    ]:
        answer = call("post", "/weekly-maximum-exceptions", county, body, status=422)
        assert answer["detail"][0]["loc"] == ["body", "data", field]
    assert not WeeklyMaximumException.objects.exists()


@postgres_only
def test_it_refuses_a_sign_in_username_past_its_column_and_records_nothing(db, client):
    response = client.post(reverse("login"), {"username": "x" * 300, "password": "a guess"})
    page = refused_page(response)
    assert "“username” is too long: at most 150 characters" in page
    assert not SignInGuard.objects.exists() and not FailedSignIn.objects.exists()
    assert not SecurityEvent.objects.exists()


@postgres_only
def test_no_page_or_api_call_without_arguments_answers_500_to_a_nul_or_an_overlong_value(
    signed_in, state_admin
):
    """Every route of the URLconf, signed in as a state administrator: a NUL in the query,
    in a form (urlencoded or multipart), in a JSON body, or a form value past
    INPUT_MAX_CHARS, is refused: 400 on a page, 422 in the API."""
    client = signed_in(state_admin)
    form = "application/x-www-form-urlencoded"
    checked = 0
    for route, _name, _pattern in all_routes():
        if arguments(route) or route.startswith("admin/"):
            continue
        path = "/" + route.replace("^", "").replace("$", "").replace("\\Z", "")
        api = path.startswith("/api/")
        expected = 422 if api else 400
        assert client.get(path, {"q": NUL, "page": "1"}).status_code == expected, path
        assert client.post(path, urlencode({"reason": f"x{NUL}"}), form).status_code == expected
        assert client.post(path, urlencode({"reason": "x" * 4001}), form).status_code == expected
        if not api:  # ninja's views take JSON; a multipart body there is ninja's to refuse
            assert client.post(path, {"reason": f"x{NUL}"}).status_code == expected, path
        sent = client.post(path, json.dumps({"a": [{"b": NUL}]}), content_type="application/json")
        assert sent.status_code == expected, path
        if api:
            assert sent.json()["detail"][0]["loc"] == ["body", "data", "a", 0, "b"]
        checked += 1
    assert checked > 30


# --- How the refusal reads (any database) ----------------------------------------------------


def test_the_refusal_is_in_the_persons_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = refused_page(client.get(reverse("login"), {"next": f"/{NUL}"}))
    assert "carácter NUL" in page


def test_a_value_within_the_bounds_passes_and_one_past_them_is_named(signed_in, la_staff):
    client = signed_in(la_staff)
    assert client.get(reverse("cases:recipient-list"), {"q": "x" * 4000}).status_code == 200
    page = refused_page(client.get(reverse("cases:recipient-list"), {"q": "x" * 4001}))
    assert "“q” is too long: at most 4,000 characters, and it has 4,001." in page


def test_a_multipart_form_is_checked_once_the_csrf_check_has_read_it(signed_in, la_staff):
    client = signed_in(la_staff)
    response = client.post(reverse("cases:recipient-create"), {"first_name": f"Ro{NUL}sa"})
    assert response.status_code == 400


def test_every_text_the_api_takes_has_a_published_bound():
    """Each string of a parameter or request body in the OpenAPI description has a
    maxLength, a pattern, a format or a list of values: none reaches a column unbounded."""
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    unbounded = []

    def walk(schema: dict, where: str, seen: frozenset = frozenset()) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            if name not in seen:
                walk(components[name], f"{where} ({name})", seen | {name})
            return
        for combined in ("anyOf", "allOf", "oneOf"):
            for part in schema.get(combined, []):
                walk(part, where, seen)
        bounds = ("maxLength", "pattern", "format", "enum", "const")
        if schema.get("type") == "string" and not any(b in schema for b in bounds):
            unbounded.append(where)
        for name, field in schema.get("properties", {}).items():
            walk(field, f"{where}.{name}", seen)
        for nested in ("items", "additionalProperties"):
            if isinstance(schema.get(nested), dict):
                walk(schema[nested], f"{where}[]", seen)

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                walk(parameter["schema"], f"{method} {path} {parameter['name']}")
            for content in operation.get("requestBody", {}).get("content", {}).values():
                walk(content["schema"], f"{method} {path} body")
    assert unbounded == []


def test_a_json_body_nested_past_any_parser_is_refused_not_a_500(signed_in, provider_user):
    client = signed_in(provider_user)
    deep = "[" * 100_000 + "]" * 100_000
    response = client.put("/api/v1/messages/preferences/", deep, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_too_deep"
    # A JSON body sent as plain text is still JSON to ninja, so it is checked as such.
    plain = client.put(
        "/api/v1/messages/preferences/", '{"choices": {"\\u0000": "x"}}', "text/plain"
    )
    assert plain.status_code == 422 and plain.json()["detail"][0]["type"] == "string_nul"
    # Deep, but readable: walked without recursion, and refused at the NUL it holds.
    nested = "[" * 500 + json.dumps("x\u0000") + "]" * 500
    response = client.put("/api/v1/messages/preferences/", nested, content_type="application/json")
    assert response.json()["detail"][0]["loc"] == ["body", "data", *([0] * 500)]
