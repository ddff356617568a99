"""County staff screens for recipients: search, the whole picture, and changes."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from ihss import test as cast
from ihss.cases import services
from ihss.cases.models import Assignment, AuthorizedHours, Program, Recipient, TravelAgreement
from ihss.core.audit import trail

pytestmark = pytest.mark.django_db

H = 60


def detail(recipient):
    return reverse("cases:recipient-detail", args=[recipient.case_number])


def text(response):
    """The page's main content as plain text with collapsed spaces."""
    content = response.content.decode()
    main = content[content.index("<main") : content.index("</main>")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


# --- Search and list ----------------------------------------------------------------------


def test_searching_a_case_number_opens_that_recipients_page(signed_in, la_staff, la_recipient):
    response = signed_in(la_staff).get(
        reverse("cases:recipient-list"), {"q": f" {la_recipient.case_number} "}
    )
    assert response.status_code == 302
    assert response["Location"] == detail(la_recipient)


def test_searching_a_provider_number_opens_that_providers_page(signed_in, la_staff, la_provider):
    number = la_provider.provider_number
    response = signed_in(la_staff).get(
        reverse("cases:recipient-list"), {"q": f"{number[:3]}-{number[3:]}"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:provider-detail", args=[number])


def test_a_case_number_of_another_county_is_not_found_by_search(
    signed_in, fresno_staff, la_recipient
):
    response = signed_in(fresno_staff).get(
        reverse("cases:recipient-list"), {"q": la_recipient.case_number}
    )
    assert response.status_code == 200
    assert (
        f"No recipient with case number {la_recipient.case_number} is in the records you can see."
        in text(response)
    )
    assert la_recipient.last_name not in text(response)


def test_a_number_of_another_length_is_explained(signed_in, la_staff):
    response = signed_in(la_staff).get(reverse("cases:recipient-list"), {"q": "12345"})
    assert "12345 is not a case number (7 digits) or a provider number (9 digits)." in text(
        response
    )


@pytest.mark.parametrize("q", ["Delg", "delgado", "Rosa Del", "Delgado, Ro"])
def test_a_name_search_finds_the_countys_recipients_by_the_start_of_their_names(
    signed_in, la_staff, la_recipient, q
):
    cast.make_recipient(county_code="10", first_name="Rosa", last_name="Delgado")
    cast.make_recipient(county_code="19", first_name="Ana", last_name="Smith")
    response = signed_in(la_staff).get(reverse("cases:recipient-list"), {"q": q})
    assert response.status_code == 200
    page = text(response)
    assert "1 recipient matches" in page
    assert "Delgado, Rosa" in page
    assert la_recipient.case_number in page
    assert "Smith" not in page


def test_the_recipient_list_shows_25_a_page(signed_in, la_staff):
    for n in range(30):
        cast.make_recipient(first_name="Page", last_name=f"Zed{n:02d}")
    client = signed_in(la_staff)
    first = text(client.get(reverse("cases:recipient-list"), {"q": "Zed"}))
    second = text(client.get(reverse("cases:recipient-list"), {"q": "Zed", "page": 2}))
    assert "Zed00" in first and "Zed24" in first and "Zed25" not in first
    assert "Page 1 of 2" in first
    assert "Zed25" in second and "Zed29" in second and "Zed24" not in second


@pytest.mark.parametrize("rows", [3, 40])
def test_the_recipient_list_runs_the_same_queries_whatever_the_number_of_rows(
    signed_in, la_staff, django_assert_num_queries, rows
):
    for n in range(rows):
        cast.make_recipient(last_name=f"Many{n:02d}")
    client = signed_in(la_staff)
    # session, user, memberships, unread messages (header), count, page of rows, "may add" check,
    # and saving the session (savepoint, update, release)
    with django_assert_num_queries(10):
        response = client.get(reverse("cases:recipient-list"))
    assert response.status_code == 200
    assert text(response).count("Many") == min(rows, 25)


# --- The whole picture --------------------------------------------------------------------


@pytest.fixture
def rich_recipient(la_staff):
    """Rosa with hours over time, a current and a past provider, travel and history."""
    recipient = cast.make_recipient(
        ssn="521451234",
        first_name="Rosa",
        last_name="Delgado",
        street="1200 W Temple St",
        city="Los Angeles",
        zip_code="90012",
        latitude="34.061000",
        longitude="-118.250000",
        severely_impaired=True,
        needs_cognitive_behavioral=True,
        representative_name="Marina Delgado",
        representative_relationship="Daughter",
    )
    cast.authorize(recipient, 200 * H, start=dt.date(2025, 1, 1))
    services.change_authorized_hours(
        recipient=recipient,
        program=Program.IHSS,
        monthly_minutes=250 * H + 30,
        effective_from=dt.date(2025, 7, 1),
        by=la_staff,
        reason="Annual reassessment",
    )
    current = cast.make_provider(first_name="Ana", last_name="Reyes")
    past = cast.make_provider(first_name="Pat", last_name="Former")
    cast.assign(current, recipient, 250 * H, start_date=dt.date(2025, 3, 1))
    cast.assign(
        past, recipient, 100 * H, start_date=dt.date(2024, 1, 1), end_date=dt.date(2025, 2, 28)
    )
    neighbour = cast.make_recipient(first_name="Nina", last_name="Neighbour")
    cast.assign(current, neighbour, 10 * H, start_date=dt.date(2025, 3, 1))
    TravelAgreement.objects.create(
        provider=current,
        from_recipient=recipient,
        to_recipient=neighbour,
        weekly_minutes=2 * H + 15,
        signed_on=dt.date(2025, 3, 1),
        effective_from=dt.date(2025, 3, 1),
    )
    return recipient


def test_the_recipient_page_shows_the_whole_picture(signed_in, la_staff, rich_recipient):
    response = signed_in(la_staff).get(detail(rich_recipient))
    page = text(response)
    # identity, address, coordinates, county, status, care
    assert "Rosa Delgado" in page
    assert f"Case number {rich_recipient.case_number}" in page
    assert "***-**-1234" in page
    assert "1200 W Temple St Los Angeles 90012" in page
    assert "Latitude 34.061000, longitude -118.250000" in page
    assert "County Los Angeles" in page
    assert "Status Active" in page
    assert "Severely impaired Yes" in page
    assert "Cognitive impairments or behavioral health needs" in page
    assert "Marina Delgado" in page and "Daughter" in page
    # hours: today's value and the history
    assert "IHSS: 250 h 30 min a month, since 07/01/2025" in page
    assert "07/01/2025 No end date 250 h 30 min Current" in page
    assert "01/01/2025 06/30/2025 200 h" in page
    # providers now and before, with links
    assert 'href="/cases/providers/' in response.content.decode()
    current, past = page.index("Current and upcoming"), page.index("Past")
    assert current < page.index("Ana Reyes") < past < page.index("Pat Former")
    assert "01/01/2024 to 02/28/2025" in page
    # travel
    assert "Nina Neighbour" in page and "2 h 15 min" in page
    # the audit trail with who, what, why and before -> after
    assert "History of changes" in page
    assert "Authorized hours set" in page
    assert "Authorized hours ended" in page
    assert "Annual reassessment" in page
    assert "Effective to: empty → changed to 06/30/2025" in page  # dates as people write them
    assert "2025-06-30" not in page
    assert "Authorized hours per month: 200 h → changed to 250 h 30 min" in page
    assert la_staff.username in page


def test_the_recipient_page_never_shows_the_full_ssn(signed_in, la_staff, rich_recipient):
    content = signed_in(la_staff).get(detail(rich_recipient)).content.decode()
    assert "521451234" not in content
    assert "521-45-1234" not in content


def test_the_trail_lists_the_newest_change_first(signed_in, la_staff, la_recipient):
    for city in ["Alhambra", "Burbank", "Compton"]:
        services.update_recipient(
            recipient=la_recipient, fields={"city": city}, by=la_staff, reason=f"Moved to {city}"
        )
    page = text(signed_in(la_staff).get(detail(la_recipient)))
    assert (
        page.index("Moved to Compton")
        < page.index("Moved to Burbank")
        < page.index("Moved to Alhambra")
    )
    assert "City: Alhambra → changed to Burbank" in page


def test_a_long_history_is_shown_50_changes_a_page(signed_in, la_staff, la_recipient):
    for n in range(55):
        services.update_recipient(
            recipient=la_recipient, fields={"phone": f"555-01{n:02d}"}, by=la_staff
        )
    client = signed_in(la_staff)
    first = text(client.get(detail(la_recipient)))
    second = text(client.get(detail(la_recipient), {"changes": 2}))
    assert "changed to 555-0154" in first and "changed to 555-0105" in first
    assert "changed to 555-0104" not in first
    assert "Page 1 of 2" in first
    assert "changed to 555-0104" in second and "changed to 555-0105" not in second
    assert "Page 2 of 2" in second


def test_another_countys_recipient_on_a_travel_agreement_is_not_named(
    signed_in, la_staff, la_recipient, la_provider
):
    fresno = cast.make_recipient(county_code="10", first_name="Wei", last_name="Chen")
    cast.assign(la_provider, la_recipient, 60 * H)
    cast.assign(la_provider, fresno, 60 * H)
    TravelAgreement.objects.create(
        provider=la_provider,
        from_recipient=la_recipient,
        to_recipient=fresno,
        weekly_minutes=H,
        signed_on=dt.date(2025, 1, 1),
        effective_from=dt.date(2025, 1, 1),
    )
    page = text(signed_in(la_staff).get(detail(la_recipient)))
    assert "A recipient in Fresno County" in page
    assert "Chen" not in page
    assert fresno.case_number not in page


@pytest.mark.parametrize("extra", [0, 15])
def test_the_recipient_page_runs_a_fixed_number_of_queries(
    signed_in, la_staff, rich_recipient, django_assert_num_queries, extra
):
    for n in range(extra):
        provider = cast.make_provider()
        cast.assign(
            provider, rich_recipient, H, program=Program.WPCS, start_date=dt.date(2025, 1, n + 1)
        )
        services.update_recipient(
            recipient=rich_recipient, fields={"phone": f"555-01{n:02d}"}, by=la_staff
        )
    client = signed_in(la_staff)
    # session, user, memberships, unread messages (header), recipient, hours, assignments, travel,
    # history count, history page, and saving the session (savepoint, update, release)
    with django_assert_num_queries(13):
        response = client.get(detail(rich_recipient))
    assert response.status_code == 200


# --- Adding and changing a recipient ------------------------------------------------------


def new_recipient_data(**overrides):
    data = {
        "case_number": "1907777",
        "first_name": "Maria",
        "last_name": "Lopez",
        "date_of_birth": "1948-05-06",
        "ssn": "521-45-7777",
        "preferred_language": "es",
        "county": str(cast.county("19").pk),
        "status": "active",
        "city": "Pomona",
        "zip_code": "91766",
    }
    data.update(overrides)
    return data


def test_county_staff_add_a_recipient(signed_in, la_staff):
    response = signed_in(la_staff).post(reverse("cases:recipient-create"), new_recipient_data())
    recipient = Recipient.objects.get(case_number="1907777")
    assert response.status_code == 302
    assert response["Location"] == detail(recipient)
    assert recipient.ssn == "521457777"
    assert recipient.preferred_language == "es"
    assert trail(recipient).get().actor == la_staff
    page = text(signed_in(la_staff).get(response["Location"]))
    assert "Maria Lopez (1907777) was added." in page


def test_a_failed_submit_keeps_what_was_typed_and_shows_the_specific_message(signed_in, la_staff):
    cast.make_recipient(ssn="521457777")
    response = signed_in(la_staff).post(
        reverse("cases:recipient-create"), new_recipient_data(first_name="Mariana")
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Another recipient already has this Social Security number." in content
    assert 'value="Mariana"' in content
    assert 'value="Pomona"' in content
    assert 'value="1907777"' in content
    # ...but the SSN is never sent back, not even the one just typed.
    assert "521-45-7777" not in content and "521457777" not in content
    assert not Recipient.objects.filter(case_number="1907777").exists()


def test_a_malformed_ssn_is_refused_with_its_own_message(signed_in, la_staff):
    response = signed_in(la_staff).post(
        reverse("cases:recipient-create"), new_recipient_data(ssn="12-34")
    )
    assert "A Social Security number is 9 digits, like 123-45-6789." in response.content.decode()


def test_county_staff_can_only_choose_their_own_county(signed_in, la_staff):
    client = signed_in(la_staff)
    form_page = client.get(reverse("cases:recipient-create")).content.decode()
    assert ">Los Angeles</option>" in form_page
    assert ">Fresno</option>" not in form_page
    response = client.post(
        reverse("cases:recipient-create"), new_recipient_data(county=str(cast.county("10").pk))
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Recipient.objects.filter(case_number="1907777").exists()


def test_the_edit_page_never_shows_the_ssn_on_file(signed_in, la_staff):
    recipient = cast.make_recipient(ssn="521459999")
    content = (
        signed_in(la_staff)
        .get(reverse("cases:recipient-edit", args=[recipient.case_number]))
        .content.decode()
    )
    assert "521459999" not in content and "521-45-9999" not in content
    assert 'name="ssn"' in content
    assert re.search(r'<input type="password" name="ssn"(?![^>]*value=)', content)


def edit_data(recipient, **overrides):
    data = {
        "first_name": recipient.first_name,
        "last_name": recipient.last_name,
        "date_of_birth": recipient.date_of_birth.isoformat(),
        "preferred_language": recipient.preferred_language,
        "county": str(recipient.county_id),
        "status": recipient.status,
        "reason": "",
        "ssn": "",
    }
    data.update(overrides)
    return data


def test_editing_a_recipient_records_the_change_and_its_reason(signed_in, la_staff, la_recipient):
    client = signed_in(la_staff)
    response = client.post(
        reverse("cases:recipient-edit", args=[la_recipient.case_number]),
        edit_data(la_recipient, city="Pasadena", reason="Moved in with daughter"),
    )
    assert response.status_code == 302
    la_recipient.refresh_from_db()
    assert la_recipient.city == "Pasadena"
    event = trail(la_recipient).get()
    assert event.reason == "Moved in with daughter"
    assert event.changes() == [("city", "", "Pasadena")]
    page = text(client.get(detail(la_recipient)))
    assert "The recipient's details were saved." in page
    assert "City: empty → changed to Pasadena" in page


def test_replacing_the_ssn_through_the_edit_page(signed_in, la_staff):
    recipient = cast.make_recipient(ssn="521450011")
    response = signed_in(la_staff).post(
        reverse("cases:recipient-edit", args=[recipient.case_number]),
        edit_data(recipient, ssn="521-45-0022"),
    )
    assert response.status_code == 302
    recipient.refresh_from_db()
    assert recipient.ssn == "521450022"
    page = text(signed_in(la_staff).get(detail(recipient)))
    assert "Social Security number replaced" in page
    assert "***-**-0022" in page


# --- Authorized hours ---------------------------------------------------------------------


def test_changing_authorized_hours_end_to_end(signed_in, la_staff, la_recipient):
    cast.authorize(la_recipient, 100 * H, start=dt.date(2025, 1, 1))
    client = signed_in(la_staff)
    response = client.post(
        reverse("cases:recipient-hours", args=[la_recipient.case_number]),
        {
            "program": "IHSS",
            "hours": "120",
            "minutes": "45",
            "effective_from": "2025-09-01",
            "reason": "Reassessment after hospital stay",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == detail(la_recipient)

    page = text(client.get(response["Location"]))
    assert "The authorized hours were changed." in page
    assert "IHSS: 120 h 45 min a month, since 09/01/2025" in page
    assert "01/01/2025 08/31/2025 100 h" in page
    assert "Authorized hours set" in page
    assert "Reassessment after hospital stay" in page
    # The history shows the hours before and after, next to the reason.
    assert "Authorized hours per month: 100 h → changed to 120 h 45 min" in page
    assert AuthorizedHours.objects.get(effective_to=None).monthly_minutes == 120 * H + 45


def test_hours_above_the_maximum_are_refused_on_the_form_keeping_what_was_typed(
    signed_in, la_staff, la_recipient
):
    response = signed_in(la_staff).post(
        reverse("cases:recipient-hours", args=[la_recipient.case_number]),
        {
            "program": "IHSS",
            "hours": "200",
            "minutes": "0",
            "effective_from": "2025-09-01",
            "reason": "Typed too much",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert (
        "200 h a month is more than the 195 h a recipient who is not severely impaired can be "
        "authorized." in content
    )
    assert 'value="200"' in content
    assert "Typed too much" in content
    assert not AuthorizedHours.objects.exists()


def test_cutting_hours_below_a_providers_assignment_asks_to_confirm(
    signed_in, la_staff, la_recipient, la_provider
):
    """Issue 14, item 11: the county worker is told which assignments pass the new hours."""
    cast.authorize(la_recipient, 150 * H, start=dt.date(2025, 1, 1))
    cast.assign(la_provider, la_recipient, 120 * H)
    ended = cast.make_provider(first_name="Pat", last_name="Former")
    cast.assign(ended, la_recipient, 140 * H, end_date=dt.date(2025, 6, 30))
    client = signed_in(la_staff)
    url = reverse("cases:recipient-hours", args=[la_recipient.case_number])
    typed = {
        "program": "IHSS",
        "hours": "100",
        "minutes": "0",
        "effective_from": "2025-09-01",
        "reason": "Reassessment",
    }
    warned = client.post(url, typed)
    assert warned.status_code == 200
    content = html.unescape(warned.content.decode())
    assert (
        "100 h a month is less than the hours assigned to Ana Reyes (120 h). Lower those "
        "assignments after this change, or confirm below to save these hours anyway."
    ) in content
    assert "Pat Former" not in content  # her assignment ended before the change
    assert 'name="confirm_below_assignments"' in content
    assert AuthorizedHours.objects.get().monthly_minutes == 150 * H

    saved = client.post(url, {**typed, "confirm_below_assignments": "on"})
    assert saved.status_code == 302
    assert AuthorizedHours.objects.get(effective_to=None).monthly_minutes == 100 * H


def test_minutes_above_59_are_refused(signed_in, la_staff, la_recipient):
    response = signed_in(la_staff).post(
        reverse("cases:recipient-hours", args=[la_recipient.case_number]),
        {
            "program": "IHSS",
            "hours": "10",
            "minutes": "60",
            "effective_from": "2025-09-01",
            "reason": "x",
        },
    )
    assert "Ensure this value is less than or equal to 59." in response.content.decode()
    assert not AuthorizedHours.objects.exists()


def test_a_change_of_hours_without_a_reason_is_refused(signed_in, la_staff, la_recipient):
    response = signed_in(la_staff).post(
        reverse("cases:recipient-hours", args=[la_recipient.case_number]),
        {
            "program": "IHSS",
            "hours": "10",
            "minutes": "0",
            "effective_from": "2025-09-01",
            "reason": " ",
        },
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not AuthorizedHours.objects.exists()


# --- Assignments --------------------------------------------------------------------------


def assignment_data(provider, **overrides):
    data = {
        "provider_number": provider.provider_number,
        "program": "IHSS",
        "hours": "80",
        "minutes": "30",
        "start_date": "2025-10-01",
        "end_date": "",
        "live_in_certified_on": "",
        "family_relationship": "none",
        "reason": "Recipient's choice",
    }
    data.update(overrides)
    return data


def test_assigning_a_provider_by_number(signed_in, la_staff, la_recipient, la_provider):
    client = signed_in(la_staff)
    response = client.post(
        reverse("cases:assignment-create", args=[la_recipient.case_number]),
        assignment_data(la_provider),
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.provider, assignment.recipient) == (la_provider, la_recipient)
    assert assignment.assigned_monthly_minutes == 80 * H + 30
    page = text(client.get(detail(la_recipient)))
    assert "Ana Reyes is now assigned to Rosa Delgado." in page
    assert "Assignment added" in page and "Recipient's choice" in page


def test_an_unknown_provider_number_is_refused_on_the_form(signed_in, la_staff, la_recipient):
    someone = cast.make_provider(county_code="19")
    client = signed_in(la_staff)
    response = client.post(
        reverse("cases:assignment-create", args=[la_recipient.case_number]),
        {**assignment_data(someone), "provider_number": "199999999"},
    )
    assert response.status_code == 200
    assert "No provider has this number." in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_provider_enrolled_in_another_county_can_be_assigned(signed_in, la_staff, la_recipient):
    fresno_provider = cast.make_provider(county_code="10")
    client = signed_in(la_staff)
    response = client.post(
        reverse("cases:assignment-create", args=[la_recipient.case_number]),
        assignment_data(fresno_provider),
    )
    assert response.status_code == 302
    assert Assignment.objects.get().provider == fresno_provider
    # Serving a Los Angeles recipient makes the provider visible to Los Angeles staff.
    assert (
        client.get(
            reverse("cases:provider-detail", args=[fresno_provider.provider_number])
        ).status_code
        == 200
    )


def test_an_overlapping_assignment_is_refused_with_the_dates_of_the_other(
    signed_in, la_staff, la_recipient, la_provider
):
    cast.assign(la_provider, la_recipient, 60 * H, start_date=dt.date(2025, 1, 1))
    response = signed_in(la_staff).post(
        reverse("cases:assignment-create", args=[la_recipient.case_number]),
        assignment_data(la_provider),
    )
    assert response.status_code == 200
    assert (
        "This provider already works for this recipient in IHSS from 01/01/2025, with no end date."
        in response.content.decode()
    )
    assert Assignment.objects.count() == 1


def test_changing_and_ending_an_assignment(signed_in, la_staff, la_recipient, la_provider):
    assignment = cast.assign(la_provider, la_recipient, 60 * H, start_date=dt.date(2025, 1, 1))
    client = signed_in(la_staff)
    edit_page = client.get(reverse("cases:assignment-edit", args=[assignment.pk])).content.decode()
    assert 'name="hours" value="60"' in edit_page
    response = client.post(
        reverse("cases:assignment-edit", args=[assignment.pk]),
        {
            "hours": "70",
            "minutes": "0",
            "start_date": "2025-01-01",
            "end_date": "",
            "live_in_certified_on": "2025-02-01",
            "family_relationship": "child",
            "reason": "Moved in",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("cases:assignment-end", args=[assignment.pk]),
        {"end_date": "2025-12-31", "reason": "Provider retired"},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.assigned_monthly_minutes == 70 * H
    assert assignment.is_live_in
    assert assignment.end_date == dt.date(2025, 12, 31)
    page = text(client.get(detail(la_recipient)))
    assert "Assignment ended" in page and "Provider retired" in page
    assert "Assignment changed" in page and "Moved in" in page


def test_an_assignment_cannot_be_ended_before_it_started(
    signed_in, la_staff, la_recipient, la_provider
):
    assignment = cast.assign(la_provider, la_recipient, 60 * H, start_date=dt.date(2025, 6, 1))
    response = signed_in(la_staff).post(
        reverse("cases:assignment-end", args=[assignment.pk]),
        {"end_date": "2025-05-31", "reason": "Oops"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "The end date cannot be before the start date (06/01/2025)." in content
    assert 'value="2025-05-31"' in content
    assignment.refresh_from_db()
    assert assignment.end_date is None
