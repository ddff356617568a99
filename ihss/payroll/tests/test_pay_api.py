"""The pay API under /api/v1/pay/: paystubs with every line explained, the timeline and
the yearly statement; who may read them, and that no account number is ever whole."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

from ihss import test as cast
from ihss.accounts import services as account_services
from ihss.accounts.models import Role
from ihss.payroll.models import PayrollRun
from ihss.payroll.tests.paid import paid_provider

pytestmark = pytest.mark.django_db

API = "/api/v1/pay"


@pytest.fixture
def paid(la_provider):
    return paid_provider(la_provider)


_names = itertools.count(1)


def token(user, *scopes: str) -> str:
    return account_services.create_token(
        user=user, name=f"Phone {next(_names)}", scopes=list(scopes or ["pay:read"]), days=30
    ).text


def get(user, path: str, *scopes: str):
    return Client().get(f"{API}{path}", headers={"Authorization": f"Bearer {token(user, *scopes)}"})


def test_a_provider_lists_their_issued_stubs(provider_user, paid):
    answer = get(provider_user, "/stubs")
    assert answer.status_code == 200
    body = answer.json()
    assert [s["id"] for s in body["results"]] == [paid.second.pk, paid.first.pk]
    assert body["has_next"] is False and body["results"][1]["net_cents"] == 157944
    PayrollRun.objects.filter(pk=paid.second.run_id).update(status=PayrollRun.Status.CALCULATED)
    assert [s["id"] for s in get(provider_user, "/stubs").json()["results"]] == [paid.first.pk]


def test_a_stub_has_every_line_explained_and_accounts_masked(provider_user, paid):
    body = get(provider_user, f"/stubs/{paid.first.pk}").json()
    texts = [line["explanation"] for d in body["documents"] for line in d["lines"]]
    assert any(
        "43 h in the week of Dec. 6 across 3 recipients: 40 h regular, 3 h overtime at 1.5 × $20.00"
        in t
        for t in texts
    )
    overtime = [
        line for d in body["documents"] for line in d["lines"] if line["part"] == "overtime"
    ]
    assert [(o["minutes"], o["multiplier_bp"], o["cents"]) for o in overtime] == [
        (180, 15000, 9000)
    ]
    codes = {d["code"]: d for d in body["deductions"]}
    assert (
        codes["social_security"]["explanation"] == "Social Security: 6.2 % of $1,730.00 = $107.26."
    )
    assert codes["mystery_fund"]["explanation"] == "Deduction: $1.00."
    assert body["payments"][0]["account_last4"] == "1234"
    assert "trace" not in str(body["payments"][0])
    assert body["year_to_date"]["deductions"]["social_security"] == 10726
    assert body["documents"][0]["timeline"].startswith("/api/v1/pay/timeline/")


def test_the_timeline_and_the_statement(provider_user, paid):
    steps = get(provider_user, f"/timeline/timesheet/{paid.sheet_c.pk}").json()["steps"]
    labels = [s["label"] for s in steps]
    assert labels[:2] == ["Sent", "Approved by the recipient"]
    assert "Payment issued" in labels
    assert any(s["stub_id"] == paid.first.pk for s in steps)
    statement = get(provider_user, "/statements/2026").json()
    assert statement["gross_cents"] == 173000 and statement["stubs"] == 1
    assert {w["code"]: w["cents"] for w in statement["withheld"]}["social_security"] == 10726


def test_staff_read_a_providers_stubs_by_number_and_others_get_404(
    la_staff, fresno_staff, service_desk, paid
):
    number = paid.provider.provider_number
    for user in (la_staff, service_desk):
        assert get(user, f"/stubs?provider={number}").status_code == 200
        assert get(user, f"/stubs/{paid.first.pk}").status_code == 200
        assert get(user, f"/statements/2026?provider={number}").status_code == 200
    assert get(fresno_staff, f"/stubs?provider={number}").status_code == 404
    assert get(fresno_staff, f"/stubs/{paid.first.pk}").status_code == 404
    other = cast.make_user("other", Role.PROVIDER, provider=cast.make_active_provider())
    assert get(other, f"/stubs/{paid.first.pk}").status_code == 404
    assert get(other, f"/timeline/timesheet/{paid.sheet_c.pk}").status_code == 404


def test_malformed_parameters_answer_422_not_500(provider_user, paid):
    assert get(provider_user, "/stubs?page=0").status_code == 422
    assert get(provider_user, "/statements/99999").status_code == 422
    assert get(provider_user, f"/stubs/{2**70}").status_code == 422
    assert get(provider_user, "/timeline/nothing/1").status_code == 404
