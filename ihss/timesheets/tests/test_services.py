"""The timesheet workflow: save, check, submit, approve, reject, county review."""

from __future__ import annotations

import datetime as dt

import pytest

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.cases.models import Provider, TravelAgreement
from ihss.core import audit
from ihss.notifications.models import Notification
from ihss.timesheets import rules, services
from ihss.timesheets.explain import explain
from ihss.timesheets.models import Timesheet
from ihss.timesheets.tests.conftest import H, week_of

NOV_1 = dt.date(2026, 11, 1)
NOV_8 = dt.date(2026, 11, 8)
NOV_15 = dt.date(2026, 11, 15)


def refusal_rules(error: services.TimesheetError) -> list[str]:
    return [r.rule for r in error.refusals]


def test_it_saves_a_week_and_keeps_every_change_in_the_history(world):
    sheet = world.open(0, NOV_8)
    world.fill(sheet, {NOV_8: 8 * H})
    world.fill(sheet, {NOV_8: 7 * H, NOV_8 + dt.timedelta(days=1): 6 * H})
    assert sorted(sheet.days.values_list("day", "minutes")) == [
        (NOV_8, 7 * H),
        (NOV_8 + dt.timedelta(days=1), 6 * H),
    ]
    saves = audit.trail(sheet).filter(action="timesheet.days_saved").order_by("id")
    assert [e.actor for e in saves] == [world.provider_user, world.provider_user]
    assert saves[1].before == {
        "2026-11-08": {"minutes": 480, "start": "08:00", "end": "23:59", "location": "home"}
    }
    assert (saves[1].after or {})["2026-11-09"]["minutes"] == 360


def test_saving_the_same_days_again_records_nothing(world):
    sheet = world.open(0, NOV_8)
    world.fill(sheet, {NOV_8: 8 * H})
    world.fill(sheet, {NOV_8: 8 * H})
    assert audit.trail(sheet).filter(action="timesheet.days_saved").count() == 1


def test_it_blocks_hours_past_the_66_hour_cap_across_timesheets(world):
    first = world.fill(world.open(0, NOV_1), week_of(NOV_1, 5 * H))  # 35 h
    services.submit(timesheet=first, by=world.provider_user)
    second = world.fill(world.open(1, NOV_1), week_of(NOV_1, 4 * H + 30))  # 31 h 30 min
    with pytest.raises(services.TimesheetError) as caught:
        services.submit(timesheet=second, by=world.provider_user)
    assert refusal_rules(caught.value) == [rules.MULTI_RECIPIENT_WEEK]
    assert explain(caught.value.refusals[0]) == (
        "The week starting Nov. 1, 2026 would total 66 h 30 min for all your recipients; "
        "the limit is 66 h."
    )
    second.refresh_from_db()
    assert second.status == Timesheet.Status.DRAFT
    assert second.days.count() == 7  # nothing typed is lost


def test_hours_still_in_draft_count_against_the_cap(world):
    world.fill(world.open(0, NOV_1), week_of(NOV_1, 5 * H))  # 35 h, never sent
    second = world.fill(world.open(1, NOV_1), week_of(NOV_1, 5 * H))
    with pytest.raises(services.TimesheetError) as caught:
        services.submit(timesheet=second, by=world.provider_user)
    assert refusal_rules(caught.value) == [rules.MULTI_RECIPIENT_WEEK]


def test_the_week_shared_with_the_next_pay_period_is_checked_whole(world):
    # The workweek of Nov 15-21: Sunday the 15th is in the first period, the rest in the
    # second. 20 h on the 15th (first period) + 47 h for another recipient after it.
    world.fill(world.open(0, NOV_15), {NOV_15: 14 * H})
    late_week = {NOV_15 + dt.timedelta(days=i): 9 * H for i in range(1, 6)}  # 45 h
    world.fill(world.open(0, dt.date(2026, 11, 16)), late_week)
    other = world.fill(world.open(1, dt.date(2026, 11, 16)), {dt.date(2026, 11, 16): 8 * H})
    with pytest.raises(services.TimesheetError) as caught:
        services.submit(timesheet=other, by=world.provider_user)
    assert rules.MULTI_RECIPIENT_WEEK in refusal_rules(caught.value)
    refusal = next(r for r in caught.value.refusals if r.rule == rules.MULTI_RECIPIENT_WEEK)
    assert (refusal.when, refusal.total) == (NOV_15, 67 * H)


