"""The recovery codes owed after a first passkey, asked for twice at the same moment (a
double reload), on PostgreSQL: one page shows ten codes, and they are the ones kept."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from ihss import test as cast
from ihss.accounts import rules
from ihss.accounts.models import RecoveryCodeSet
from ihss.accounts.tests.test_second_factor import _passkey_added_in, sign_in

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CODE = re.compile(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>")


def test_it_makes_the_first_codes_once_when_the_page_opens_twice_at_once():
    assert connection.vendor == "postgresql"
    ana = cast.make_user("ana.reyes")
    client = sign_in("ana.reyes")
    _passkey_added_in(client, ana)
    shown: list[list[str]] = []

    def open_page():
        twin = Client()
        twin.cookies = client.cookies
        shown.append(CODE.findall(twin.get(reverse("accounts:factors")).content.decode()))

    assert cast.at_once([open_page, open_page]) == [None, None]
    with_codes = [codes for codes in shown if codes]
    assert len(with_codes) == 1 and len(with_codes[0]) == 10
    kept = set(RecoveryCodeSet.objects.get(user=ana).codes.values_list("digest", flat=True))
    assert {rules.recovery_code_digest(code) for code in with_codes[0]} == kept
