"""The Service Desk finds a caller by name and date of birth, from one search box on its
home page (issue 14, item 6): no case or accents, a page at a time, never an SSN."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ihss import test as cast
from ihss.accounts.desk import parse_query
from ihss.accounts.models import Role, User
from ihss.core.folding import fold

pytestmark = pytest.mark.django_db

NARE_BORN = dt.date(1985, 3, 14)


@pytest.fixture
def family(db):
    """Nare Petrosyan, a provider who is also the representative of her mother Anahit."""
    nare_record = cast.make_active_provider(
        first_name="Nare", last_name="Petrosyan", date_of_birth=NARE_BORN, ssn="531874455"
    )
    anahit = cast.make_recipient(
        first_name="Anahit", last_name="Petrosyan", date_of_birth=dt.date(1948, 6, 2)
    )
    nare = cast.make_user("nare.p", Role.PROVIDER, provider=nare_record)
    nare.memberships.create(role=Role.RECIPIENT, recipient=anahit, is_representative=True)
    # Another Petrosyan, and a provider whose name has accents on record.
    other = cast.make_active_provider(first_name="Armen", last_name="Petrosyan")
    cast.make_user("armen.p", Role.PROVIDER, provider=other)
    jose = cast.make_active_provider(first_name="José", last_name="Pérez Núñez")
    cast.make_user("jose.p", Role.PROVIDER, provider=jose)
    return {"nare": nare, "nare_record": nare_record, "anahit": anahit}


def _found(client, q, *, page="", language="en"):
    data = {"q": q} | ({"page": page} if page else {})
    response = client.get(reverse("service-desk-home"), data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    return html, re.findall(r'<td data-label="[^"]*">([\w.]+)(?:<br>|</td>)', html)


def test_the_desk_finds_a_caller_by_last_name_whatever_the_case(signed_in, service_desk, family):
    client = signed_in(service_desk)
    for typed in ["Petrosyan", "petrosyan", "PETROSYAN", "  Petrosyan ", "Petrosyán", "Petro"]:
        html, usernames = _found(client, typed)
        assert sorted(usernames) == ["armen.p", "nare.p"], typed
        assert "No account matches" not in html


def test_accents_on_record_or_typed_do_not_matter(signed_in, service_desk, family):
    client = signed_in(service_desk)
    for typed in ["perez", "Pérez", "PEREZ NUNEZ", "Pérez Núñez, José", "jose perez"]:
        assert _found(client, typed)[1] == ["jose.p"], typed


def test_first_name_and_date_of_birth_narrow_the_search(signed_in, service_desk, family):
    client = signed_in(service_desk)
    for typed in [
        "Petrosyan, Nare",
        "Nare Petrosyan",
        "Petrosyan Nare",
        "Petrosyan 03/14/1985",
        "Petrosyan, Nare 1985-03-14",
    ]:
        assert _found(client, typed)[1] == ["nare.p"], typed
    # In Spanish the day comes first, as the page's dates are written.
    assert _found(client, "Petrosyan 14/03/1985", language="es")[1] == ["nare.p"]
    assert _found(client, "Petrosyan 01/01/1999")[1] == []
    # A representative is found by the name of the recipient they act for.
    assert _found(client, "Petrosyan, Anahit 06/02/1948")[1] == ["nare.p"]


def test_numbers_usernames_and_emails_still_find_accounts(signed_in, service_desk, family):
    client = signed_in(service_desk)
    number = family["nare_record"].provider_number
    case = family["anahit"].case_number
    for typed in [
        number,
        f"{number[:3]}-{number[3:6]}-{number[6:]}",
        case,
        "NARE.P",
        "nare.p@example.org",
    ]:
        assert _found(client, typed)[1] == ["nare.p"], typed


def test_staff_are_found_by_the_name_on_their_account(signed_in, service_desk):
    county = cast.make_user("teresa.n", Role.COUNTY_STAFF, county=cast.county("19"))
    User.objects.filter(pk=county.pk).update(first_name="Teresa", last_name="Nguyễn")
    assert _found(signed_in(service_desk), "nguyen teresa")[1] == ["teresa.n"]


def test_a_result_shows_the_records_but_never_an_ssn(signed_in, service_desk, family):
    html, _usernames = _found(signed_in(service_desk), "Petrosyan, Nare")
    assert "Nare Petrosyan" in html
    assert family["nare_record"].provider_number in html
    assert "Authorized representative of Anahit Petrosyan" in html
    assert "531874455" not in html and "531-87-4455" not in html
    assert "4455" not in html


def test_a_wrong_date_or_any_text_gets_an_answer_not_an_error(signed_in, service_desk, family):
    client = signed_in(service_desk)
    html, found = _found(client, "Petrosyan 13/45/1985")
    assert found == []
    assert "“13/45/1985” is not a date. Type a date of birth like 03/14/1948." in html
    spanish, _found_es = _found(client, "Petrosyan 45/13/1985", language="es")
    assert "“45/13/1985” no es una fecha." in spanish
    html, _found_none = _found(client, "03/14/1985")
    assert "last name with the date of birth." in html
    for typed in ["%", "_", "'; drop table", "x" * 5000, "ß", "\u0000"]:
        response = client.get(reverse("service-desk-home"), {"q": typed})
        assert response.status_code in (200, 400)


def test_the_list_comes_a_page_at_a_time_in_the_same_number_of_queries(signed_in, service_desk):
    client = signed_in(service_desk)

    def many(count, start):
        for n in range(start, start + count):
            record = cast.make_active_provider(first_name=f"Ann{n}", last_name="Avetisyan")
            user = cast.make_user(f"avetisyan{n:02d}", Role.PROVIDER, provider=record)
            user.memberships.create(role=Role.RECIPIENT, recipient=cast.make_recipient())

    def queries():
        with CaptureQueriesContext(connection) as captured:
            _found(client, "avetisyan")
        return len(captured)

    many(2, 0)
    few = queries()
    many(30, 2)
    assert queries() == few
    html, first = _found(client, "avetisyan")
    assert len(first) == 25 and "32 accounts match" in html
    _html, second = _found(client, "avetisyan", page="2")
    assert len(second) == 7 and not set(first) & set(second)


def test_the_desk_home_has_one_search_box(signed_in, service_desk):
    html = signed_in(service_desk).get(reverse("service-desk-home")).content.decode()
    assert html.count('role="search"') == 1
    assert 'name="q"' in html and "date of birth" in html


def test_the_query_is_taken_apart_the_way_callers_say_names():
    query = parse_query("Nare  Petrosyan, ")
    assert query.names[0] == (fold("Nare Petrosyan"), "")
    assert (fold("Petrosyan"), fold("Nare")) in query.names
    assert parse_query("190-000-003").number == "190000003"
    assert parse_query("1900005").number == "1900005"


@pytest.mark.postgres_only
def test_on_postgresql_the_name_search_reads_the_folded_name_indexes(family):
    """The search writes the very expression the migrations index, so PostgreSQL can
    find a last name without reading every provider, recipient and account."""
    from ihss.accounts.desk import find_accounts

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            plan = find_accounts(parse_query("Petrosyan")).explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
    for index in [
        "cases_provider_folded_last_name",
        "cases_recipient_folded_last_name",
        "accounts_user_folded_last_name",
    ]:
        assert index in plan, plan
