"""Payroll runs through /api/v1/pay/runs: a state administrator's token starts, follows,
approves and issues a run; repeats change nothing; anyone else is refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from ihss.accounts import services as account_services
from ihss.payroll.models import Payment, PayrollRun
from ihss.payroll.tests.factories import H, fixed_rate, provider_with, timesheet

pytestmark = pytest.mark.django_db
API = "/api/v1/pay"
TODAY = dt.datetime(2026, 12, 20, 10, 0, tzinfo=dt.UTC)


def bearer(user, *scopes: str) -> dict[str, str]:
    made = account_services.create_token(
        user=user, name="Script", scopes=list(scopes or ["pay:read", "pay:write"]), days=30
    )
    return {"Authorization": f"Bearer {made.text}"}


def post(path: str, headers: dict[str, str], body: dict[str, object] | None = None):
    return Client().post(
        f"{API}{path}", data=json.dumps(body or {}), content_type="application/json",
        headers=headers,
    )  # fmt: skip


@time_machine.travel(TODAY, tick=False)
def test_an_administrator_runs_a_period_through_the_api_and_repeats_change_nothing(state_admin):
    fixed_rate("19", 2000)
    provider, (a,) = provider_with(1)
    timesheet(provider, a, {dt.date(2026, 12, 2): 5 * H})
    headers = bearer(state_admin)

    started = post("/runs", headers, {"period_start": "2026-12-01"})
    assert started.status_code == 200
    run = started.json()
    assert run["status"] == "calculated" and run["gross_cents"] == 10000
    assert post("/runs", headers, {"period_start": "2026-12-01"}).json()["id"] == run["id"]

    detail = Client().get(f"{API}/runs/{run['id']}", headers=headers).json()
    assert detail["by_kind"] == [
        {"kind": "hours", "part": "regular", "minutes": 5 * H, "cents": 10000}
    ]
    assert post(f"/runs/{run['id']}/approve", headers).json()["status"] == "approved"
    assert post(f"/runs/{run['id']}/approve", headers).json()["status"] == "approved"
    issued = post(f"/runs/{run['id']}/issue", headers).json()
    assert issued["status"] == "issued" and issued["pay_date"] == "2026-12-21"
    again = post(f"/runs/{run['id']}/issue", headers).json()
    assert again == issued and Payment.objects.count() == 1


@time_machine.travel(TODAY, tick=False)
def test_refusals_say_what_is_wrong(state_admin):
    headers = bearer(state_admin)
    not_ended = post("/runs", headers, {"period_start": "2026-12-16"})
    assert not_ended.status_code == 422
    assert "can be paid from the day after" in json.dumps(not_ended.json())
    assert post("/runs", headers, {"period_start": "2026-12-03"}).status_code == 422
    run = PayrollRun.objects.create(
        period_start=dt.date(2026, 11, 16), period_end=dt.date(2026, 11, 30)
    )
    early = post(f"/runs/{run.pk}/approve", headers)
    assert early.status_code == 409 and early.json()["code"] == "not_calculated"
    assert Client().get(f"{API}/runs/99999999999999999999", headers=headers).status_code == 422
    assert Client().get(f"{API}/runs/424242", headers=headers).status_code == 404


def test_only_state_administrators_run_payroll(provider_user, service_desk):
    for user in (provider_user, service_desk):
        answer = Client().get(f"{API}/runs", headers=bearer(user, "pay:read"))
        assert answer.status_code == 403


def test_a_period_at_the_end_of_the_calendar_is_refused_not_a_crash(state_admin):
    headers = bearer(state_admin)
    for day in ("9999-12-16", "0001-01-01"):
        assert post("/runs", headers, {"period_start": day}).status_code == 422
