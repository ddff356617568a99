"""Attendance becomes paid training time: the training provider records it (on screen or
from a CSV file, all or nothing), the provider confirms the claim choosing whose county
wage applies, and the next payroll run pays it once, counting it toward overtime."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.payroll.models import PayLine
from ihss.payroll.services import issue, runs
from ihss.payroll.tests.factories import H, fixed_rate, timesheet
from ihss.training.models import Attendance, ClassSession, TrainingClaim
from ihss.training.services import attendance, claims, registrations
from ihss.training.tests.factories import account_of, enrolled_provider, live_course

pytestmark = pytest.mark.django_db
PACIFIC = ZoneInfo("America/Los_Angeles")
SATURDAY = dt.date(2026, 12, 5)  # the last day of the workweek Nov 29 - Dec 5
NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=PACIFIC)


@pytest.fixture(autouse=True)
def _after_the_class():
    with time_machine.travel(NOW, tick=False):
        yield


def saturday_class(*, seats=5, hours=2) -> ClassSession:
    starts = dt.datetime.combine(SATURDAY, dt.time(14, 0), tzinfo=PACIFIC)
    return ClassSession.objects.create(
        course=live_course(),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        language="en",
        capacity=seats,
    )


def seated(session, provider):
    with time_machine.travel(session.starts_at - dt.timedelta(days=3), tick=False):
        return registrations.register(provider=provider, session=session, by=None)


@pytest.fixture
def staff():
    user = cast.make_user("academy", Role.TRAINING_PROVIDER, organization="Test Academy")
    live_course()  # makes the organization
    return user


def test_staff_record_attendance_on_the_roster_and_a_claim_is_ready(client, staff):
    session = saturday_class()
    ana = enrolled_provider("ana")
    ben = enrolled_provider("ben")
    seated(session, ana)
    seated(session, ben)
    rows = {r.provider_id: r.pk for r in session.registrations.all()}
    client.force_login(staff)

    response = client.post(
        reverse("training:roster", args=[session.pk]),
        {f"hours-{rows[ana.pk]}": "2:00", f"hours-{rows[ben.pk]}": "0:00"},
        follow=True,
    )

    assert "Attendance recorded for 2 people." in response.content.decode()
    claim = TrainingClaim.objects.get()
    assert (claim.provider, claim.minutes, claim.day) == (ana, 2 * H, SATURDAY)
    assert claim.status == TrainingClaim.Status.READY
    assert Attendance.objects.get(registration__provider=ben).minutes == 0


def test_a_csv_with_a_bad_row_records_nothing_and_names_each_row(client, staff):
    session = saturday_class()
    ana = enrolled_provider("ana")
    seated(session, ana)
    client.force_login(staff)
    csv = (
        "provider_number,hours\n"
        f"{ana.provider_number},2:00\n"
        "199999999,1:00\n"
        f"{ana.provider_number},abc\n"
    ).encode()

    response = client.post(reverse("training:roster", args=[session.pk]), {"file": _file(csv)})

    body = response.content.decode()
    assert response.status_code == 400
    assert "Row 2:" in body and "Row 3:" in body and "Nothing was recorded" in body
    assert not Attendance.objects.exists()


def test_hours_longer_than_the_class_are_refused():
    session = saturday_class(hours=2)
    ana = enrolled_provider()
    seated(session, ana)
    with pytest.raises(attendance.AttendanceRejected) as rejected:
        attendance.record(session=session, minutes_by_provider={ana.provider_number: 3 * H},
                          by=None)  # fmt: skip
    assert "longer than the class" in rejected.value.problems[0].message


def test_another_organizations_staff_cannot_open_the_roster(client):
    session = saturday_class()
    other = cast.make_user("other", Role.TRAINING_PROVIDER, organization="Other Academy")
    client.force_login(other)
    assert client.get(reverse("training:roster", args=[session.pk])).status_code == 404


def test_the_roster_downloads_as_csv(client, staff):
    session = saturday_class()
    ana = enrolled_provider()
    seated(session, ana)
    client.force_login(staff)

    response = client.get(reverse("training:roster-csv", args=[session.pk]))

    lines = response.content.decode().splitlines()
    assert lines[0] == "provider_number,last_name,first_name,hours"
    assert lines[1].startswith(ana.provider_number)


def test_confirmed_training_time_is_paid_at_the_county_wage_counting_toward_overtime(client):
    fixed_rate("19", 2000)
    fixed_rate("10", 1800)
    ana = enrolled_provider("ana")
    rosa = cast.make_recipient(county_code="19")
    wei = cast.make_recipient(county_code="10")
    rosa_work = cast.assign(ana, rosa, 200 * H)
    cast.assign(ana, wei, 50 * H)
    # 40 hours for Rosa Sunday to Friday, then the Saturday class: its 2 h are overtime.
    week = {dt.date(2026, 11, 29) + dt.timedelta(days=n): 8 * H for n in range(1, 6)}
    timesheet(ana, rosa, {d: m for d, m in week.items() if d.month == 12})
    timesheet(ana, rosa, {d: m for d, m in week.items() if d.month == 11})
    session = saturday_class()
    seated(session, ana)
    attendance.record(session=session, minutes_by_provider={ana.provider_number: 2 * H}, by=None)
    claim = TrainingClaim.objects.get()
    client.force_login(account_of(ana))

    page = client.get(reverse("training:mine")).content.decode()
    client.post(reverse("training:claim-confirm", args=[claim.pk]), {"assignment": rosa_work.pk})
    run = runs.start_run(period_start=dt.date(2026, 11, 16), by=None, today=dt.date(2026, 12, 7))
    runs.calculate(run=run)
    later = runs.start_run(period_start=dt.date(2026, 12, 1), by=None, today=dt.date(2026, 12, 20))
    runs.calculate(run=later)

    assert "Whose county wage applies" in page and "Confirm my training time" in page
    line = PayLine.objects.get(source="training_claim")
    assert (line.kind, line.part, line.minutes) == ("training", "overtime", 2 * H)
    assert line.rate_cents == 2000 and line.cents == 2 * 2000 * 3 // 2  # Rosa's county, 1.5 x
    assert PayLine.objects.filter(source="training_claim").count() == 1  # paid once
    # The paystub explains the line, and My training says it was paid.
    admin = cast.make_user("state", Role.STATE_ADMIN)
    issue.issue_run(run=runs.approve(run=later, by=admin), by=admin, on=dt.date(2026, 12, 20))
    stub = page_of(client, reverse("payroll:stub", args=[line.stub_id]))
    assert "Training time, Dec. 5: 2 h of overtime at 1.5 × $20.00 = $60.00" in stub
    assert f'href="/training/mine/#claim-{claim.pk}"' in stub
    timeline = page_of(client, reverse("payroll:timeline", args=["training_claim", claim.pk]))
    assert "Attendance recorded by the training provider" in timeline
    assert "Paid: see My pay" in page_of(client, reverse("training:mine"))


def page_of(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_a_claim_cannot_be_confirmed_after_its_deadline():
    ana = enrolled_provider()
    cast.assign(ana, cast.make_recipient(), 100 * H)
    session = saturday_class()
    seated(session, ana)
    attendance.record(session=session, minutes_by_provider={ana.provider_number: H}, by=None)
    claim = TrainingClaim.objects.get()

    with (
        time_machine.travel(NOW + dt.timedelta(days=90), tick=False),
        pytest.raises(claims.ClaimRefused) as refused,
    ):
        claims.confirm(claim=claim, assignment_id=None, by=None)

    assert refused.value.code == "claim_expired"


def test_a_provider_serving_no_recipient_is_told_why_the_claim_cannot_be_paid():
    ana = enrolled_provider()
    session = saturday_class()
    seated(session, ana)
    attendance.record(session=session, minutes_by_provider={ana.provider_number: H}, by=None)

    with pytest.raises(claims.ClaimRefused) as refused:
        claims.confirm(claim=TrainingClaim.objects.get(), assignment_id=None, by=None)

    assert refused.value.code == "no_recipient"


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("roster.csv", data, content_type="text/csv")


def test_an_attended_class_can_no_longer_be_cancelled_or_moved(client):
    ana = enrolled_provider("ana")
    session = saturday_class()
    registration = seated(session, ana)
    attendance.record(session=session, minutes_by_provider={ana.provider_number: 2 * H}, by=None)
    client.force_login(account_of(ana))

    page = client.get(reverse("training:mine")).content.decode()
    refused = client.post(reverse("training:cancel", args=[registration.pk]), follow=True)

    assert "Attendance recorded: 2 h." in page and "Cancel my registration" not in page
    assert "can no longer be changed" in refused.content.decode()
    registration.refresh_from_db()
    assert registration.status == "registered"


def _visit(provider, recipient, start: dt.time, end: dt.time) -> None:
    """A checked-in visit on the class's Saturday, recorded as the phone would."""
    from ihss.evv.tests.factories import punch

    user = account_of(provider)
    for kind, at in (("in", start), ("out", end)):
        moment = dt.datetime.combine(SATURDAY, at, tzinfo=PACIFIC)
        punch(provider, recipient, user, kind=kind, at=moment, place="community", near=None)


