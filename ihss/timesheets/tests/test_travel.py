"""Travel time on timesheets: claimed on the timesheet of the recipient travelled to,
checked at submit by the travel rules, shown and counted apart from the hours."""

from __future__ import annotations

import datetime as dt

import pytest

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.cases.models import TravelAgreement
from ihss.core import audit
from ihss.timesheets import rules, services
from ihss.timesheets.explain import explain
from ihss.timesheets.models import Timesheet, TravelEntry
from ihss.timesheets.tests.conftest import H, week_of

NOV_8 = dt.date(2026, 11, 8)  # a Sunday: the workweek of Nov 8 to 14 is in one pay period
MON, TUE, WED, THU = (NOV_8 + dt.timedelta(days=i) for i in range(1, 5))


def agree(world, origin: int, destination: int, minutes: int = 7 * H, **dates) -> TravelAgreement:
    start = dates.pop("start", dt.date(2025, 1, 1))
    return TravelAgreement.objects.create(
        provider=world.provider,
        from_recipient=world.recipients[origin],
        to_recipient=world.recipients[destination],
        weekly_minutes=minutes,
        signed_on=start,
        effective_from=start,
        effective_to=dates.pop("end", None),
    )


def travel(world, sheet: Timesheet, day: dt.date, origin: int, minutes: int) -> TravelEntry:
    return services.save_travel(
        timesheet=sheet,
        day=day,
        from_recipient=world.recipients[origin],
        minutes=minutes,
        by=world.provider_user,
    )


def refused(world, sheet: Timesheet) -> list[rules.Refusal]:
    with pytest.raises(services.TimesheetError) as caught:
        services.submit(timesheet=sheet, by=world.provider_user)
    return caught.value.refusals


def test_travel_cannot_be_claimed_without_a_travel_agreement(world):
    sheet = world.fill(world.open(1, NOV_8), {MON: 2 * H})
    with pytest.raises(services.TimesheetError, match="No travel agreement"):
        travel(world, sheet, MON, 0, 30)
    # An agreement the other way (from 1 to 0) does not allow travel from 0 to 1.
    agree(world, 1, 0)
    with pytest.raises(services.TimesheetError, match="No travel agreement"):
        travel(world, sheet, MON, 0, 30)
    assert not TravelEntry.objects.exists()


@pytest.mark.parametrize(
    "dates",
    [
        {"end": dt.date(2026, 11, 5)},  # ended the week before
        {"start": WED},  # starts in the same workweek, after the travel
    ],
    ids=["ended-before", "starts-later-that-week"],
)
def test_travel_on_a_day_no_agreement_covers_is_refused_at_submit(world, dates):
    agree(world, 0, 1, **dates)
    world.fill(world.open(0, NOV_8), {MON: 2 * H})
    sheet = world.fill(world.open(1, NOV_8), {MON: 2 * H})
    travel(world, sheet, MON, 0, 45)
    [refusal] = refused(world, sheet)
    assert refusal == rules.Refusal(rules.TRAVEL_NO_AGREEMENT, MON, 45, 0, world.recipients[1].pk)
    assert explain(refusal) == (
        "On Nov. 9, 2026 you claimed 45 min of travel to this recipient, but no travel "
        "agreement (SOC 2255) covers travel to them from the recipient before."
    )
    sheet.refresh_from_db()
    assert sheet.status == Timesheet.Status.DRAFT


def test_travel_past_7_hours_a_week_across_timesheets_is_refused(world, client):
    agree(world, 0, 1)
    agree(world, 1, 2)
    first = world.fill(world.open(0, NOV_8), {MON: 2 * H, TUE: 2 * H})
    to_one = world.fill(world.open(1, NOV_8), {MON: 2 * H, TUE: 2 * H})
    to_two = world.fill(world.open(2, NOV_8), {MON: 2 * H, TUE: 2 * H})
    travel(world, to_one, MON, 0, 4 * H)  # a draft: it counts all the same
    travel(world, to_two, TUE, 1, 3 * H + 30)  # 7 h 30 min in the week
    assert refused(world, to_two) == [rules.Refusal(rules.TRAVEL_WEEK, NOV_8, 7 * H + 30, 7 * H)]
    assert [r.rule for r in refused(world, to_one)] == [rules.TRAVEL_WEEK]
    # The timesheet without travel is not held by the others' travel.
    assert services.submit(timesheet=first, by=world.provider_user).status == "submitted"
    # On the page, the refusal is said in plain words and nothing is lost.
    client.force_login(world.provider_user)
    answer = client.post(f"/timesheets/{to_two.pk}/submit/")
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "some travel time breaks a rule" in text
    assert (
        "The week starting Nov. 8, 2026 would total 7 h 30 min of travel time; the limit is "
        "7 h a week." in text
    )
    # Within 7 hours, both go.
    travel(world, to_two, TUE, 1, 3 * H)
    assert services.submit(timesheet=to_two, by=world.provider_user).status == "submitted"
    assert services.submit(timesheet=to_one, by=world.provider_user).status == "submitted"


