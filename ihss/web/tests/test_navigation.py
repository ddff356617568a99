"""Each role's header links, now declared by the apps themselves (ihss/<app>/app.py)."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from ihss import test as cast
from ihss.accounts import tokens
from ihss.accounts.forms import TokenForm
from ihss.accounts.models import Membership, Role
from ihss.core import registry
from ihss.web.navigation import navigation_for

pytestmark = pytest.mark.django_db

# Every role's menu as people know it: labels and order must not move.
MENUS = {
    Role.PROVIDER: [
        "My work",
        "My timesheets",
        "Check in and out",
        "My pay",
        "Direct deposit",
        "Training",
    ],
    Role.RECIPIENT: ["My care", "Timesheets to approve", "Visits"],
    Role.COUNTY_STAFF: [
        "County home",
        "Timesheet review",
        "Violations",
        "EVV compliance",
        "Recipients",
        "Providers",
        "Import",
    ],
    Role.TRAINING_PROVIDER: ["Training home", "Classes and rosters"],
    Role.COACH: ["Coaching home", "Coaching queue"],
    Role.SERVICE_DESK: ["Service desk", "Recipients", "Providers", "Outbox"],
    Role.STATE_ADMIN: [
        "State home",
        "Timesheet review",
        "Recipients",
        "Providers",
        "Import",
        "Payroll",
        "Careers page",
        "Accounts",
        "Second-factor requests",
        "Outbox",
        "Program parameters",
    ],
}


def _user_with(role, la_provider, la_recipient):
    scope = {
        Role.PROVIDER: {"provider": la_provider},
        Role.RECIPIENT: {"recipient": la_recipient},
        Role.COUNTY_STAFF: {"county": cast.county("19")},
    }.get(role, {})
    return cast.make_user(f"user-{role}", role, **scope)


@pytest.mark.parametrize("role", list(MENUS))
def test_each_role_sees_the_same_links_in_the_same_order(role, la_provider, la_recipient):
    user = _user_with(role, la_provider, la_recipient)
    assert [str(item.label) for item in navigation_for(user, "/")] == MENUS[role]


def test_someone_with_two_roles_sees_each_link_once(la_provider):
    user = cast.make_user("desk.and.state", Role.SERVICE_DESK)
    Membership.objects.create(user=user, role=Role.STATE_ADMIN)
    labels = [str(item.label) for item in navigation_for(user, "/")]
    assert labels == [*MENUS[Role.SERVICE_DESK], "State home", "Timesheet review", "Import"] + [
        "Payroll",
        "Careers page",
        "Accounts",
        "Second-factor requests",
        "Program parameters",
    ]


def test_a_provider_who_is_also_a_representative_sees_two_distinct_timesheet_links(
    la_provider, la_recipient
):
    user = cast.make_user("live.in", Role.PROVIDER, provider=la_provider)
    Membership.objects.create(
        user=user, role=Role.RECIPIENT, recipient=la_recipient, is_representative=True
    )
    for language, expected in [
        ("en", ["My timesheets", "Timesheets to approve"]),
        ("es", ["Mis hojas de horas", "Hojas de horas por aprobar"]),
    ]:
        with translation.override(language):
            items = navigation_for(user, "/")
            labels = [str(item.label) for item in items]
        assert [label for label in labels if "imesheets" in label or "ojas" in label] == expected
        assert len(set(labels)) == len(labels)
        assert {i.url for i in items} >= {reverse("timesheets:mine"), reverse("timesheets:review")}


def test_every_declared_link_opens_a_page_and_names_real_roles():
    for entry in registry.menu_entries():
        try:
            reverse(entry.url_name)
        except NoReverseMatch:  # pragma: no cover - the message says which
            pytest.fail(f"{entry.url_name} is not a page")
        assert entry.roles <= set(Role.values), entry.url_name


@pytest.fixture
def a_new_app():
    """An app that plugs in the way a new one (EVV, payroll) would, then is taken out."""

    def can_read(user):
        return user.has_role(Role.PROVIDER)

    registry.add_menu("accounts:tokens", "Visits", roles=[Role.PROVIDER], order=15)
    registry.add_scope("visits:read", "Read visits", may_hold=can_read, order=35)
    yield
    del registry._MENU["accounts:tokens"]
    del registry._SCOPES["visits:read"]


def test_a_new_app_adds_its_menu_link_and_token_scope_in_its_own_file(
    a_new_app, la_provider, la_recipient
):
    provider = _user_with(Role.PROVIDER, la_provider, la_recipient)
    assert [str(i.label) for i in navigation_for(provider, "/")] == ["My work", "My timesheets"] + [
        "Check in and out",
        "Visits",
        "My pay",
        "Direct deposit",
        "Training",
    ]
    offered = [s.value for s in tokens.allowed_scopes(provider)]
    assert offered == [
        "timesheets:read",
        "timesheets:write",
        "pay:read",
        "pay:write",
        "visits:read",
        "messages:read",
        "messages:write",
        "training:read",
        "training:write",
        "evv:read",
        "evv:write",
    ]
    field = TokenForm(scopes=tokens.allowed_scopes(provider)).fields["scopes"]
    assert ("visits:read", "Read visits (visits:read)") in getattr(field, "choices", [])
    desk = _user_with(Role.SERVICE_DESK, la_provider, la_recipient)
    assert "visits:read" not in tokens.allowed_scopes(desk)
    assert "Visits" not in [str(i.label) for i in navigation_for(desk, "/")]


def test_the_scopes_keep_their_names_and_each_role_is_offered_the_same_ones(
    la_provider, la_recipient
):
    assert [s.value for s in registry.token_scopes()] == [
        "cases:read",
        "timesheets:read",
        "timesheets:write",
        "pay:read",
        "pay:write",
        "messages:read",
        "messages:write",
        "training:read",
        "training:write",
        "evv:read",
        "evv:write",
    ]
    offered = {
        role: [s.value for s in tokens.allowed_scopes(_user_with(role, la_provider, la_recipient))]
        for role in (Role.PROVIDER, Role.SERVICE_DESK, Role.COUNTY_STAFF)
    }
    assert offered[Role.PROVIDER] == [
        "timesheets:read",
        "timesheets:write",
        "pay:read",
        "pay:write",
        "messages:read",
        "messages:write",
        "training:read",
        "training:write",
        "evv:read",
        "evv:write",
    ]
    assert offered[Role.SERVICE_DESK] == [
        "cases:read",
        "timesheets:read",
        "pay:read",
        "messages:read",
        "messages:write",
        "evv:read",
    ]
    assert offered[Role.COUNTY_STAFF][0] == "cases:read"
