"""The Career Pathways API: a provider registers, cancels and confirms training time with a
token; training provider staff record attendance, all rows or none; scopes hold."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from ihss import test as cast
from ihss.accounts import services as account_services
from ihss.accounts.models import Role
from ihss.training.models import Attendance, ClassSession, Registration, TrainingClaim
from ihss.training.tests.factories import account_of, class_of, enrolled_provider, live_course

pytestmark = pytest.mark.django_db
API = "/api/v1/training"
PACIFIC = ZoneInfo("America/Los_Angeles")
_names = itertools.count(1)


def bearer(user, *scopes):
    text = account_services.create_token(
        user=user, name=f"Phone {next(_names)}", scopes=list(scopes), days=30
    ).text
    return {"Authorization": f"Bearer {text}"}


def test_a_provider_registers_twice_and_gets_the_same_registration():
    ana = enrolled_provider("ana")
    session = class_of(live_course(), seats=1)
    headers = bearer(account_of(ana), "training:read", "training:write")

    first = Client().post(f"{API}/classes/{session.pk}/registrations", headers=headers)
    second = Client().post(f"{API}/classes/{session.pk}/registrations", headers=headers)
    listed = Client().get(f"{API}/registrations", headers=headers)

    assert first.status_code == second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["status"] == "registered"
    assert [r["id"] for r in listed.json()] == [first.json()["id"]]


def test_a_provider_still_enrolling_is_refused_with_a_reason():
    pending = cast.make_provider()
    user = cast.make_user("new", Role.PROVIDER, provider=pending)
    session = class_of(live_course())

    answer = Client().post(
        f"{API}/classes/{session.pk}/registrations", headers=bearer(user, "training:write")
    )

    assert answer.status_code == 409
    assert answer.json()["code"] == "enrollment_not_complete"


def test_a_read_only_token_cannot_register():
    ana = enrolled_provider("ana")
    session = class_of(live_course())
    answer = Client().post(
        f"{API}/classes/{session.pk}/registrations",
        headers=bearer(account_of(ana), "training:read"),
    )
    assert answer.status_code == 403
    assert not Registration.objects.exists()


def test_cancelling_through_the_api_promotes_the_first_waiting():
    session = class_of(live_course(), seats=1)
    ana, ben = enrolled_provider("ana"), enrolled_provider("ben")
    headers = bearer(account_of(ana), "training:write")
    mine = Client().post(f"{API}/classes/{session.pk}/registrations", headers=headers).json()
    Client().post(
        f"{API}/classes/{session.pk}/registrations",
        headers=bearer(account_of(ben), "training:write"),
    )

    answer = Client().post(f"{API}/registrations/{mine['id']}/cancel", headers=headers)

    assert answer.json()["status"] == "cancelled"
    assert Registration.objects.get(provider=ben).status == "registered"


def test_nobody_cancels_someone_elses_registration():
    session = class_of(live_course())
    mine = (
        Client()
        .post(
            f"{API}/classes/{session.pk}/registrations",
            headers=bearer(account_of(enrolled_provider("ana")), "training:write"),
        )
        .json()
    )
    answer = Client().post(
        f"{API}/registrations/{mine['id']}/cancel",
        headers=bearer(account_of(enrolled_provider("ben")), "training:write"),
    )
    assert answer.status_code == 404


@pytest.mark.parametrize("bad", ["0", str(2**63), "-1"])
def test_impossible_keys_are_refused_not_crashed(bad):
    headers = bearer(account_of(enrolled_provider("ana")), "training:write")
    answer = Client().post(f"{API}/classes/{bad}/registrations", headers=headers)
    assert answer.status_code in (404, 422)


def _past_class() -> ClassSession:
    starts = dt.datetime(2026, 12, 5, 14, 0, tzinfo=PACIFIC)
    return ClassSession.objects.create(
        course=live_course(), starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
        language="en", capacity=5,
    )  # fmt: skip


@time_machine.travel(dt.datetime(2026, 12, 7, 9, tzinfo=PACIFIC), tick=False)
def test_staff_record_attendance_all_or_nothing_and_the_provider_confirms():
    staff = cast.make_user("academy", Role.TRAINING_PROVIDER, organization="Test Academy")
    session = _past_class()
    ana = enrolled_provider("ana")
    work = cast.assign(ana, cast.make_recipient(), 100 * 60)
    Registration.objects.create(
        provider=ana, course=session.course, session=session, status="registered",
        requested_at=session.starts_at - dt.timedelta(days=3),
    )  # fmt: skip
    headers = bearer(staff, "training:read", "training:write")
    url = f"{API}/classes/{session.pk}/attendance"

    bad = Client().put(
        url,
        {
            "rows": [
                {"provider_number": ana.provider_number, "minutes": 120},
                {"provider_number": "199999999", "minutes": 60},
            ]
        },  # fmt: skip
        content_type="application/json",
        headers=headers,
    )
    good = Client().put(
        url,
        {"rows": [{"provider_number": ana.provider_number, "minutes": 120}]},
        content_type="application/json",
        headers=headers,
    )
    roster = Client().get(f"{API}/classes/{session.pk}/roster", headers=headers).json()
    claim = TrainingClaim.objects.get()
    confirmed = Client().post(
        f"{API}/claims/{claim.pk}/confirm",
        {"assignment_id": work.pk},
        content_type="application/json",
        headers=bearer(account_of(ana), "training:write"),
    )

    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "data", "rows", 1]
    assert good.json() == {"recorded": 1}
    assert Attendance.objects.count() == 1
    assert roster[0]["minutes_attended"] == 120
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"


def test_a_provider_cannot_record_attendance():
    session = class_of(live_course())
    answer = Client().put(
        f"{API}/classes/{session.pk}/attendance",
        {"rows": [{"provider_number": "190000001", "minutes": 60}]},
        content_type="application/json",
        headers=bearer(account_of(enrolled_provider("ana")), "training:write"),
    )
    assert answer.status_code == 403


def test_the_catalog_needs_no_token_even_with_a_bad_one():
    assert Client().get(f"{API}/catalog").status_code == 200
