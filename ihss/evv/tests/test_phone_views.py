"""The phone screen and its upload: who may use them, what they show, and that nothing a
phone (or anyone) sends makes a 500 or a second punch."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.evv import phone_views
from ihss.evv.models import Punch, Visit
from ihss.evv.phone_views import MAX_PUNCHES, shell_assets
from ihss.evv.tests.factories import HOME, punch, worker_and_recipient

pytestmark = pytest.mark.django_db

SYNC = "/evv/sync/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def a_punch(whom, /, **fields) -> dict[str, object]:
    moment = timezone.localtime() - dt.timedelta(minutes=5)
    return {
        "id": str(uuid.uuid4()),
        "kind": "in",
        "recipient": whom.pk,
        "program": "IHSS",
        "place": "home",
        "punched_at": moment.isoformat(),
        "position": "fix",
        "latitude": float(HOME[0]),
        "longitude": float(HOME[1]),
        "accuracy": 25.4,
    } | fields


def upload(client: Client, body, **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(SYNC, data=data, content_type="application/json", **extra)


# --- The page -----------------------------------------------------------------------------


def test_it_shows_a_provider_whom_they_check_in_for_and_todays_visits():
    provider, recipient, user, _a = worker_and_recipient()
    at = timezone.localtime().replace(hour=0, minute=5, second=0, microsecond=0)
    punch(provider, recipient, user, kind="in", at=at)
    page = signed_in(user).get("/evv/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'name="choice" value="{recipient.pk}:IHSS"' in html
    assert "Rosa Delgado" in html
    assert "12:05" in html  # today's visit, in local time
    assert "not checked out yet" in html
    assert 'rel="manifest"' in html
    assert "Waiting to be sent" in html


def test_it_names_the_program_when_the_provider_serves_the_recipient_in_both():
    provider, recipient, user, _a = worker_and_recipient()
    cast.assign(provider, recipient, 600, program="WPCS", start_date=dt.date(2026, 1, 1))
    html = signed_in(user).get("/evv/").content.decode()
    assert "Rosa Delgado (IHSS)" in html
    assert "Rosa Delgado (WPCS)" in html
    assert html.count('name="choice"') == 2


def test_a_live_in_provider_is_told_they_do_not_check_in_and_gets_no_buttons():
    _p, _r, user, _a = worker_and_recipient(live_in=True)
    html = signed_in(user).get("/evv/").content.decode()
    assert (
        "You are a live-in provider for Rosa Delgado: you do not check in or out for them." in html
    )
    assert 'id="evv-punch"' not in html
    assert 'name="choice"' not in html


def test_a_provider_with_no_recipient_today_is_told_what_to_do():
    provider = cast.make_active_provider(county_code="34")
    user = cast.make_user("alone", Role.PROVIDER, provider=provider)
    html = signed_in(user).get("/evv/").content.decode()
    assert "ask your county IHSS office to add the assignment" in html
    assert 'id="evv-punch"' not in html


def test_the_page_speaks_spanish():
    _p, _r, user, _a = worker_and_recipient()
    client = signed_in(user)
    client.cookies["django_language"] = "es"
    page = client.get("/evv/", HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    assert '<html lang="es"' in page.content.decode()


@pytest.mark.parametrize("role", [Role.RECIPIENT, Role.COUNTY_STAFF, Role.SERVICE_DESK])
def test_only_providers_open_the_phone_screen(role):
    scopes: dict[str, dict[str, object]] = {
        Role.RECIPIENT: {"recipient": cast.make_recipient(county_code="19")},
        Role.COUNTY_STAFF: {"county": cast.county("19")},
    }
    scope = scopes.get(role, {})
    client = signed_in(cast.make_user(f"not.a.provider.{role}", role, **scope))
    assert client.get("/evv/").status_code == 403
    assert client.get("/evv/shell/").status_code == 403
    refused = upload(client, {"punches": []})
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_a_provider"


def test_strangers_are_sent_to_sign_in():
    for path in ("/evv/", "/evv/shell/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")
    assert upload(Client(), {"punches": []})["Location"].startswith("/sign-in/")


def test_the_offline_shell_holds_no_one_s_data():
    provider, recipient, user, _a = worker_and_recipient()
    punch(provider, recipient, user, kind="in", at=timezone.now() - dt.timedelta(minutes=1))
    html = signed_in(user).get("/evv/shell/").content.decode()
    assert 'data-shell="true"' in html
    assert "Rosa" not in html and "Delgado" not in html
    assert "evv-choice-data" not in html


# --- The upload ---------------------------------------------------------------------------


def test_a_punch_sent_twice_is_recorded_once():
    _p, recipient, user, _a = worker_and_recipient()
    client = signed_in(user)
    body = {"punches": [a_punch(recipient)]}
    first, again = upload(client, body).json(), upload(client, body).json()
    assert first["results"][0]["status"] == "recorded"
    assert again["results"][0]["status"] == "duplicate"
    assert first["results"][0]["visit"] == again["results"][0]["visit"]
    punch_row = Punch.objects.get()
    assert (punch_row.position, punch_row.accuracy_m, punch_row.range) == ("fix", 26, "in")
    assert Visit.objects.count() == 1


def test_a_check_in_and_check_out_in_one_batch_make_one_visit():
    _p, recipient, user, _a = worker_and_recipient()
    earlier = timezone.localtime() - dt.timedelta(hours=3)
    out = a_punch(recipient, kind="out", place="community", position="not_asked")
    checked_in = a_punch(recipient, punched_at=earlier.isoformat())
    # Sent in any order, and the same punch twice in one batch: answered once each.
    answer = upload(signed_in(user), {"punches": [out, checked_in, out]}).json()
    assert [r["id"] for r in answer["results"]] == [out["id"], checked_in["id"]]
    assert {r["status"] for r in answer["results"]} == {"recorded"}
    visit = Visit.objects.get()
    assert visit.check_in is not None and visit.check_out is not None
    assert visit.check_in.phone_id == uuid.UUID(str(checked_in["id"]))
    assert visit.check_out.phone_id == uuid.UUID(str(out["id"]))
    assert visit.check_out.latitude is None  # Community: no location kept


def test_a_refused_punch_is_answered_with_its_reason_and_the_others_still_count():
    _p, recipient, user, _a = worker_and_recipient()
    stranger = cast.make_recipient(county_code="34", first_name="Wei", last_name="Chen")
    good, refused = a_punch(recipient), a_punch(stranger)
    answer = upload(signed_in(user), {"punches": [refused, good]}).json()["results"]
    assert answer[0]["status"] == "refused"
    assert answer[0]["code"] == "recipient_not_served"
    assert "You do not work for this recipient" in answer[0]["message"]
    assert answer[1]["status"] == "recorded"
    assert Punch.objects.count() == 1


def test_a_live_in_provider_s_punch_is_refused_as_exempt():
    _p, recipient, user, _a = worker_and_recipient(live_in=True)
    answer = upload(signed_in(user), {"punches": [a_punch(recipient)]}).json()["results"][0]
    assert (answer["status"], answer["code"]) == ("refused", "live_in_exempt")


def test_refusals_are_in_the_provider_s_language():
    _p, recipient, user, _a = worker_and_recipient()
    stranger = cast.make_recipient(county_code="34")
    client = signed_in(user)
    client.cookies["django_language"] = "es"
    answer = upload(
        client, {"punches": [a_punch(stranger, kind="sideways")]}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert answer.status_code == 200
    assert answer.json()["results"][0]["status"] == "refused"


def test_permission_refused_and_no_fix_are_recorded_without_a_location():
    _p, recipient, user, _a = worker_and_recipient()
    denied = a_punch(recipient, position="denied", latitude=None, longitude=None, accuracy=None)
    answer = upload(signed_in(user), {"punches": [denied]}).json()["results"][0]
    assert answer["status"] == "recorded"
    row = Punch.objects.get()
    assert (row.position, row.latitude) == ("denied", None)
    assert "no_location" in Visit.objects.get().flags


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"kind": "sideways"}, "Choose check in or check out."),
        ({"recipient": "1"}, "Choose whom you are working for."),
        ({"recipient": True}, "Choose whom you are working for."),
        ({"recipient": 10**30}, "Choose whom you are working for."),
        ({"program": "XYZ"}, "Choose IHSS or WPCS."),
        ({"place": "moon"}, "Choose Home or Community."),
        ({"position": "teleported"}, "The location must be fix, denied or unavailable."),
        ({"punched_at": "yesterday"}, "ISO 8601"),
        ({"punched_at": "2026-12-04T09:00:00"}, "needs its time zone"),
        ({"punched_at": 1733300000}, "ISO 8601"),
        ({"latitude": 91}, "The latitude is out of range."),
        ({"longitude": "west"}, "The longitude must be a number."),
        ({"latitude": None}, "both its latitude and its longitude"),
        ({"accuracy": -1}, "The accuracy is out of range."),
        ({"accuracy": 1e12}, "The accuracy is out of range."),
    ],
)
def test_a_malformed_punch_is_refused_with_what_is_wrong(change, says):
    _p, recipient, user, _a = worker_and_recipient()
    bad = a_punch(recipient, **change)
    answer = upload(signed_in(user), {"punches": [bad, a_punch(recipient)]})
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert (results[0]["status"], results[0]["code"]) == ("refused", "invalid")
    assert says in results[0]["message"]
    assert results[1]["status"] == "recorded"
    assert Punch.objects.count() == 1


def test_numbers_too_large_for_any_float_are_refused():
    _p, recipient, user, _a = worker_and_recipient()
    text = json.dumps({"punches": [a_punch(recipient)]}).replace("25.4", "1e999")
    answer = upload(signed_in(user), text)
    assert answer.status_code == 200
    assert answer.json()["results"][0]["message"] == "The accuracy is not a usable number."


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ("{not json", 400, "not JSON"),
        ("", 400, "not JSON"),
        ([], 422, "a list of punches"),
        ({"punches": "all of them"}, 422, "a list of punches"),
        ({"punches": [42]}, 422, "Punch 1 is not a punch."),
        ({"punches": [{"id": "not-a-uuid"}]}, 422, "Punch 1 has no id"),
        ({"punches": [{"kind": "in"}]}, 422, "Punch 1 has no id"),
        ({"punches": [{"id": 7}]}, 422, "Punch 1 has no id"),
    ],
)
def test_an_upload_that_is_not_a_batch_of_punches_is_refused_whole(body, status, says):
    _p, _r, user, _a = worker_and_recipient()
    answer = upload(signed_in(user), body)
    assert answer.status_code == status
    assert says in answer.json()["message"]
    assert Punch.objects.count() == 0


def test_a_form_instead_of_json_is_refused():
    _p, _r, user, _a = worker_and_recipient()
    client = signed_in(user)
    for answer in (
        client.post(SYNC, {"punches": "x"}),  # multipart
        client.post(SYNC, "punches=x", content_type="application/x-www-form-urlencoded"),
    ):
        assert answer.status_code == 400
        assert "not JSON" in answer.json()["message"]


def test_too_many_punches_at_once_are_refused_with_the_limit():
    _p, recipient, user, _a = worker_and_recipient()
    body = {"punches": [a_punch(recipient) for _ in range(MAX_PUNCHES + 1)]}
    answer = upload(signed_in(user), body)
    assert answer.status_code == 413
    assert f"at most {MAX_PUNCHES}" in answer.json()["message"]
    assert Punch.objects.count() == 0


def test_a_nul_character_is_refused_before_the_upload_is_read():
    _p, recipient, user, _a = worker_and_recipient()
    answer = upload(signed_in(user), {"punches": [a_punch(recipient, program="IH\x00SS")]})
    assert answer.status_code == 400
    assert "message" in answer.json()  # the phone's script reads JSON, never a page
    assert Punch.objects.count() == 0


def test_the_upload_needs_the_page_s_csrf_token():
    _p, recipient, user, _a = worker_and_recipient()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert upload(client, {"punches": [a_punch(recipient)]}).status_code == 403
    client.get("/evv/")  # sets the CSRF cookie, as the page does
    token = client.cookies["csrftoken"].value
    answer = upload(client, {"punches": [a_punch(recipient)]}, HTTP_X_CSRFTOKEN=token)
    assert answer.status_code == 200
    assert Punch.objects.count() == 1


def test_the_upload_only_takes_post():
    _p, _r, user, _a = worker_and_recipient()
    assert signed_in(user).get(SYNC).status_code == 405


# --- The installable app ------------------------------------------------------------------


def test_the_manifest_makes_the_screen_an_installable_app():
    response = Client().get("/evv/manifest.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/evv/",
        "/evv/",
        "standalone",
    )
    assert manifest["name"] and manifest["short_name"] and manifest["theme_color"]
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert sizes == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        found = finders.find(icon["src"].removeprefix("/static/"))
        assert found, icon["src"]
        with open(found, "rb") as png:
            assert png.read(8) == b"\x89PNG\r\n\x1a\n"


def test_the_service_worker_is_served_for_the_app_s_scope():
    response = Client().get("/evv/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/evv/"
    script = response.content.decode()
    assert 'const SHELL = "/evv/shell/";' in script
    assert "/static/evv/phone.js" in script
    assert "__VERSION__" not in script
    for name in ("evv/phone.js", "evv/store.js", "evv/phone.css"):
        assert finders.find(name), name


def test_the_worker_keeps_the_store_module_under_the_address_the_page_imports(monkeypatch):
    """phone.js imports "./store.js": in production the other assets carry their hash
    (the manifest storage), and the module must still be there with the network off."""
    monkeypatch.setattr(phone_views, "static", lambda name: f"/static/{name}?v=hash")
    assets = shell_assets()
    assert "/static/evv/store.js" in assets
    assert "/static/evv/phone.js?v=hash" in assets
    assert len(assets) == len(set(assets))
