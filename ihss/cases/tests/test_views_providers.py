"""County staff screens for providers: search, the whole picture, enrollment, exemptions, travel."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from ihss import test as cast
from ihss.cases import services
from ihss.cases.models import OvertimeExemption, Program, Provider, TravelAgreement
from ihss.core.audit import trail

pytestmark = pytest.mark.django_db

H = 60
ENROLLED = {
    "soc426_received_on": "2025-03-01",
    "orientation_completed_on": "2025-03-08",
    "background_check_cleared_on": "2025-04-02",
    "soc846_signed_on": "2025-04-03",
}


def detail(provider):
    return reverse("cases:provider-detail", args=[provider.provider_number])


def text(response):
    """The page's main content as plain text with collapsed spaces."""
    content = response.content.decode()
    main = content[content.index("<main") : content.index("</main>")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


# --- Search and list ----------------------------------------------------------------------


def test_the_provider_search_opens_a_provider_by_number(signed_in, la_staff, la_provider):
    response = signed_in(la_staff).get(
        reverse("cases:provider-list"), {"q": la_provider.provider_number}
    )
    assert response.status_code == 302
    assert response["Location"] == detail(la_provider)


def test_a_provider_of_another_county_is_not_found_by_number(signed_in, fresno_staff, la_provider):
    response = signed_in(fresno_staff).get(
        reverse("cases:provider-list"), {"q": la_provider.provider_number}
    )
    assert response.status_code == 200
    assert "is in the records you can see" in text(response)
    assert "Reyes" not in text(response)


@pytest.mark.parametrize("q", ["rey", "Ana Reyes", "Reyes, A"])
def test_the_provider_list_finds_providers_by_name(signed_in, la_staff, la_provider, q):
    cast.make_provider(county_code="10", first_name="Ana", last_name="Reyes")
    cast.make_provider(county_code="19", first_name="Bo", last_name="Other")
    page = text(signed_in(la_staff).get(reverse("cases:provider-list"), {"q": q}))
    assert "1 provider matches" in page
    assert "Reyes, Ana" in page and la_provider.provider_number in page
    assert "Other" not in page


def test_a_provider_serving_the_county_is_listed_there(signed_in, fresno_staff, la_provider):
    fresno_recipient = cast.make_recipient(county_code="10")
    page = text(signed_in(fresno_staff).get(reverse("cases:provider-list")))
    assert "Reyes" not in page
    cast.assign(la_provider, fresno_recipient, 10 * H)
    page = text(signed_in(fresno_staff).get(reverse("cases:provider-list")))
    assert "Reyes, Ana" in page


@pytest.mark.parametrize("rows", [3, 40])
def test_the_provider_list_runs_the_same_queries_whatever_the_number_of_rows(
    signed_in, la_staff, django_assert_num_queries, rows
):
    for n in range(rows):
        cast.make_provider(last_name=f"Many{n:02d}")
    client = signed_in(la_staff)
    # session, user, memberships, unread messages (header), count, page of rows, "may add" check,
    # and saving the session (savepoint, update, release)
    with django_assert_num_queries(10):
        response = client.get(reverse("cases:provider-list"))
    assert response.status_code == 200
    assert text(response).count("Many") == min(rows, 25)


# --- The whole picture --------------------------------------------------------------------


@pytest.fixture
def busy_provider(la_staff):
    """Ana: enrolled but for one step, two recipients, past work, an exemption, travel."""
    provider = cast.make_provider(
        ssn="521464321",
        first_name="Ana",
        last_name="Reyes",
        phone="(213) 555-0101",
        soc426_received_on=dt.date(2025, 3, 1),
        orientation_completed_on=dt.date(2025, 3, 8),
        background_check_cleared_on=dt.date(2025, 4, 2),
    )
    rosa = cast.make_recipient(first_name="Rosa", last_name="Delgado")
    hal = cast.make_recipient(first_name="Hal", last_name="Kim")
    old = cast.make_recipient(first_name="Olga", last_name="Before")
    services.create_assignment(
        recipient=rosa,
        provider=provider,
        program=Program.IHSS,
        assigned_monthly_minutes=100 * H + 15,
        start_date=dt.date(2025, 5, 1),
        by=la_staff,
        reason="First match",
    )
    cast.assign(provider, hal, 40 * H, start_date=dt.date(2025, 5, 1))
    cast.assign(
        provider, old, 20 * H, start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 12, 31)
    )
    OvertimeExemption.objects.create(
        provider=provider,
        kind=2,
        circumstance="language",
        approved_on=dt.date(2025, 5, 2),
        effective_from=dt.date(2025, 5, 1),
    )
    TravelAgreement.objects.create(
        provider=provider,
        from_recipient=rosa,
        to_recipient=hal,
        weekly_minutes=90,
        signed_on=dt.date(2025, 5, 1),
        effective_from=dt.date(2025, 5, 1),
    )
    return provider


