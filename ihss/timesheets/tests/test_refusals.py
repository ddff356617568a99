"""One way to refuse (ihss/core/refusals.py): a service's refusal names the field it is
about, the form and the API show it there, and a typed day is checked once for both."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from ihss.core.refusals import ServiceRefused
from ihss.timesheets import services
from ihss.timesheets.forms import DayForm
from ihss.timesheets.tests.conftest import H
from ihss.timesheets.tests.test_api import call, day, token
from ihss.timesheets.tests.test_rule_defects import new_parameter

NOV_1 = dt.date(2026, 11, 1)
NOV_8 = dt.date(2026, 11, 8)


def test_the_api_holds_a_day_to_the_daily_cap_in_force_as_the_form_does(world):
    new_parameter("daily_cap", 20 * H, NOV_1)
    sheet = world.open(0, dt.date(2026, 11, 16))
    typed = day(dt.date(2026, 11, 17), 21 * H, "00:00", "23:00")

    with translation.override("en"):
        answer = call(
            "put",
            f"/{sheet.pk}/weeks/2026-11-15",
            token(world.provider_user),
            {"days": [typed]},
            status=422,
        )
        form = DayForm(
            {
                "2026-11-17-hours": 21,
                "2026-11-17-minutes": 0,
                "2026-11-17-start": "00:00",
                "2026-11-17-end": "23:00",
                "2026-11-17-location": "home",
            },
            day=dt.date(2026, 11, 17),
        )
        assert not form.is_valid()

    [error] = answer["detail"]
    assert (error["loc"][-1], error["msg"]) == ("minutes", "A day has only 20 h.")
    assert form.errors["hours"] == [error["msg"]]  # the form says it at the hours typed
    assert not sheet.days.exists()


def test_a_blank_day_with_times_is_refused_at_its_start_time(world):
    form = DayForm({"2026-11-03-start": "08:00"}, day=dt.date(2026, 11, 3))
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["start"] == ["Enter the hours worked, or clear the start and end times."]


def test_a_service_refusal_names_its_field_and_whether_it_is_the_input_or_the_state(world):
    sheet = services.submit(
        timesheet=world.fill(world.open(0, NOV_8), {NOV_8: 2 * H}), by=world.provider_user
    )
    recipient = world.recipient_users[0]
    with pytest.raises(ServiceRefused) as empty:
        services.reject(timesheet=sheet, by=recipient, reason="  ")
    assert (empty.value.field, empty.value.status) == ("reason", 422)

    services.approve(timesheet=sheet, by=recipient, signature=sheet.recipient.full_name)
    with pytest.raises(ServiceRefused) as decided:
        services.reject(timesheet=sheet, by=recipient, reason="Wrong hours.")
    assert (decided.value.field, decided.value.status) == (None, 409)
    assert isinstance(decided.value, services.TimesheetError)


def test_the_api_answers_a_return_without_a_reason_at_the_reason_from_the_service(world):
    sheet = services.submit(
        timesheet=world.fill(world.open(0, NOV_8), {NOV_8: 2 * H}), by=world.provider_user
    )
    bearer = token(world.recipient_users[0])
    with translation.override("en"):
        answer = call("post", f"/{sheet.pk}/return", bearer, {"reason": " "}, status=422)
    [error] = answer["detail"]
    assert error["loc"] == ["body", "data", "reason"]
    assert error["msg"] == "Say what is wrong, so the provider can correct it."
