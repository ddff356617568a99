"""State administrators see and schedule program parameters in plain units."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from ihss.accounts.models import Role
from ihss.core import services
from ihss.core.models import AuditEvent, ProgramParameter
from ihss.test import at_once, county, make_provider, make_user

CAP = "multi_recipient_weekly_cap"
SHARE = "timesheet_random_hold_share"  # 50 bp in force


@pytest.fixture
def admin(db):
    return make_user("state", Role.STATE_ADMIN)


@pytest.fixture
def signed_in(client, admin):
    client.force_login(admin)
    client.admin = admin
    return client


def schedule(client, key, **data):
    values = {"effective_from": timezone.localdate().isoformat(), "reason": "New law"}
    values.update(data)
    return client.post(f"/parameters/{key}/new/", values)


def rows(key):
    return list(ProgramParameter.objects.filter(key=key).order_by("effective_from"))


def test_it_lists_every_parameter_in_plain_units(signed_in):
    page = signed_in.get("/parameters/").content.decode()
    assert "66 h" in page  # the multi-recipient weekly maximum, not 3960
    assert "70 h 45 min" in page or "70 h" in page
    assert "0.5 %" in page and "70 %" in page  # basis points as percent
    assert ProgramParameter.objects.get(key=CAP).description in page


def test_the_state_home_shows_the_parameters_in_force_in_plain_units(signed_in):
    later = timezone.localdate() + dt.timedelta(days=30)
    services.schedule_parameter(
        actor=signed_in.admin,
        key=CAP,
        value=61 * 60,
        effective_from=later,
        reason="New law",
        today=timezone.localdate(),
    )
    page = signed_in.get("/state/").content.decode()
    assert "66 h" in page and "0.5 %" in page
    assert "3960" not in page and "basis points" not in page
    assert "61 h" not in page  # only what is in force today; the schedule is on its page
    assert 'href="/parameters/"' in page


def test_it_speaks_spanish_with_a_decimal_comma(signed_in):
    with translation.override("es"):
        page = signed_in.get("/parameters/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "0,5 %" in page


@pytest.mark.parametrize("role", [Role.COUNTY_STAFF, Role.SERVICE_DESK, Role.PROVIDER])
def test_it_is_only_for_state_administrators(client, db, role):
    scope: dict[str, Any] = {}
    if role == Role.COUNTY_STAFF:
        scope["county"] = county("19")
    elif role == Role.PROVIDER:
        scope["provider"] = make_provider()
    client.force_login(make_user("someone", role, **scope))
    for path in ["/parameters/", f"/parameters/{CAP}/", f"/parameters/{CAP}/new/"]:
        assert client.get(path).status_code == 403, path
    assert schedule(client, CAP, hours="60").status_code == 403
    assert len(rows(CAP)) == 1


def test_an_unknown_parameter_is_not_found(signed_in):
    assert signed_in.get("/parameters/no_such_key/").status_code == 404
    assert schedule(signed_in, "no_such_key", number="1").status_code == 404


def test_it_schedules_hours_and_minutes_and_keeps_who_and_why(signed_in, admin):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    answer = schedule(signed_in, CAP, hours="60", minutes="30", effective_from=tomorrow.isoformat())
    assert answer.status_code == 302
    new = rows(CAP)[-1]
    assert (new.value, new.effective_from, new.unit) == (60 * 60 + 30, tomorrow, "minutes")
    event = AuditEvent.objects.get(action=services.SCHEDULED)
    assert event.actor == admin and event.reason == "New law"
    before, after = event.before or {}, event.after or {}
    assert before["value"] == "66 h" and after["value"] == "60 h 30 min"
    page = signed_in.get(f"/parameters/{CAP}/").content.decode()
    assert "60 h 30 min" in page and "New law" in page and "state" in page
    assert "Scheduled" in page  # not yet in force
    listing = signed_in.get("/parameters/").content.decode()
    assert "60 h 30 min" in listing  # among the scheduled values


@pytest.mark.parametrize(
    "typed, stored",
    [("0.25", 25), ("0,5", 50), ("12", 1200), ("150.5 %", 15050), ("0", 0)],
)
def test_it_reads_a_percent_into_whole_basis_points(signed_in, typed, stored):
    assert schedule(signed_in, SHARE, percent=typed).status_code == 302
    assert rows(SHARE)[-1].value == stored


@pytest.mark.parametrize("typed", ["0.125", "abc", "-1", "NaN", "Infinity", "1e400", "5000"])
def test_it_refuses_a_percent_it_cannot_store_exactly(signed_in, typed):
    answer = schedule(signed_in, SHARE, percent=typed)
    assert answer.status_code == 200
    assert 'id="form-errors"' in answer.content.decode()
    assert len(rows(SHARE)) == 1


def test_it_refuses_a_day_in_the_past_and_says_why(signed_in):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    answer = schedule(signed_in, CAP, hours="60", effective_from=yesterday.isoformat())
    page = answer.content.decode()
    assert answer.status_code == 200 and "today or a later day" in page
    assert 'href="#id_effective_from"' in page  # the summary links to the field
    assert len(rows(CAP)) == 1


def test_it_needs_a_reason(signed_in):
    answer = schedule(signed_in, CAP, hours="60", reason="   ")
    assert answer.status_code == 200 and 'href="#id_reason"' in answer.content.decode()
    assert len(rows(CAP)) == 1


def test_the_same_value_sent_twice_is_scheduled_once(signed_in):
    assert schedule(signed_in, CAP, hours="60").status_code == 302
    assert schedule(signed_in, CAP, hours="60").status_code == 302
    assert len(rows(CAP)) == 2
    assert AuditEvent.objects.filter(action=services.SCHEDULED).count() == 1


def test_another_value_for_a_day_already_set_is_refused(signed_in):
    assert schedule(signed_in, CAP, hours="60").status_code == 302
    answer = schedule(signed_in, CAP, hours="62")
    assert answer.status_code == 200
    assert "already has the value 60 h from that day" in answer.content.decode()
    assert [r.value for r in rows(CAP)] == [66 * 60, 60 * 60]


def test_the_service_refuses_the_past_itself(admin):
    today = dt.date(2026, 12, 4)
    with pytest.raises(services.ParameterRefused):
        services.schedule_parameter(
            actor=admin,
            key=CAP,
            value=60,
            effective_from=today - dt.timedelta(days=1),
            reason="x",
            today=today,
        )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_identical_submissions_at_the_same_moment_make_one_row():
    admin = make_user("state", Role.STATE_ADMIN)
    today = timezone.localdate()

    def send(value):
        return lambda: services.schedule_parameter(
            actor=admin, key=CAP, value=value, effective_from=today, reason="x", today=today
        )

    assert at_once([send(3600), send(3600)]) == [None, None]
    assert len(rows(CAP)) == 2
    assert AuditEvent.objects.filter(action=services.SCHEDULED).count() == 1

    tomorrow = today + dt.timedelta(days=1)

    def send_on(value):
        return lambda: services.schedule_parameter(
            actor=admin, key=CAP, value=value, effective_from=tomorrow, reason="x", today=today
        )

    errors = at_once([send_on(3000), send_on(3100)])
    assert sorted(type(e).__name__ for e in errors) == ["NoneType", "ParameterRefused"]
    assert len(rows(CAP)) == 3
