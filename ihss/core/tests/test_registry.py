"""The app registry refuses what would silently shadow another app's declaration."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from ihss.core import registry


def test_it_refuses_a_scope_named_like_another_apps_with_other_rights():
    with pytest.raises(ImproperlyConfigured):
        registry.add_scope("timesheets:read", "Read", may_hold=lambda user: True, order=20)
    scope = registry.token_scope("timesheets:read")
    assert scope is not None
    assert scope.label != "Read"


def test_it_refuses_a_scope_that_is_not_read_or_write():
    with pytest.raises(ImproperlyConfigured):
        registry.add_scope("visits:delete", "Delete", may_hold=lambda user: True, order=1)


def test_it_refuses_a_second_router_at_the_same_prefix():
    with pytest.raises(ImproperlyConfigured):
        registry.add_api("/cases/", object())


def test_an_app_registered_again_changes_nothing():
    from ihss.timesheets import app

    before = (registry.api_mounts(), registry.token_scopes(), registry.menu_entries())
    app.register()
    assert (registry.api_mounts(), registry.token_scopes(), registry.menu_entries()) == before


def test_a_scope_copied_or_pickled_is_its_plain_name():
    import copy
    import pickle

    scope = registry.token_scope("cases:read")
    assert copy.deepcopy(scope) == "cases:read"
    assert pickle.loads(pickle.dumps([scope])) == ["cases:read"]  # noqa: S301 (our own bytes)
