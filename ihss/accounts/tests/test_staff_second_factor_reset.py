"""A staff member's second factor is never removed by the Service Desk alone: the desk
asks, a state administrator (another person) approves, and the staff member is told of
each step (issue 12, section 5)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ihss import test as cast
from ihss.accounts import factor_reset, second_factor
from ihss.accounts.models import (
    AuthenticatorApp,
    RecoveryCodeSet,
    Role,
    SecondFactorResetRequest,
    SecurityEvent,
    SignInSession,
)
from ihss.core.audit import trail
from ihss.notifications.models import Notification
from ihss.notifications.rendering import render_notice

pytestmark = pytest.mark.django_db
STATEMENT = "Called back the number in the county directory; supervisor confirmed."


def with_app(user):
    app = second_factor.start_app(user)
    AuthenticatorApp.objects.filter(pk=app.pk).update(confirmed=True)
    second_factor.make_recovery_codes(None, user)
    Notification.objects.filter(user=user).delete()
    return user


@pytest.fixture
def head_of_state(db):
    """A state administrator with an authenticator app: whose factor the desk is asked
    to remove."""
    return with_app(cast.make_user("state.head", Role.STATE_ADMIN))


@pytest.fixture
def county_worker(db):
    return with_app(cast.make_user("county.worker", Role.COUNTY_STAFF, county=cast.county("19")))


@pytest.fixture
def other_admin(db):
    return cast.make_user("state.other", Role.STATE_ADMIN)


def client_of(user) -> Client:
    """Signed in, past the second factor (the session owes nothing more)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session.pop(second_factor.PENDING_KEY, None)
    session.save()
    SignInSession.objects.create(user=user, session_key=session.session_key or "")
    return client


def desk_page(account) -> str:
    return reverse("accounts:desk-factor-reset", args=[account.pk])


def notices(user, change):
    return Notification.objects.filter(
        user=user, event="sign_in_protection", context__change=change
    )


@pytest.mark.parametrize("staff", ["head_of_state", "county_worker"])
def test_the_desk_alone_cannot_remove_a_staff_members_second_factor(request, service_desk, staff):
    account = request.getfixturevalue(staff)
    desk = client_of(service_desk)
    page = desk.get(desk_page(account)).content.decode()
    assert "a state administrator must approve" in page
    assert "checked_otherwise" not in page

    # What used to remove it: the box saying the agent checked otherwise.
    desk.post(desk_page(account), {"checked_otherwise": "on", "reason": "New phone"})
    asked = desk.post(desk_page(account), {"statement": STATEMENT})

    assert asked.status_code == 302
    assert account.has_second_factor()
    assert RecoveryCodeSet.objects.filter(user=account).exists()
    waiting = SecondFactorResetRequest.objects.get(account=account)
    assert (waiting.status, waiting.requested_by, waiting.statement) == (
        "pending",
        service_desk,
        STATEMENT,
    )
    with pytest.raises(factor_reset.FactorResetRefused):
        factor_reset.remove_for_caller(account=account, by=service_desk, reason="New phone")
    assert account.has_second_factor()


def test_the_staff_member_is_told_at_once_when_the_desk_asks(service_desk, head_of_state):
    client_of(service_desk).post(desk_page(head_of_state), {"statement": STATEMENT})
    notice = notices(head_of_state, "reset_requested").get()
    text = render_notice(notice.event, notice.context, "en")
    assert "asked a state administrator to remove" in text.message
    assert "Nothing is removed until a state administrator approves" in text.message
    assert "request to remove the second factor" in text.subject
    spanish = render_notice(notice.event, notice.context, "es")
    assert "administrador" in spanish.message
    entry = trail(head_of_state).get(action="accounts.second_factor_reset_requested")
    assert (entry.actor, entry.reason) == (service_desk, STATEMENT)


def test_asking_twice_files_one_request_and_tells_once(service_desk, county_worker):
    desk = client_of(service_desk)
    desk.post(desk_page(county_worker), {"statement": STATEMENT})
    again = desk.post(desk_page(county_worker), {"statement": STATEMENT}, follow=True)
    assert "The request is sent to the state administrators" in again.content.decode()
    assert (
        "Waiting for a state administrator" in desk.get(desk_page(county_worker)).content.decode()
    )
    assert SecondFactorResetRequest.objects.count() == 1
    assert trail(county_worker).filter(action="accounts.second_factor_reset_requested").count() == 1
    assert notices(county_worker, "reset_requested").count() == 1
    _request, filed = factor_reset.request_removal(
        account=county_worker, by=service_desk, statement="Again"
    )
    assert not filed and SecondFactorResetRequest.objects.count() == 1