def test_travel_past_the_agreements_weekly_minutes_is_refused(world):
    agree(world, 0, 1, minutes=60)
    world.fill(world.open(0, NOV_8), {MON: 2 * H, TUE: 2 * H})
    sheet = world.fill(world.open(1, NOV_8), {MON: 2 * H, TUE: 2 * H})
    travel(world, sheet, MON, 0, 45)
    travel(world, sheet, TUE, 0, 30)
    assert [r.rule for r in refused(world, sheet)] == [rules.TRAVEL_AGREEMENT_WEEK]


def test_voided_travel_stops_counting(world):
    agree(world, 0, 1)
    agree(world, 0, 2)
    world.fill(world.open(0, NOV_8), {MON: 2 * H})
    to_one = world.fill(world.open(1, NOV_8), {MON: 2 * H})
    to_two = world.fill(world.open(2, NOV_8), {MON: 2 * H})
    travel(world, to_one, MON, 0, 5 * H)
    travel(world, to_two, MON, 0, 3 * H)
    assert [r.rule for r in refused(world, to_two)] == [rules.TRAVEL_WEEK]
    Timesheet.objects.filter(pk=to_one.pk).update(status=Timesheet.Status.VOIDED)
    assert services.submit(timesheet=to_two, by=world.provider_user).status == "submitted"


def test_travel_is_paid_only_between_two_recipients_worked_for_that_day(world):
    agree(world, 0, 1)
    first = world.open(0, NOV_8)
    sheet = world.fill(world.open(1, NOV_8), {MON: 2 * H})
    travel(world, sheet, MON, 0, 30)  # but no hours for recipient 0 on Monday
    [refusal] = refused(world, sheet)
    assert refusal.rule == rules.TRAVEL_NOT_BETWEEN_WORK
    assert "paid only directly between two different recipients" in explain(refusal)
    world.fill(first, {MON: 3 * H})
    assert services.submit(timesheet=sheet, by=world.provider_user).status == "submitted"


def test_travel_counts_toward_no_hour_cap(world):
    agree(world, 0, 1)
    world.fill(world.open(0, NOV_8), week_of(NOV_8, 5 * H, days=6))  # 30 h
    sheet = world.fill(world.open(1, NOV_8), week_of(NOV_8, 6 * H, days=6))  # 36 h: 66 h
    travel(world, sheet, MON, 0, H + 30)
    assert services.submit(timesheet=sheet, by=world.provider_user).status == "submitted"
    sent = audit.trail(sheet).get(action="timesheet.submitted")
    assert (sent.after or {})["minutes"] == 36 * H
    assert (sent.after or {})["travel_minutes"] == 90


def test_claiming_the_same_day_again_replaces_the_time_and_every_change_is_audited(world):
    agree(world, 0, 1)
    sheet = world.open(1, NOV_8)
    travel(world, sheet, MON, 0, 30)
    travel(world, sheet, MON, 0, 30)  # the same: nothing changes
    entry = travel(world, sheet, MON, 0, 45)
    assert list(sheet.travel.values_list("day", "minutes")) == [(MON, 45)]
    services.remove_travel(timesheet=sheet, entry_id=entry.pk, by=world.provider_user)
    assert not sheet.travel.exists()
    events = list(audit.trail(sheet).order_by("id").values_list("action", "before", "after"))
    case = world.recipients[0].case_number
    assert events[1:] == [
        (
            "timesheet.travel_saved",
            None,
            {"day": "2026-11-09", "from_recipient": case, "minutes": 30},
        ),
        (
            "timesheet.travel_saved",
            {"day": "2026-11-09", "from_recipient": case, "minutes": 30},
            {"day": "2026-11-09", "from_recipient": case, "minutes": 45},
        ),
        (
            "timesheet.travel_removed",
            {"day": "2026-11-09", "from_recipient": case, "minutes": 45},
            None,
        ),
    ]


def test_travel_cannot_change_once_the_timesheet_is_sent(world):
    agree(world, 0, 1)
    world.fill(world.open(0, NOV_8), {MON: 2 * H})
    sheet = world.fill(world.open(1, NOV_8), {MON: 2 * H})
    entry = travel(world, sheet, MON, 0, 30)
    services.submit(timesheet=sheet, by=world.provider_user)
    with pytest.raises(services.TimesheetError, match="can no longer be changed"):
        travel(world, sheet, TUE, 0, 30)
    with pytest.raises(services.TimesheetError, match="can no longer be changed"):
        services.remove_travel(timesheet=sheet, entry_id=entry.pk, by=world.provider_user)


