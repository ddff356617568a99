"""Personal access tokens on /api/v1: stored as a digest, scoped, expiring, revocable."""

from __future__ import annotations

import datetime as dt
import itertools
import logging

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ihss import test as cast
from ihss.accounts import services, tokens
from ihss.accounts.models import Membership, PersonalAccessToken, TokenScope
from ihss.notifications import services as notices
from ihss.notifications.events import SPECS, Event

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases"
MESSAGES = "/api/v1/messages"
INVALID = "The token is not valid: it may be mistyped, expired or revoked."
ALL_SCOPES = [s.value for s in TokenScope]
_keys = itertools.count(1)


def make_token(user, scopes=None, days=90, name=None):
    return services.create_token(
        user=user,
        name=name or f"Token {next(_keys)}",
        scopes=scopes or [s.value for s in tokens.allowed_scopes(user)],
        days=days,
    )


def call(method, path, token=None, status=200, **kwargs):
    """A bearer call from a client with no session and CSRF checks on, as an integration."""
    client = Client(enforce_csrf_checks=True)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = getattr(client, method)(path, headers=headers, **kwargs)
    assert response.status_code == status, (path, response.status_code, response.content[:300])
    return response


def notice(user):
    event = Event.PAYMENT_ISSUED
    return notices.notify(
        user=user, event=event, context=SPECS[event].sample, key=f"k{next(_keys)}"
    )


# --- Storage ----------------------------------------------------------------------------------


def test_only_the_digest_is_stored_never_the_token_text(la_staff):
    new = make_token(la_staff)
    assert new.text.startswith(f"ihss_pat_{new.token.prefix}_")
    assert len(new.text) == len("ihss_pat_") + 8 + 1 + 40
    stored = PersonalAccessToken.objects.get()
    assert stored.digest == tokens.digest(new.text) and stored.digest != new.text
    secret = new.text.rsplit("_", 1)[1]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from Django)
            for row in cursor.fetchall():
                assert not any(isinstance(v, str) and secret in v for v in row), table


def test_two_tokens_never_share_text_or_prefix(la_staff):
    a, b = make_token(la_staff), make_token(la_staff)
    assert a.text != b.text and a.token.prefix != b.token.prefix


# --- Authentication ---------------------------------------------------------------------------


def test_a_token_reads_case_records_without_a_session(la_staff, la_recipient):
    new = make_token(la_staff, [TokenScope.CASES_READ])
    body = call("get", f"{CASES}/recipients/{la_recipient.case_number}", new.text).json()
    assert body["last_name"] == "Delgado"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ihss_pat_abcdefgh_" + "A" * 40,  # well formed, unknown
        "Bearer not-a-token",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Token {text}",  # right text, wrong scheme
        "Bearer {text}x",  # one character too many
    ],
)
def test_a_bad_authorization_header_answers_401_with_one_message(la_staff, header):
    new = make_token(la_staff)
    client = Client()
    client.force_login(la_staff)  # a good session does not rescue a bad token
    response = client.get(
        f"{CASES}/counties", headers={"Authorization": header.format(text=new.text)}
    )
    assert response.status_code == 401
    assert response.json() == {"detail": INVALID}
    assert response["WWW-Authenticate"].startswith('Bearer realm="IHSS Portal API"')


def test_an_expired_token_answers_401_like_any_other(la_staff):
    new = make_token(la_staff, days=30)
    call("get", f"{CASES}/counties", new.text)
    with time_machine.travel(timezone.now() + dt.timedelta(days=30, seconds=1)):
        response = call("get", f"{CASES}/counties", new.text, status=401)
    assert response.json() == {"detail": INVALID}


def test_a_revoked_token_answers_401_at_once(la_staff):
    new = make_token(la_staff)
    call("get", f"{CASES}/counties", new.text)
    assert services.revoke_token(token=new.token, by=la_staff) is True
    assert call("get", f"{CASES}/counties", new.text, status=401).json() == {"detail": INVALID}


def test_a_deactivated_persons_tokens_stop_working(la_staff):
    new = make_token(la_staff)
    la_staff.is_active = False
    la_staff.save(update_fields=["is_active"])
    assert call("get", f"{CASES}/counties", new.text, status=401).json() == {"detail": INVALID}


def test_the_token_is_never_accepted_in_the_address(la_staff):
    new = make_token(la_staff)
    for name in ("token", "access_token", "api_key", "Authorization"):
        call("get", f"{CASES}/counties?{name}={new.text}", status=401)
    call("get", f"{CASES}/counties?access_token=Bearer+{new.text}", status=401)


def test_strangers_get_401_with_a_bearer_challenge(db):
    response = call("get", f"{CASES}/counties", status=401)
    assert response["WWW-Authenticate"] == 'Bearer realm="IHSS Portal API"'


def test_the_token_is_not_logged(la_staff, caplog, settings):
    settings.DEBUG = True  # ninja's own bearer class logs odd headers in DEBUG
    new = make_token(la_staff)
    with caplog.at_level(logging.DEBUG):
        call("get", f"{CASES}/counties", new.text)
        call("get", f"{CASES}/counties", new.text + "x", status=401)
        Client().get(f"{CASES}/counties", headers={"Authorization": f"Token {new.text}"})
    secret = new.text.rsplit("_", 1)[1]
    assert secret not in caplog.text