def test_another_recipients_trouble_does_not_block_this_timesheet(world):
    # Recipient 1's own month is over its authorization; recipient 0's timesheet is fine.
    cast.authorize(world.recipients[1], 10 * H, start=dt.date(2026, 11, 1))
    world.fill(world.open(1, NOV_1), {NOV_1: 12 * H})
    sheet = world.fill(world.open(0, NOV_8), {NOV_8: 4 * H})
    assert services.submit(timesheet=sheet, by=world.provider_user).status == "submitted"


def test_it_counts_other_providers_hours_against_the_recipients_month(world):
    other = cast.make_active_provider()
    cast.assign(other, world.recipients[0], 283 * H)
    cast.authorize(world.recipients[0], 20 * H, start=dt.date(2026, 11, 1))
    theirs = services.open_timesheet(
        provider=other,
        recipient=world.recipients[0],
        program="IHSS",
        day=NOV_1,
        by=world.provider_user,
    )
    services.save_week(
        timesheet=theirs,
        days={NOV_1: services.DayInput(15 * H, dt.time(6), dt.time(23), "home")},
        by=world.provider_user,
    )
    services.submit(timesheet=theirs, by=world.provider_user)
    mine = world.fill(world.open(0, NOV_8), {NOV_8: 6 * H})
    with pytest.raises(services.TimesheetError) as caught:
        services.submit(timesheet=mine, by=world.provider_user)
    assert refusal_rules(caught.value) == [rules.RECIPIENT_MONTH]
    assert caught.value.refusals[0].total == 21 * H
    refusals, left = services.check(mine)
    assert left.authorized == 20 * H and left.used == 21 * H and left.remaining == 0


def test_it_refuses_hours_on_days_that_have_not_happened(world, today):
    sheet = world.fill(world.open(0, today), {today + dt.timedelta(days=1): 2 * H})
    with pytest.raises(services.TimesheetError) as caught:
        services.submit(timesheet=sheet, by=world.provider_user)
    assert refusal_rules(caught.value) == [rules.FUTURE_DAY]


def test_an_empty_timesheet_cannot_be_sent(world):
    with pytest.raises(services.TimesheetError, match="Enter the hours"):
        services.submit(timesheet=world.open(0, NOV_1), by=world.provider_user)


def test_a_suspended_provider_cannot_submit(world):
    sheet = world.fill(world.open(0, NOV_1), {NOV_1: 2 * H})
    Provider.objects.filter(pk=world.provider.pk).update(status=Provider.Status.SUSPENDED)
    with pytest.raises(services.TimesheetError, match="suspended"):
        services.submit(timesheet=sheet, by=world.provider_user)


def test_submitting_twice_is_harmless(world):
    sheet = world.fill(world.open(0, NOV_1), {NOV_1: 2 * H})
    services.submit(timesheet=sheet, by=world.provider_user)
    services.submit(timesheet=sheet, by=world.provider_user)
    sheet.refresh_from_db()
    assert sheet.submissions == 1
    assert Notification.objects.filter(event="timesheet_ready_for_review").count() == 1
    assert audit.trail(sheet).filter(action="timesheet.submitted").count() == 1


def test_a_sent_timesheet_can_no_longer_be_changed_by_the_provider(world):
    sheet = world.fill(world.open(0, NOV_1), {NOV_1: 2 * H})
    services.submit(timesheet=sheet, by=world.provider_user)
    with pytest.raises(services.TimesheetError, match="can no longer be changed"):
        world.fill(sheet, {NOV_1: 9 * H})


def test_the_recipient_is_told_a_timesheet_is_ready(world):
    sheet = world.fill(world.open(0, NOV_1), {NOV_1: 2 * H, NOV_8: 3 * H})
    services.submit(timesheet=sheet, by=world.provider_user)
    notice = Notification.objects.get(user=world.recipient_users[0])
    assert notice.event == "timesheet_ready_for_review"
    assert notice.context["provider_name"] == "Ana Reyes"
    assert notice.context["minutes"] == 5 * H
    assert notice.link == f"/timesheets/{sheet.pk}/"


