"""Who reaches which case-record page: county isolation, read-only desk, other roles."""

import datetime as dt

import pytest
from django.urls import reverse

from ihss import test as cast
from ihss.cases.models import OvertimeExemption, TravelAgreement
from ihss.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def la_case(la_recipient, la_provider):
    """A Los Angeles recipient and provider with every kind of linked record."""
    other = cast.make_recipient(county_code="19", first_name="Otto", last_name="Second")
    assignment = cast.assign(la_provider, la_recipient, 80 * 60)
    cast.assign(la_provider, other, 40 * 60)
    exemption = OvertimeExemption.objects.create(
        provider=la_provider,
        kind=2,
        circumstance="remote_area",
        approved_on=dt.date(2025, 1, 1),
        effective_from=dt.date(2025, 1, 1),
    )
    travel = TravelAgreement.objects.create(
        provider=la_provider,
        from_recipient=la_recipient,
        to_recipient=other,
        weekly_minutes=60,
        signed_on=dt.date(2025, 1, 1),
        effective_from=dt.date(2025, 1, 1),
    )
    return {
        "case": la_recipient.case_number,
        "number": la_provider.provider_number,
        "assignment": assignment.pk,
        "exemption": exemption.pk,
        "travel": travel.pk,
    }


WRITE_PAGES = [
    ("recipient-edit", lambda c: [c["case"]]),
    ("recipient-hours", lambda c: [c["case"]]),
    ("assignment-create", lambda c: [c["case"]]),
    ("assignment-edit", lambda c: [c["assignment"]]),
    ("assignment-end", lambda c: [c["assignment"]]),
    ("provider-edit", lambda c: [c["number"]]),
    ("exemption-create", lambda c: [c["number"]]),
    ("exemption-end", lambda c: [c["number"], c["exemption"]]),
    ("travel-create", lambda c: [c["number"]]),
    ("travel-end", lambda c: [c["number"], c["travel"]]),
]
READ_PAGES = [
    ("recipient-detail", lambda c: [c["case"]]),
    ("provider-detail", lambda c: [c["number"]]),
]
CREATE_PAGES = ["recipient-create", "provider-create"]


def url(name, args):
    return reverse(f"cases:{name}", args=args)


@pytest.mark.parametrize(("name", "args"), WRITE_PAGES + READ_PAGES)
def test_a_fresno_worker_gets_404_for_a_los_angeles_case(
    signed_in, fresno_staff, la_case, name, args
):
    client = signed_in(fresno_staff)
    assert client.get(url(name, args(la_case))).status_code == 404
    if (name, args) in WRITE_PAGES:
        assert client.post(url(name, args(la_case)), {"reason": "x"}).status_code == 404
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(("name", "args"), WRITE_PAGES)
def test_the_service_desk_reads_but_every_change_page_is_403(
    signed_in, service_desk, la_case, name, args
):
    client = signed_in(service_desk)
    assert client.get(url(name, args(la_case))).status_code == 403
    assert client.post(url(name, args(la_case)), {"reason": "x"}).status_code == 403
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("name", CREATE_PAGES)
def test_the_service_desk_cannot_add_records(signed_in, service_desk, name):
    client = signed_in(service_desk)
    assert client.get(url(name, [])).status_code == 403
    assert client.post(url(name, []), {}).status_code == 403


@pytest.mark.parametrize(("name", "args"), READ_PAGES)
def test_the_service_desk_sees_records_statewide_without_change_buttons(
    signed_in, service_desk, la_case, name, args
):
    response = signed_in(service_desk).get(url(name, args(la_case)))
    assert response.status_code == 200
    assert b"/edit/" not in response.content
    assert b"/end/" not in response.content


@pytest.mark.parametrize(("name", "args"), WRITE_PAGES + READ_PAGES)
def test_county_staff_and_state_administrators_open_every_page_of_the_case(
    signed_in, la_staff, state_admin, la_case, name, args
):
    for user in (la_staff, state_admin):
        assert signed_in(user).get(url(name, args(la_case))).status_code == 200, user


@pytest.mark.parametrize(
    ("name", "args"),
    WRITE_PAGES
    + READ_PAGES
    + [(n, lambda c: []) for n in [*CREATE_PAGES, "recipient-list", "provider-list"]],
)
def test_providers_and_recipients_are_refused_every_case_record_page(
    signed_in, provider_user, recipient_user, la_case, name, args
):
    for user in (provider_user, recipient_user):
        assert signed_in(user).get(url(name, args(la_case))).status_code == 403, user


def test_a_fresno_provider_serving_a_los_angeles_recipient_is_read_only_to_los_angeles(
    signed_in, la_staff, la_recipient
):
    fresno_provider = cast.make_provider(county_code="10", first_name="Mei", last_name="Lin")
    cast.assign(fresno_provider, la_recipient, 60 * 60)
    client = signed_in(la_staff)
    number = fresno_provider.provider_number
    assert client.get(url("provider-detail", [number])).status_code == 200
    assert client.get(url("provider-edit", [number])).status_code == 403
    assert client.get(url("exemption-create", [number])).status_code == 403


def test_an_exemption_is_reached_only_through_its_own_provider(signed_in, la_staff, la_case):
    someone_else = cast.make_provider(county_code="19")
    response = signed_in(la_staff).get(
        url("exemption-end", [someone_else.provider_number, la_case["exemption"]])
    )
    assert response.status_code == 404
    response = signed_in(la_staff).get(
        url("travel-end", [someone_else.provider_number, la_case["travel"]])
    )
    assert response.status_code == 404
