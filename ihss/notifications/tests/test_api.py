"""The messages API: a person's own notices and settings, CSRF on changes, fixed queries."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from ihss import test as cast
from ihss.notifications import services
from ihss.notifications.events import SPECS, Category, Event, offered_to
from ihss.notifications.models import ContactSettings, Notification, Preference
from ihss.notifications.rendering import render_notice

pytestmark = pytest.mark.django_db

API = "/api/v1/messages"
_keys = itertools.count(1)


def _notice(user, event=Event.PAYMENT_ISSUED, link="/messages/"):
    return services.notify(
        user=user, event=event, context=SPECS[event].sample, key=f"k{next(_keys)}", link=link
    )


def _call(client, method, path, status=200, **kwargs):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status, (path, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def _get(client, path, status=200, **params):
    return _call(client, "get", path, status, data=params)


def _post(client, path, status=200):
    return _call(client, "post", path, status)


def _put(client, path, body, status=200):
    return _call(client, "put", path, status, data=body, content_type="application/json")


def _when(value):
    """A time as the API writes it: ISO 8601 to the millisecond."""
    return dt.datetime.fromisoformat(value)


def _ms(moment):
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _ids(page):
    return [m["id"] for m in page["results"]]


@pytest.fixture
def person(db):
    return cast.make_user("ana.reyes")


@pytest.fixture
def provider_person(db):
    return cast.make_user("ana.provider", "provider", provider=cast.make_active_provider())


@pytest.fixture
def someone_else(db):
    return cast.make_user("wei.chen")


# --- Who may call -------------------------------------------------------------------------


def test_strangers_get_401_on_every_endpoint(client, person):
    mine = _notice(person)
    for method, path in [
        ("get", f"{API}/"),
        ("get", f"{API}/unread-count/"),
        ("get", f"{API}/{mine.pk}"),
        ("post", f"{API}/{mine.pk}/read"),
        ("post", f"{API}/{mine.pk}/unread"),
        ("get", f"{API}/preferences/"),
        ("put", f"{API}/preferences/"),
    ]:
        assert _call(client, method, path, status=401) == {"detail": "Unauthorized"}


@pytest.mark.parametrize("who", ["provider_user", "recipient_user", "la_staff", "state_admin"])
def test_every_signed_in_role_reads_its_own_messages(request, signed_in, who):
    user = request.getfixturevalue(who)
    mine = _notice(user)
    assert _ids(_get(signed_in(user), f"{API}/")) == [mine.pk]


def test_a_person_sees_only_their_own_messages(signed_in, person, someone_else):
    mine = _notice(person)
    theirs = _notice(someone_else)
    client = signed_in(person)
    assert _ids(_get(client, f"{API}/")) == [mine.pk]
    assert _get(client, f"{API}/unread-count/") == {"unread": 1}
    # Another person's message is not found, exactly like one that does not exist.
    for action in ("read", "unread"):
        assert _post(client, f"{API}/{theirs.pk}/{action}", status=404) == {"detail": "Not Found"}
        _post(client, f"{API}/999999/{action}", status=404)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_malformed_message_id_or_page_is_refused(signed_in, person):
    client = signed_in(person)
    _post(client, f"{API}/abc/read", status=422)
    _get(client, f"{API}/", status=422, page=0)
    _get(client, f"{API}/", status=422, unread="maybe")


def test_changing_calls_need_the_csrf_token_of_the_session(person):
    """The session cookie alone could be sent by another site: POST and PUT need the token."""
    mine = _notice(person)
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    _get(client, f"{API}/")  # reading needs no token
    assert _post(client, f"{API}/{mine.pk}/read", status=403) == {"detail": "CSRF check Failed"}
    assert _put(client, f"{API}/preferences/", {"choices": {}}, status=403) == {
        "detail": "CSRF check Failed"
    }
    mine.refresh_from_db()
    assert mine.read_at is None

    token = "a" * 32  # what the csrftoken cookie holds; forms and scripts send it back
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    read = _call(client, "post", f"{API}/{mine.pk}/read", HTTP_X_CSRFTOKEN=token)
    assert read["read"] is True
    _call(
        client,
        "put",
        f"{API}/preferences/",
        data={"choices": {}},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )


# --- Messages -----------------------------------------------------------------------------


def test_a_message_is_written_out_with_its_link_and_read_state(signed_in, person):
    notice = _notice(person, Event.TIMESHEET_APPROVED, link="/timesheets/")
    expected = render_notice("timesheet_approved", SPECS["timesheet_approved"].sample, "en")
    page = _get(signed_in(person), f"{API}/")
    assert (page["page"], page["page_size"], page["has_next"]) == (1, 50, False)
    [message] = page["results"]
    created_at = message.pop("created_at")
    assert _when(created_at) == _ms(notice.created_at)
    assert message == {
        "id": notice.pk,
        "event": "timesheet_approved",
        "event_label": "Timesheet approved",
        "subject": expected.subject,
        "message": expected.message,
        "link": "/timesheets/",
        "read": False,
        "read_at": None,
    }
    assert "Rosa Delgado" in message["subject"] + message["message"]


def test_messages_come_newest_first_in_pages_of_fifty(signed_in, person):
    older = _notice(person)
    with time_machine.travel(timezone.now() - dt.timedelta(days=3)):
        oldest = _notice(person)  # raised later, dated earlier: order is by date
    newer = [_notice(person) for _ in range(49)]
    client = signed_in(person)
    first = _get(client, f"{API}/")
    second = _get(client, f"{API}/", page=2)
    assert (len(first["results"]), first["has_next"]) == (50, True)
    assert _ids(first) == [n.pk for n in reversed(newer)] + [older.pk]
    assert (_ids(second), second["has_next"], second["page"]) == ([oldest.pk], False, 2)
    assert _get(client, f"{API}/", page=3)["results"] == []


def test_the_unread_filter_leaves_out_what_was_read(signed_in, person):
    read, unread = _notice(person), _notice(person)
    services.mark_read(read)
    client = signed_in(person)
    assert _ids(_get(client, f"{API}/", unread="true")) == [unread.pk]
    assert _ids(_get(client, f"{API}/", unread="false")) == [unread.pk, read.pk]


def test_marking_read_lowers_the_unread_count(signed_in, person):
    first, _second = _notice(person), _notice(person)
    client = signed_in(person)
    assert _get(client, f"{API}/unread-count/") == {"unread": 2}
    before = timezone.now()
    body = _post(client, f"{API}/{first.pk}/read")
    assert body["id"] == first.pk and body["read"] is True
    assert _when(body["read_at"]) >= _ms(before)
    assert _get(client, f"{API}/unread-count/") == {"unread": 1}
    first.refresh_from_db()
    assert _ms(first.read_at) == _when(body["read_at"])


def test_getting_one_message_does_not_mark_it_read_only_posting_read_does(
    signed_in, person, someone_else
):
    mine, theirs = _notice(person), _notice(someone_else)
    client = signed_in(person)
    body = _get(client, f"{API}/{mine.pk}")
    assert (body["id"], body["read"], body["read_at"]) == (mine.pk, False, None)
    assert body["subject"] and body["message"]
    assert _get(client, f"{API}/unread-count/") == {"unread": 1}
    mine.refresh_from_db()
    assert mine.read_at is None
    _post(client, f"{API}/{mine.pk}/read")
    assert _get(client, f"{API}/{mine.pk}")["read"] is True
    # Another person's message is not found, exactly like one that does not exist.
    assert _get(client, f"{API}/{theirs.pk}", status=404) == {"detail": "Not Found"}
    _get(client, f"{API}/99999999999999999999", status=404)


def test_the_settings_refusal_is_published_in_both_its_shapes(signed_in, person):
    """A refused choice answers a sentence, a malformed body ninja's list of fields: the
    OpenAPI description says both (it said a string only, so clients broke on the list)."""
    client = signed_in(person)
    sentence = _put(client, f"{API}/preferences/", {"choices": {"payment_issued": "sms"}}, 422)
    listed = _put(client, f"{API}/preferences/", {}, status=422)
    assert isinstance(sentence["detail"], str) and isinstance(listed["detail"], list)
    described = _get(client, "/api/v1/openapi.json")
    refusal = described["components"]["schemas"]["Refusal"]["properties"]["detail"]
    assert {shape["type"] for shape in refusal["anyOf"]} == {"string", "array"}


def test_reading_twice_keeps_the_time_it_was_first_read(signed_in, person):
    notice = _notice(person)
    client = signed_in(person)
    first = _post(client, f"{API}/{notice.pk}/read")
    again = _post(client, f"{API}/{notice.pk}/read")
    assert again["read_at"] == first["read_at"]
    assert _get(client, f"{API}/unread-count/") == {"unread": 0}


def test_marking_unread_raises_the_unread_count_again(signed_in, person):
    notice = _notice(person)
    services.mark_read(notice)
    client = signed_in(person)
    assert _get(client, f"{API}/unread-count/") == {"unread": 0}
    body = _post(client, f"{API}/{notice.pk}/unread")
    assert (body["read"], body["read_at"]) == (False, None)
    assert _get(client, f"{API}/unread-count/") == {"unread": 1}
    assert _ids(_get(client, f"{API}/", unread="true")) == [notice.pk]


# Every request loads the session and the person, and saves the session again (in a
# savepoint: three queries).
OVERHEAD = 5


@pytest.mark.parametrize("size", [1, 60])
def test_the_list_costs_a_fixed_number_of_queries(
    signed_in, person, someone_else, django_assert_num_queries, size
):
    events = itertools.cycle(SPECS)
    for _ in range(size):
        _notice(person, next(events))
    _notice(someone_else)
    client = signed_in(person)
    # One query for the page (or the count): nothing per message, on either filter.
    with django_assert_num_queries(OVERHEAD + 1):
        body = _get(client, f"{API}/")
    assert len(body["results"]) == min(size, 50)
    with django_assert_num_queries(OVERHEAD + 1):
        _get(client, f"{API}/", unread="true")
    with django_assert_num_queries(OVERHEAD + 1):
        _get(client, f"{API}/unread-count/")


# --- Notice settings ----------------------------------------------------------------------


def _settings(client):
    return {p["event"]: p for p in _get(client, f"{API}/preferences/")}


def test_the_settings_list_every_notice_with_its_category_and_choice(signed_in, provider_person):
    Preference.objects.create(user=provider_person, event=Event.TIMESHEET_APPROVED, choice="none")
    listed = _get(signed_in(provider_person), f"{API}/preferences/")
    # Email-only answers have no choice, and notices nothing sends yet are not offered.
    assert [p["event"] for p in listed] == list(offered_to({"provider"}))
    by_event = {p["event"]: p for p in listed}
    assert by_event["violation_notice"] == {
        "event": "violation_notice",
        "label": "Violation notice",
        "category": Category.PROGRAM.value,
        "required": True,
        "choice": "email",
    }
    assert by_event["timesheet_approved"]["choice"] == "none"
    assert by_event["timesheet_approved"]["required"] is False
    assert {e for e, p in by_event.items() if p["required"]} == {
        e for e, spec in offered_to({"provider"}).items() if spec.required
    }


def test_a_person_changes_how_a_notice_reaches_them(signed_in, provider_person):
    client = signed_in(provider_person)
    body = _put(client, f"{API}/preferences/", {"choices": {"timesheet_approved": "none"}})
    assert {p["event"]: p["choice"] for p in body}["timesheet_approved"] == "none"
    assert _settings(client)["timesheet_approved"]["choice"] == "none"
    assert services.preferences_of(provider_person)["timesheet_approved"] == "none"
    # The change is told to the person, in their messages.
    assert [m["event"] for m in _get(client, f"{API}/")["results"]] == ["preferences_changed"]


def test_a_required_notice_cannot_be_switched_off_through_the_api(signed_in, provider_person):
    client = signed_in(provider_person)
    body = _put(
        client,
        f"{API}/preferences/",
        {"choices": {"timesheet_approved": "none", "violation_notice": "none"}},
        status=422,
    )
    assert body == {
        "detail": "“Violation notice” cannot be switched off; choose email, text or both."
    }
    assert not Preference.objects.filter(user=provider_person).exists()  # nothing at all was saved
    assert _settings(client)["violation_notice"]["choice"] == "email"


def test_texts_need_a_confirmed_mobile_number(signed_in, provider_person):
    client = signed_in(provider_person)
    body = _put(client, f"{API}/preferences/", {"choices": {"violation_notice": "sms"}}, status=422)
    assert body == {"detail": "Add and confirm a mobile number before choosing text messages."}
    ContactSettings.objects.create(
        user=provider_person, mobile_number="+15305550123", mobile_verified_at=timezone.now()
    )
    _put(client, f"{API}/preferences/", {"choices": {"violation_notice": "both"}})
    assert _settings(client)["violation_notice"]["choice"] == "both"


def test_an_unknown_notice_or_way_is_refused_with_the_field_at_fault(signed_in, person):
    client = signed_in(person)
    for choices in ({"no_such_notice": "email"}, {"payment_issued": "pigeon"}):
        body = _put(client, f"{API}/preferences/", {"choices": choices}, status=422)
        assert body["detail"][0]["loc"][:3] == ["body", "data", "choices"]
    _put(client, f"{API}/preferences/", {}, status=422)
    assert not Preference.objects.filter(user=person).exists()


def test_saving_the_same_settings_changes_nothing_and_tells_no_one(signed_in, provider_person):
    client = signed_in(provider_person)
    _put(client, f"{API}/preferences/", {"choices": {"violation_notice": "email"}})
    assert not Notification.objects.filter(user=provider_person).exists()
    assert not Preference.objects.filter(user=provider_person).exists()


def test_the_settings_list_only_the_notices_of_the_persons_roles_that_are_sent(
    signed_in, provider_person, person
):
    listed = [p["event"] for p in _get(signed_in(provider_person), f"{API}/preferences/")]
    assert "timesheet_approved" in listed and "payment_issued" in listed
    assert "class_reminder" in listed and "incentive_earned" in listed
    # Travel claim notices: nothing sends them yet. A recipient's: not hers.
    for event in ["travel_claim_not_paid", "timesheet_ready_for_review"]:
        assert event not in listed
    # Someone with no provider or recipient role is offered only their account's notices.
    listed = _get(signed_in(person), f"{API}/preferences/")
    assert {p["category"] for p in listed} == {Category.SECURITY.value}