def test_the_provider_page_shows_the_whole_picture(signed_in, la_staff, busy_provider):
    response = signed_in(la_staff).get(detail(busy_provider))
    page = text(response)
    assert f"Provider number {busy_provider.provider_number}" in page
    assert "Enrollment pending" in page
    assert "***-**-4321" in page
    assert "521464321" not in response.content.decode()
    assert "(213) 555-0101" in page
    # the four enrollment steps with their dates
    assert "SOC 426 enrollment form received Done on 03/01/2025" in page
    assert "Orientation completed Done on 03/08/2025" in page
    assert "Background check cleared Done on 04/02/2025" in page
    assert "SOC 846 enrollment agreement signed Not done yet" in page
    # recipients now and before
    current, past = page.index("Current and upcoming"), page.index("Past")
    assert current < page.index("Rosa Delgado") < past < page.index("Olga Before")
    assert "100 h 15 min" in page
    # exemption and travel
    assert "Exemption 2: extraordinary circumstances (SOC 2305)" in page
    assert "No other provider speaks the recipient's language" in page
    assert "Rosa Delgado" in page and "1 h 30 min" in page
    # history, including the assignment's
    assert "Assignment added" in page and "First match" in page


def test_the_provider_page_hides_recipients_of_other_counties(signed_in, fresno_staff, la_provider):
    fresno_recipient = cast.make_recipient(county_code="10", first_name="Wei", last_name="Chen")
    la_recipient = cast.make_recipient(county_code="19", first_name="Lara", last_name="Hidden")
    cast.assign(la_provider, fresno_recipient, 10 * H)
    cast.assign(la_provider, la_recipient, 10 * H)
    TravelAgreement.objects.create(
        provider=la_provider,
        from_recipient=fresno_recipient,
        to_recipient=la_recipient,
        weekly_minutes=60,
        signed_on=dt.date(2025, 1, 1),
        effective_from=dt.date(2025, 1, 1),
    )
    page = text(signed_in(fresno_staff).get(detail(la_provider)))
    assert "Wei Chen" in page
    assert "Hidden" not in page
    assert la_recipient.case_number not in page
    assert "A recipient in Los Angeles County" in page


@pytest.mark.parametrize("extra", [0, 15])
def test_the_provider_page_runs_a_fixed_number_of_queries(
    signed_in, la_staff, busy_provider, django_assert_num_queries, extra
):
    for n in range(extra):
        recipient = cast.make_recipient()
        cast.assign(busy_provider, recipient, H, program=Program.WPCS)
        services.update_provider(
            provider=busy_provider, fields={"phone": f"555-01{n:02d}"}, by=la_staff
        )
    client = signed_in(la_staff)
    # session, user, memberships, unread messages (header), provider, assignments, exemptions, travel,
    # history count, history page, and saving the session (savepoint, update, release)
    with django_assert_num_queries(13):
        response = client.get(detail(busy_provider))
    assert response.status_code == 200


# --- Adding and changing a provider -------------------------------------------------------


def new_provider_data(**overrides):
    data = {
        "provider_number": "197777777",
        "first_name": "Luz",
        "last_name": "Ortega",
        "date_of_birth": "1990-02-03",
        "ssn": "521467777",
        "preferred_language": "es",
        "county": str(cast.county("19").pk),
        "status": "pending",
    }
    data.update(overrides)
    return data


def test_county_staff_add_a_provider(signed_in, la_staff):
    response = signed_in(la_staff).post(reverse("cases:provider-create"), new_provider_data())
    provider = Provider.objects.get(provider_number="197777777")
    assert response.status_code == 302
    assert response["Location"] == detail(provider)
    assert provider.ssn == "521467777"
    assert trail(provider).get().action == "provider.created"


def test_a_provider_cannot_be_made_active_before_enrollment_and_the_form_says_why(
    signed_in, la_staff
):
    response = signed_in(la_staff).post(
        reverse("cases:provider-create"),
        new_provider_data(status="active", soc426_received_on="2025-03-01"),
    )
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "A provider can be Active only once all four enrollment steps are done." in content
    assert (
        "Still missing: orientation completed; background check cleared; "
        "SOC 846 enrollment agreement signed." in content
    )
    assert 'value="2025-03-01"' in content
    assert 'value="Luz"' in content
    assert not Provider.objects.exists()


