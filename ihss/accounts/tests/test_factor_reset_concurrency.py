"""Fifty identical steps at the same moment, on PostgreSQL: the desk's request to remove
a staff member's second factor is filed once, and its approval removes once."""

from __future__ import annotations

import pytest
from django.db import connection

from ihss import test as cast
from ihss.accounts import factor_reset, second_factor
from ihss.accounts.models import AuthenticatorApp, Role, SecondFactorResetRequest
from ihss.core.audit import trail
from ihss.notifications.models import Notification

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
CALLERS = 50


@pytest.fixture
def county_worker(db):
    user = cast.make_user("county.worker", Role.COUNTY_STAFF, county=cast.county("19"))
    app = second_factor.start_app(user)
    AuthenticatorApp.objects.filter(pk=app.pk).update(confirmed=True)
    return user


def test_fifty_requests_at_once_are_one_request_told_once(county_worker, service_desk):
    assert connection.vendor == "postgresql"
    filed = []

    def ask() -> None:
        request, _now = factor_reset.request_removal(
            account=county_worker, by=service_desk, statement="Called back the county line"
        )
        filed.append(request.pk)

    assert cast.at_once([ask] * CALLERS) == [None] * CALLERS
    assert len(set(filed)) == 1 and len(filed) == CALLERS
    assert SecondFactorResetRequest.objects.count() == 1
    assert trail(county_worker).filter(action="accounts.second_factor_reset_requested").count() == 1
    assert Notification.objects.filter(user=county_worker).count() == 1


def test_fifty_approvals_at_once_remove_once(county_worker, service_desk, state_admin):
    waiting, _filed = factor_reset.request_removal(
        account=county_worker, by=service_desk, statement="Called back the county line"
    )
    decided = []

    def approve() -> None:
        _request, now = factor_reset.approve(request=waiting, by=state_admin, reason="Checked")
        decided.append(now)

    assert cast.at_once([approve] * CALLERS) == [None] * CALLERS
    assert sorted(decided) == [False] * (CALLERS - 1) + [True]
    assert not county_worker.has_second_factor()
    assert trail(county_worker).filter(action="accounts.second_factor_reset").count() == 1
    assert trail(county_worker).filter(action="accounts.second_factor_reset_approved").count() == 1
    removed = Notification.objects.filter(user=county_worker, context__change="reset_by_state")
    assert removed.count() == 1
