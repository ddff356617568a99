"""Direct deposit under /api/v1/pay/deposits: masked, who may read whose, and changes only
from a recently confirmed session."""

from __future__ import annotations

import json
import time

from django.test import Client

from ihss.accounts import services as account_services
from ihss.core.models import AuditEvent
from ihss.core.stepup import CONFIRMED_AT_KEY
from ihss.payroll.models import DirectDeposit
from ihss.payroll.services import deposits
from ihss.payroll.tests import deposit_cast
from ihss.payroll.tests.deposit_cast import ACCOUNT, BAD, GOOD, OTHER_ACCOUNT

world, clock = deposit_cast.world, deposit_cast.clock  # fixtures

API = "/api/v1/pay/deposits"


def body(case_number=None, routing=GOOD, number=ACCOUNT, again=ACCOUNT, kind="checking"):
    return {
        "case_number": case_number,
        "routing_number": routing,
        "account_number": number,
        "account_number_again": again,
        "account_type": kind,
    }


def session(user) -> Client:
    client = Client()
    client.force_login(user)  # signing in counts as a recent confirmation
    return client


def post(client, path, data):
    return client.post(f"{API}{path}", data=json.dumps(data), content_type="application/json")


def enroll_rosa(world):
    return deposits.enroll(
        provider=world.provider,
        recipient=world.rosa,
        routing_number=GOOD,
        account_number=ACCOUNT,
        account_type="checking",
        by=world.ana,
    ).enrollment


def test_a_provider_enrolls_and_reads_it_masked(world):
    ana = session(world.ana)
    response = post(ana, "", body(case_number=world.rosa.case_number))
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["account"] == "••••6789" and answer["state"] == "pending"
    assert answer["effective_on"] == "2026-12-11"
    assert answer["recipient"]["case_number"] == world.rosa.case_number
    listing = ana.get(API)
    assert listing.status_code == 200
    scopes = {(s["recipient"] or {}).get("case_number"): s for s in listing.json()["scopes"]}
    assert scopes[world.rosa.case_number]["waiting"]["account"] == "••••6789"
    assert scopes[None]["paid_by"] == "check"
    assert ACCOUNT not in listing.content.decode() + response.content.decode()


def test_the_same_enrollment_twice_answers_the_same(world):
    ana = session(world.ana)
    first = post(ana, "", body())
    second = post(ana, "", body())
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert DirectDeposit.objects.count() == 1


def test_a_wrong_routing_number_answers_422_at_the_field_without_echoing(world):
    response = post(session(world.ana), "", body(routing=BAD))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "routing_number"
    assert "last digit does not match" in error["msg"]
    assert ACCOUNT not in response.content.decode()


def test_two_different_account_numbers_answer_422(world):
    response = post(session(world.ana), "", body(again=OTHER_ACCOUNT))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "account_number_again"
    text = response.content.decode()
    assert ACCOUNT not in text and OTHER_ACCOUNT not in text
    assert not DirectDeposit.objects.exists()


def test_a_token_cannot_change_direct_deposit(world):
    token = account_services.create_token(
        user=world.ana, name="Phone", scopes=["pay:read", "pay:write"], days=30
    ).text
    client = Client(enforce_csrf_checks=True)
    auth = {"Authorization": f"Bearer {token}"}
    response = client.post(API, json.dumps(body()), "application/json", headers=auth)
    assert response.status_code == 403
    assert "cannot be changed with an API token" in response.json()["detail"]
    assert client.get(API, headers=auth).status_code == 200  # reading is fine
    assert not DirectDeposit.objects.exists()


def test_an_old_session_must_confirm_first(world):
    ana = session(world.ana)
    stale = ana.session
    stale[CONFIRMED_AT_KEY] = int(time.time()) - 3600
    stale.save()
    response = post(ana, "", body())
    assert response.status_code == 403
    assert "/accounts/confirm/" in response.json()["detail"]
    assert not DirectDeposit.objects.exists()


def test_cancel_stops_at_once_and_again_changes_nothing(world):
    enroll_rosa(world)
    ana = session(world.ana)
    response = post(ana, "/cancel", {"case_number": world.rosa.case_number})
    assert response.status_code == 200
    assert response.json()["history"][0]["state"] == "cancelled"
    assert response.json()["paid_by"] == "check"
    assert post(ana, "/cancel", {"case_number": world.rosa.case_number}).status_code == 200
    assert AuditEvent.objects.filter(action=deposits.CANCELLED).count() == 1


def test_another_provider_can_neither_see_nor_cancel_mine(world):
    enroll_rosa(world)
    omar = session(world.omar)
    number = world.provider.provider_number
    assert omar.get(f"{API}/providers/{number}").status_code == 403
    assert world.provider.provider_number not in omar.get(API).content.decode()
    assert post(omar, "/cancel", {"case_number": world.rosa.case_number}).status_code == 404
    assert DirectDeposit.objects.get().stopped_on is None


def test_staff_read_the_providers_they_may_see_masked_and_change_nothing(world):
    enroll_rosa(world)
    number = world.provider.provider_number
    for reader in (world.desk, world.la_staff):
        client = session(reader)
        response = client.get(f"{API}/providers/{number}")
        assert response.status_code == 200
        assert "••••6789" in json.dumps(response.json(), ensure_ascii=False)
        assert ACCOUNT not in response.content.decode()
        assert post(client, "", body()).status_code == 403
        assert post(client, "/cancel", {}).status_code == 403
    fresno = session(world.fresno_staff)
    assert fresno.get(f"{API}/providers/{number}").status_code == 404
    assert fresno.get(f"{API}/providers/199999999").status_code == 404
    assert session(world.desk).get(API).status_code == 403
    assert DirectDeposit.objects.get().stopped_on is None


def test_the_enrollment_sent_never_shows_its_account_number_in_a_repr():
    # A repr is what a traceback or an error report with local values shows.
    from ihss.payroll.api.deposits import EnrollIn

    sent = EnrollIn(
        routing_number="011000015",
        account_number=ACCOUNT,
        account_number_again=ACCOUNT,
        account_type="checking",
    )
    assert ACCOUNT not in repr(sent) and "011000015" in repr(sent)
