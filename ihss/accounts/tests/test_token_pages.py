"""A person's API token pages, and the Service Desk's view of them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ihss import test as cast
from ihss.accounts import services
from ihss.accounts.models import PersonalAccessToken, Role, SecurityEvent, TokenScope
from ihss.core.audit import trail

pytestmark = pytest.mark.django_db

TOKEN_TEXT = re.compile(r"ihss_pat_[a-z2-9]{8}_[A-Za-z0-9]{40}")


def text(response):
    return response.content.decode()


def form(**changes):
    values = {
        "name": "County payroll export",
        "scopes": [TokenScope.MESSAGES_READ.value],
        "days": "90",
        "password": cast.PASSWORD,
    }
    values.update(changes)
    return values


def kinds(user):
    return list(SecurityEvent.objects.filter(user=user).values_list("kind", flat=True))


def test_the_sign_ins_page_leads_to_the_token_pages(signed_in, provider_user):
    page = text(signed_in(provider_user).get(reverse("accounts:security")))
    assert reverse("accounts:tokens") in page


def test_making_a_token_shows_it_once_and_records_it(signed_in, la_staff):
    client = signed_in(la_staff)
    response = client.post(reverse("accounts:token-create"), form(scopes=["cases:read"]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    shown = TOKEN_TEXT.findall(text(response))
    assert len(set(shown)) == 1
    token = PersonalAccessToken.objects.get(user=la_staff)
    assert token.name == "County payroll export" and token.scopes == ["cases:read"]
    assert (token.expires_at - token.created_at).days == 90
    assert kinds(la_staff) == [SecurityEvent.Kind.TOKEN_CREATED]
    assert trail(la_staff).filter(action="accounts.token_created").exists()
    # Never again: not on the list, not on the sign-ins page (which shows the event).
    listed = text(client.get(reverse("accounts:tokens")))
    assert shown[0] not in listed and f"ihss_pat_{token.prefix}_" in listed
    events = text(client.get(reverse("accounts:security")))
    assert "Personal access token created" in events and shown[0] not in events


def test_a_wrong_password_makes_no_token_and_is_recorded(signed_in, provider_user):
    client = signed_in(provider_user)
    response = client.post(reverse("accounts:token-create"), form(password="not my password"))
    assert "That is not your current password." in text(response)
    assert not TOKEN_TEXT.search(text(response))
    assert not PersonalAccessToken.objects.exists()
    assert kinds(provider_user) == [SecurityEvent.Kind.STEP_UP_FAILED]


def test_after_five_wrong_passwords_even_the_right_one_waits(signed_in, provider_user):
    client = signed_in(provider_user)
    for _ in range(services.STEP_UP_LIMIT):
        client.post(reverse("accounts:token-create"), form(password="guess"))
    response = client.post(reverse("accounts:token-create"), form())
    assert "Too many wrong passwords." in text(response)
    assert not PersonalAccessToken.objects.exists()


def test_each_role_is_offered_only_the_scopes_it_may_use(signed_in, provider_user, la_staff):
    page = text(signed_in(provider_user).get(reverse("accounts:token-create")))
    assert "messages:read" in page and "cases:read" not in page
    refused = signed_in(provider_user).post(
        reverse("accounts:token-create"), form(scopes=["cases:read"])
    )
    assert "cases:read is not one of the available choices" in text(refused)
    assert not PersonalAccessToken.objects.exists()
    assert "cases:read" in text(signed_in(la_staff).get(reverse("accounts:token-create")))


def test_an_expiry_beyond_a_year_is_refused(signed_in, provider_user):
    response = signed_in(provider_user).post(reverse("accounts:token-create"), form(days="3650"))
    assert response.status_code == 200 and "usa-error-message" in text(response)
    assert not PersonalAccessToken.objects.exists()


def test_sending_the_form_twice_makes_one_token(signed_in, provider_user):
    client = signed_in(provider_user)
    client.post(reverse("accounts:token-create"), form())
    again = client.post(reverse("accounts:token-create"), form())
    assert "You already have a token with this name." in text(again)
    assert PersonalAccessToken.objects.count() == 1


def test_a_person_revokes_their_token_after_confirming(signed_in, provider_user):
    new = services.create_token(
        user=provider_user, name="Old script", scopes=["messages:read"], days=30
    )
    client = signed_in(provider_user)
    url = reverse("accounts:token-revoke", args=[new.token.pk])
    assert "Revoke the token “Old script”?" in text(client.get(url))
    page = text(client.post(url, follow=True))
    assert "The token “Old script” is revoked." in page and "Revoked" in page
    new.token.refresh_from_db()
    assert new.token.revoked_at is not None
    assert SecurityEvent.Kind.TOKEN_REVOKED in kinds(provider_user)
    client.post(url)  # a second press changes nothing and records nothing
    assert kinds(provider_user).count(SecurityEvent.Kind.TOKEN_REVOKED) == 1


def test_nobody_sees_or_revokes_another_persons_token(signed_in, provider_user, recipient_user):
    theirs = services.create_token(
        user=recipient_user, name="Hers", scopes=["messages:read"], days=30
    )
    client = signed_in(provider_user)
    assert "Hers" not in text(client.get(reverse("accounts:tokens")))
    url = reverse("accounts:token-revoke", args=[theirs.token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    theirs.token.refresh_from_db()
    assert theirs.token.revoked_at is None


@pytest.mark.parametrize("count", [1, 15])
def test_the_token_list_runs_the_same_queries_whatever_the_number_of_tokens(
    signed_in, la_staff, django_assert_num_queries, count
):
    for n in range(count):
        services.create_token(user=la_staff, name=f"Token {n}", scopes=["cases:read"], days=30)
    client = signed_in(la_staff)
    # session, user, memberships (navigation), unread messages (header), tokens,
    # and saving the session (savepoint, update, release)
    with django_assert_num_queries(8):
        response = client.get(reverse("accounts:tokens"))
    assert text(response).count("ihss_pat_") == count


# --- The Service Desk -----------------------------------------------------------------------


def test_the_service_desk_sees_a_persons_tokens_but_never_their_secret(
    signed_in, service_desk, provider_user
):
    new = services.create_token(
        user=provider_user, name="Home laptop", scopes=["messages:read"], days=30
    )
    page = text(
        signed_in(service_desk).get(reverse("accounts:desk-account", args=[provider_user.pk]))
    )
    assert "Home laptop" in page and f"ihss_pat_{new.token.prefix}_" in page
    assert new.text not in page and new.token.digest not in page


def test_the_service_desk_revokes_a_token_with_a_reason(signed_in, service_desk, provider_user):
    new = services.create_token(
        user=provider_user, name="Home laptop", scopes=["messages:read"], days=30
    )
    client = signed_in(service_desk)
    url = reverse("accounts:desk-token-revoke", args=[provider_user.pk, new.token.pk])
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 200 and "usa-error-message" in text(refused)
    response = client.post(url, {"reason": "Caller says the laptop was stolen"})
    assert response.status_code == 302
    new.token.refresh_from_db()
    assert new.token.revoked_at is not None
    event = trail(provider_user).get(action="accounts.token_revoked")
    assert event.actor == service_desk and event.reason == "Caller says the laptop was stolen"
    assert SecurityEvent.Kind.TOKEN_REVOKED in kinds(provider_user)


def test_the_desk_revoke_page_is_for_the_desk_and_the_tokens_owner_only(
    signed_in, service_desk, provider_user, recipient_user
):
    new = services.create_token(
        user=provider_user, name="Home laptop", scopes=["messages:read"], days=30
    )
    url = reverse("accounts:desk-token-revoke", args=[provider_user.pk, new.token.pk])
    assert signed_in(provider_user).get(url).status_code == 403
    wrong_owner = reverse("accounts:desk-token-revoke", args=[recipient_user.pk, new.token.pk])
    assert signed_in(service_desk).get(wrong_owner).status_code == 404


def test_a_revoke_by_someone_else_needs_a_reason(provider_user, service_desk):
    new = services.create_token(
        user=provider_user, name="Home laptop", scopes=["messages:read"], days=30
    )
    with pytest.raises(services.ReasonRequired):
        services.revoke_token(token=new.token, by=service_desk)
    assert Role.SERVICE_DESK in service_desk.roles()