# --- Scopes and roles -------------------------------------------------------------------------


def test_a_token_without_the_scope_answers_403_naming_it(la_staff, la_recipient):
    new = make_token(la_staff, [TokenScope.MESSAGES_READ])
    response = call("get", f"{CASES}/recipients", new.text, status=403)
    assert response.json() == {"detail": "This token does not have the cases:read scope."}
    assert 'error="insufficient_scope", scope="cases:read"' in response["WWW-Authenticate"]
    call("get", f"{MESSAGES}/", new.text)


def test_reading_messages_does_not_allow_changing_them(provider_user):
    mine = notice(provider_user)
    reader = make_token(provider_user, [TokenScope.MESSAGES_READ])
    response = call("post", f"{MESSAGES}/{mine.pk}/read", reader.text, status=403)
    assert response.json()["detail"] == "This token does not have the messages:write scope."
    writer = make_token(provider_user, [TokenScope.MESSAGES_WRITE])
    call("get", f"{MESSAGES}/", writer.text, status=403)
    assert call("post", f"{MESSAGES}/{mine.pk}/read", writer.text).json()["read"] is True


def test_only_roles_that_use_case_records_may_have_cases_read(provider_user, la_staff):
    assert TokenScope.CASES_READ not in tokens.allowed_scopes(provider_user)
    assert TokenScope.CASES_READ in tokens.allowed_scopes(la_staff)
    with pytest.raises(services.TokenError):
        make_token(provider_user, [TokenScope.CASES_READ])
    assert not PersonalAccessToken.objects.exists()


def test_a_token_loses_what_its_owner_loses(la_staff, la_recipient, fresno_recipient):
    new = make_token(la_staff, [s.value for s in tokens.allowed_scopes(la_staff)])
    call("get", f"{CASES}/recipients/{la_recipient.case_number}", new.text)
    call("get", f"{CASES}/recipients/{fresno_recipient.case_number}", new.text, status=404)
    # Moved to Fresno: Los Angeles records are now 404, as for the session.
    Membership.objects.filter(user=la_staff).update(county=cast.county("10"))
    call("get", f"{CASES}/recipients/{la_recipient.case_number}", new.text, status=404)
    call("get", f"{CASES}/recipients/{fresno_recipient.case_number}", new.text)
    # No longer county staff: 403, as for the session; their own messages still work.
    Membership.objects.filter(user=la_staff).delete()
    call("get", f"{CASES}/counties", new.text, status=403)
    call("get", f"{MESSAGES}/", new.text)


def test_a_providers_token_cannot_reach_another_persons_messages(provider_user, recipient_user):
    theirs = notice(recipient_user)
    mine = notice(provider_user)
    new = make_token(provider_user, ALL_SCOPES[1:])
    call("post", f"{MESSAGES}/{theirs.pk}/read", new.text, status=404)
    listed = call("get", f"{MESSAGES}/", new.text).json()["results"]
    assert [m["id"] for m in listed] == [mine.pk]


def test_the_token_acts_as_its_owner_whatever_session_comes_along(provider_user, recipient_user):
    mine = notice(provider_user)
    notice(recipient_user)
    new = make_token(provider_user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(recipient_user)
    headers = {"Authorization": f"Bearer {new.text}"}
    listed = client.get(f"{MESSAGES}/", headers=headers).json()["results"]
    assert [m["id"] for m in listed] == [mine.pk]


# --- CSRF -------------------------------------------------------------------------------------


def test_a_token_needs_no_csrf_token_to_post_or_put(provider_user):
    mine = notice(provider_user)
    new = make_token(provider_user)
    call("post", f"{MESSAGES}/{mine.pk}/read", new.text)
    body = {"choices": {"class_reminder": "none"}}
    call("put", f"{MESSAGES}/preferences/", new.text, data=body, content_type="application/json")


def test_a_session_without_csrf_is_still_refused(provider_user):
    mine = notice(provider_user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(provider_user)
    response = client.post(f"{MESSAGES}/{mine.pk}/read")
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF check Failed"}


# --- Last used --------------------------------------------------------------------------------


def test_last_used_is_written_at_most_once_a_minute(la_staff):
    new = make_token(la_staff)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        call("get", f"{CASES}/counties", new.text)
        with CaptureQueriesContext(connection) as queries:
            call("get", f"{CASES}/counties", new.text)
        assert not [q for q in queries if q["sql"].startswith("UPDATE")]
    with time_machine.travel(start + dt.timedelta(seconds=59), tick=False):
        call("get", f"{CASES}/counties", new.text)
    new.token.refresh_from_db()
    assert new.token.last_used_at == start
    later = start + dt.timedelta(minutes=1, seconds=1)
    with time_machine.travel(later, tick=False):
        call("get", f"{CASES}/counties", new.text)
    new.token.refresh_from_db()
    assert new.token.last_used_at == later


def test_a_token_call_costs_a_fixed_few_queries(la_staff, django_assert_num_queries):
    new = make_token(la_staff)
    call("get", f"{CASES}/counties", new.text)  # last used: written once
    # token and owner, memberships (role check), counties
    with django_assert_num_queries(3):
        call("get", f"{CASES}/counties", new.text)


def test_the_openapi_description_offers_the_bearer_token(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    security = schema["paths"]["/api/v1/messages/"]["get"]["security"]
    assert security[0] == {"TokenAuth": []}
