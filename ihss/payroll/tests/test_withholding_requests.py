"""A provider asks for income tax withholding (and a family provider for SDI) on a page
that needs a recent confirmation; the next run withholds it; asking twice changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.core import stepup
from ihss.core.models import AuditEvent
from ihss.payroll.models import Paystub, WithholdingElection
from ihss.payroll.services import runs
from ihss.payroll.tests.factories import H, fixed_rate, provider_with, timesheet

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)


@pytest.fixture
def provider_client(client):
    provider, (a,) = provider_with(1)
    user = cast.make_user("asks.for.tax", Role.PROVIDER, provider=provider)
    client.force_login(user)
    session = client.session
    session[stepup.CONFIRMED_AT_KEY] = int(NOW.timestamp())
    session.save()
    return client, provider, a


@time_machine.travel(NOW, tick=False)
def test_a_provider_asks_for_income_tax_and_the_next_run_withholds_it(provider_client):
    client, provider, a = provider_client
    page = client.get("/pay/withholding/")
    assert page.status_code == 200 and "no income tax is withheld" in page.content.decode()
    done = client.post("/pay/withholding/", {"federal": "25.00", "state": "10.50"})
    assert done.status_code == 302
    election = WithholdingElection.objects.get()
    assert (election.federal_income_tax_cents, election.state_income_tax_cents) == (2500, 1050)
    client.post("/pay/withholding/", {"federal": "25", "state": "10.5"})
    assert WithholdingElection.objects.count() == 1
    assert AuditEvent.objects.filter(action="payroll.withholding_requested").count() == 1

    fixed_rate("19", 2000)
    timesheet(provider, a, {dt.date(2026, 12, 2): 10 * H})
    run = runs.start_run(period_start=dt.date(2026, 12, 1), by=None, today=dt.date(2026, 12, 20))
    stub = Paystub.objects.get(run=runs.calculate(run=run))
    taken = {d.code: d.amount_cents for d in stub.deductions.all() if d.amount_cents}
    assert taken == {"federal_income_tax": 2500, "state_income_tax": 1050}


@time_machine.travel(NOW, tick=False)
def test_a_wrong_amount_is_refused_at_its_field_and_keeps_what_was_typed(provider_client):
    client, _provider, _a = provider_client
    answer = client.post("/pay/withholding/", {"federal": "-5", "state": "abc"})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "The amount cannot be less than 0." in page
    assert "Enter an amount in dollars and cents, such as 10.00." in page
    assert 'value="abc"' in page
    assert not WithholdingElection.objects.exists()


def test_changing_withholding_needs_a_recent_confirmation(client):
    provider, _ = provider_with(1)
    user = cast.make_user("stale.session", Role.PROVIDER, provider=provider)
    client.force_login(user)
    session = client.session
    session[stepup.CONFIRMED_AT_KEY] = int(timezone.now().timestamp()) - 10**6
    session.save()
    answer = client.post("/pay/withholding/", {"federal": "5", "state": "0"})
    assert answer.status_code == 302 and "/confirm" in answer.url
    assert not WithholdingElection.objects.exists()


def test_only_providers_have_a_withholding_page(client, la_staff):
    client.force_login(la_staff)
    assert client.get("/pay/withholding/").status_code == 403
