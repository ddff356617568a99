"""EVV's API: check in and out, offline batches, visits and corrections, with tokens."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from ihss import test as cast
from ihss.accounts import services as account_services
from ihss.accounts.models import Role
from ihss.evv.models import Punch, Visit
from ihss.evv.tests.factories import HOME, local, worker_and_recipient

pytestmark = pytest.mark.django_db
API = "/api/v1/visits"
DAY = timezone.localdate() - dt.timedelta(days=1)
_names = itertools.count(1)


def bearer(user, *scopes):
    text = account_services.create_token(
        user=user, name=f"Phone {next(_names)}", scopes=list(scopes), days=30
    ).text
    return {"Authorization": f"Bearer {text}"}


def _punch(recipient, *, kind="in", hour=8, place="home", **more):
    body = {
        "id": str(more.pop("id", uuid.uuid4())),
        "recipient": recipient.pk,
        "program": "IHSS",
        "place": place,
        "punched_at": local(DAY, hour).isoformat(),
    }
    if place == "home":
        body |= {"latitude": str(HOME[0]), "longitude": str(HOME[1]), "accuracy": 12}
    if kind:
        body["kind"] = kind
    return body | more


def test_a_provider_checks_in_and_out_and_sending_again_changes_nothing():
    provider, recipient, user, _a = worker_and_recipient()
    headers = bearer(user, "evv:read", "evv:write")
    check_in = _punch(recipient, kind="")
    first = Client().post(f"{API}/check-in", check_in, "application/json", headers=headers)
    again = Client().post(f"{API}/check-in", check_in, "application/json", headers=headers)
    out = Client().post(
        f"{API}/check-out", _punch(recipient, kind="", hour=12), "application/json", headers=headers
    )
    assert first.status_code == again.status_code == out.status_code == 200
    assert first.json()["status"] == "recorded" and again.json()["status"] == "duplicate"
    assert out.json()["visit"]["id"] == first.json()["visit"]["id"]
    visit = out.json()["visit"]
    assert visit["check_in"]["range"] == "in" and visit["check_in"]["latitude"] == float(HOME[0])
    assert visit["service"] == "IHSS personal care services"
    listed = Client().get(f"{API}/", headers=headers).json()
    assert [v["id"] for v in listed["results"]] == [visit["id"]]


def test_a_batch_is_answered_punch_by_punch_and_a_refusal_does_not_stop_the_rest():
    provider, recipient, user, _a = worker_and_recipient()
    stranger = cast.make_recipient(county_code="34")
    headers = bearer(user, "evv:write")
    batch = [
        _punch(recipient, kind="out", hour=12),
        _punch(stranger, kind="in", hour=9),
        _punch(recipient, kind="in", hour=8),
    ]
    answer = Client().post(f"{API}/sync", {"punches": batch}, "application/json", headers=headers)
    assert answer.status_code == 200
    assert [r["status"] for r in answer.json()] == ["recorded", "refused", "recorded"]
    assert answer.json()[1]["code"] == "recipient_not_served"
    assert "do not work for this recipient" in answer.json()[1]["message"]
    assert Visit.objects.get().check_out is not None


def test_a_read_only_token_cannot_check_in():
    _p, recipient, user, _a = worker_and_recipient()
    headers = bearer(user, "evv:read")
    answer = Client().post(
        f"{API}/check-in", _punch(recipient), "application/json", headers=headers
    )
    assert answer.status_code == 403
    assert not Punch.objects.exists()


def test_only_providers_check_in():
    _p, recipient, _u, _a = worker_and_recipient()
    staff = cast.make_user("sac.staff", Role.COUNTY_STAFF, county=cast.county("34"))
    answer = Client().post(
        f"{API}/check-in", _punch(recipient), "application/json", headers=bearer(staff, "evv:read")
    )
    assert answer.status_code == 403


@pytest.mark.parametrize(
    "change",
    [
        {"id": "not-a-uuid"},
        {"recipient": 2**64},
        {"latitude": "1e400"},
        {"latitude": "NaN"},
        {"punched_at": "1970-01-01T00:00:00Z"},
        {"punched_at": "9999-12-31T23:59:59-12:00"},
        {"punched_at": "2026-12-01T08:00:00"},
        {"place": "moon"},
        {"program": "X\x00"},
        {"accuracy": -5},
    ],
)
def test_malformed_punches_get_a_422_not_a_crash(change):
    _p, recipient, user, _a = worker_and_recipient()
    headers = bearer(user, "evv:write")
    body = _punch(recipient, kind="") | change
    answer = Client().post(f"{API}/check-in", body, "application/json", headers=headers)
    assert answer.status_code == 422, answer.content
    assert not Punch.objects.exists()


def test_a_batch_too_large_is_refused_whole():
    _p, recipient, user, _a = worker_and_recipient()
    batch = [_punch(recipient, hour=8) for _ in range(201)]
    answer = Client().post(
        f"{API}/sync", {"punches": batch}, "application/json", headers=bearer(user, "evv:write")
    )
    assert answer.status_code == 422
    assert not Punch.objects.exists()


def test_the_recipient_sees_times_but_never_coordinates_and_the_county_sees_them():
    provider, recipient, user, _a = worker_and_recipient()
    Client().post(
        f"{API}/check-in", _punch(recipient, kind=""), "application/json",
        headers=bearer(user, "evv:write"),
    )  # fmt: skip
    family = cast.make_user("rosa", Role.RECIPIENT, recipient=recipient)
    seen = Client().get(f"{API}/", headers=bearer(family, "evv:read")).json()["results"][0]
    assert seen["check_in"]["latitude"] is None and seen["check_in"]["distance"] is None
    assert seen["start"] is not None and seen["place"] == "home"
    admin = cast.make_user("state", Role.STATE_ADMIN)
    statewide = Client().get(f"{API}/", headers=bearer(admin, "evv:read")).json()["results"][0]
    assert statewide["check_in"]["latitude"] is None
    staff = cast.make_user("sac.staff", Role.COUNTY_STAFF, county=cast.county("34"))
    county = Client().get(f"{API}/", headers=bearer(staff, "evv:read")).json()["results"][0]
    assert county["check_in"]["latitude"] == float(HOME[0])
    other = cast.make_user("la.staff2", Role.COUNTY_STAFF, county=cast.county("19"))
    assert Client().get(f"{API}/", headers=bearer(other, "evv:read")).json()["results"] == []
    visit_id = county["id"]
    assert Client().get(f"{API}/{visit_id}", headers=bearer(other, "evv:read")).status_code == 404


def test_a_correction_needs_a_reason_and_is_kept_with_it():
    provider, recipient, user, _a = worker_and_recipient()
    headers = bearer(user, "evv:read", "evv:write")
    Client().post(
        f"{API}/check-in", _punch(recipient, kind=""), "application/json", headers=headers
    )
    Client().post(
        f"{API}/check-out", _punch(recipient, kind="", hour=17), "application/json", headers=headers
    )
    visit = Visit.objects.get()
    url = f"{API}/{visit.pk}/correction"
    silent = Client().post(url, {"end": "16:30"}, "application/json", headers=headers)
    assert silent.status_code == 422
    assert "Say why" in str(silent.json())
    fixed = Client().post(
        url, {"end": "16:30", "reason": "I left early"}, "application/json", headers=headers
    )
    assert fixed.status_code == 200 and fixed.json()["corrected"]
    assert "corrected" in fixed.json()["flags"]
    assert visit.corrections.get().reason == "I left early"


def test_nobody_corrects_someone_elses_visit():
    provider, recipient, user, _a = worker_and_recipient()
    Client().post(
        f"{API}/check-in", _punch(recipient, kind=""), "application/json",
        headers=bearer(user, "evv:write"),
    )  # fmt: skip
    visit = Visit.objects.get()
    other = cast.make_user("other.provider", Role.PROVIDER, provider=cast.make_active_provider())
    answer = Client().post(
        f"{API}/{visit.pk}/correction",
        {"end": "16:00", "reason": "x"},
        "application/json",
        headers=bearer(other, "evv:write"),
    )
    assert answer.status_code == 404
    assert not visit.corrections.exists()


@pytest.mark.parametrize("bad", ["0", "-1", str(2**64), "abc"])
def test_impossible_visit_keys_are_refused_not_crashed(bad):
    _p, _r, user, _a = worker_and_recipient()
    answer = Client().get(f"{API}/{bad}", headers=bearer(user, "evv:read"))
    assert answer.status_code in (404, 422)
