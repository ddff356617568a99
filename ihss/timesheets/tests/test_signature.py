"""The electronic signature is the signer's own name on record (issue 14, item 2).

"Mickey Mouse" approved a timesheet and the record said "signed by Mickey Mouse". Now the
typed name must be the recipient's name on the case record, or the authorized
representative's own name, compared without regard to case, accents and extra spaces.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from ihss import test as cast
from ihss.accounts import services as account_services
from ihss.accounts.models import Role, TokenScope
from ihss.core.models import AuditEvent
from ihss.core.names import normalize_name, same_name
from ihss.timesheets import services
from ihss.timesheets.models import Timesheet
from ihss.timesheets.tests.conftest import H

NOV_8 = dt.date(2026, 11, 8)
API = "/api/v1/timesheets"


def sent(world, n: int = 0) -> Timesheet:
    sheet = world.fill(world.open(n, NOV_8), {NOV_8: 2 * H})
    return services.submit(timesheet=sheet, by=world.provider_user)


def test_it_refuses_a_signature_that_is_not_the_recipients_name(world):
    sheet = sent(world)
    with translation.override("en"), pytest.raises(services.TimesheetError) as refused:
        services.approve(timesheet=sheet, by=world.recipient_users[0], signature="Mickey Mouse")
    assert (refused.value.field, refused.value.status) == ("signature", 422)
    assert refused.value.code == services.SIGNATURE_MISMATCH
    assert refused.value.message == (
        "The name you typed is not your name on your case record. Type your full name: "
        "Rosa Delgado."
    )
    sheet.refresh_from_db()
    assert (sheet.status, sheet.signature) == (Timesheet.Status.SUBMITTED, "")


def test_it_accepts_the_name_whatever_the_case_accents_and_spaces(world):
    recipient = cast.make_recipient(first_name="José", middle_name="Luis", last_name="García")
    cast.authorize(recipient, 283 * H)
    cast.assign(world.provider, recipient, 283 * H)
    signer = cast.make_user("jose", Role.RECIPIENT, recipient=recipient)
    world.recipients.append(recipient)
    sheet = sent(world, 3)
    done = services.approve(
        timesheet=sheet, by=signer, signature="  josé  garcía ", session_key="abc123"
    )
    assert (done.status, done.signature) == (Timesheet.Status.APPROVED, "josé garcía")
    assert done.decided_by == signer and done.decided_at is not None
    assert done.signed_as_representative is False
    assert done.signature_session == hashlib.sha256(b"abc123").hexdigest()
    event = AuditEvent.objects.filter(action="timesheet.approved").latest("id")
    assert "abc123" not in json.dumps(event.after)


def test_a_representative_signs_with_their_own_name_not_the_recipients(world):
    sheet = sent(world)
    helper = cast.make_user(
        "nare", Role.RECIPIENT, recipient=world.recipients[0], is_representative=True
    )
    helper.first_name, helper.last_name = "Nare", "Petrosyan"
    helper.save()
    with translation.override("en"), pytest.raises(services.TimesheetError) as refused:
        services.approve(
            timesheet=sheet, by=helper, signature="Rosa Delgado", as_representative=True
        )
    assert refused.value.message.endswith("type your own full name: Nare Petrosyan.")
    done = services.approve(
        timesheet=sheet, by=helper, signature="NARE petrosyan", as_representative=True
    )
    assert (done.status, done.signed_as_representative, done.decided_by) == (
        Timesheet.Status.APPROVED,
        True,
        helper,
    )


def test_a_representative_without_a_name_on_record_is_told_to_call_the_county(world):
    sheet = sent(world)
    helper = cast.make_user(
        "nameless", Role.RECIPIENT, recipient=world.recipients[0], is_representative=True
    )
    with translation.override("es"), pytest.raises(services.TimesheetError) as refused:
        services.approve(timesheet=sheet, by=helper, signature="Anyone", as_representative=True)
    assert refused.value.code == services.SIGNATURE_NO_NAME
    assert "condado" in refused.value.message


def test_the_approve_page_shows_the_refusal_at_the_signature_field(world, client):
    sheet = sent(world)
    client.force_login(world.recipient_users[0])
    with translation.override("en"):
        page = client.post(
            f"/timesheets/{sheet.pk}/approve/",
            {"signature": "Mickey Mouse", "attest": "on"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert page.status_code == 400
    assert "Type your full name: Rosa Delgado." in page.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == Timesheet.Status.SUBMITTED
    client.post(f"/timesheets/{sheet.pk}/approve/", {"signature": "rosa delgado", "attest": "on"})
    sheet.refresh_from_db()
    assert sheet.status == Timesheet.Status.APPROVED
    assert (
        sheet.signature_session == hashlib.sha256(client.session.session_key.encode()).hexdigest()
    )


def test_the_api_refuses_a_signature_that_is_not_the_recipients_name(world, client):
    sheet = sent(world)
    bearer = account_services.create_token(
        user=world.recipient_users[0],
        name="Phone",
        scopes=[TokenScope.TIMESHEETS_READ.value, TokenScope.TIMESHEETS_WRITE.value],
        days=30,
    ).text
    answer = client.post(
        f"{API}/{sheet.pk}/approve",
        json.dumps({"signature": "Mickey Mouse", "attest": True}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {bearer}", "Accept-Language": "en"},
    )
    assert answer.status_code == 422
    detail = answer.json()["detail"][0]
    assert detail["loc"][-1] == "signature" and "Rosa Delgado" in detail["msg"]


@given(st.text(max_size=40))
def test_the_name_normaliser_is_stable_and_ignores_case_and_spacing(text):
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert normalize_name(f"  {text.upper()}  ") == normalize_name(text.upper())
    assert "  " not in once and once == once.strip()
    assert same_name(text, text) == bool(once)


@given(st.lists(st.sampled_from("aeiouAEIOU"), min_size=1, max_size=12))
def test_accents_never_matter(letters):
    plain = "".join(letters)
    accented = plain.translate(str.maketrans("aeiouAEIOU", "áéíóúÁÉÍÓÚ"))
    assert same_name(accented, plain)