def test_a_returned_timesheet_comes_back_editable_with_the_reason_and_goes_back_when_resent(world):
    sheet = world.fill(world.open(0, NOV_1), {NOV_1: 2 * H})
    services.submit(timesheet=sheet, by=world.provider_user)
    services.reject(timesheet=sheet, by=world.recipient_users[0], reason="Nov 1 was 1 hour.")
    sheet.refresh_from_db()
    assert sheet.status == "rejected" and sheet.editable
    assert sheet.rejection_reason == "Nov 1 was 1 hour."
    rejected = Notification.objects.get(user=world.provider_user, event="timesheet_rejected")
    assert rejected.context["reason"] == "Nov 1 was 1 hour."

    world.fill(sheet, {NOV_1: 1 * H})
    services.submit(timesheet=sheet, by=world.provider_user)
    sheet.refresh_from_db()
    assert (sheet.status, sheet.submissions, sheet.rejection_reason) == ("submitted", 2, "")
    assert (
        Notification.objects.filter(
            user=world.recipient_users[0], event="timesheet_ready_for_review"
        ).count()
        == 2
    )


def test_returning_needs_a_reason(world):
    sheet = world.fill(world.open(0, NOV_1), {NOV_1: 2 * H})
    services.submit(timesheet=sheet, by=world.provider_user)
    with pytest.raises(services.TimesheetError, match="Say what is wrong"):
        services.reject(timesheet=sheet, by=world.recipient_users[0], reason="  ")


def test_approving_signs_the_timesheet_and_tells_the_provider(world):
    sheet = world.fill(world.open(0, NOV_8), {NOV_8: 2 * H})
    services.submit(timesheet=sheet, by=world.provider_user)
    services.approve(timesheet=sheet, by=world.recipient_users[0], signature="  Rosa   Delgado ")
    services.approve(timesheet=sheet, by=world.recipient_users[0], signature="Rosa Delgado")
    sheet.refresh_from_db()
    assert (sheet.status, sheet.signature, sheet.decided_by) == (
        "approved",
        "Rosa Delgado",
        world.recipient_users[0],
    )
    assert (
        Notification.objects.filter(user=world.provider_user, event="timesheet_approved").count()
        == 1
    )


def test_a_first_half_timesheet_over_70_percent_waits_for_the_county(world):
    cast.authorize(world.recipients[0], 20 * H, start=dt.date(2026, 11, 1))
    sheet = world.fill(world.open(0, NOV_1), {NOV_1: 7 * H, NOV_8: 7 * H + 1})  # 70 % + 1 min
    services.submit(timesheet=sheet, by=world.provider_user)
    services.approve(timesheet=sheet, by=world.recipient_users[0], signature="Rosa Delgado")
    sheet.refresh_from_db()
    assert sheet.county_review == "waiting"
    assert rules.OVER_FIRST_HALF_SHARE in sheet.review_flags
    assert not sheet.payable


def test_county_decisions_need_a_reason_and_are_audited(world, la_staff):
    sheet = world.fill(world.open(0, NOV_8), {NOV_8: 2 * H})
    services.submit(timesheet=sheet, by=world.provider_user)
    services.approve(timesheet=sheet, by=world.recipient_users[0], signature="Rosa Delgado")
    with pytest.raises(services.TimesheetError, match="reason"):
        services.decide_review(timesheet=sheet, by=la_staff, decision="hold", reason="")
    services.decide_review(
        timesheet=sheet, by=la_staff, decision="hold", reason="Call the recipient."
    )
    sheet.refresh_from_db()
    assert (sheet.county_review, sheet.review_flags) == ("held", [rules.MANUAL_HOLD])
    services.decide_review(timesheet=sheet, by=la_staff, decision="release", reason="Confirmed.")
    sheet.refresh_from_db()
    assert sheet.payable
    actions = list(audit.trail(sheet).order_by("id").values_list("action", "reason"))
    assert actions[-2:] == [
        ("timesheet.county_hold", "Call the recipient."),
        ("timesheet.county_release", "Confirmed."),
    ]


