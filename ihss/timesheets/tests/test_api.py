"""The timesheet workflow through /api/v1/timesheets/, as a phone app and a telephone
system use it: with a personal access token, or the portal's own session."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ihss import test as cast
from ihss.accounts import services as account_services
from ihss.accounts import tokens
from ihss.accounts.models import Role, TokenScope
from ihss.core.stepup import CONFIRMED_AT_KEY
from ihss.timesheets import services
from ihss.timesheets.models import Timesheet
from ihss.timesheets.tests.conftest import H

API = "/api/v1/timesheets"
NOV_8 = dt.date(2026, 11, 8)
READ, WRITE = TokenScope.TIMESHEETS_READ.value, TokenScope.TIMESHEETS_WRITE.value
_names = itertools.count(1)


def token(user, *scopes: str) -> str:
    return account_services.create_token(
        user=user, name=f"Phone {next(_names)}", scopes=scopes or [READ, WRITE], days=30
    ).text


def call(method, path, bearer, body=None, status=200):
    """A bearer call from a client with no session and CSRF checks on, as an app makes."""
    client = Client(enforce_csrf_checks=True)
    kwargs: dict[str, Any] = {"headers": {"Authorization": f"Bearer {bearer}"}}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    response = getattr(client, method)(f"{API}{path}", **kwargs)
    assert response.status_code == status, (path, response.status_code, response.content[:600])
    return response.json()


def day(on: dt.date, minutes: int, start="08:00", end="16:00", location="home"):
    return {
        "day": on.isoformat(),
        "minutes": minutes,
        "start": start,
        "end": end,
        "location": location,
    }


def sent(world, n: int = 0, hours: dict[dt.date, int] | None = None) -> Timesheet:
    sheet = world.fill(world.open(n, NOV_8), hours or {NOV_8: 2 * H})
    return services.submit(timesheet=sheet, by=world.provider_user)


# --- The provider ---------------------------------------------------------------------------


def test_it_lets_a_provider_open_fill_in_and_send_a_timesheet(world):
    phone = token(world.provider_user)
    case = world.recipients[0].case_number
    opened = call(
        "post", "/", phone, {"case_number": case, "program": "IHSS", "day": "2026-11-08"}, 201
    )
    assert (opened["period_start"], opened["period_end"]) == ("2026-11-01", "2026-11-15")
    assert (opened["status"], opened["actions"], opened["days"]) == ("draft", ["save"], [])
    assert opened["recipient"] == {
        "case_number": case,
        "full_name": "Rosa Delgado",
        "county_code": "19",
    }
    again = call("post", "/", phone, {"case_number": case, "day": "2026-11-02"}, 201)
    assert again["id"] == opened["id"]

    saved = call(
        "put", f"/{opened['id']}/weeks/2026-11-08", phone, {"days": [day(NOV_8, 7 * H + 30)]}
    )
    assert saved["days"] == [
        {
            "day": "2026-11-08",
            "minutes": 450,
            "start": "08:00",
            "end": "16:00",
            "location": "home",
            "evv_reason": "",
        }
    ]
    assert saved["total_minutes"] == 450 and saved["problems"] == []
    left = saved["remaining"]
    assert (left["authorized_minutes"], left["used_minutes"]) == (283 * H, 450)
    assert left["remaining_minutes"] == 283 * H - 450
    assert (left["assigned_minutes"], left["assigned_used_minutes"]) == (283 * H, 450)
    week = next(w for w in left["weeks"] if w["week_start"] == "2026-11-08")
    assert (week["weekly_maximum_minutes"], week["recipient_total_minutes"]) == (283 * H // 4, 450)
    assert (week["provider_total_minutes"], week["provider_cap_minutes"]) == (450, 66 * H)
    assert saved["actions"] == ["save", "submit"]

    listed = call("get", "/", phone)["results"]
    assert [(t["id"], t["total_minutes"], t["status"]) for t in listed] == [
        (opened["id"], 450, "draft")
    ]
    done = call("post", f"/{opened['id']}/submit", phone)
    assert (done["status"], done["actions"], done["problems"]) == ("submitted", [], [])
    assert call("post", f"/{opened['id']}/submit", phone)["status"] == "submitted"
    assert Timesheet.objects.get().submissions == 1  # sending twice sent it once


def test_it_stops_a_week_past_the_66_hour_cap_and_says_why(world):
    world.fill(world.open(1, NOV_8), {NOV_8: 14 * H})
    for i in range(1, 6):
        world.fill(world.open(2, NOV_8), {NOV_8 + dt.timedelta(days=i): 9 * H})  # 59 h in all
    sheet = world.open(0, NOV_8)
    phone = token(world.provider_user)
    saturday = NOV_8 + dt.timedelta(days=6)

    fits = call(
        "post", f"/{sheet.pk}/check", phone, {"days": [{"day": "2026-11-14", "minutes": 7 * H}]}
    )
    week = next(w for w in fits["remaining"]["weeks"] if w["week_start"] == "2026-11-08")
    assert fits["problems"] == []
    assert (week["provider_total_minutes"], week["provider_remaining_minutes"]) == (66 * H, 0)
    assert not sheet.days.exists()  # checking saves nothing

    message = (
        "The week starting Nov. 8, 2026 would total 67 h for all your recipients; the limit "
        "is 66 h."
    )
    problem = {
        "rule": "multi_recipient_weekly_cap",
        "when": "2026-11-08",
        "total_minutes": 67 * H,
        "limit_minutes": 66 * H,
        "message": message,
    }
    checked = call("post", f"/{sheet.pk}/check", phone, {"days": [day(saturday, 8 * H)]})
    assert checked["problems"] == [problem]
    saved = call("put", f"/{sheet.pk}/weeks/2026-11-08", phone, {"days": [day(saturday, 8 * H)]})
    assert saved["problems"] == [problem]  # kept as typed: only sending is stopped
    refused = call("post", f"/{sheet.pk}/submit", phone, status=409)
    assert refused == {
        "detail": "The timesheet was not sent: some hours break a rule. Nothing was lost.",
        "problems": [problem],
    }
    sheet.refresh_from_db()
    assert sheet.status == Timesheet.Status.DRAFT and sheet.days.get().minutes == 8 * H


def test_it_names_each_wrong_day_and_saves_nothing(world):
    sheet = world.open(0, dt.date(2026, 11, 16))  # today, the 20th, is in this period
    phone = token(world.provider_user)
    days = [
        day(dt.date(2026, 11, 16), 2 * H, "08:00", "10:00"),  # right
        day(dt.date(2026, 11, 17), 9 * H, "08:00", "12:00"),  # 9 h in 4
        day(dt.date(2026, 11, 15), 2 * H),  # this week, the other pay period
        day(dt.date(2026, 11, 21), 2 * H),  # tomorrow
        day(dt.date(2026, 11, 23), 2 * H),  # next week
        {"day": "2026-11-18", "minutes": 3 * H},  # no times, no place
        {"day": "2026-11-19", "minutes": 0, "start": "08:00"},
        day(dt.date(2026, 11, 20), 24 * H + 1, "00:00", "00:00"),
    ]
    answer = call("put", f"/{sheet.pk}/weeks/2026-11-15", phone, {"days": days}, status=422)
    said = [(e["day"], e["loc"][-1], e["msg"]) for e in answer["detail"]]
    assert said == [
        (
            "2026-11-17",
            "end",
            "You worked more hours than there are between the start and end times.",
        ),
        (
            "2026-11-15",
            "day",
            "Nov. 15, 2026 is in another pay period: enter it on that period's timesheet.",
        ),
        (
            "2026-11-21",
            "day",
            "Nov. 21, 2026 has not happened yet: enter hours only for days already worked.",
        ),
        ("2026-11-23", "day", "Nov. 23, 2026 is not in the workweek starting Nov. 15, 2026."),
        ("2026-11-18", "start", "Enter the time you started."),
        ("2026-11-18", "end", "Enter the time you finished."),
        ("2026-11-18", "location", "Choose where you worked."),
        ("2026-11-19", "start", "Enter the hours worked, or clear the start and end times."),
        ("2026-11-20", "minutes", "A day has only 24 hours."),
    ]
    assert answer["detail"][0]["loc"] == ["body", "data", "days", 1, "end"]
    assert not sheet.days.exists()


def test_it_clears_a_day_sent_with_no_minutes_and_keeps_the_days_not_sent(world):
    sheet = world.fill(world.open(0, NOV_8), {NOV_8: 2 * H, NOV_8 + dt.timedelta(days=1): 3 * H})
    phone = token(world.provider_user)
    saved = call(
        "put",
        f"/{sheet.pk}/weeks/2026-11-08",
        phone,
        {"days": [{"day": "2026-11-08", "minutes": 0}]},
    )
    assert [(d["day"], d["minutes"]) for d in saved["days"]] == [("2026-11-09", 3 * H)]


def test_a_week_that_is_not_the_timesheets_answers_404(world):
    sheet = world.open(0, NOV_8)
    phone = token(world.provider_user)
    for week in ("2026-11-09", "2026-11-22"):  # not a Sunday; another period's week
        answer = call("put", f"/{sheet.pk}/weeks/{week}", phone, {"days": []}, status=404)
        assert "a workweek starts on a Sunday" in answer["detail"]


def test_a_sent_timesheet_can_no_longer_be_changed(world):
    sheet = sent(world)
    phone = token(world.provider_user)
    answer = call("put", f"/{sheet.pk}/weeks/2026-11-08", phone, {"days": [day(NOV_8, H)]}, 409)
    assert answer == {
        "detail": "This timesheet was sent and can no longer be changed.",
        "problems": [],
    }
    call("post", f"/{sheet.pk}/check", phone, {"days": []}, status=409)


def test_it_opens_only_a_timesheet_of_the_callers_own_assignments(world):
    phone = token(world.provider_user)
    stranger = cast.make_recipient(first_name="Lee", last_name="Park")
    call("post", "/", phone, {"case_number": stranger.case_number}, status=404)
    call(
        "post", "/", phone, {"case_number": world.recipients[0].case_number, "program": "WPCS"}, 404
    )
    call("post", "/", phone, {"case_number": "12"}, status=422)
    later = call(
        "post",
        "/",
        phone,
        {"case_number": world.recipients[0].case_number, "day": "2026-12-01"},
        422,
    )
    assert later["detail"][0]["msg"] == "That pay period has not started yet."
    before = call(
        "post",
        "/",
        phone,
        {"case_number": world.recipients[0].case_number, "day": "2024-12-05"},
        422,
    )
    assert before["detail"][0]["msg"] == (
        "You are not assigned to this recipient in this pay period."
    )
    assert not Timesheet.objects.exists()


# --- The recipient --------------------------------------------------------------------------


def test_it_lets_a_recipient_approve_with_a_token(world):
    sheet = sent(world)
    phone = token(world.recipient_users[0])
    shown = call("get", f"/{sheet.pk}", phone)
    assert shown["actions"] == ["approve", "return"] and shown["remaining"] is None
    unsure = call(
        "post", f"/{sheet.pk}/approve", phone, {"signature": "Rosa", "attest": False}, 422
    )
    assert unsure["detail"][0]["msg"] == (
        "Confirm that the hours on this timesheet are true and correct."
    )
    unsigned = call("post", f"/{sheet.pk}/approve", phone, {"signature": "  ", "attest": True}, 422)
    assert unsigned["detail"][0]["msg"] == "Type your full name to sign."
    approved = call(
        "post", f"/{sheet.pk}/approve", phone, {"signature": "Rosa  Delgado", "attest": True}
    )
    assert (approved["status"], approved["signature"]) == ("approved", "Rosa Delgado")
    assert approved["signed_as_representative"] is False and approved["actions"] == []
    again = call(
        "post", f"/{sheet.pk}/approve", phone, {"signature": "Rosa Delgado", "attest": True}
    )
    assert again["status"] == "approved"
    returned = call("post", f"/{sheet.pk}/return", phone, {"reason": "Too late."}, status=409)
    assert returned["detail"] == "This timesheet is not waiting for your review."


def test_it_lets_a_recipient_return_a_timesheet_with_the_reason(world):
    sheet = sent(world)
    phone = token(world.recipient_users[0])
    blank = call("post", f"/{sheet.pk}/return", phone, {"reason": " "}, status=422)
    assert blank["detail"][0]["msg"] == "Say what is wrong, so the provider can correct it."
    reason = "I was in the hospital on November 8."
    returned = call("post", f"/{sheet.pk}/return", phone, {"reason": reason})
    assert (returned["status"], returned["rejection_reason"]) == ("rejected", reason)
    seen = call("get", f"/{sheet.pk}", token(world.provider_user))
    assert (seen["rejection_reason"], seen["actions"]) == (reason, ["save", "submit"])


def test_a_session_signature_needs_a_recent_confirmation(world, client):
    sheet = sent(world)
    client.force_login(world.recipient_users[0])
    session = client.session
    session[CONFIRMED_AT_KEY] = int(time.time()) - 2 * 3600
    session.save()
    body = json.dumps({"signature": "Rosa Delgado", "attest": True})
    path = f"{API}/{sheet.pk}/approve"
    refused = client.post(path, body, content_type="application/json")
    assert refused.status_code == 403
    assert "/accounts/confirm/" in refused.json()["detail"]
    sheet.refresh_from_db()
    assert sheet.status == Timesheet.Status.SUBMITTED
    session[CONFIRMED_AT_KEY] = int(time.time())
    session.save()
    assert client.post(path, body, content_type="application/json").json()["status"] == "approved"


def test_a_session_call_needs_the_csrf_token(world):
    sheet = sent(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.recipient_users[0])
    answer = client.post(
        f"{API}/{sheet.pk}/return", json.dumps({"reason": "x"}), content_type="application/json"
    )
    assert answer.status_code == 403
    sheet.refresh_from_db()
    assert sheet.status == Timesheet.Status.SUBMITTED


# --- Who reaches what -----------------------------------------------------------------------


def test_a_timesheet_the_caller_cannot_see_answers_404(world, la_staff, fresno_staff):
    sheet = sent(world)
    draft = world.open(1, NOV_8)
    other_provider = cast.make_user("other", Role.PROVIDER, provider=cast.make_active_provider())
    for user in (fresno_staff, world.recipient_users[1], other_provider):
        call("get", f"/{sheet.pk}", token(user), status=404)
    recipient = token(world.recipient_users[1])
    call("post", f"/{sheet.pk}/approve", recipient, {"signature": "X", "attest": True}, 404)
    call("get", f"/{draft.pk}", token(world.recipient_users[1]), status=404)  # a draft, unsent
    call("post", f"/{sheet.pk}/submit", token(other_provider), status=404)
    call("get", "/999999", token(la_staff), status=404)
    assert call("get", f"/{sheet.pk}", token(la_staff))["remaining"] is None
    assert call("get", "/", token(fresno_staff))["results"] == []


def test_a_step_for_another_role_answers_403(world, service_desk, la_staff):
    sheet = sent(world)
    recipient = token(world.recipient_users[0])
    refused = call("post", f"/{sheet.pk}/submit", recipient, status=403)
    assert refused["detail"] == "Only the timesheet's provider can do this."
    provider = token(world.provider_user)
    call("post", f"/{sheet.pk}/approve", provider, {"signature": "A", "attest": True}, 403)
    call("post", f"/{sheet.pk}/return", provider, {"reason": "x"}, status=403)
    call("get", "/county-review", provider, status=403)
    call("put", f"/{sheet.pk}/weeks/2026-11-08", token(la_staff), {"days": []}, status=403)
    decision = {"decision": "release", "reason": "Checked."}
    call("post", f"/{sheet.pk}/county-review", token(service_desk, READ), decision, status=403)
    coach = cast.make_user("coach", Role.COACH)
    client = Client()
    client.force_login(coach)
    assert client.get(f"{API}/").status_code == 403


def test_a_read_token_cannot_write_and_says_which_scope_it_lacks(world):
    sheet = world.open(0, NOV_8)
    reader = token(world.provider_user, READ)
    assert call("get", f"/{sheet.pk}", reader)["id"] == sheet.pk
    refused = call("put", f"/{sheet.pk}/weeks/2026-11-08", reader, {"days": [day(NOV_8, H)]}, 403)
    assert refused == {"detail": "This token does not have the timesheets:write scope."}
    assert not sheet.days.exists()
    writer = token(world.provider_user, WRITE)
    messages = token(world.provider_user, TokenScope.MESSAGES_READ.value)
    for only in (writer, messages):
        refused = call("get", "/", only, status=403)
        assert refused == {"detail": "This token does not have the timesheets:read scope."}


def test_the_desk_may_read_timesheets_but_never_change_them(
    world, service_desk, state_admin, la_staff, client
):
    def offered(user):
        return {s.value for s in tokens.allowed_scopes(user)} & {READ, WRITE}

    assert offered(service_desk) == {READ}
    for user in (state_admin, la_staff, world.provider_user, world.recipient_users[0]):
        assert offered(user) == {READ, WRITE}
    assert offered(cast.make_user("coach", Role.COACH)) == set()
    with pytest.raises(account_services.TokenError):
        token(service_desk, WRITE)
    client.force_login(service_desk)
    page = client.get(reverse("accounts:token-create")).content.decode()
    assert "Read timesheets" in page and f"({READ})" in page and WRITE not in page


# --- The county -----------------------------------------------------------------------------


def test_the_county_decides_the_review_of_its_own_countys_timesheets(
    world, la_staff, fresno_staff, service_desk
):
    for n in (0, 1, 2):
        sheet = sent(world, n)
        services.approve(
            timesheet=sheet, by=world.recipient_users[n], signature=sheet.recipient.full_name
        )
        services.decide_review(timesheet=sheet, by=la_staff, decision="hold", reason="Check.")
    county = token(la_staff)
    queue = call("get", "/county-review", county)["results"]
    assert len(queue) == 3
    assert queue[0]["review_flags"] == [{"code": "manual_hold", "label": "Held by the county"}]
    assert queue[0]["county_review"] == "held" and queue[0]["review_note"] == "Check."
    assert call("get", "/county-review", token(fresno_staff))["results"] == []
    assert len(call("get", "/county-review", token(service_desk, READ))["results"]) == 3
    first = queue[0]["id"]
    assert call("get", f"/{first}", county)["actions"] == ["county_review"]
    blank = call(
        "post", f"/{first}/county-review", county, {"decision": "release", "reason": ""}, 422
    )
    assert (
        blank["detail"][0]["msg"] == "Give the reason for the decision; it is kept in the history."
    )
    call("post", f"/{first}/county-review", county, {"decision": "pay", "reason": "x"}, 422)
    released = call(
        "post",
        f"/{first}/county-review",
        county,
        {"decision": "release", "reason": "Signature checked."},
    )
    assert (released["county_review"], released["actions"]) == ("released", [])
    voided = call(
        "post", f"/{first}/county-review", county, {"decision": "void", "reason": "Duplicate."}
    )
    assert voided["status"] == "voided"
    again = call(
        "post", f"/{first}/county-review", county, {"decision": "hold", "reason": "x"}, 409
    )
    assert again["detail"] == "Only approved timesheets wait for the county's review."
    call(
        "post",
        f"/{first}/county-review",
        token(fresno_staff),
        {"decision": "hold", "reason": "x"},
        404,
    )


# --- Language and cost ----------------------------------------------------------------------


def test_it_answers_in_the_callers_language(world):
    world.provider_user.preferred_language = "es"
    world.provider_user.save(update_fields=["preferred_language"])
    sheet = world.open(0, NOV_8)
    phone = token(world.provider_user)
    answer = call(
        "put", f"/{sheet.pk}/weeks/2026-11-08", phone, {"days": [day(NOV_8, 25 * H)]}, 422
    )
    assert answer["detail"][0]["msg"] == "Un día tiene solo 24 horas."
    assert call("get", f"/{sheet.pk}", phone)["status_label"] == "En preparación"


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_costs_the_same_for_one_or_many_timesheets(
    world, count, django_assert_num_queries
):
    for i in range(count):
        on = dt.date(2026, 11 - i // 3, 8)
        world.fill(world.open(i % 3, on), {on: (i + 1) * H, on + dt.timedelta(days=1): H})
    phone = token(world.provider_user)
    call("get", "/", phone)  # the first call notes when the token was used
    client = Client()
    with django_assert_num_queries(LIST_QUERIES):
        answer = client.get(f"{API}/", headers={"Authorization": f"Bearer {phone}"}).json()
    results = answer["results"]
    assert sorted(t["total_minutes"] for t in results) == [(i + 2) * H for i in range(count)]
    starts = [t["period_start"] for t in results]
    assert starts == sorted(starts, reverse=True)
    newest = call("get", "/?period_start=2026-11-01&status=draft", phone)["results"]
    assert len(newest) == min(count, 3)


@pytest.mark.parametrize("count", [1, 3])
def test_the_county_queue_costs_the_same_for_one_or_many_timesheets(
    world, la_staff, count, django_assert_num_queries
):
    for n in range(count):
        sheet = sent(world, n)
        services.approve(
            timesheet=sheet, by=world.recipient_users[n], signature=sheet.recipient.full_name
        )
        services.decide_review(timesheet=sheet, by=la_staff, decision="hold", reason="Check.")
    county = token(la_staff)
    call("get", "/county-review", county)
    with django_assert_num_queries(LIST_QUERIES):
        answer = Client().get(f"{API}/county-review", headers={"Authorization": f"Bearer {county}"})
    assert len(answer.json()["results"]) == count


# The token with its owner, their memberships, the page of timesheets with their totals.
LIST_QUERIES = 3
