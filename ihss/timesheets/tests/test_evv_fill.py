"""The timesheet and electronic visit verification: a day's check-in and check-out fill its
start, end and location; changing them takes a reason the county sees; a day with hours and
no visit is flagged (never blocked); a day on a sent timesheet takes no more punches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from ihss import test as cast
from ihss.accounts.models import Role, User
from ihss.cases.models import Assignment, Provider, Recipient
from ihss.core import visits as core_visits
from ihss.core.models import ProgramParameter
from ihss.core.refusals import ServiceRefused
from ihss.evv.models import Visit, VisitCorrection
from ihss.evv.tests.factories import local, punch, worker_and_recipient
from ihss.timesheets import services
from ihss.timesheets.models import DayEntry, Timesheet
from ihss.timesheets.tests.conftest import H

MON = dt.date(2026, 11, 16)  # the first day of the pay period of TODAY (Nov 20)
TUE = MON + dt.timedelta(days=1)
WEEK = "2026-11-15"


@dataclass
class Evv:
    provider: Provider
    recipient: Recipient
    user: User
    assignment: Assignment
    sheet: Timesheet

    @property
    def week_url(self) -> str:
        return f"/timesheets/{self.sheet.pk}/week/{WEEK}/"

    def day_in(self, day: dt.date, at: tuple[int, int], out: tuple[int, int] | None) -> None:
        punch(self.provider, self.recipient, self.user, kind="in", at=local(day, *at))
        if out is not None:
            punch(self.provider, self.recipient, self.user, kind="out", at=local(day, *out))


def make_evv(*, live_in: bool = False) -> Evv:
    ProgramParameter.objects.get_or_create(
        key="timesheet_random_hold_share",
        effective_from=dt.date(2026, 1, 1),
        defaults={"value": 0, "unit": "bp", "description": "No random holds in the tests"},
    )
    provider, recipient, user, assignment = worker_and_recipient(live_in=live_in)
    cast.authorize(recipient, 283 * H)
    sheet = services.open_timesheet(
        provider=provider, recipient=recipient, program="IHSS", day=MON, by=user
    )
    return Evv(provider, recipient, user, assignment, sheet)


@pytest.fixture
def evv(db, today) -> Evv:
    return make_evv()


def fields(day: dt.date, hours="", minutes="", start="", end="", location="", reason=None):
    p = day.isoformat()
    data = {
        f"{p}-hours": str(hours),
        f"{p}-minutes": str(minutes),
        f"{p}-start": start,
        f"{p}-end": end,
        f"{p}-location": location,
    }
    if reason is not None:
        data[f"{p}-reason"] = reason
    return data


def text(response) -> str:
    return str(response.content.decode())


# --- The week page fills the day from its visits --------------------------------------------


def test_it_fills_a_days_start_end_and_location_from_its_check_in_and_check_out(evv, client):
    evv.day_in(MON, (9, 2), (17, 0))
    client.force_login(evv.user)
    page = text(client.get(evv.week_url))
    assert 'name="2026-11-16-start" value="09:02"' in page
    assert 'name="2026-11-16-end" value="17:00"' in page
    assert '<option value="home" selected>' in page
    assert "From your check-in and check-out" in page
    # The hours are still the provider's to type: nothing is filled in them.
    assert '<input type="number" name="2026-11-16-hours" min="0"' in page
    assert 'name="2026-11-16-hours" value=' not in page
    # A day without visits has no reason field.
    assert 'name="2026-11-17-reason"' not in page


def test_it_says_when_the_provider_is_still_checked_in(evv, client):
    evv.day_in(MON, (9, 0), None)
    client.force_login(evv.user)
    page = text(client.get(evv.week_url))
    assert 'name="2026-11-16-start" value="09:00"' in page
    assert "From your check-in and check-out: checked in at 9:00 AM, no check-out, Home." in page


def test_a_day_with_times_of_its_own_keeps_them_and_shows_what_the_visits_say(evv, client):
    services.save_week(
        timesheet=evv.sheet,
        days={MON: services.DayInput(6 * H, dt.time(8), dt.time(15), "home")},
        by=evv.user,
    )
    evv.day_in(MON, (9, 0), (17, 0))
    client.force_login(evv.user)
    page = text(client.get(evv.week_url))
    assert 'name="2026-11-16-start" value="08:00"' in page
    assert "Your check-in and check-out say: 9:00 AM to 5:00 PM, Home." in page


def test_it_saves_the_filled_day_without_a_reason_and_changes_no_visit(evv, client):
    evv.day_in(MON, (9, 2), (17, 0))
    client.force_login(evv.user)
    answer = client.post(evv.week_url, fields(MON, 7, 30, "09:02", "17:00", "home", reason=""))
    assert answer.status_code == 302
    entry = evv.sheet.days.get()
    assert (entry.minutes, entry.start, entry.end, entry.evv_reason) == (
        7 * H + 30,
        dt.time(9, 2),
        dt.time(17),
        "",
    )
    assert not Visit.objects.get().corrected
    assert not VisitCorrection.objects.exists()


def test_a_filled_day_without_hours_is_a_day_not_filled_in_yet(evv, client):
    evv.day_in(MON, (9, 0), (17, 0))
    evv.day_in(TUE, (9, 0), (13, 0))
    client.force_login(evv.user)
    answer = client.post(
        evv.week_url,
        {
            **fields(MON, 8, 0, "09:00", "17:00", "home", reason=""),
            **fields(TUE, "", "", "09:00", "13:00", "home", reason=""),
        },
    )
    assert answer.status_code == 302
    assert [d.day for d in evv.sheet.days.all()] == [MON]


# --- Changing what the visits say takes a reason ----------------------------------------------


def test_it_refuses_a_changed_end_time_without_a_reason_and_keeps_what_was_typed(evv, client):
    evv.day_in(MON, (9, 0), (17, 0))
    client.force_login(evv.user)
    answer = client.post(evv.week_url, fields(MON, 8, 0, "09:00", "17:30", "home", reason=" "))
    assert answer.status_code == 400
    page = text(answer)
    assert (
        "Say why the start time, end time or location differ from your check-in and check-out."
        in page
    )
    assert 'href="#id_2026-11-16-reason"' in page  # the error summary links to the field
    assert 'name="2026-11-16-end" value="17:30"' in page  # nothing typed is lost
    assert not DayEntry.objects.exists()
    visit = Visit.objects.get()
    assert not visit.corrected and not VisitCorrection.objects.exists()


def test_it_saves_a_changed_end_time_with_its_reason_and_corrects_the_visit(evv, client):
    evv.day_in(MON, (9, 0), (17, 0))
    client.force_login(evv.user)
    reason = "My phone died, I left at 5:30."
    answer = client.post(evv.week_url, fields(MON, 8, 0, "09:00", "17:30", "home", reason=reason))
    assert answer.status_code == 302
    entry = evv.sheet.days.get()
    assert (entry.end, entry.evv_reason) == (dt.time(17, 30), reason)
    visit = Visit.objects.get()
    assert visit.corrected and "corrected" in visit.flags
    correction = VisitCorrection.objects.get()
    assert correction.reason == reason
    assert (correction.before["end"], correction.after["end"]) == ("17:00", "17:30")
    assert correction.made_by == evv.user
    # The visits now say what was reported: saving the week again needs no new reason.
    again = client.post(evv.week_url, fields(MON, 8, 0, "09:00", "17:30", "home", reason=""))
    assert again.status_code == 302
    assert VisitCorrection.objects.count() == 1
    assert evv.sheet.days.get().evv_reason == reason  # still the county's to read


def test_a_missing_check_out_is_entered_with_a_reason(evv):
    evv.day_in(MON, (9, 0), None)
    with pytest.raises(services.TimesheetError) as refused:
        services.save_week(
            timesheet=evv.sheet,
            days={MON: services.DayInput(8 * H, dt.time(9), dt.time(17), "home")},
            by=evv.user,
        )
    assert refused.value.code == "correction_reason"
    assert refused.value.field == "2026-11-16-reason"
    services.save_week(
        timesheet=evv.sheet,
        days={MON: services.DayInput(8 * H, dt.time(9), dt.time(17), "home", reason="Forgot")},
        by=evv.user,
    )
    visit = Visit.objects.get()
    assert visit.ended_at == local(MON, 17) and visit.corrected


def test_a_place_the_visits_cannot_hold_keeps_its_reason_on_the_day(evv):
    """One visit at Home, "Home and community" reported: the visits keep their place, the
    day keeps the reason, and saving the day again as it is needs no new one."""
    evv.day_in(MON, (9, 0), (17, 0))
    typed = services.DayInput(8 * H, dt.time(9), dt.time(17), "both", reason="Errands too")
    services.save_week(timesheet=evv.sheet, days={MON: typed}, by=evv.user)
    assert evv.sheet.days.get().evv_reason == "Errands too"
    same = services.DayInput(8 * H, dt.time(9), dt.time(17), "both")
    services.save_week(timesheet=evv.sheet, days={MON: same}, by=evv.user)
    assert evv.sheet.days.get().evv_reason == "Errands too"


def test_a_correction_the_visits_refuse_is_refused_at_its_field_and_nothing_is_saved(evv, client):
    evv.day_in(MON, (9, 0), (12, 0))
    evv.day_in(MON, (14, 0), (17, 0))
    client.force_login(evv.user)
    # A start after the first visit ended: that visit would end before it began.
    answer = client.post(
        evv.week_url, fields(MON, 3, 0, "12:30", "17:00", "home", reason="Late start")
    )
    assert answer.status_code == 400
    assert "The end time must be after the start time." in text(answer)
    assert not DayEntry.objects.exists() and not VisitCorrection.objects.exists()


def test_the_api_week_asks_for_the_reason_at_the_day_and_records_it(evv, client):
    evv.day_in(MON, (9, 0), (17, 0))
    client.force_login(evv.user)
    url = f"/api/v1/timesheets/{evv.sheet.pk}/weeks/{WEEK}"
    day = {"day": "2026-11-16", "minutes": 8 * H, "start": "09:00", "end": "17:30"}
    day["location"] = "home"
    refused = client.put(url, {"days": [day]}, content_type="application/json")
    assert refused.status_code == 422
    error = refused.json()["detail"][0]
    assert error["loc"] == ["body", "data", "days", 0, "correction_reason"]
    assert "check-in and check-out" in error["msg"]
    day["correction_reason"] = "Stayed late"
    saved = client.put(url, {"days": [day]}, content_type="application/json")
    assert saved.status_code == 200
    assert saved.json()["days"][0]["evv_reason"] == "Stayed late"
    assert VisitCorrection.objects.get().reason == "Stayed late"


# --- The county sees what the visits said, what was reported, and why ---------------------


def _send(evv: Evv) -> Timesheet:
    return services.submit(timesheet=evv.sheet, by=evv.user, confirm_early=True)


def test_the_county_sees_the_check_in_and_out_the_reported_times_and_the_reason(evv, client):
    evv.day_in(MON, (9, 0), (17, 0))
    services.save_week(
        timesheet=evv.sheet,
        days={
            MON: services.DayInput(
                8 * H, dt.time(9), dt.time(17, 30), "home", reason="Stayed for the nurse"
            )
        },
        by=evv.user,
    )
    _send(evv)
    staff = cast.make_user("sac.worker", Role.COUNTY_STAFF, county=cast.county("34"))
    client.force_login(staff)
    page = text(client.get(f"/timesheets/{evv.sheet.pk}/"))
    assert "Check-in and check-out (EVV)" in page
    assert "9:00 AM to 5:00 PM, Home" in page  # what the punches said, not the corrected end
    assert "5:30 PM" in page  # what was reported
    assert "Changed by the provider: Stayed for the nurse" in page


# --- No EVV: flagged, never blocking -----------------------------------------------------------


def test_a_day_with_hours_and_no_visit_is_flagged_for_the_county_and_still_sent(evv, client):
    evv.day_in(MON, (9, 0), (17, 0))
    services.save_week(
        timesheet=evv.sheet,
        days={
            MON: services.DayInput(8 * H, dt.time(9), dt.time(17), "home"),
            TUE: services.DayInput(4 * H, dt.time(9), dt.time(13), "community"),
        },
        by=evv.user,
    )
    assert _send(evv).status == Timesheet.Status.SUBMITTED  # never blocked
    staff = cast.make_user("sac.worker", Role.COUNTY_STAFF, county=cast.county("34"))
    client.force_login(staff)
    page = text(client.get(f"/timesheets/{evv.sheet.pk}/"))
    assert page.count(">No EVV check-in<") == 1
    assert "1 day has hours and no EVV check-in." in page
    # The provider sees it too, as information.
    client.force_login(evv.user)
    assert "1 day has hours and no EVV check-in." in text(
        client.get(f"/timesheets/{evv.sheet.pk}/")
    )
    # Not a reason for the county's exception queue (it would hold nearly every timesheet).
    assert "no_evv" not in Timesheet.objects.get().review_flags


def test_a_live_in_providers_days_are_not_flagged(db, today, client):
    evv = make_evv(live_in=True)
    services.save_week(
        timesheet=evv.sheet,
        days={MON: services.DayInput(8 * H, dt.time(9), dt.time(17), "home")},
        by=evv.user,
    )
    client.force_login(evv.user)
    page = text(client.get(f"/timesheets/{evv.sheet.pk}/"))
    assert "No EVV check-in" not in page
    assert "Check-in and check-out (EVV)" not in page


@pytest.mark.parametrize("who", ["provider", "recipient", "county", "state", "desk"])
def test_the_timesheet_with_its_visits_opens_for_every_role_that_may_see_it(evv, client, who):
    evv.day_in(MON, (9, 0), (17, 0))
    services.save_week(
        timesheet=evv.sheet,
        days={
            MON: services.DayInput(8 * H, dt.time(9), dt.time(17, 30), "home", reason="Late"),
            TUE: services.DayInput(4 * H, dt.time(9), dt.time(13), "home"),
        },
        by=evv.user,
    )
    _send(evv)
    users = {
        "provider": evv.user,
        "recipient": cast.make_user("rosa", Role.RECIPIENT, recipient=evv.recipient),
        "county": cast.make_user("sac.worker", Role.COUNTY_STAFF, county=cast.county("34")),
        "state": cast.make_user("state.boss", Role.STATE_ADMIN),
        "desk": cast.make_user("desk.agent", Role.SERVICE_DESK),
    }
    client.force_login(users[who])
    page = client.get(f"/timesheets/{evv.sheet.pk}/")
    assert page.status_code == 200
    body = text(page)
    assert "Changed by the provider: Late" in body
    # The recipient signs the hours: the county's "no EVV" flag is not theirs to weigh.
    assert ("No EVV check-in" in body) is (who != "recipient")


def test_a_county_worker_of_another_county_does_not_see_the_timesheet(evv, client):
    client.force_login(cast.make_user("la.worker", Role.COUNTY_STAFF, county=cast.county("19")))
    assert client.get(f"/timesheets/{evv.sheet.pk}/").status_code == 404


# --- What EVV asks of timesheets ---------------------------------------------------------------


def test_a_punch_for_a_day_on_a_sent_timesheet_is_refused_with_the_period(evv):
    evv.day_in(MON, (9, 0), (17, 0))
    services.save_week(
        timesheet=evv.sheet,
        days={MON: services.DayInput(8 * H, dt.time(9), dt.time(17), "home")},
        by=evv.user,
    )
    # Before sending, a late check-in for another day of the period is recorded.
    assert punch(evv.provider, evv.recipient, evv.user, at=local(TUE, 9)).status == "recorded"
    _send(evv)
    wed = TUE + dt.timedelta(days=1)
    with pytest.raises(ServiceRefused) as refused:
        punch(evv.provider, evv.recipient, evv.user, at=local(wed, 9))
    assert refused.value.code == "day_sent"
    assert "on a timesheet you already sent (period Nov. 16, 2026 to Nov. 30, 2026)" in str(
        refused.value.message
    )
    assert Visit.objects.filter(day=wed).count() == 0


def test_the_day_guard_answers_while_filling_and_after_sending(evv):
    ids = (evv.provider.pk, evv.recipient.pk, "IHSS")
    assert core_visits.day_refusal(*ids, MON) is None
    services.save_week(
        timesheet=evv.sheet,
        days={MON: services.DayInput(8 * H, dt.time(9), dt.time(17), "home")},
        by=evv.user,
    )
    _send(evv)
    message = core_visits.day_refusal(*ids, MON)
    assert message == (
        "This day is on a timesheet you already sent (period Nov. 16, 2026 to Nov. 30, "
        "2026), so check-ins for it can no longer be recorded. Ask your county IHSS office "
        "if a visit is missing."
    )
    # Another period, or another program, is not held.
    assert core_visits.day_refusal(*ids, MON - dt.timedelta(days=1)) is None
    assert core_visits.day_refusal(evv.provider.pk, evv.recipient.pk, "WPCS", MON) is None


def test_a_returned_timesheet_takes_punches_again(evv):
    services.save_week(
        timesheet=evv.sheet,
        days={MON: services.DayInput(8 * H, dt.time(9), dt.time(17), "home")},
        by=evv.user,
    )
    _send(evv)
    Timesheet.objects.filter(pk=evv.sheet.pk).update(status=Timesheet.Status.REJECTED)
    assert core_visits.day_refusal(evv.provider.pk, evv.recipient.pk, "IHSS", MON) is None


def test_worked_days_lists_the_counties_days_with_hours(evv):
    services.save_week(
        timesheet=evv.sheet,
        days={
            MON: services.DayInput(8 * H, dt.time(9), dt.time(17), "home"),
            TUE: services.DayInput(4 * H, dt.time(9), dt.time(13), "home"),
        },
        by=evv.user,
    )
    sacramento = cast.county("34").pk
    rows = list(core_visits.worked_days([sacramento], MON, MON + dt.timedelta(days=6)))
    assert rows == [
        core_visits.WorkedDay(evv.provider.pk, evv.recipient.pk, "IHSS", MON, 8 * H, False),
        core_visits.WorkedDay(evv.provider.pk, evv.recipient.pk, "IHSS", TUE, 4 * H, False),
    ]
    _send(evv)
    rows = list(core_visits.worked_days([sacramento], TUE, TUE))
    assert [(r.day, r.sent) for r in rows] == [(TUE, True)]
    assert list(core_visits.worked_days([cast.county("19").pk], MON, TUE)) == []


def test_worked_days_reads_in_one_query(evv, django_assert_num_queries):
    services.save_week(
        timesheet=evv.sheet,
        days={
            MON + dt.timedelta(days=i): services.DayInput(H, dt.time(9), dt.time(10), "home")
            for i in range(4)
        },
        by=evv.user,
    )
    sacramento = cast.county("34").pk
    with django_assert_num_queries(1):
        rows = list(core_visits.worked_days([sacramento], MON, MON + dt.timedelta(6)))
    assert len(rows) == 4
