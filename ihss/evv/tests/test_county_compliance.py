"""The county's compliance view: visits per provider and per week, what is missing, the
recipients to locate, the CSV, and who may open it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.cases.models import Recipient
from ihss.core import visits as core_visits
from ihss.evv.services import compliance
from ihss.evv.services.visits import correct_visit
from ihss.evv.tests.factories import HOME, local, punch, worker_and_recipient

pytestmark = pytest.mark.django_db

# The pay period of November 1 to 15, 2026: weeks Nov 1-7, Nov 8-14 and Nov 15.
NOV = dt.date(2026, 11, 1)


@pytest.fixture
def worked():
    """Timesheets' answer to `worked_days`, set by each test (restored afterwards)."""
    days: list[core_visits.WorkedDay] = []
    known = core_visits._offered.get("worked_days")

    def reader(county_ids, first, last):  # as timesheets answer: the counties' recipients
        ids = set(Recipient.objects.filter(county_id__in=county_ids).values_list("pk", flat=True))
        return [d for d in days if d.recipient_id in ids and first <= d.day <= last]

    core_visits._offered["worked_days"] = reader
    yield days
    if known is None:
        core_visits._offered.pop("worked_days", None)
    else:
        core_visits._offered["worked_days"] = known


def visit(provider, recipient, user, day, *, place="home", near=HOME, start=8, end=12):
    punch(provider, recipient, user, kind="in", at=local(day, start), place=place, near=near)
    out = punch(provider, recipient, user, kind="out", at=local(day, end), place=place, near=near)
    return out.recorded[1]


@pytest.fixture
def month(worked):
    """One provider's first half of November 2026, with a bit of everything."""
    provider, recipient, user, assignment = worker_and_recipient()
    visit(provider, recipient, user, NOV + dt.timedelta(days=1))  # Mon 2: located
    visit(provider, recipient, user, NOV + dt.timedelta(days=2), near=None)  # Tue 3: refused
    far = (HOME[0] + Decimal("0.05"), HOME[1])
    visit(provider, recipient, user, NOV + dt.timedelta(days=8), near=far)  # Mon 9: out
    corrected = visit(provider, recipient, user, NOV + dt.timedelta(days=9))  # Tue 10
    correct_visit(
        visit=corrected, start=None, end=dt.time(13), place=None, reason="Forgot", by=user
    )
    visit(provider, recipient, user, NOV + dt.timedelta(days=9), place="community", near=None)
    # Hours reported: Mon 2 (has a visit), Wed 4 and Sun 15 (no visit).
    for day in (2, 4, 15):
        worked.append(
            core_visits.WorkedDay(
                provider.pk, recipient.pk, "IHSS", NOV.replace(day=day), 240, True
            )
        )
    return provider, recipient, user, assignment


def selection_of(county_ids, provider=None):
    period = compliance.period_containing(compliance.PAY_PERIOD, NOV)
    return compliance.Selection(frozenset(county_ids), period, provider)


def test_it_counts_each_providers_visits_per_sunday_to_saturday_week(month):
    provider, recipient, _u, _a = month
    selection = selection_of([recipient.county_id])
    missing = compliance.missing_days(selection)
    [row] = compliance.provider_rows(selection, [provider], missing)
    first, second, third = row.weeks
    assert (first.visits, first.located, first.unlocated, first.missing) == (2, 1, 1, 1)
    assert (second.visits, second.out_of_range, second.corrected, second.community) == (3, 1, 1, 1)
    assert (third.visits, third.missing) == (0, 1)
    assert row.total.visits == 5 and row.total.missing == 2


def test_a_live_in_providers_days_are_never_missing(worked):
    provider, recipient, _user, _a = worker_and_recipient(live_in=True)
    worked.append(core_visits.WorkedDay(provider.pk, recipient.pk, "IHSS", NOV, 240, True))
    assert compliance.missing_days(selection_of([recipient.county_id])) == []


def test_a_week_period_runs_sunday_to_saturday():
    week = compliance.period_containing(compliance.WEEK, dt.date(2026, 11, 4))
    assert (week.start, week.end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 7))
    half = compliance.period_containing(compliance.PAY_PERIOD, dt.date(2026, 11, 20))
    assert (half.start, half.end) == (dt.date(2026, 11, 16), dt.date(2026, 11, 30))
    assert half.weeks[0] == (dt.date(2026, 11, 16), dt.date(2026, 11, 21))


