"""Travel on a timesheet and paid sick leave through /api/v1/timesheets/: the same
services and access rules as the pages (test_travel.py, test_sick_leave.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.timesheets import services
from ihss.timesheets.models import SickLeaveClaim, TravelEntry
from ihss.timesheets.tests.conftest import H
from ihss.timesheets.tests.test_api import API, NOV_8, call, token
from ihss.timesheets.tests.test_sick_leave import NOV_16, claim, worked
from ihss.timesheets.tests.test_travel import MON, TUE, agree

D = dt.date


def travel_body(world, on: dt.date = MON, origin: int = 0, minutes: int = 45):
    return {
        "day": on.isoformat(),
        "from_case_number": world.recipients[origin].case_number,
        "minutes": minutes,
    }


@pytest.fixture
def draft(world):
    """A draft timesheet for recipient 1, who the provider may travel to from 0."""
    agree(world, 0, 1)
    return world.fill(world.open(1, NOV_8), {MON: 2 * H, TUE: 2 * H})


@pytest.fixture
def usable(world):
    """The provider worked 300 hours in August and September 2026: leave usable."""
    worked(world, D(2026, 8, 3), 30, 10 * H)
    return world


# --- Travel ---------------------------------------------------------------------------------


def test_a_provider_claims_travel_on_a_timesheet_and_takes_it_off(world, draft):
    phone = token(world.provider_user)
    detail = call("post", f"/{draft.pk}/travel", phone, travel_body(world))
    [entry] = detail["travel"]
    assert entry["day"] == MON.isoformat() and entry["minutes"] == 45
    assert entry["from_recipient"] == {
        "case_number": world.recipients[0].case_number,
        "name": "Rosa Delgado",
    }
    assert (detail["travel_minutes"], detail["total_minutes"]) == (45, 4 * H)
    # The same day and origin again replaces the minutes.
    again = call("post", f"/{draft.pk}/travel", phone, travel_body(world, minutes=30))
    assert [(e["id"], e["minutes"]) for e in again["travel"]] == [(entry["id"], 30)]
    gone = call("delete", f"/{draft.pk}/travel/{entry['id']}", phone)
    assert (gone["travel"], gone["travel_minutes"]) == ([], 0)
    assert not TravelEntry.objects.exists()
    # Removing one already gone changes nothing.
    call("delete", f"/{draft.pk}/travel/{entry['id']}", phone)


def test_the_recipient_travelled_to_is_not_told_where_from(world, draft, la_staff):
    world.fill(world.open(0, NOV_8), {MON: 2 * H})  # worked at both ends that day
    services.save_travel(
        timesheet=draft,
        day=MON,
        from_recipient=world.recipients[0],
        minutes=30,
        by=world.provider_user,
    )
    services.submit(timesheet=draft, by=world.provider_user)
    [seen] = call("get", f"/{draft.pk}", token(world.recipient_users[1]))["travel"]
    assert (seen["from_recipient"], seen["minutes"]) == (None, 30)
    [county] = call("get", f"/{draft.pk}", token(la_staff))["travel"]
    assert county["from_recipient"]["name"] == "Rosa Delgado"


def test_travel_sent_wrong_is_refused_and_nothing_is_saved(world, draft):
    phone = token(world.provider_user)
    answer = call("post", f"/{draft.pk}/travel", phone, travel_body(world, on=D(2026, 11, 16)), 422)
    assert answer["detail"][0]["loc"] == ["body", "data", "day"]
    answer = call("post", f"/{draft.pk}/travel", phone, travel_body(world, minutes=0), 422)
    assert answer["detail"][0]["msg"] == "Enter the travel time, up to 24 hours."
    # From a recipient no travel agreement covers: the service's refusal.
    answer = call("post", f"/{draft.pk}/travel", phone, travel_body(world, origin=2), 409)
    assert answer["detail"].startswith("No travel agreement (SOC 2255)")
    assert not TravelEntry.objects.exists()


def test_travel_on_a_sent_timesheet_answers_409(world, draft):
    services.submit(timesheet=draft, by=world.provider_user)
    phone = token(world.provider_user)
    answer = call("post", f"/{draft.pk}/travel", phone, travel_body(world), 409)
    assert answer["detail"] == "This timesheet was sent and can no longer be changed."
    call("delete", f"/{draft.pk}/travel/1", phone, status=409)


def test_only_the_timesheets_provider_claims_travel(world, draft, la_staff):
    services.submit(timesheet=draft, by=world.provider_user)
    recipient = token(world.recipient_users[1])
    call("post", f"/{draft.pk}/travel", recipient, travel_body(world), 403)
    call("delete", f"/{draft.pk}/travel/1", token(la_staff), status=403)
    other = cast.make_user("lee", Role.PROVIDER, provider=cast.make_active_provider())
    call("post", f"/{draft.pk}/travel", token(other), travel_body(world), 404)


# --- Paid sick leave ------------------------------------------------------------------------


def sick_body(world, minutes: int = 2 * H, n: int = 0, on: dt.date = NOV_16):
    case = world.recipients[n].case_number
    return {"case_number": case, "program": "IHSS", "day": on.isoformat(), "minutes": minutes}


def test_a_provider_sees_the_balance_and_claims_leave(usable):
    phone = token(usable.provider_user)
    made = call("post", "/sick-leave", phone, sick_body(usable), 201)
    assert (made["status"], made["minutes"], made["actions"]) == ("submitted", 2 * H, [])
    assert made["recipient"]["name"] == "Rosa Delgado"
    leave = call("get", "/sick-leave", phone)
    assert leave["balance"] == {
        "earned_on": "2026-08-12",
        "usable_on": "2026-09-01",
        "granted_minutes": 40 * H,
        "used_minutes": 2 * H,
        "balance_minutes": 38 * H,
        "expires_on": "2027-06-30",
    }
    assert [c["id"] for c in leave["results"]] == [made["id"]]
    assert call("get", f"/sick-leave/{made['id']}", phone)["status_label"] == (
        "Waiting for the recipient"
    )


def test_a_claim_the_rules_refuse_answers_422_with_the_reason(usable):
    phone = token(usable.provider_user)
    answer = call("post", "/sick-leave", phone, sick_body(usable, minutes=30), 422)
    assert answer["detail"] == [
        {
            "type": "value_error",
            "loc": ["body", "data", "minutes"],
            "msg": "A sick leave claim must be at least 1 h; this one is 30 min.",
            "rule": "sick_leave_minimum",
        }
    ]
    call("post", "/sick-leave", phone, sick_body(usable), 201)
    again = call("post", "/sick-leave", phone, sick_body(usable), 422)
    assert "already claimed" in again["detail"][0]["msg"]
    call("post", "/sick-leave", phone, sick_body(usable, minutes=25 * H), 422)
    assert SickLeaveClaim.objects.count() == 1


def test_a_claim_for_a_recipient_not_assigned_answers_404(usable):
    body = {**sick_body(usable), "case_number": "1999999"}
    call("post", "/sick-leave", token(usable.provider_user), body, 404)


def test_the_recipient_sees_waiting_claims_first_and_approves(usable):
    first = claim(usable, 2 * H, day=D(2026, 11, 2))
    services.approve_sick_leave(claim=first, by=usable.recipient_users[0])
    waiting = claim(usable, H)
    recipient = token(usable.recipient_users[0])
    leave = call("get", "/sick-leave", recipient)
    assert leave["balance"] is None
    assert [(c["id"], c["actions"]) for c in leave["results"]] == [
        (waiting.pk, ["approve", "return"]),
        (first.pk, []),
    ]
    approved = call("post", f"/sick-leave/{waiting.pk}/approve", recipient)
    assert (approved["status"], approved["actions"]) == ("approved", [])
    # Approving again is harmless; returning an approved claim is refused.
    call("post", f"/sick-leave/{waiting.pk}/approve", recipient)
    answer = call("post", f"/sick-leave/{waiting.pk}/return", recipient, {"reason": "No."}, 409)
    assert answer["detail"] == "This sick leave claim is not waiting for your review."


def test_the_recipient_returns_a_claim_with_the_reason(usable):
    waiting = claim(usable, H)
    recipient = token(usable.recipient_users[0])
    answer = call("post", f"/sick-leave/{waiting.pk}/return", recipient, {"reason": " "}, 422)
    assert answer["detail"][0]["loc"] == ["body", "data", "reason"]
    returned = call(
        "post", f"/sick-leave/{waiting.pk}/return", recipient, {"reason": "I was home."}
    )
    assert (returned["status"], returned["rejection_reason"]) == ("rejected", "I was home.")
    assert services.balance_for(usable.provider).balance.used == 0


def test_only_the_recipient_of_the_claim_decides_it(usable, la_staff):
    waiting = claim(usable, H)
    call("post", f"/sick-leave/{waiting.pk}/approve", token(usable.provider_user), status=403)
    call("post", f"/sick-leave/{waiting.pk}/approve", token(la_staff), status=403)
    call("post", f"/sick-leave/{waiting.pk}/approve", token(usable.recipient_users[1]), status=404)
    call("get", f"/sick-leave/{waiting.pk}", token(usable.recipient_users[1]), status=404)
    assert call("get", f"/sick-leave/{waiting.pk}", token(la_staff))["actions"] == []
    call("get", "/sick-leave", token(la_staff), status=403)
    call("post", "/sick-leave", token(usable.recipient_users[0]), sick_body(usable), 403)
    assert SickLeaveClaim.objects.get().status == "submitted"


@pytest.mark.parametrize("count", [1, 4])
def test_the_sick_leave_list_costs_the_same_for_one_or_many_claims(
    usable, count, django_assert_num_queries
):
    for i in range(count):
        claim(usable, H, day=NOV_16 + dt.timedelta(days=i))
    phone = token(usable.provider_user)
    call("get", "/sick-leave", phone)  # the first call notes when the token was used
    with django_assert_num_queries(SICK_LEAVE_QUERIES):
        answer = Client().get(f"{API}/sick-leave", headers={"Authorization": f"Bearer {phone}"})
    assert len(answer.json()["results"]) == count


# The token with its owner, their memberships, the page of claims, the balance (three).
SICK_LEAVE_QUERIES = 6