def test_completing_enrollment_makes_a_provider_active(signed_in, la_staff, la_provider):
    client = signed_in(la_staff)
    edit_url = reverse("cases:provider-edit", args=[la_provider.provider_number])
    form_page = client.get(edit_url).content.decode()
    assert 'value="Ana"' in form_page
    response = client.post(
        edit_url,
        {
            "first_name": "Ana",
            "last_name": "Reyes",
            "date_of_birth": "1980-01-01",
            "preferred_language": "en",
            "county": str(la_provider.county_id),
            "status": "active",
            "ssn": "",
            "reason": "All four steps done",
            **ENROLLED,
        },
    )
    assert response.status_code == 302
    la_provider.refresh_from_db()
    assert la_provider.status == Provider.Status.ACTIVE
    assert la_provider.enrollment_complete
    page = text(client.get(detail(la_provider)))
    assert "All four enrollment steps are done." in page
    assert "Status: Enrollment pending → changed to Active" in page
    assert "All four steps done" in page


# --- Overtime exemptions ------------------------------------------------------------------


def test_adding_and_ending_an_overtime_exemption(signed_in, la_staff, la_provider):
    client = signed_in(la_staff)
    response = client.post(
        reverse("cases:exemption-create", args=[la_provider.provider_number]),
        {
            "kind": "2",
            "circumstance": "remote_area",
            "approved_on": "2025-06-01",
            "effective_from": "2025-06-01",
            "effective_to": "",
            "notes": "Only provider within 40 miles",
            "reason": "SOC 2305 approved",
        },
    )
    assert response.status_code == 302
    exemption = OvertimeExemption.objects.get()
    assert exemption.kind == 2
    response = client.post(
        reverse("cases:exemption-end", args=[la_provider.provider_number, exemption.pk]),
        {"end_date": "2025-12-31", "reason": "Another provider found"},
    )
    assert response.status_code == 302
    exemption.refresh_from_db()
    assert exemption.effective_to == dt.date(2025, 12, 31)
    page = text(client.get(detail(la_provider)))
    assert "06/01/2025 to 12/31/2025" in page
    assert "Overtime exemption added" in page and "SOC 2305 approved" in page
    assert "Overtime exemption ended" in page and "Another provider found" in page


