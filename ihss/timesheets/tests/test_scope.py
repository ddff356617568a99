"""One scope per request (issue 13): who sees what is worked out once and applied by one helper.

The table below is the whole access picture for one world of two counties: each person
(a provider, a recipient, county staff of each county, the state, the desk, a stranger)
against each kind of record (timesheets, violations, sick leave claims, recipients,
providers), as the access functions hand them to views and the API.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ihss import test as cast
from ihss.accounts import models as account_models
from ihss.accounts.models import Membership, Role
from ihss.cases import access as case_access
from ihss.core.scope import NOBODY, Scope, scope_of
from ihss.timesheets import access
from ihss.timesheets.models import SickLeaveClaim, Timesheet, Violation

pytestmark = pytest.mark.django_db

NOV_1 = dt.date(2026, 11, 1)
OCT_16 = dt.date(2026, 10, 16)


@pytest.fixture
def two_counties():
    """Los Angeles (19): recipient Rosa, provider Ana. Fresno (10): recipient Wei, provider
    Bo, and provider Cy, enrolled in Fresno but working for Rosa in Los Angeles."""
    rosa = cast.make_recipient(county_code="19", first_name="Rosa", last_name="Delgado")
    wei = cast.make_recipient(county_code="10", first_name="Wei", last_name="Chen")
    ana = cast.make_provider(county_code="19", first_name="Ana", last_name="Reyes")
    bo = cast.make_provider(county_code="10", first_name="Bo", last_name="Lin")
    cy = cast.make_provider(county_code="10", first_name="Cy", last_name="Ortiz")
    cast.assign(ana, rosa, 600)
    cast.assign(bo, wei, 600)
    cast.assign(cy, rosa, 600)

    def sheet(provider, recipient, start, status):
        end = start + dt.timedelta(days=14)
        return Timesheet.objects.create(
            provider=provider,
            recipient=recipient,
            program="IHSS",
            period_start=start,
            period_end=end,
            status=status,
        )

    def violation(provider):
        return Violation.objects.create(
            provider=provider,
            week_start=dt.date(2026, 11, 1),
            noticed_on=dt.date(2026, 11, 20),
            counted=True,
            consequence="notice",
        )

    def claim(provider, recipient):
        return SickLeaveClaim.objects.create(
            provider=provider, recipient=recipient, program="IHSS", day=NOV_1, minutes=120
        )

    records = {
        "timesheet": {
            "la sent": sheet(ana, rosa, NOV_1, Timesheet.Status.SUBMITTED),
            "la draft": sheet(ana, rosa, OCT_16, Timesheet.Status.DRAFT),
            "fresno sent": sheet(bo, wei, NOV_1, Timesheet.Status.SUBMITTED),
        },
        "violation": {"la": violation(ana), "fresno": violation(bo)},
        "sick leave claim": {"la": claim(ana, rosa), "fresno": claim(bo, wei)},
        "recipient": {"la": rosa, "fresno": wei},
        "provider": {"la": ana, "fresno": bo, "fresno serving la": cy},
    }
    people = {
        "provider": cast.make_user("ana", Role.PROVIDER, provider=ana),
        "recipient": cast.make_user("rosa", Role.RECIPIENT, recipient=rosa),
        "la staff": cast.make_user("la", Role.COUNTY_STAFF, county=cast.county("19")),
        "fresno staff": cast.make_user("fresno", Role.COUNTY_STAFF, county=cast.county("10")),
        "state admin": cast.make_user("state", Role.STATE_ADMIN),
        "service desk": cast.make_user("desk", Role.SERVICE_DESK),
        "stranger": cast.make_user("stranger"),
    }
    return people, records


VISIBLE = {
    "timesheet": access.visible_timesheets,
    "violation": access.visible_violations,
    "sick leave claim": access.visible_sick_leave_claims,
    "recipient": case_access.visible_recipients,
    "provider": case_access.visible_providers,
}
ALL = {
    "timesheet": {"la sent", "la draft", "fresno sent"},
    "violation": {"la", "fresno"},
    "sick leave claim": {"la", "fresno"},
    "recipient": {"la", "fresno"},
    "provider": {"la", "fresno", "fresno serving la"},
}
NOTHING: dict[str, set[str]] = {kind: set() for kind in ALL}
# Who sees what. A recipient never sees a draft; a provider sees no case record (their
# own reach them on their home page); county staff see the providers who work for their
# county's recipients, but a violation belongs to the provider's own county.
WHO_SEES_WHAT: dict[str, dict[str, set[str]]] = {
    "provider": NOTHING
    | {"timesheet": {"la sent", "la draft"}, "violation": {"la"}, "sick leave claim": {"la"}},
    "recipient": NOTHING | {"timesheet": {"la sent"}, "sick leave claim": {"la"}},
    "la staff": {
        "timesheet": {"la sent", "la draft"},
        "violation": {"la"},
        "sick leave claim": {"la"},
        "recipient": {"la"},
        "provider": {"la", "fresno serving la"},
    },
    "fresno staff": {
        "timesheet": {"fresno sent"},
        "violation": {"fresno"},
        "sick leave claim": {"fresno"},
        "recipient": {"fresno"},
        "provider": {"fresno", "fresno serving la"},
    },
    "state admin": ALL,
    "service desk": ALL,
    "stranger": NOTHING,
}


@pytest.mark.parametrize("kind", list(VISIBLE))
@pytest.mark.parametrize("person", list(WHO_SEES_WHAT))
def test_it_shows_each_person_exactly_the_records_of_their_scope(two_counties, person, kind):
    people, records = two_counties
    names = {record.pk: name for name, record in records[kind].items()}
    seen = {names[pk] for pk in VISIBLE[kind](people[person]).values_list("pk", flat=True)}
    assert seen == WHO_SEES_WHAT[person][kind]


def test_it_keeps_a_statewide_reader_to_their_own_records_on_their_home_page(two_counties):
    people, records = two_counties
    ana = records["provider"]["la"]
    admin = people["state admin"]
    Membership.objects.create(user=admin, role=Role.PROVIDER, provider=ana)
    assert set(case_access.own_providers(admin)) == {ana}
    assert set(access.own_timesheets(admin)) == {
        records["timesheet"]["la sent"],
        records["timesheet"]["la draft"],
    }
    assert case_access.visible_providers(admin).count() == 3  # and still reads statewide


def test_it_sees_a_role_given_or_taken_on_the_same_user_object_at_once(two_counties):
    people, records = two_counties
    user = people["provider"]
    assert set(access.visible_violations(user)) == {records["violation"]["la"]}
    staff = Membership.objects.create(user=user, role=Role.COUNTY_STAFF, county=cast.county("10"))
    assert set(access.visible_violations(user)) == set(records["violation"].values())
    assert access.can_decide_violation(user, records["violation"]["fresno"])
    staff.delete()
    assert set(access.visible_violations(user)) == {records["violation"]["la"]}
    assert not access.can_decide_violation(user, records["violation"]["fresno"])


def test_it_works_out_a_new_scope_for_each_request(two_counties, client):
    people, records = two_counties
    staff = people["la staff"]
    client.force_login(staff)
    sheet = records["timesheet"]["la sent"]
    assert client.get(reverse("timesheets:detail", args=[sheet.pk])).status_code == 200
    # The county worker moves to Fresno between two requests: the next one knows.
    Membership.objects.filter(user=staff).update(county=cast.county("10"))
    assert client.get(reverse("timesheets:detail", args=[sheet.pk])).status_code == 404


def test_it_gives_nobody_to_a_visitor_who_is_not_signed_in():
    from django.contrib.auth.models import AnonymousUser

    assert scope_of(AnonymousUser()) is NOBODY
    assert list(NOBODY.filter(Timesheet.objects, own_provider="provider_id")) == []


def _membership_queries(caught: CaptureQueriesContext) -> int:
    return sum('"accounts_membership"' in q["sql"] for q in caught.captured_queries)


@pytest.mark.parametrize(
    ("person", "page"),
    [
        ("la staff", "detail"),  # timesheet_for, is_provider_of, is_recipient_of, review...
        ("provider", "detail"),
        ("provider", "violations"),  # visible_violations, provider_ids
        ("recipient", "review"),
        ("la staff", "violations"),
    ],
)
def test_it_works_out_the_scope_once_per_request_and_reads_memberships_once(
    two_counties, client, monkeypatch, person, page
):
    people, records = two_counties
    client.force_login(people[person])
    args = [records["timesheet"]["la sent"].pk] if page == "detail" else []
    url = reverse(f"timesheets:{page}", args=args)
    built = []

    def counted(**facts):
        built.append(facts)
        return Scope(**facts)

    monkeypatch.setattr(account_models, "Scope", counted)
    with CaptureQueriesContext(connection) as caught:
        response = client.get(url)
    assert response.status_code == 200
    assert len(built) == 1
    assert _membership_queries(caught) == 1
