"""The provider's direct deposit pages and the service desk's masked view."""

from __future__ import annotations

import logging
import time

import pytest
from django.urls import reverse

from ihss.core.stepup import CONFIRMED_AT_KEY
from ihss.payroll.models import DirectDeposit
from ihss.payroll.services import deposits
from ihss.payroll.tests import deposit_cast
from ihss.payroll.tests.deposit_cast import ACCOUNT, BAD, GOOD, OTHER_ACCOUNT, TODAY

world, clock = deposit_cast.world, deposit_cast.clock  # fixtures

PAGE = reverse("payroll:deposits")
CHANGE = reverse("payroll:deposit-change")
CANCEL = reverse("payroll:deposit-cancel")


def form(scope="all", routing=GOOD, number=ACCOUNT, again=ACCOUNT, kind="checking"):
    return {
        "for": scope,
        "routing_number": routing,
        "account_number": number,
        "account_number_again": again,
        "account_type": kind,
    }


@pytest.fixture
def ana(client, world):
    client.force_login(world.ana)
    return client


def test_it_enrolls_for_all_recipients_and_says_when_it_takes_effect(ana, world):
    response = ana.post(CHANGE, form(), follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    row = DirectDeposit.objects.get()
    assert (row.recipient, row.account_number, row.account_type) == (None, ACCOUNT, "checking")
    text = response.content.decode()
    assert "Dec. 11, 2026" in text and "••••6789" in text
    assert ACCOUNT not in text


def test_the_page_lists_each_scope_masked_with_state_date_and_prenote(ana, world):
    deposits.enroll(
        provider=world.provider,
        recipient=world.rosa,
        routing_number=GOOD,
        account_number=OTHER_ACCOUNT,
        account_type="savings",
        by=world.ana,
    )
    text = ana.get(PAGE).content.decode()
    for expected in (
        "All recipients",
        "Rosa Delgado",
        "Wei Chen",
        "••••4321",
        "Waiting to take effect",
        "Dec. 11, 2026",
        "Not sent yet",
        "Savings",
    ):
        assert expected in text, expected
    assert OTHER_ACCOUNT not in text


def test_a_wrong_routing_number_is_refused_with_the_reason_and_numbers_must_be_retyped(
    ana, world, caplog
):
    caplog.set_level(logging.DEBUG)
    response = ana.post(CHANGE, form(routing=BAD))
    assert response.status_code == 400
    text = response.content.decode()
    assert "its last digit does not match the others" in text
    assert "There is a problem" in text
    assert f'value="{BAD}"' in text  # what was typed stays, but for the account numbers
    assert ACCOUNT not in text
    assert "For your safety, type the account number again, twice." in text
    assert not DirectDeposit.objects.exists()
    assert ACCOUNT not in caplog.text


def test_two_different_account_numbers_are_refused(ana, world):
    response = ana.post(CHANGE, form(again=OTHER_ACCOUNT))
    assert response.status_code == 400
    text = response.content.decode()
    assert "The two account numbers are not the same." in text
    assert ACCOUNT not in text and OTHER_ACCOUNT not in text
    assert not DirectDeposit.objects.exists()


def test_the_refusal_is_in_spanish_for_a_spanish_reader(ana, world):
    ana.cookies.load({"django_language": "es"})
    text = ana.post(CHANGE, form(routing=BAD), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Hay un problema" in text
    assert "no es un número de ruta bancaria" in text


def test_a_change_needs_a_recent_confirmation(ana, world):
    session = ana.session
    session[CONFIRMED_AT_KEY] = int(time.time()) - 3600
    session.save()
    for response in (ana.get(f"{CHANGE}?for=all"), ana.post(CHANGE, form())):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:confirm"))
    assert not DirectDeposit.objects.exists()


def test_cancel_asks_first_then_stops_at_once(ana, world):
    ana.post(CHANGE, form(scope=str(world.rosa.pk)))
    page = ana.get(f"{CANCEL}?for={world.rosa.pk}")
    assert page.status_code == 200
    assert "••••6789" in page.content.decode() and ACCOUNT not in page.content.decode()
    assert DirectDeposit.objects.get().stopped_on is None
    response = ana.post(CANCEL, {"for": str(world.rosa.pk)}, follow=True)
    assert "paper check" in response.content.decode()
    row = DirectDeposit.objects.get()
    assert (row.stopped_on, row.stop_reason) == (TODAY, "cancelled")


def test_another_provider_cannot_see_or_change_mine(client, world):
    deposits.enroll(
        provider=world.provider,
        recipient=world.rosa,
        routing_number=GOOD,
        account_number=ACCOUNT,
        account_type="checking",
        by=world.ana,
    )
    client.force_login(world.omar)
    assert "Rosa Delgado" not in client.get(PAGE).content.decode()
    scope = str(world.rosa.pk)
    assert client.get(f"{CHANGE}?for={scope}").status_code == 404
    assert client.get(f"{CANCEL}?for={scope}").status_code == 404
    assert client.post(CANCEL, {"for": scope}).status_code == 404
    assert client.post(CHANGE, form(scope=scope, number=OTHER_ACCOUNT)).status_code == 404
    assert DirectDeposit.objects.get().stopped_on is None


def test_staff_do_not_open_the_providers_pages(client, world):
    client.force_login(world.desk)
    assert client.get(PAGE).status_code == 403
    assert client.post(CHANGE, form()).status_code == 403


def test_the_service_desk_sees_the_masked_status_and_history_never_the_number(client, world):
    deposits.enroll(
        provider=world.provider,
        recipient=None,
        routing_number=GOOD,
        account_number=ACCOUNT,
        account_type="checking",
        by=world.ana,
    )
    deposits.cancel(provider=world.provider, recipient=None, by=world.ana)
    client.force_login(world.desk)
    text = client.get(reverse("accounts:desk-account", args=[world.ana.pk])).content.decode()
    assert "Direct deposit" in text
    assert "••••6789" in text and "Cancelled" in text and "paper check" in text
    assert ACCOUNT not in text
    assert CHANGE not in text and CANCEL not in text  # read only
