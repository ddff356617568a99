"""The rest of /api/v1/timesheets/: work-hour violations and the county's steps on them,
the county's exceptions to the weekly maximum, and a recipient's hours against their
authorization. The workflow itself, and the token and session rules, are in test_api.py."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from ihss import test as cast
from ihss.accounts.models import Membership, Role
from ihss.core import audit
from ihss.timesheets import rules, services
from ihss.timesheets.models import Violation, WeeklyMaximumException
from ihss.timesheets.tests.conftest import H
from ihss.timesheets.tests.test_api import API, READ, call, token
from ihss.timesheets.tests.test_exceptions import five_days
from ihss.timesheets.tests.test_violations import over_66

NOV_1 = dt.date(2026, 11, 1)
NOV_8 = dt.date(2026, 11, 8)
LA_TIME = dt.timezone(dt.timedelta(hours=-8))


def bearer(phone: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {phone}"}


# --- Violations -----------------------------------------------------------------------------


def test_a_provider_sees_their_violations_and_the_day_a_suspension_ends(world, today):
    for month, sunday in [(8, 2), (9, 6), (10, 4)]:
        third = over_66(world, dt.date(2026, month, sunday))
    assert third.consequence == rules.CONSEQUENCE_SUSPENSION
    phone = token(world.provider_user)
    listed = call("get", "/violations", phone)
    assert [(v["week_start"], v["number"]) for v in listed["results"]] == [
        ("2026-10-04", 3),
        ("2026-09-06", 2),
        ("2026-08-02", 1),
    ]
    assert listed["barred_until"] is None  # the suspension starts after the dispute days
    latest = listed["results"][0]
    assert latest["week_end"] == "2026-10-10" and latest["codes"] == ["over_66_hours"]
    assert latest["consequence"] == "suspension" and latest["dispute"] == ""
    assert latest["outcome"].startswith("This is violation number 3: you are suspended")

    assert third.suspended_from is not None and third.suspended_until is not None
    suspended = dt.datetime.combine(third.suspended_from, dt.time(10), tzinfo=LA_TIME)
    with time_machine.travel(suspended, tick=False):
        barred = call("get", "/violations", phone)["barred_until"]
    assert barred == third.suspended_until.isoformat()


def test_the_violation_says_in_plain_words_what_was_broken_and_what_it_brings(world, la_staff):
    violation = over_66(world, NOV_1)
    shown = call("get", f"/violations/{violation.pk}", token(world.provider_user))
    assert shown["rules"] == [
        "Your hours in a workweek for all your recipients together passed 66 h."
    ]
    assert shown["outcome"] == (
        "This is violation number 1. You may ask the county to review it by Nov. 30, 2026."
    )
    assert (shown["number"], shown["counted"], shown["rescinded"]) == (1, True, False)
    assert (shown["noticed_on"], shown["dispute_by"]) == ("2026-11-20", "2026-11-30")
    assert (shown["dispute"], shown["dispute_label"]) == ("", "No dispute")
    assert shown["provider"] == {
        "provider_number": world.provider.provider_number,
        "full_name": "Ana Reyes",
    }
    assert shown["actions"] == []  # the provider reads; the county records
    assert call("get", f"/violations/{violation.pk}", token(la_staff))["actions"] == ["dispute"]


def test_it_answers_the_violation_in_the_callers_language(world):
    violation = over_66(world, NOV_1)
    world.provider_user.preferred_language = "es"
    world.provider_user.save(update_fields=["preferred_language"])
    shown = call("get", f"/violations/{violation.pk}", token(world.provider_user))
    assert shown["outcome"].startswith("Esta es la infracción número 1.")


def test_county_staff_see_their_countys_violations_and_no_one_elses(
    world, la_staff, fresno_staff, service_desk, state_admin
):
    violation = over_66(world, NOV_1)
    for user in (la_staff, state_admin):
        assert [v["id"] for v in call("get", "/violations", token(user))["results"]] == [
            violation.pk
        ]
    desk = token(service_desk, READ)
    assert call("get", f"/violations/{violation.pk}", desk)["actions"] == []
    county = call("get", "/violations", token(la_staff))
    assert county["barred_until"] is None
    assert call("get", "/violations", token(fresno_staff))["results"] == []
    call("get", f"/violations/{violation.pk}", token(fresno_staff), status=404)
    other = cast.make_user("other", Role.PROVIDER, provider=cast.make_active_provider())
    assert call("get", "/violations", token(other))["results"] == []
    call("get", f"/violations/{violation.pk}", token(other), status=404)
    call("get", "/violations/999999", token(la_staff), status=404)


def test_a_recipient_is_told_of_a_violation_but_does_not_browse_them(world):
    violation = over_66(world, NOV_1)
    phone = token(world.recipient_users[0])
    refused = call("get", "/violations", phone, status=403)
    assert refused["detail"] == (
        "Work-hour violations are for providers, county staff, the service desk and state "
        "administrators."
    )
    call("get", f"/violations/{violation.pk}", phone, status=403)  # 403 before 404


def test_county_staff_record_a_dispute_and_the_decision_that_cancels_the_violation(world, la_staff):
    violation = over_66(world, NOV_1)
    county = token(la_staff)
    path = f"/violations/{violation.pk}"
    late = call("post", f"{path}/dispute", county, {"filed_on": "2026-12-01"}, status=422)
    assert late["detail"][0]["loc"] == ["body", "data", "filed_on"]
    assert late["detail"][0]["msg"] == "The dispute came after its last day (Nov. 30, 2026)."
    early = call("post", f"{path}/dispute", county, {"filed_on": "2026-11-19"}, status=422)
    assert early["detail"][0]["msg"] == "A dispute cannot come before the notice."
    call("post", f"{path}/dispute", county, {"filed_on": "30 Nov"}, status=422)

    filed = call("post", f"{path}/dispute", county, {"filed_on": "2026-11-24"})
    assert (filed["dispute"], filed["dispute_filed_on"]) == ("filed", "2026-11-24")
    assert filed["actions"] == ["dispute_decision"]
    again = call("post", f"{path}/dispute", county, {"filed_on": "2026-11-25"}, status=409)
    assert again == {
        "detail": "A dispute was already recorded for this violation.",
        "problems": [],
    }

    decision = f"{path}/dispute-decision"
    blank = call("post", decision, county, {"upheld": True, "reason": "  "}, status=422)
    assert blank["detail"][0]["msg"] == (
        "Give the reason for the decision; it is kept in the history."
    )
    reason = "The hours were entered twice."
    upheld = call("post", decision, county, {"upheld": True, "reason": reason})
    assert (upheld["dispute"], upheld["dispute_note"], upheld["actions"]) == (
        "upheld",
        reason,
        [],
    )
    assert upheld["dispute_label"] == "Dispute upheld: the violation is cancelled"
    twice = call("post", decision, county, {"upheld": False, "reason": "No."}, status=409)
    assert twice["detail"] == "No dispute is waiting for a decision."
    violation.refresh_from_db()
    assert violation.overturned and not violation.stands
    assert [e.action for e in audit.trail(violation).order_by("id")] == [
        "violation.recorded",
        "violation.dispute_filed",
        "violation.dispute_decided",
    ]


def test_a_denied_dispute_leaves_the_violation_standing(world, state_admin):
    violation = over_66(world, NOV_1)
    state = token(state_admin)
    path = f"/violations/{violation.pk}"
    call("post", f"{path}/dispute", state, {"filed_on": "2026-11-20"})
    denied = call(
        "post", f"{path}/dispute-decision", state, {"upheld": False, "reason": "Hours are right."}
    )
    assert denied["dispute"] == "denied"
    violation.refresh_from_db()
    assert violation.stands


def test_the_training_removes_a_second_violation_once_when_finished_in_time(world, la_staff):
    first = over_66(world, dt.date(2026, 9, 6))
    second = over_66(world, NOV_1)
    county = token(la_staff)
    path = f"/violations/{second.pk}"
    shown = call("get", path, county)
    assert second.training_due is not None
    assert shown["consequence"] == "notice_with_training"
    assert shown["training_due"] == second.training_due.isoformat()
    assert shown["actions"] == ["dispute", "training"]

    overdue = (second.training_due + dt.timedelta(days=1)).isoformat()
    late = call("post", f"{path}/training", county, {"completed_on": overdue}, status=422)
    assert late["detail"][0]["loc"] == ["body", "data", "completed_on"]
    assert late["detail"][0]["msg"] == (
        "The training cancels only a second violation, once in a career, when finished by "
        "its due date."
    )
    done = call("post", f"{path}/training", county, {"completed_on": "2026-11-25"})
    assert (done["rescinded"], done["training_completed_on"]) == (True, "2026-11-25")
    assert done["actions"] == ["dispute"]
    again = call("post", f"{path}/training", county, {"completed_on": "2026-11-25"}, status=409)
    assert again["detail"].startswith("The training cancels only a second violation")
    # A first violation is offered no training: 409, whatever the date.
    call("post", f"/violations/{first.pk}/training", county, {"completed_on": "2026-11-25"}, 409)


def test_only_the_providers_county_or_the_state_record_steps_on_a_violation(
    world, la_staff, fresno_staff, service_desk, state_admin
):
    violation = over_66(world, NOV_1)
    path = f"/violations/{violation.pk}/dispute"
    body = {"filed_on": "2026-11-20"}
    refused = call("post", path, token(world.provider_user), body, status=403)
    assert refused["detail"] == (
        "Only the county staff of the provider's county, or a state administrator, can "
        "record a dispute, its outcome or the training."
    )
    call("post", path, token(world.recipient_users[0]), body, status=403)
    call("post", path, token(fresno_staff), body, status=404)
    call("post", "/violations/999999/dispute", token(la_staff), body, status=404)
    reader = call("post", path, token(la_staff, READ), body, status=403)
    assert reader == {"detail": "This token does not have the timesheets:write scope."}
    desk = Client()
    desk.force_login(service_desk)
    answer = desk.post(f"{API}{path}", body, content_type="application/json")
    assert answer.status_code == 403
    assert Violation.objects.get().dispute == ""
    assert call("post", path, token(state_admin), body)["dispute"] == "filed"


@pytest.mark.parametrize("count", [1, 3])
def test_the_violation_list_costs_the_same_for_one_or_many(
    world, la_staff, count, django_assert_num_queries
):
    for month, sunday in [(11, 1), (10, 4), (9, 6)][:count]:
        over_66(world, dt.date(2026, month, sunday))
    for user, queries in [(la_staff, LIST_QUERIES), (world.provider_user, LIST_QUERIES + 1)]:
        phone = token(user)
        call("get", "/violations", phone)  # the first call notes when the token was used
        with django_assert_num_queries(queries):
            answer = Client().get(f"{API}/violations", headers=bearer(phone))
        assert len(answer.json()["results"]) == count


# The token with its owner, their memberships, the page; a provider's suspensions, once.
LIST_QUERIES = 3


# --- Exceptions to the weekly maximum -------------------------------------------------------


def exception(world, **fields) -> dict[str, object]:
    return {
        "case_number": world.recipients[0].case_number,
        "program": "IHSS",
        "month": "2026-11",
        "reason": "Unforeseen needs after a fall.",
        **fields,
    }


def test_county_staff_grant_an_exception_for_their_countys_recipient_only(
    world, la_staff, fresno_staff, state_admin
):
    elsewhere = call(
        "post", "/weekly-maximum-exceptions", token(fresno_staff), exception(world), status=422
    )
    assert elsewhere["detail"] == [
        {
            "type": "value_error",
            "loc": ["body", "data", "case_number"],
            "msg": "No recipient of your county has this case number.",
        }
    ]
    assert not WeeklyMaximumException.objects.exists()

    county = token(la_staff)
    granted = call("post", "/weekly-maximum-exceptions", county, exception(world), status=201)
    assert granted["recipient"] == {
        "case_number": world.recipients[0].case_number,
        "full_name": "Rosa Delgado",
        "county_code": "19",
    }
    assert (granted["program"], granted["month"], granted["provider"]) == (
        "IHSS",
        "2026-11-01",
        None,
    )
    assert (granted["reason"], granted["granted_by"]) == (
        "Unforeseen needs after a fall.",
        "la.staff",
    )
    stored = WeeklyMaximumException.objects.get()
    assert (stored.pk, stored.month, stored.granted_by) == (granted["id"], NOV_1, la_staff)
    assert audit.trail(world.recipients[0]).get().action == "timesheet.weekly_maximum_exception"

    for user, seen in [(la_staff, [granted]), (state_admin, [granted]), (fresno_staff, [])]:
        assert call("get", "/weekly-maximum-exceptions", token(user))["results"] == seen


def test_an_exception_for_one_provider_needs_one_assigned_to_the_recipient(world, state_admin):
    state = token(state_admin)
    path = "/weekly-maximum-exceptions"
    unknown = call("post", path, state, exception(world, provider_number="199999999"), 422)
    assert unknown["detail"][0]["loc"][-1] == "provider_number"
    assert unknown["detail"][0]["msg"] == "No provider has this number."
    stranger = cast.make_active_provider(first_name="Luis", last_name="Mora")
    unassigned = call(
        "post", path, state, exception(world, provider_number=stranger.provider_number), 422
    )
    assert unassigned["detail"][0]["loc"][-1] == "provider_number"
    assert unassigned["detail"][0]["msg"] == "This provider is not assigned to this recipient."
    assert not WeeklyMaximumException.objects.exists()
    mine = call(
        "post", path, state, exception(world, provider_number=world.provider.provider_number), 201
    )
    assert mine["provider"] == {
        "provider_number": world.provider.provider_number,
        "full_name": "Ana Reyes",
    }
    assert call("post", path, state, exception(world, provider_number=""), 201)["provider"] is None


@pytest.fixture
def past_the_maximum(world):
    """Rosa is authorized 100 h a month (25 h a week); Ana's week is 30 h for her and 15 h
    for Wei (as in test_exceptions.py)."""
    cast.authorize(world.recipients[0], 100 * H, start=NOV_1)
    world.fill(world.open(1, NOV_8), five_days(NOV_8, 3 * H))
    return world.fill(world.open(0, NOV_8), five_days(NOV_8, 6 * H))


def test_the_exception_granted_through_the_api_lets_the_week_be_sent(
    world, past_the_maximum, la_staff
):
    phone = token(world.provider_user)
    refused = call("post", f"/{past_the_maximum.pk}/submit", phone, status=409)
    assert [p["rule"] for p in refused["problems"]] == [rules.WEEKLY_MAXIMUM]
    body = exception(world, provider_number=world.provider.provider_number)
    call("post", "/weekly-maximum-exceptions", token(la_staff), body, status=201)
    assert call("post", f"/{past_the_maximum.pk}/submit", phone)["status"] == "submitted"


def test_a_wrong_month_or_no_reason_grants_nothing_and_says_why(world, la_staff):
    county = token(la_staff)
    path = "/weekly-maximum-exceptions"
    for month in ("2026-13", "11-2026", "2026-1", "2026/11"):
        wrong = call("post", path, county, exception(world, month=month, reason=" "), 422)
        assert [(e["loc"][-1], e["msg"]) for e in wrong["detail"]] == [
            ("month", "Enter the month as YYYY-MM, for example 2026-11."),
            ("reason", "Give the reason for the exception; it is kept in the history."),
        ]
    call("post", path, county, exception(world, program="PCSP"), status=422)
    call("post", path, county, exception(world, case_number="19"), status=422)
    assert not WeeklyMaximumException.objects.exists()


def test_only_county_staff_and_the_state_see_or_grant_exceptions(world, service_desk):
    path = "/weekly-maximum-exceptions"
    for user in (world.provider_user, world.recipient_users[0]):
        phone = token(user)
        refused = call("get", path, phone, status=403)
        assert refused["detail"] == (
            "Only county staff and state administrators see and grant exceptions to the "
            "weekly maximum."
        )
        call("post", path, phone, exception(world), status=403)
    call("get", path, token(service_desk, READ), status=403)
    assert not WeeklyMaximumException.objects.exists()


@pytest.mark.parametrize("count", [1, 4])
def test_the_exception_list_costs_the_same_for_one_or_many(
    world, la_staff, count, django_assert_num_queries
):
    county = token(la_staff)
    for i in range(count):
        body = exception(world, month=f"2026-{i + 1:02d}")
        if i % 2:
            body["provider_number"] = world.provider.provider_number
        call("post", "/weekly-maximum-exceptions", county, body, status=201)
    with django_assert_num_queries(LIST_QUERIES):
        answer = Client().get(f"{API}/weekly-maximum-exceptions", headers=bearer(county))
    months = [e["month"] for e in answer.json()["results"]]
    assert months == sorted(months, reverse=True) and len(months) == count


# --- The recipient's hours ------------------------------------------------------------------


def test_the_recipient_sees_authorized_against_used_hours_per_provider_and_week(world):
    other = cast.make_active_provider(first_name="Luis", last_name="Mora")
    cast.assign(other, world.recipients[0], 100 * H)
    other_user = cast.make_user("luis", Role.PROVIDER, provider=other)
    mine = world.fill(world.open(0, NOV_8), {NOV_8: 8 * H, NOV_8 + dt.timedelta(days=7): 2 * H})
    services.submit(timesheet=mine, by=world.provider_user)
    theirs = services.open_timesheet(
        provider=other, recipient=world.recipients[0], program="IHSS", day=NOV_8, by=other_user
    )
    services.save_week(
        timesheet=theirs,
        days={NOV_8: services.DayInput(3 * H, dt.time(18), dt.time(21), "home")},
        by=other_user,
    )
    services.submit(timesheet=theirs, by=other_user)
    world.fill(world.open(0, dt.date(2026, 11, 16)), {dt.date(2026, 11, 16): 5 * H})  # a draft

    answer = call("get", "/hours?month=2026-11", token(world.recipient_users[0]))
    sundays = ["2026-11-01", "2026-11-08", "2026-11-15", "2026-11-22", "2026-11-29"]

    def weeks(**minutes: int) -> list[dict[str, object]]:
        return [{"start": s, "minutes": minutes.get(f"nov{s[-2:]}", 0)} for s in sundays]

    assert answer == {
        "month": "2026-11-01",
        "tables": [
            {
                "recipient": {
                    "case_number": world.recipients[0].case_number,
                    "name": "Rosa Delgado",
                },
                "program": "IHSS",
                "month": "2026-11-01",
                "authorized_minutes": 283 * H,
                "weekly_maximum_minutes": 283 * H // 4,
                "month_total_minutes": 13 * H,
                "remaining_minutes": 270 * H,
                "weeks": [
                    {"start": s, "total_minutes": m}
                    for s, m in zip(sundays, [0, 11 * H, 2 * H, 0, 0], strict=True)
                ],
                "providers": [
                    {
                        "provider_number": other.provider_number,
                        "name": "Luis Mora",
                        "month_minutes": 3 * H,
                        "weeks": weeks(nov08=3 * H),
                    },
                    {
                        "provider_number": world.provider.provider_number,
                        "name": "Ana Reyes",
                        "month_minutes": 10 * H,
                        "weeks": weeks(nov08=8 * H, nov15=2 * H),
                    },
                ],
            }
        ],
    }


def test_the_hours_are_this_months_unless_another_is_asked_for(world):
    phone = token(world.recipient_users[1])
    now = call("get", "/hours", phone)
    assert now["month"] == "2026-11-01"
    [table] = now["tables"]
    assert (table["recipient"]["name"], table["month_total_minutes"]) == ("Wei Chen", 0)
    assert table["providers"] == [] and len(table["weeks"]) == 5
    before = call("get", "/hours?month=2025-02", phone)
    assert before["month"] == "2025-02-01"
    # February 1st, 2025 is a Saturday: its workweek started on January 26.
    assert before["tables"][0]["weeks"][0]["start"] == "2025-01-26"
    for month in ("2026-13", "2026-1", "11-2026", "2026-11-01", "nov"):
        wrong = call("get", f"/hours?month={month}", phone, status=422)
        assert wrong["detail"] == [
            {
                "type": "value_error",
                "loc": ["query", "month"],
                "msg": "Enter the month as YYYY-MM, for example 2026-11.",
            }
        ]


def test_only_recipients_and_their_representatives_see_their_hours(world, la_staff, state_admin):
    for user in (world.provider_user, la_staff, state_admin):
        refused = call("get", "/hours", token(user), status=403)
        assert refused["detail"] == (
            "Only recipients, and their authorized representatives, see their authorized and "
            "used hours here."
        )
    daughter = cast.make_user(
        "daughter", Role.RECIPIENT, recipient=world.recipients[2], is_representative=True
    )
    [table] = call("get", "/hours", token(daughter))["tables"]
    assert table["recipient"]["name"] == "Sam Okafor"


@pytest.mark.parametrize("count", [1, 3])
def test_the_hours_cost_the_same_for_one_or_many_recipients_and_providers(
    world, count, django_assert_num_queries
):
    representative = cast.make_user("rep", Role.RECIPIENT, recipient=world.recipients[0])
    for n in range(count):
        if n:
            Membership.objects.create(
                user=representative,
                role=Role.RECIPIENT,
                recipient=world.recipients[n],
                is_representative=True,
            )
        sheet = world.fill(
            world.open(n, NOV_8), {NOV_8 + dt.timedelta(days=i): H for i in range(n + 1)}
        )
        services.submit(timesheet=sheet, by=world.provider_user)
    phone = token(representative)
    call("get", "/hours", phone)
    with django_assert_num_queries(HOURS_QUERIES):
        answer = Client().get(f"{API}/hours?month=2026-11", headers=bearer(phone))
    tables = answer.json()["tables"]
    assert [t["month_total_minutes"] for t in tables] == [(n + 1) * H for n in range(count)]


# The token with its owner, their memberships, then the authorizations, the hours and
# their providers (services.recipient_hours).
HOURS_QUERIES = 5