# --- The pages ------------------------------------------------------------------------------


def test_the_provider_claims_travel_on_the_timesheet_page(world, client):
    agree(world, 0, 1)
    agree(world, 2, 0)  # to another recipient: not offered on recipient 1's timesheet
    sheet = world.fill(world.open(1, NOV_8), {MON: 4 * H})
    client.force_login(world.provider_user)
    page = client.get(f"/timesheets/{sheet.pk}/").content.decode()
    assert 'id="travel-form"' in page
    assert f'<option value="{world.recipients[0].pk}">Rosa Delgado</option>' in page
    assert f'<option value="{world.recipients[2].pk}"' not in page
    assert '<option value="2026-11-15">' in page and "2026-11-16" not in page
    # In the pay period running today, only the days already past are offered.
    current = client.get(f"/timesheets/{world.open(1).pk}/").content.decode()
    assert '<option value="2026-11-20">' in current and "2026-11-21" not in current
    blank = client.post(
        f"/timesheets/{sheet.pk}/travel/",
        {"travel-day": "2026-11-09", "travel-from_recipient": world.recipients[0].pk},
    )
    assert blank.status_code == 400
    assert "Enter the travel time." in blank.content.decode()
    added = client.post(
        f"/timesheets/{sheet.pk}/travel/",
        {
            "travel-day": "2026-11-09",
            "travel-from_recipient": world.recipients[0].pk,
            "travel-hours": "1",
            "travel-minutes": "30",
        },
    )
    assert added.status_code == 302
    assert added["Location"] == f"/timesheets/{sheet.pk}/#travel"
    page = client.get(f"/timesheets/{sheet.pk}/").content.decode()
    assert "Hours on this timesheet: <strong>4 h</strong>" in page
    assert "Travel: <strong>1 h 30 min</strong>" in page
    assert "changed travel time" in page  # in the history
    entry = sheet.travel.get()
    removed = client.post(f"/timesheets/{sheet.pk}/travel/remove/", {"entry": entry.pk})
    assert removed.status_code == 302
    assert not sheet.travel.exists()


def test_a_timesheet_without_an_agreement_to_its_recipient_says_so(world, client):
    sheet = world.open(1, NOV_8)
    client.force_login(world.provider_user)
    page = client.get(f"/timesheets/{sheet.pk}/").content.decode()
    assert 'id="travel-form"' not in page
    assert "No travel agreement (SOC 2255) of yours covers travel to Wei Chen" in page


def test_travel_shows_to_the_recipient_and_the_county_counted_apart(world, client, la_staff):
    agree(world, 0, 1)
    world.fill(world.open(0, NOV_8), {MON: 2 * H})
    sheet = world.fill(world.open(1, NOV_8), {MON: 4 * H})
    travel(world, sheet, MON, 0, H + 30)
    services.submit(timesheet=sheet, by=world.provider_user)
    client.force_login(world.recipient_users[1])
    for path in (f"/timesheets/{sheet.pk}/", f"/timesheets/{sheet.pk}/approve/"):
        page = client.get(path).content.decode()
        # Who else the provider cares for is not the recipient's to know.
        assert "Another recipient of this provider" in page and "Rosa Delgado" not in page
    assert "Travel time: 1 h 30 min in all, paid apart from the hours" in page
    assert "Days worked: 4 h in all" in page
    client.force_login(la_staff)
    page = client.get(f"/timesheets/{sheet.pk}/").content.decode()
    assert "Rosa Delgado" in page and "Travel: <strong>1 h 30 min</strong>" in page
    assert 'id="travel-form"' not in page


def test_strangers_cannot_claim_travel_on_a_timesheet(world, client):
    agree(world, 0, 1)
    sheet = world.open(1, NOV_8)
    body = {
        "travel-day": "2026-11-09",
        "travel-from_recipient": world.recipients[0].pk,
        "travel-hours": "1",
    }
    client.force_login(world.recipient_users[1])
    assert client.post(f"/timesheets/{sheet.pk}/travel/", body).status_code == 403
    other = cast.make_user("other.provider", Role.PROVIDER, provider=cast.make_active_provider())
    client.force_login(other)
    assert client.post(f"/timesheets/{sheet.pk}/travel/", body).status_code == 404
    assert client.post(f"/timesheets/{sheet.pk}/travel/remove/", {"entry": 1}).status_code == 404
    assert not sheet.travel.exists()