def test_exemption_2_without_a_circumstance_is_refused_on_the_form(
    signed_in, la_staff, la_provider
):
    response = signed_in(la_staff).post(
        reverse("cases:exemption-create", args=[la_provider.provider_number]),
        {
            "kind": "2",
            "circumstance": "",
            "approved_on": "2025-06-01",
            "effective_from": "2025-06-01",
            "notes": "Typed notes",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Exemption 2 is approved for a circumstance; choose which one." in content
    assert "Typed notes" in content
    assert not OvertimeExemption.objects.exists()


# --- Travel agreements --------------------------------------------------------------------


@pytest.fixture
def two_recipients(la_provider):
    first = cast.make_recipient(first_name="Ada", last_name="First")
    second = cast.make_recipient(first_name="Bea", last_name="Second")
    cast.assign(la_provider, first, 60 * H, start_date=dt.date(2025, 1, 1))
    cast.assign(la_provider, second, 60 * H, start_date=dt.date(2025, 1, 1))
    return first, second


def travel_data(pair, **overrides):
    data = {
        "from_recipient": str(pair[0].pk),
        "to_recipient": str(pair[1].pk),
        "hours": "2",
        "minutes": "30",
        "signed_on": "2025-02-01",
        "effective_from": "2025-02-01",
        "effective_to": "",
        "reason": "SOC 2255 received",
    }
    data.update(overrides)
    return data


def test_the_travel_form_offers_only_the_providers_recipients(
    signed_in, la_staff, la_provider, two_recipients
):
    cast.make_recipient(first_name="Zoe", last_name="Unrelated")
    content = (
        signed_in(la_staff)
        .get(reverse("cases:travel-create", args=[la_provider.provider_number]))
        .content.decode()
    )
    assert "Ada First" in content and "Bea Second" in content
    assert "Unrelated" not in content


def test_adding_and_ending_a_travel_agreement(signed_in, la_staff, la_provider, two_recipients):
    client = signed_in(la_staff)
    response = client.post(
        reverse("cases:travel-create", args=[la_provider.provider_number]),
        travel_data(two_recipients),
    )
    assert response.status_code == 302
    agreement = TravelAgreement.objects.get()
    assert agreement.weekly_minutes == 2 * H + 30
    response = client.post(
        reverse("cases:travel-end", args=[la_provider.provider_number, agreement.pk]),
        {"end_date": "2025-08-31", "reason": "Recipient moved"},
    )
    assert response.status_code == 302
    page = text(client.get(detail(la_provider)))
    assert "2 h 30 min" in page and "02/01/2025 to 08/31/2025" in page
    assert "Travel agreement added" in page and "Travel agreement ended" in page
    assert "Recipient moved" in page


def test_travel_above_the_weekly_cap_is_refused_on_the_form(
    signed_in, la_staff, la_provider, two_recipients
):
    response = signed_in(la_staff).post(
        reverse("cases:travel-create", args=[la_provider.provider_number]),
        travel_data(two_recipients, hours="7", minutes="15"),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "7 h 15 min a week is more than the 7 h of travel a provider can claim." in content
    assert 'name="minutes" value="15"' in content
    assert not TravelAgreement.objects.exists()


def test_travel_from_a_recipient_to_the_same_one_is_refused(
    signed_in, la_staff, la_provider, two_recipients
):
    first = two_recipients[0]
    response = signed_in(la_staff).post(
        reverse("cases:travel-create", args=[la_provider.provider_number]),
        travel_data((first, first)),
    )
    assert "Travel is between two different recipients" in response.content.decode()
    assert not TravelAgreement.objects.exists()


# --- Paid sick leave before the portal (issue 14, item 9) ---------------------------------


def test_the_county_records_where_a_providers_sick_leave_starts(signed_in, la_staff, la_provider):
    client = signed_in(la_staff)
    edit_url = reverse("cases:provider-edit", args=[la_provider.provider_number])
    base = {
        "first_name": "Ana",
        "last_name": "Reyes",
        "date_of_birth": "1980-01-01",
        "preferred_language": "en",
        "county": str(la_provider.county_id),
        "status": "pending",
        "ssn": "",
        "reason": "Hours from the old payroll system",
    }
    refused = client.post(
        edit_url, {**base, "worked_to_date_hours": "1250:30", "sick_leave_usable_on": "2024-05-14"}
    )
    assert refused.status_code == 200
    content = html.unescape(refused.content.decode())
    assert "Give the last day the hours worked to date count." in content
    la_provider.refresh_from_db()
    assert la_provider.worked_to_date_minutes == 0

    response = client.post(
        edit_url,
        {
            **base,
            "worked_to_date_hours": "1250:30",
            "worked_to_date_through": "2025-06-30",
            "sick_leave_earned_on": "2024-03-15",
            "sick_leave_usable_on": "2024-05-14",
        },
    )
    assert response.status_code == 302
    la_provider.refresh_from_db()
    assert (
        la_provider.worked_to_date_minutes,
        la_provider.worked_to_date_through,
        la_provider.sick_leave_earned_on,
        la_provider.sick_leave_usable_on,
    ) == (1250 * 60 + 30, dt.date(2025, 6, 30), dt.date(2024, 3, 15), dt.date(2024, 5, 14))
    assert 'value="1250:30"' in client.get(edit_url).content.decode()
    page = text(client.get(detail(la_provider)))
    assert "Hours worked to date, before the portal: 0 h → changed to 1250 h 30 min" in page


def test_a_usable_day_before_the_earned_day_is_refused_on_the_form(
    signed_in, la_staff, la_provider
):
    response = signed_in(la_staff).post(
        reverse("cases:provider-edit", args=[la_provider.provider_number]),
        {
            "first_name": "Ana",
            "last_name": "Reyes",
            "date_of_birth": "1980-01-01",
            "preferred_language": "en",
            "county": str(la_provider.county_id),
            "status": "pending",
            "sick_leave_earned_on": "2024-05-14",
            "sick_leave_usable_on": "2024-03-01",
            "worked_to_date_hours": "12.5",
        },
    )
    content = html.unescape(response.content.decode())
    assert "Write hours as H:MM, for example 1250:00 for 1,250 hours." in content
    response = signed_in(la_staff).post(
        reverse("cases:provider-edit", args=[la_provider.provider_number]),
        {
            "first_name": "Ana",
            "last_name": "Reyes",
            "date_of_birth": "1980-01-01",
            "preferred_language": "en",
            "county": str(la_provider.county_id),
            "status": "pending",
            "sick_leave_earned_on": "2024-05-14",
            "sick_leave_usable_on": "2024-03-01",
        },
    )
    content = html.unescape(response.content.decode())
    assert "Paid sick leave becomes usable on or after the day it was earned." in content