def test_a_state_administrator_approves_and_the_second_factor_is_removed(
    service_desk, head_of_state, other_admin
):
    phone = client_of(head_of_state)
    client_of(service_desk).post(desk_page(head_of_state), {"statement": STATEMENT})
    waiting = SecondFactorResetRequest.objects.get()

    state = client_of(other_admin)
    listed = state.get(reverse("accounts:factor-requests")).content.decode()
    assert "state.head" in listed
    page = state.get(reverse("accounts:factor-request", args=[waiting.pk])).content.decode()
    assert STATEMENT in page and "1 authenticator app" in page
    done = state.post(
        reverse("accounts:factor-request", args=[waiting.pk]),
        {"decision": "approve", "reason": "Desk's call-back is convincing"},
    )

    assert done.status_code == 302
    assert not head_of_state.has_second_factor()
    assert not RecoveryCodeSet.objects.filter(user=head_of_state).exists()
    assert phone.get(reverse("accounts:security")).status_code == 302  # signed out
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by) == ("approved", other_admin)
    actions = list(trail(head_of_state).order_by("id").values_list("action", "actor__username"))
    assert actions[-3:] == [
        ("accounts.second_factor_reset_requested", "service.desk"),
        ("accounts.second_factor_reset", "state.other"),
        ("accounts.second_factor_reset_approved", "state.other"),
    ]
    assert SecurityEvent.objects.filter(user=head_of_state, kind="second_factor_reset").exists()
    notice = notices(head_of_state, "reset_by_state").get()
    assert "a state administrator removed every" in (
        render_notice(notice.event, notice.context, "en").message
    )


def test_a_state_administrator_cannot_approve_removing_their_own_second_factor(
    service_desk, head_of_state, other_admin
):
    client_of(service_desk).post(desk_page(head_of_state), {"statement": STATEMENT})
    waiting = SecondFactorResetRequest.objects.get()
    own = client_of(head_of_state)
    page = own.get(reverse("accounts:factor-request", args=[waiting.pk])).content.decode()
    assert "another state administrator must decide" in page
    refused = own.post(
        reverse("accounts:factor-request", args=[waiting.pk]),
        {"decision": "approve", "reason": "It is me"},
    )
    assert refused.status_code == 200
    assert "Nobody removes their own second factor" in refused.content.decode()
    assert head_of_state.has_second_factor()
    # Nor directly, on the Service Desk's page.
    own.post(desk_page(head_of_state), {"statement": "It is me"})
    assert head_of_state.has_second_factor()
    waiting.refresh_from_db()
    assert waiting.status == "pending"


def test_declining_removes_nothing_and_tells_the_person(service_desk, county_worker, state_admin):
    client_of(service_desk).post(desk_page(county_worker), {"statement": STATEMENT})
    waiting = SecondFactorResetRequest.objects.get()
    client_of(state_admin).post(
        reverse("accounts:factor-request", args=[waiting.pk]),
        {"decision": "decline", "reason": "The supervisor did not confirm"},
    )
    assert county_worker.has_second_factor()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decision_reason) == (
        "declined",
        "The supervisor did not confirm",
    )
    assert trail(county_worker).filter(action="accounts.second_factor_reset_declined").exists()
    assert notices(county_worker, "reset_declined").count() == 1


def test_deciding_twice_removes_once(service_desk, county_worker, state_admin, other_admin):
    waiting, _filed = factor_reset.request_removal(
        account=county_worker, by=service_desk, statement=STATEMENT
    )
    _first, now = factor_reset.approve(request=waiting, by=state_admin, reason="Checked")
    assert now
    _again, now = factor_reset.approve(request=waiting, by=other_admin, reason="Checked")
    assert not now
    _late, now = factor_reset.decline(request=waiting, by=other_admin, reason="Too late")
    assert not now
    assert trail(county_worker).filter(action="accounts.second_factor_reset").count() == 1
    assert notices(county_worker, "reset_by_state").count() == 1


def test_a_state_administrator_who_takes_the_call_removes_it_with_the_reason(
    service_desk, county_worker, state_admin
):
    client_of(service_desk).post(desk_page(county_worker), {"statement": STATEMENT})
    state = client_of(state_admin)
    page = state.get(desk_page(county_worker)).content.decode()
    assert "Decide this request" in page
    done = state.post(desk_page(county_worker), {"statement": "I called back the county line"})
    assert done.status_code == 302
    assert not county_worker.has_second_factor()
    entry = trail(county_worker).get(action="accounts.second_factor_reset")
    assert (entry.actor, entry.reason) == (state_admin, "I called back the county line")
    assert SecondFactorResetRequest.objects.get().status == "approved"
    assert notices(county_worker, "reset_by_state").count() == 1


def test_only_state_administrators_see_and_decide_the_requests(
    service_desk, la_staff, county_worker
):
    waiting, _filed = factor_reset.request_removal(
        account=county_worker, by=service_desk, statement=STATEMENT
    )
    for user in (service_desk, la_staff, county_worker):
        client = client_of(user)
        assert client.get(reverse("accounts:factor-requests")).status_code == 403
        decide = reverse("accounts:factor-request", args=[waiting.pk])
        assert client.post(decide, {"decision": "approve", "reason": "x"}).status_code == 403
    assert county_worker.has_second_factor()
    with pytest.raises(factor_reset.FactorResetRefused):
        factor_reset.approve(request=waiting, by=service_desk, reason="x")
    assert county_worker.has_second_factor()


def test_an_agent_cannot_ask_for_their_own_second_factor(service_desk):
    with_app(service_desk)
    page = client_of(service_desk).post(desk_page(service_desk), {"statement": "Mine"})
    assert "nobody removes their own second factor" in page.content.decode()
    assert not SecondFactorResetRequest.objects.exists()


def test_the_state_administrators_menu_leads_to_the_requests(state_admin, service_desk):
    home = client_of(state_admin).get(reverse("state-home")).content.decode()
    assert reverse("accounts:factor-requests") in home
    desk_home = client_of(service_desk).get(reverse("service-desk-home")).content.decode()
    assert reverse("accounts:factor-requests") not in desk_home
