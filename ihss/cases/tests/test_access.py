import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from ihss import test as cast
from ihss.cases import access

pytestmark = pytest.mark.django_db


def test_county_staff_see_only_their_countys_recipients(la_staff, la_recipient, fresno_recipient):
    assert list(access.visible_recipients(la_staff)) == [la_recipient]
    assert access.get_recipient_for_user(la_staff, la_recipient.case_number) == la_recipient
    with pytest.raises(Http404):
        access.get_recipient_for_user(la_staff, fresno_recipient.case_number)


def test_a_provider_serving_a_county_recipient_is_visible_to_that_county(
    fresno_staff, la_provider, fresno_recipient
):
    assert la_provider not in access.visible_providers(fresno_staff)
    cast.assign(la_provider, fresno_recipient, 600)
    assert la_provider in access.visible_providers(fresno_staff)
    # ...but the provider's record stays Los Angeles's to change.
    with pytest.raises(PermissionDenied):
        access.get_provider_for_user(fresno_staff, la_provider.provider_number, write=True)


def test_the_service_desk_reads_statewide_but_cannot_change(service_desk, fresno_recipient):
    assert access.get_recipient_for_user(service_desk, fresno_recipient.case_number)
    with pytest.raises(PermissionDenied):
        access.get_recipient_for_user(service_desk, fresno_recipient.case_number, write=True)


def test_state_administrators_change_records_statewide(state_admin, fresno_recipient):
    assert access.get_recipient_for_user(state_admin, fresno_recipient.case_number, write=True)


def test_providers_and_recipients_see_no_case_records_here(
    provider_user, recipient_user, la_recipient
):
    for user in (provider_user, recipient_user):
        assert not access.can_use_case_records(user)
        with pytest.raises(Http404):
            access.get_recipient_for_user(user, la_recipient.case_number)


def test_a_county_worker_can_assign_a_provider_enrolled_in_another_county(
    la_staff, fresno_staff, la_provider, fresno_recipient
):
    found = access.find_provider_to_assign(
        fresno_staff, la_provider.provider_number, recipient=fresno_recipient
    )
    assert found == la_provider
    # ...but only to a recipient of a county they may change.
    with pytest.raises(PermissionDenied):
        access.find_provider_to_assign(
            la_staff, la_provider.provider_number, recipient=fresno_recipient
        )
    with pytest.raises(Http404):
        access.find_provider_to_assign(fresno_staff, "999999999", recipient=fresno_recipient)
