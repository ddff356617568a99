"""The violations ledger: after approval each workweek is judged on approved hours.

The hour rules stop these hours at submission, so here the over-cap week comes from
timesheets approved outside the portal's checks (hours carried over from the previous
system, as a county migration would), which is how the ledger meets them in practice.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ihss.core import audit
from ihss.notifications.models import Notification
from ihss.timesheets import rules, services
from ihss.timesheets.models import DayEntry, Timesheet, Violation
from ihss.timesheets.tests.conftest import H

NOV_1 = dt.date(2026, 11, 1)


def carried_over(world, n: int, hours: dict[dt.date, int], status="approved") -> Timesheet:
    period = rules.pay_period_containing(min(hours))
    sheet = Timesheet.objects.create(
        provider=world.provider,
        recipient=world.recipients[n],
        program="IHSS",
        period_start=period.start,
        period_end=period.end,
        status=status,
    )
    DayEntry.objects.bulk_create(
        DayEntry(timesheet=sheet, day=d, minutes=m, location="home") for d, m in hours.items()
    )
    return sheet


def week(start: dt.date, minutes: int, days: int = 5) -> dict[dt.date, int]:
    return {start + dt.timedelta(days=i): minutes for i in range(1, days + 1)}


def over_66(world, sunday: dt.date) -> Violation:
    carried_over(world, 0, week(sunday, 8 * H))  # 40 h
    second = carried_over(world, 1, week(sunday, 6 * H), status="submitted")  # 30 h: 70 h
    services.approve(timesheet=second, by=world.recipient_users[1], signature="Wei Chen")
    return Violation.objects.get(provider=world.provider, week_start=sunday)


def test_approving_a_week_over_66_hours_records_the_first_violation_and_tells_everyone(world):
    violation = over_66(world, NOV_1)
    assert violation.codes == [rules.VIOLATION_OVER_66]
    assert (violation.number, violation.consequence) == (1, rules.CONSEQUENCE_NOTICE)
    assert violation.dispute_by == violation.noticed_on + dt.timedelta(days=10)
    told = Notification.objects.filter(event="violation_notice")
    assert {n.user for n in told} == {
        world.provider_user,
        world.recipient_users[0],
        world.recipient_users[1],
    }
    assert told.get(user=world.recipient_users[0]).context["provider_name"] == "Ana Reyes"
    assert audit.trail(violation).get().action == "violation.recorded"


def test_a_week_within_the_caps_records_nothing(world):
    carried_over(world, 0, week(NOV_1, 8 * H))
    second = carried_over(world, 1, week(NOV_1, 5 * H), status="submitted")  # 65 h
    services.approve(timesheet=second, by=world.recipient_users[1], signature="Wei Chen")
    assert not Violation.objects.exists()


def test_a_second_violation_in_the_same_month_is_tracked_not_counted(world):
    first = over_66(world, NOV_1)
    second = over_66(world, dt.date(2026, 11, 15))
    assert (first.number, second.counted, second.consequence) == (
        1,
        False,
        rules.CONSEQUENCE_TRACKED_ONLY,
    )
    assert Notification.objects.filter(event="violation_notice").count() == 3


def test_a_third_violation_suspends_and_a_suspended_provider_cannot_submit(world, today):
    for v, (month, day) in enumerate([(8, 2), (9, 6), (10, 4)], start=1):
        found = over_66(world, dt.date(2026, month, day))
        assert found.number == v
    assert found.consequence == rules.CONSEQUENCE_SUSPENSION
    assert found.suspended_from <= today + dt.timedelta(days=11)
    assert found.suspended_from is not None
    assert found.suspended_until == found.suspended_from + dt.timedelta(days=89)
    sheet = world.fill(world.open(2, dt.date(2026, 11, 16)), {dt.date(2026, 11, 16): 2 * H})
    with pytest.raises(services.TimesheetError, match="may not work in IHSS until"):
        services.submit(timesheet=sheet, by=world.provider_user, today=dt.date(2026, 12, 20))


def test_an_upheld_dispute_cancels_the_violation(world, la_staff):
    violation = over_66(world, NOV_1)
    with pytest.raises(services.TimesheetError, match="after its last day"):
        services.file_dispute(
            violation=violation,
            filed_on=violation.noticed_on + dt.timedelta(days=11),
            by=la_staff,
        )
    services.file_dispute(violation=violation, filed_on=violation.noticed_on, by=la_staff)
    services.decide_dispute(
        violation=violation, upheld=True, reason="Hours were entered twice.", by=la_staff
    )
    violation.refresh_from_db()
    assert violation.overturned and not violation.stands
    # The next violation builds on a ledger without it: it is the first again.
    assert over_66(world, dt.date(2026, 12, 6)).number == 1


def test_the_training_rescinds_a_second_violation_only_once(world, la_staff):
    over_66(world, dt.date(2026, 9, 6))
    second = over_66(world, NOV_1)
    assert second.consequence == rules.CONSEQUENCE_NOTICE_WITH_TRAINING
    services.record_training(violation=second, completed_on=second.noticed_on, by=la_staff)
    second.refresh_from_db()
    assert second.rescinded
    again = over_66(world, dt.date(2026, 12, 6))
    assert (again.number, again.consequence) == (2, rules.CONSEQUENCE_NOTICE)


def test_county_staff_record_a_dispute_on_the_page_and_another_county_cannot_see_it(
    world, client, la_staff, fresno_staff
):
    violation = over_66(world, NOV_1)
    client.force_login(fresno_staff)
    assert client.get(f"/timesheets/violations/{violation.pk}/").status_code == 404
    client.force_login(world.provider_user)
    page = client.get(f"/timesheets/violations/{violation.pk}/").content.decode()
    assert "for all your recipients together passed 66 h." in page
    assert (
        client.post(f"/timesheets/violations/{violation.pk}/", {"action": "dispute"}).status_code
        == 403
    )
    client.force_login(la_staff)
    client.post(
        f"/timesheets/violations/{violation.pk}/",
        {"action": "dispute", "filed_on": violation.noticed_on.isoformat()},
    )
    violation.refresh_from_db()
    assert violation.dispute == "filed"


def test_approved_travel_over_7_hours_in_a_week_is_a_violation(world):
    from ihss.timesheets.models import TravelEntry

    carried_over(world, 0, week(NOV_1, 4 * H))
    second = carried_over(world, 1, week(NOV_1, 4 * H), status="submitted")
    TravelEntry.objects.bulk_create(
        TravelEntry(timesheet=second, day=day, from_recipient=world.recipients[0], minutes=90)
        for day in week(NOV_1, 0)
    )  # 7 h 30 min of travel
    services.approve(timesheet=second, by=world.recipient_users[1], signature="Wei Chen")
    violation = Violation.objects.get(provider=world.provider)
    assert violation.codes == [rules.VIOLATION_TRAVEL_OVER_7]
