"""The Service Desk finds an account, sees whether sign-in is paused, and unlocks it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ihss import test as cast
from ihss.accounts.models import Role, SecurityEvent
from ihss.core.audit import trail

pytestmark = pytest.mark.django_db

WRONG = "not the right password at all"


@pytest.fixture
def ana(la_provider):
    return cast.make_user("ana.reyes", Role.PROVIDER, provider=la_provider)


def pause(client, username):
    for _ in range(5):
        client.post(reverse("login"), {"username": username, "password": WRONG})


def test_only_the_service_desk_and_state_find_accounts(
    client, ana, signed_in, service_desk, state_admin, la_staff
):
    for outsider in (ana, la_staff):
        response = signed_in(outsider).get(reverse("accounts:desk-search"))
        assert response.status_code == 403
        response = client.get(reverse("accounts:desk-account", args=[ana.pk]))
        assert response.status_code == 403
    for reader in (service_desk, state_admin):
        assert signed_in(reader).get(reverse("accounts:desk-search")).status_code == 200


@pytest.mark.parametrize("how", ["provider_number", "username", "email"])
def test_the_desk_finds_an_account_by_number_username_or_email(signed_in, service_desk, ana, how):
    query = {
        "provider_number": ana.memberships.get().provider.provider_number,
        "username": "ANA.REYES",
        "email": "Ana.Reyes@example.org",
    }[how]
    page = signed_in(service_desk).get(reverse("accounts:desk-search"), {"q": query})
    assert f'href="/accounts/service-desk/{ana.pk}/"' in page.content.decode()


def test_the_desk_unlocks_a_paused_account_and_the_trail_keeps_the_reason(
    client, signed_in, service_desk, ana
):
    pause(client, "ana.reyes")
    desk = signed_in(service_desk)
    page = desk.get(reverse("accounts:desk-account", args=[ana.pk])).content.decode()
    assert "Paused until" in page
    assert "Sign-in paused after failed attempts" in page

    refused = desk.post(reverse("accounts:desk-account", args=[ana.pk]), {"reason": "  "})
    assert refused.status_code == 200  # the reason is required
    desk.post(
        reverse("accounts:desk-account", args=[ana.pk]),
        {"reason": "Caller confirmed date of birth and provider number."},
    )
    [event] = trail(ana).filter(action="accounts.unlock")
    assert event.actor == service_desk
    assert event.reason == "Caller confirmed date of birth and provider number."
    assert SecurityEvent.objects.filter(user=ana, kind="unlocked").exists()

    desk.logout()
    response = client.post(reverse("login"), {"username": "ana.reyes", "password": cast.PASSWORD})
    assert response.status_code == 302


def test_a_new_pause_after_an_unlock_is_recorded_and_told_again(
    client, signed_in, service_desk, ana, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        pause(client, "ana.reyes")
    signed_in(service_desk).post(
        reverse("accounts:desk-account", args=[ana.pk]), {"reason": "Verified by phone."}
    )
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        pause(client, "ana.reyes")
    assert SecurityEvent.objects.filter(user=ana, kind="locked_out").count() == 2
    assert len(mailoutbox) == 2


def test_the_desk_sends_a_new_confirmation_link_to_an_unconfirmed_account(
    signed_in, service_desk, mailoutbox, django_capture_on_commit_callbacks
):
    waiting = cast.make_user("new.person")
    waiting.is_active = False
    waiting.save()
    desk = signed_in(service_desk)
    page = desk.get(reverse("accounts:desk-account", args=[waiting.pk])).content.decode()
    assert "Waiting for the email to be confirmed" in page
    with django_capture_on_commit_callbacks(execute=True):  # the email goes at commit
        desk.post(reverse("accounts:desk-account", args=[waiting.pk]), {"action": "resend"})
    [mail] = mailoutbox
    assert mail.to == ["new.person@example.org"] and "/register/confirm/" in mail.body
    assert trail(waiting).get(action="accounts.resend_verification").actor == service_desk


def test_the_desk_cannot_reopen_a_deactivated_account_with_a_confirmation_link(
    signed_in, service_desk, ana, mailoutbox
):
    """The page offers a new link only while the email waits to be confirmed; the
    view must refuse it too, or following the link would turn the account back on."""
    # Ana has signed in before: her account was deactivated, not left unconfirmed.
    ana.is_active, ana.last_login = False, ana.date_joined
    ana.save(update_fields=["is_active", "last_login"])
    desk = signed_in(service_desk)
    page = desk.get(reverse("accounts:desk-account", args=[ana.pk])).content.decode()
    assert "Deactivated" in page and "Send a new confirmation link" not in page

    desk.post(reverse("accounts:desk-account", args=[ana.pk]), {"action": "resend"})
    assert mailoutbox == []
    assert not trail(ana).filter(action="accounts.resend_verification").exists()