def test_training_time_overlapping_a_checked_in_visit_is_not_paid():
    ana = enrolled_provider("ana.overlap")
    rosa = cast.make_recipient()
    cast.assign(ana, rosa, 100 * H)
    session = saturday_class()  # 2:00 to 4:00 pm
    seated(session, ana)
    _visit(ana, rosa, dt.time(13, 0), dt.time(15, 0))
    attendance.record(session=session, minutes_by_provider={ana.provider_number: 2 * H}, by=None)

    with pytest.raises(claims.ClaimRefused) as refused:
        claims.confirm(claim=TrainingClaim.objects.get(), assignment_id=None, by=None)

    assert refused.value.code == "overlaps_visit"
    assert "checked in for care from 1:00" in refused.value.message
    assert TrainingClaim.objects.get().status == TrainingClaim.Status.READY


def test_a_visit_that_ended_before_the_class_does_not_stop_the_claim():
    ana = enrolled_provider("ana.before")
    rosa = cast.make_recipient()
    cast.assign(ana, rosa, 100 * H)
    session = saturday_class()
    seated(session, ana)
    _visit(ana, rosa, dt.time(9, 0), dt.time(14, 0))  # ends as the class begins
    attendance.record(session=session, minutes_by_provider={ana.provider_number: 2 * H}, by=None)

    claim = claims.confirm(claim=TrainingClaim.objects.get(), assignment_id=None, by=None)

    assert claim.status == TrainingClaim.Status.CONFIRMED
