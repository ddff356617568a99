"""The read API for case records: content, access rules, no SSN, fixed query counts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ihss import test as cast
from ihss.cases.models import OvertimeExemption, Program, Provider, Recipient, TravelAgreement
from ihss.core import audit, crypto

pytestmark = pytest.mark.django_db

API = "/api/v1/cases"
TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)
SSN = "587214369"


def _get(client, path, status=200, **params):
    response = client.get(path, params)
    assert response.status_code == status, (path, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def _endpoints(recipient, provider):
    return [
        f"{API}/counties",
        f"{API}/recipients",
        f"{API}/recipients/{recipient.case_number}",
        f"{API}/recipients/{recipient.case_number}/audit",
        f"{API}/providers",
        f"{API}/providers/{provider.provider_number}",
        f"{API}/providers/{provider.provider_number}/audit",
    ]


@pytest.fixture
def case_file(db, state_admin):
    """A Los Angeles recipient with history, a provider serving them, and a trail."""
    recipient = cast.make_recipient(
        county_code="19",
        ssn=SSN,
        first_name="Rosa",
        middle_name="Maria",
        last_name="Delgado",
        street="100 Main St",
        city="Los Angeles",
        zip_code="90012",
        latitude=Decimal("34.052235"),
        longitude=Decimal("-118.243683"),
        phone="213-555-0100",
        severely_impaired=True,
        needs_complex_physical=True,
        representative_name="Luis Delgado",
        representative_relationship="Son",
        representative_phone="213-555-0101",
    )
    old = cast.authorize(recipient, 100 * 60, start=TODAY - 400 * DAY)
    old.effective_to = TODAY - 31 * DAY
    old.save()
    cast.authorize(recipient, 120 * 60, start=TODAY - 30 * DAY)
    cast.authorize(recipient, 20 * 60, program=Program.WPCS, start=TODAY - 30 * DAY)
    provider = cast.make_provider(
        county_code="19",
        ssn="587214370",
        first_name="Ana",
        last_name="Reyes",
        status="active",
        soc426_received_on=TODAY - 100 * DAY,
        orientation_completed_on=TODAY - 90 * DAY,
        background_check_cleared_on=TODAY - 80 * DAY,
        soc846_signed_on=TODAY - 70 * DAY,
    )
    cast.assign(provider, recipient, 90 * 60, start_date=TODAY - 60 * DAY)
    cast.assign(
        provider,
        recipient,
        10 * 60,
        program=Program.WPCS,
        start_date=TODAY - 300 * DAY,
        end_date=TODAY - 200 * DAY,
    )
    OvertimeExemption.objects.create(
        provider=provider,
        kind=OvertimeExemption.Kind.EXTRAORDINARY,
        circumstance=OvertimeExemption.Circumstance.REMOTE_AREA,
        approved_on=TODAY - 20 * DAY,
        effective_from=TODAY - 15 * DAY,
    )
    audit.record(
        actor=state_admin,
        action="recipient.updated",
        subject=recipient,
        before={"phone": "213-555-0199", "ssn": SSN},
        after={"phone": "213-555-0100", "ssn": SSN},
        reason="Called in a new number",
    )
    audit.record(
        actor=None, action="provider.enrolled", subject=provider, after={"status": "Active"}
    )
    return recipient, provider


# --- Who may call ---------------------------------------------------------------------------


def test_strangers_get_401_in_json_on_every_endpoint(client, case_file):
    for path in _endpoints(*case_file):
        assert _get(client, path, status=401) == {"detail": "Unauthorized"}


@pytest.mark.parametrize("who", ["provider_user", "recipient_user"])
def test_providers_and_recipients_get_403_on_the_staff_endpoints(
    request, signed_in, case_file, who
):
    client = signed_in(request.getfixturevalue(who))
    for path in _endpoints(*case_file):
        assert _get(client, path, status=403) == {"detail": "Forbidden"}


@pytest.mark.parametrize("who", ["state_admin", "service_desk"])
def test_statewide_roles_read_every_county(request, signed_in, case_file, fresno_recipient, who):
    client = signed_in(request.getfixturevalue(who))
    listed = {r["case_number"] for r in _get(client, f"{API}/recipients")["results"]}
    assert listed == {case_file[0].case_number, fresno_recipient.case_number}
    assert _get(client, f"{API}/recipients/{fresno_recipient.case_number}")["county"] == {
        "code": "10",
        "name": "Fresno",
    }


def test_county_staff_cannot_see_another_countys_records(
    signed_in, fresno_staff, case_file, fresno_recipient
):
    recipient, provider = case_file
    client = signed_in(fresno_staff)
    assert [r["case_number"] for r in _get(client, f"{API}/recipients")["results"]] == [
        fresno_recipient.case_number
    ]
    assert _get(client, f"{API}/recipients", county="19")["results"] == []
    assert _get(client, f"{API}/providers")["results"] == []
    for path in _endpoints(recipient, provider)[2:]:
        if path.endswith(("/recipients", "/providers")):
            continue
        assert _get(client, path, status=404) == {"detail": "Not Found"}


def test_an_unknown_or_malformed_number_is_not_found_or_refused(signed_in, la_staff):
    client = signed_in(la_staff)
    _get(client, f"{API}/recipients/1234567", status=404)
    _get(client, f"{API}/providers/123456789/audit", status=404)
    _get(client, f"{API}/recipients/12345", status=422)
    _get(client, f"{API}/recipients", status=422, page=0)
    _get(client, f"{API}/recipients", status=422, county="LA")


# --- Content --------------------------------------------------------------------------------


def test_counties_list_the_58_codes_and_names(signed_in, la_staff):
    counties = _get(signed_in(la_staff), f"{API}/counties")
    assert len(counties) == 58
    assert {"code": "19", "name": "Los Angeles"} in counties
    assert counties == sorted(counties, key=lambda c: c["name"])


def test_the_recipient_list_searches_by_case_number_or_last_name(signed_in, la_staff, case_file):
    recipient, _ = case_file
    other = cast.make_recipient(county_code="19", last_name="Dominguez", case_number="3456712")
    cast.make_recipient(county_code="19", last_name="Zeller", case_number="3456701")
    client = signed_in(la_staff)
    page = _get(client, f"{API}/recipients")
    assert page["page"] == 1 and page["page_size"] == 50 and page["has_next"] is False
    assert page["results"][0] == {
        "case_number": recipient.case_number,
        "first_name": "Rosa",
        "middle_name": "Maria",
        "last_name": "Delgado",
        "city": "Los Angeles",
        "county": {"code": "19", "name": "Los Angeles"},
        "status": "active",
    }

    def found(**params):
        return [r["case_number"] for r in _get(client, f"{API}/recipients", **params)["results"]]

    assert found(q="d") == [recipient.case_number, other.case_number]
    assert found(q="delg") == [recipient.case_number]
    assert found(q=recipient.case_number) == [recipient.case_number]
    assert found(q="34567") == ["3456712", "3456701"]  # by last name
    assert found(q="345671") == [other.case_number]
    assert found(q="Nobody") == []
    assert found(county="19", q="Dom") == [other.case_number]


def test_lists_come_in_pages_of_fifty(signed_in, state_admin):
    for n in range(51):
        cast.make_recipient(county_code="10", last_name=f"Paged{n:02d}")
    client = signed_in(state_admin)
    first = _get(client, f"{API}/recipients", q="Paged")
    second = _get(client, f"{API}/recipients", q="Paged", page=2)
    assert (len(first["results"]), first["has_next"]) == (50, True)
    assert (len(second["results"]), second["has_next"], second["page"]) == (1, False, 2)
    assert second["results"][0]["last_name"] == "Paged50"
    assert _get(client, f"{API}/recipients", q="Paged", page=3)["results"] == []


def test_a_recipients_record_has_identity_address_needs_hours_and_assignments(
    signed_in, la_staff, case_file
):
    recipient, provider = case_file
    body = _get(signed_in(la_staff), f"{API}/recipients/{recipient.case_number}")
    assert body["ssn_masked"] == "***-**-4369"
    assert (body["first_name"], body["last_name"]) == ("Rosa", "Delgado")
    assert body["date_of_birth"] == "1950-01-01"
    assert body["address"] == {
        "street": "100 Main St",
        "city": "Los Angeles",
        "zip_code": "90012",
        "latitude": 34.052235,
        "longitude": -118.243683,
    }
    assert body["county"] == {"code": "19", "name": "Los Angeles"}
    assert body["status"] == "active"
    assert body["severely_impaired"] is True
    assert body["care_needs"] == {
        "cognitive_behavioral": False,
        "complex_physical": True,
        "community_transition": False,
    }
    assert body["representative"] == {
        "name": "Luis Delgado",
        "relationship": "Son",
        "phone": "213-555-0101",
        "email": "",
    }
    assert body["authorized_hours"] == [
        {
            "program": "IHSS",
            "history": [
                {
                    "monthly_minutes": 7200,
                    "effective_from": (TODAY - 30 * DAY).isoformat(),
                    "effective_to": None,
                    "current": True,
                },
                {
                    "monthly_minutes": 6000,
                    "effective_from": (TODAY - 400 * DAY).isoformat(),
                    "effective_to": (TODAY - 31 * DAY).isoformat(),
                    "current": False,
                },
            ],
        },
        {
            "program": "WPCS",
            "history": [
                {
                    "monthly_minutes": 1200,
                    "effective_from": (TODAY - 30 * DAY).isoformat(),
                    "effective_to": None,
                    "current": True,
                }
            ],
        },
    ]
    # The WPCS assignment ended 200 days ago: not current.
    assert body["current_assignments"] == [
        {
            "provider": {"provider_number": provider.provider_number, "full_name": "Ana Reyes"},
            "program": "IHSS",
            "assigned_monthly_minutes": 5400,
            "start_date": (TODAY - 60 * DAY).isoformat(),
            "end_date": None,
            "live_in_certified_on": None,
            "family_relationship": "none",
        }
    ]


def test_a_recipient_without_a_representative_says_so(signed_in, la_staff, la_recipient):
    body = _get(signed_in(la_staff), f"{API}/recipients/{la_recipient.case_number}")
    assert body["representative"] is None
    assert body["authorized_hours"] == [] and body["current_assignments"] == []
    assert body["address"]["latitude"] is None


def test_a_providers_record_has_enrollment_assignments_exemptions_and_travel(
    signed_in, la_staff, case_file
):
    recipient, provider = case_file
    second = cast.make_recipient(county_code="19", first_name="Jo", last_name="Park")
    cast.assign(provider, second, 30 * 60, start_date=TODAY - 10 * DAY)
    TravelAgreement.objects.create(
        provider=provider,
        from_recipient=recipient,
        to_recipient=second,
        weekly_minutes=70,
        signed_on=TODAY - 9 * DAY,
        effective_from=TODAY - 8 * DAY,
    )
    client = signed_in(la_staff)
    listed = _get(client, f"{API}/providers")["results"]
    assert listed == [
        {
            "provider_number": provider.provider_number,
            "first_name": "Ana",
            "middle_name": "",
            "last_name": "Reyes",
            "county": {"code": "19", "name": "Los Angeles"},
            "status": "active",
        }
    ]
    body = _get(client, f"{API}/providers/{provider.provider_number}")
    assert body["ssn_masked"] == "***-**-4370"
    assert body["status"] == "active"
    assert body["enrollment"] == {
        "soc426_received_on": (TODAY - 100 * DAY).isoformat(),
        "orientation_completed_on": (TODAY - 90 * DAY).isoformat(),
        "background_check_cleared_on": (TODAY - 80 * DAY).isoformat(),
        "soc846_signed_on": (TODAY - 70 * DAY).isoformat(),
        "complete": True,
    }
    assert [
        (a["recipient"]["case_number"], a["program"], a["assigned_monthly_minutes"], a["end_date"])
        for a in body["assignments"]
    ] == [
        (second.case_number, "IHSS", 1800, None),
        (recipient.case_number, "IHSS", 5400, None),
        (recipient.case_number, "WPCS", 600, (TODAY - 200 * DAY).isoformat()),
    ]
    assert body["assignments"][0]["recipient"] == {
        "case_number": second.case_number,
        "full_name": "Jo Park",
        "county_code": "19",
    }
    assert body["overtime_exemptions"] == [
        {
            "kind": 2,
            "circumstance": "remote_area",
            "approved_on": (TODAY - 20 * DAY).isoformat(),
            "effective_from": (TODAY - 15 * DAY).isoformat(),
            "effective_to": None,
        }
    ]
    assert body["travel_agreements"] == [
        {
            "from_recipient": {
                "case_number": recipient.case_number,
                "full_name": "Rosa Maria Delgado",
                "county_code": "19",
            },
            "to_recipient": {
                "case_number": second.case_number,
                "full_name": "Jo Park",
                "county_code": "19",
            },
            "weekly_minutes": 70,
            "signed_on": (TODAY - 9 * DAY).isoformat(),
            "effective_from": (TODAY - 8 * DAY).isoformat(),
            "effective_to": None,
        }
    ]


def test_a_county_sees_a_provider_serving_it_but_only_its_own_links(
    signed_in, fresno_staff, case_file, fresno_recipient
):
    recipient, provider = case_file
    cast.assign(provider, fresno_recipient, 20 * 60, start_date=TODAY - 5 * DAY)
    TravelAgreement.objects.create(
        provider=provider,
        from_recipient=recipient,
        to_recipient=fresno_recipient,
        weekly_minutes=120,
        signed_on=TODAY,
        effective_from=TODAY,
    )
    client = signed_in(fresno_staff)
    listed = _get(client, f"{API}/providers")["results"]
    assert [p["provider_number"] for p in listed] == [provider.provider_number]
    assert _get(client, f"{API}/providers", county="10")["results"] == []  # home county is LA
    body = _get(client, f"{API}/providers/{provider.provider_number}")
    assert [a["recipient"]["case_number"] for a in body["assignments"]] == [
        fresno_recipient.case_number
    ]
    [travel] = body["travel_agreements"]
    assert travel["from_recipient"] is None
    assert travel["to_recipient"]["case_number"] == fresno_recipient.case_number
    assert recipient.case_number not in json.dumps(body)
    assert "Delgado" not in json.dumps(body)


def test_the_audit_trail_lists_who_did_what_when_and_why_newest_first(
    signed_in, service_desk, case_file
):
    recipient, provider = case_file
    audit.record(actor=None, action="recipient.closed", subject=recipient, reason="Moved away")
    client = signed_in(service_desk)
    page = _get(client, f"{API}/recipients/{recipient.case_number}/audit")
    assert (page["page"], page["page_size"], page["has_next"]) == (1, 50, False)
    closed, updated = page["results"]
    assert closed["action"] == "recipient.closed" and closed["actor_name"] == "System"
    assert closed["reason"] == "Moved away"
    assert closed["before"] is None and closed["after"] is None
    assert updated["actor_name"] == "state.admin"
    assert updated["action"] == "recipient.updated"
    assert updated["reason"] == "Called in a new number"
    assert updated["before"] == {"phone": "213-555-0199"}  # an SSN in a snapshot is dropped
    assert updated["after"] == {"phone": "213-555-0100"}
    assert dt.datetime.fromisoformat(updated["when"]) <= dt.datetime.fromisoformat(closed["when"])

    [enrolled] = _get(client, f"{API}/providers/{provider.provider_number}/audit")["results"]
    assert (enrolled["action"], enrolled["after"]) == ("provider.enrolled", {"status": "Active"})


# --- No SSN, ever ---------------------------------------------------------------------------


def _stored_tokens(model, pk):
    """The encrypted SSN exactly as stored (read past the field's decryption)."""
    raw = model.objects.filter(pk=pk).annotate(raw=Cast("ssn", TextField()))
    tokens = list(raw.values_list("raw", flat=True))
    assert tokens and all(t.startswith(crypto.PREFIX) for t in tokens)
    return tokens


def test_lists_never_load_the_encrypted_column(signed_in, state_admin, case_file):
    client = signed_in(state_admin)
    for path in [f"{API}/recipients", f"{API}/providers"]:
        with CaptureQueriesContext(connection) as queries:
            _get(client, path)
        listing = [q["sql"] for q in queries.captured_queries if 'FROM "cases_' in q["sql"]]
        assert listing and not any('"ssn"' in sql for sql in listing)


def test_no_response_carries_more_of_an_ssn_than_its_last_four_digits(
    signed_in, state_admin, case_file
):
    recipient, provider = case_file
    client = signed_in(state_admin)
    bodies = [client.get(path).content.decode() for path in _endpoints(*case_file)]
    bodies.append(client.get("/api/v1/openapi.json").content.decode())
    bodies.append(client.get(f"{API}/recipients", {"q": "Delgado"}).content.decode())
    forbidden = [
        SSN,
        "587-21-4369",
        "58721",
        "587214370",
        recipient.ssn_index,
        provider.ssn_index,
        *_stored_tokens(Recipient, recipient.pk),
        *_stored_tokens(Provider, provider.pk),
    ]
    for body in bodies:
        for secret in forbidden:
            assert secret not in body
    assert "4369" in bodies[2]  # the masked form is there


# --- OpenAPI --------------------------------------------------------------------------------


def test_the_openapi_document_lists_every_endpoint(client):
    schema = _get(client, "/api/v1/openapi.json")
    assert schema["info"]["title"] == "IHSS Portal API"
    assert set(schema["paths"]) >= {
        f"{API}/counties",
        f"{API}/recipients",
        f"{API}/recipients/{{case_number}}",
        f"{API}/recipients/{{case_number}}/audit",
        f"{API}/providers",
        f"{API}/providers/{{provider_number}}",
        f"{API}/providers/{{provider_number}}/audit",
    }
    detail = schema["components"]["schemas"]["RecipientDetail"]["properties"]
    assert "ssn_masked" in detail and "ssn" not in detail and "ssn_index" not in detail


def test_the_api_docs_page_is_served(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


# --- Query counts ---------------------------------------------------------------------------

# Every signed-in request: session, user, memberships, and the session save (an UPDATE
# between a SAVEPOINT and its RELEASE inside the test's transaction).
OVERHEAD = 6


def _grow(provider, first_recipient, n):
    """n more LA recipients, each assigned to the provider with hours, travel and a trail."""
    for _ in range(n):
        r = cast.make_recipient(county_code="19")
        cast.authorize(r, 600)
        cast.authorize(r, 600, program=Program.WPCS)
        cast.assign(provider, r, 300)
        TravelAgreement.objects.create(
            provider=provider,
            from_recipient=r,
            to_recipient=first_recipient,
            weekly_minutes=30,
            signed_on=TODAY,
            effective_from=TODAY,
        )
        audit.record(actor=None, action="recipient.created", subject=r)
        audit.record(actor=None, action="provider.updated", subject=provider)


@pytest.mark.parametrize("size", [1, 12])
def test_lists_and_records_cost_a_fixed_number_of_queries(
    signed_in, la_staff, case_file, django_assert_num_queries, size
):
    recipient, provider = case_file
    _grow(provider, recipient, size)
    client = signed_in(la_staff)
    expected = {
        f"{API}/counties": 1,
        f"{API}/recipients": 1,
        f"{API}/providers": 1,
        f"{API}/recipients/{recipient.case_number}": 3,  # record, hours, assignments
        # record, assignments, exemptions, travel
        f"{API}/providers/{provider.provider_number}": 4,
        f"{API}/recipients/{recipient.case_number}/audit": 2,
        f"{API}/providers/{provider.provider_number}/audit": 2,
    }
    for path, queries in expected.items():
        with django_assert_num_queries(OVERHEAD + queries):
            body = _get(client, path)
        if path.endswith("/providers") or path.endswith("/recipients"):
            assert len(body["results"]) >= 1