def test_voided_hours_stop_counting(world, la_staff):
    first = world.fill(world.open(0, NOV_1), week_of(NOV_1, 5 * H))
    services.submit(timesheet=first, by=world.provider_user)
    services.approve(timesheet=first, by=world.recipient_users[0], signature="Rosa Delgado")
    services.decide_review(timesheet=first, by=la_staff, decision="void", reason="Duplicate.")
    second = world.fill(world.open(1, NOV_1), week_of(NOV_1, 5 * H))
    assert services.submit(timesheet=second, by=world.provider_user).status == "submitted"


def test_a_recipient_cannot_approve_what_is_not_waiting(world):
    sheet = world.fill(world.open(0, NOV_1), {NOV_1: 2 * H})
    with pytest.raises(services.TimesheetError, match="not waiting"):
        services.approve(timesheet=sheet, by=world.recipient_users[0], signature="Rosa Delgado")


def test_remaining_hours_show_the_month_and_week_left(world):
    sheet = world.fill(world.open(0, NOV_8), {NOV_8: 8 * H})
    world.fill(world.open(1, NOV_8), {NOV_8 + dt.timedelta(days=1): 10 * H})
    _refusals, left = services.check(
        sheet, replace={NOV_8 + dt.timedelta(days=2): 5 * H, NOV_8: 8 * H}
    )
    assert (left.authorized, left.used, left.remaining) == (283 * H, 13 * H, 270 * H)
    week = next(w for w in left.weeks if w.week.start == NOV_8)
    assert week.weekly_maximum == 70 * H + 45
    assert week.recipient_total == 13 * H
    assert (week.provider_total, week.provider_cap, week.provider_remaining) == (
        23 * H,
        66 * H,
        43 * H,
    )


def test_opening_needs_an_assignment_in_the_period(world):
    stranger = cast.make_recipient()
    with pytest.raises(services.TimesheetError, match="not assigned"):
        services.open_timesheet(
            provider=world.provider,
            recipient=stranger,
            program="IHSS",
            day=NOV_1,
            by=world.provider_user,
        )


def test_the_submit_path_costs_the_same_whatever_the_size_of_the_database(
    world, django_assert_num_queries
):
    def submit_one(n: int, *, travel_from: int | None = None) -> None:
        sheet = world.fill(
            world.open(n, NOV_8), {NOV_8: 2 * H, NOV_8 + dt.timedelta(days=1): 3 * H}
        )
        if travel_from is not None:
            TravelAgreement.objects.create(
                provider=world.provider,
                from_recipient=world.recipients[travel_from],
                to_recipient=world.recipients[n],
                weekly_minutes=2 * H,
                signed_on=NOV_1,
                effective_from=NOV_1,
            )
            services.save_travel(
                timesheet=sheet,
                day=NOV_8,
                from_recipient=world.recipients[travel_from],
                minutes=30,
                by=world.provider_user,
            )
        sheet = Timesheet.objects.get(pk=sheet.pk)
        with django_assert_num_queries(SUBMIT_QUERIES):
            services.submit(timesheet=sheet, by=world.provider_user)

    submit_one(0)
    # A second county's worth of records: other providers, recipients and timesheets.
    for _ in range(5):
        provider = cast.make_active_provider(county_code="10")
        recipient = cast.make_recipient(county_code="10")
        cast.authorize(recipient, 100 * H)
        cast.assign(provider, recipient, 100 * H)
        user = cast.make_user(f"p{provider.pk}", Role.PROVIDER, provider=provider)
        sheet = services.open_timesheet(
            provider=provider, recipient=recipient, program="IHSS", day=NOV_8, by=user
        )
        services.save_week(
            timesheet=sheet,
            days={NOV_8: services.DayInput(60, dt.time(8), dt.time(9), "home")},
            by=user,
        )
        services.submit(timesheet=sheet, by=user)
    # The second submission also claims travel, from the first one's recipient.
    submit_one(1, travel_from=0)


# Locks (3), a suspension in force, the hour picture (7), the travel picture (2: the
# provider's travel in the weeks, the travel agreements), the update, the audit event, the
# recipient's sign-ins, and one notice (its lookup, insert, contact settings, preference,
# deliveries).
SUBMIT_QUERIES = 27


def test_a_pay_period_that_has_not_started_cannot_be_opened(world):
    with pytest.raises(services.TimesheetError, match="has not started yet"):
        world.open(0, dt.date(2026, 12, 1))