def sacramento_staff():
    return cast.make_user("sac.staff", Role.COUNTY_STAFF, county=cast.county("34"))


def test_county_staff_see_their_providers_with_a_chart_and_a_table(client, month):
    provider, *_rest = month
    client.force_login(sacramento_staff())
    page = client.get(reverse("evv:county-compliance"), {"day": "2026-11-03"})
    assert page.status_code == 200
    html = page.content.decode()
    assert provider.provider_number in html
    assert "<svg" in html and "<table" in html


def test_staff_of_another_county_see_nothing_of_it(client, month):
    provider, *_rest = month
    client.force_login(cast.make_user("la.staff", Role.COUNTY_STAFF, county=cast.county("19")))
    page = client.get(reverse("evv:county-compliance"), {"day": "2026-11-03"})
    assert page.status_code == 200 and provider.provider_number not in page.content.decode()


def test_people_who_are_not_staff_are_refused(client):
    provider, _recipient, user, _a = worker_and_recipient()
    client.force_login(user)
    assert client.get(reverse("evv:county-compliance")).status_code == 403
    assert client.get(reverse("evv:county-compliance-csv")).status_code == 403


def test_the_state_reads_every_county(client, month):
    provider, *_rest = month
    client.force_login(cast.make_user("state", Role.STATE_ADMIN))
    page = client.get(reverse("evv:county-compliance"), {"day": "2026-11-03"})
    assert provider.provider_number in page.content.decode()


def test_a_wrong_filter_is_said_and_the_page_still_shows(client, month):
    client.force_login(sacramento_staff())
    page = client.get(
        reverse("evv:county-compliance"), {"day": "someday", "provider": "12", "period": "year"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Enter a date like 2026-11-03." in html
    assert "A provider number has 9 digits." in html


def test_the_csv_has_a_row_per_provider_and_week(client, month):
    provider, *_rest = month
    client.force_login(sacramento_staff())
    answer = client.get(reverse("evv:county-compliance-csv"), {"day": "2026-11-03"})
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [r["week_start"] for r in rows] == ["2026-11-01", "2026-11-08", "2026-11-15"]
    assert rows[0]["provider_number"] == provider.provider_number
    assert (rows[0]["with_location"], rows[0]["without_location"], rows[0]["missing"]) == (
        "1",
        "1",
        "1",
    )
    assert (rows[1]["out_of_range"], rows[1]["corrected"]) == ("1", "1")


def test_a_recipient_without_coordinates_is_listed_until_they_are_added(client, worked):
    provider, recipient, user, _a = worker_and_recipient(located=False)
    visit(provider, recipient, user, NOV + dt.timedelta(days=1))
    client.force_login(sacramento_staff())
    url = reverse("evv:county-compliance")
    edit = reverse("cases:recipient-edit", args=[recipient.case_number])
    assert edit in client.get(url).content.decode()
    recipient.latitude, recipient.longitude = HOME
    recipient.save()
    assert edit not in client.get(url).content.decode()


def test_the_page_takes_as_many_queries_for_forty_providers_as_for_one(
    client, worked, django_assert_max_num_queries
):
    staff = sacramento_staff()
    client.force_login(staff)
    provider, recipient, user, _a = worker_and_recipient()
    visit(provider, recipient, user, NOV + dt.timedelta(days=1))
    url = reverse("evv:county-compliance")
    client.get(url, {"day": "2026-11-03"})  # warm the session
    with django_assert_max_num_queries(16) as one:
        client.get(url, {"day": "2026-11-03"})
    for n in range(40):
        other = cast.make_active_provider(county_code="34")
        other_user = cast.make_user(f"evv.p{n}", Role.PROVIDER, provider=other)
        cast.assign(other, recipient, 600, start_date=dt.date(2026, 1, 1))
        visit(other, recipient, other_user, NOV + dt.timedelta(days=n % 14))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url, {"day": "2026-11-03"})
    assert page.context["page"].paginator.num_pages == 2
