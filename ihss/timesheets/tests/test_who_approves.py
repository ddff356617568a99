"""Sending a timesheet names who will be asked to approve it, and never someone who cannot:
a recipient with no account on the portal cannot approve it here (issue 14, item 11)."""

from __future__ import annotations

import datetime as dt

import pytest

from ihss import test as cast
from ihss.accounts.models import Membership, Role, User
from ihss.timesheets.tests.conftest import H

NOV_8 = dt.date(2026, 11, 8)  # in the first half of November, which has ended


def _filled(world):
    sheet = world.open(0, NOV_8)
    return world.fill(sheet, {NOV_8: 4 * H})


def _page(client, sheet, language="en"):
    return client.get(f"/timesheets/{sheet.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_it_names_the_recipient_who_will_approve(world, client):
    sheet = _filled(world)
    client.force_login(world.provider_user)
    assert "Rosa Delgado will be asked to approve it" in _page(client, sheet)
    answer = client.post(f"/timesheets/{sheet.pk}/submit/", follow=True)
    assert "The timesheet was sent to Rosa Delgado for approval." in answer.content.decode()


def test_it_names_the_representative_who_will_approve(world, client):
    sheet = _filled(world)
    world.recipient_users[0].memberships.update(is_representative=True)
    User.objects.filter(pk=world.recipient_users[0].pk).update(
        first_name="Marina", last_name="Delgado"
    )
    client.force_login(world.provider_user)
    assert "Marina Delgado, authorized representative will be asked" in _page(client, sheet)


@pytest.mark.parametrize("how", ["no account", "account closed"])
def test_it_never_names_a_recipient_who_has_no_account(world, client, how):
    sheet = _filled(world)
    if how == "no account":
        Membership.objects.filter(recipient=world.recipients[0]).delete()
    else:
        User.objects.filter(pk=world.recipient_users[0].pk).update(is_active=False)
    client.force_login(world.provider_user)
    page = _page(client, sheet)
    assert "will be asked to approve" not in page
    assert "Nobody can approve it on this portal yet: Rosa Delgado has no account here." in page
    assert "your county IHSS office" in page
    spanish = _page(client, sheet, "es")
    assert "Nadie puede aprobarla en este portal todavía: Rosa Delgado no tiene cuenta" in spanish
    answer = client.post(f"/timesheets/{sheet.pk}/submit/", follow=True).content.decode()
    assert "sent to Rosa Delgado for approval" not in answer
    assert "Rosa Delgado has no account on this portal yet, so nobody can approve it" in answer


def test_a_representatives_new_account_is_named_once_it_exists(world, client):
    sheet = _filled(world)
    Membership.objects.filter(recipient=world.recipients[0]).delete()
    client.force_login(world.provider_user)
    assert "Nobody can approve it" in _page(client, sheet)
    cast.make_user("rep", Role.RECIPIENT, recipient=world.recipients[0], is_representative=True)
    User.objects.filter(username="rep").update(first_name="Luz", last_name="Ortega")
    assert "Luz Ortega, authorized representative will be asked" in _page(client, sheet)
