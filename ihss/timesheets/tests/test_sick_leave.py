"""Paid sick leave: the balance from the hours worked, claims by the provider, approval
by the recipient whose care was missed, and who may see a claim."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation

from ihss import test as cast
from ihss.core import audit
from ihss.core.models import ProgramParameter
from ihss.timesheets import rules, services
from ihss.timesheets.explain import explain
from ihss.timesheets.models import DayEntry, SickLeaveClaim, Timesheet
from ihss.timesheets.tests.conftest import TODAY, H

D = dt.date
NOV_16 = D(2026, 11, 16)  # a Monday of this pay period


def worked(world, first: dt.date, days: int, minutes: int, *, status=Timesheet.Status.APPROVED):
    """`minutes` a day for recipient 0 on `days` days from `first`, on timesheets in
    `status` (written directly: the hour rules are not what is tested here)."""
    for i in range(days):
        day = first + dt.timedelta(days=i)
        period = rules.pay_period_containing(day)
        sheet, _ = Timesheet.objects.get_or_create(
            provider=world.provider,
            recipient=world.recipients[0],
            program="IHSS",
            period_start=period.start,
            defaults={"period_end": period.end, "status": status},
        )
        DayEntry.objects.create(timesheet=sheet, day=day, minutes=minutes, location="home")


def balance(world, today: dt.date = TODAY) -> rules.SickLeaveBalance:
    return services.balance_for(world.provider, today).balance


def claim(world, minutes: int, day: dt.date = NOV_16, n: int = 0) -> SickLeaveClaim:
    return services.claim_sick_leave(
        provider=world.provider,
        recipient=world.recipients[n],
        program="IHSS",
        day=day,
        minutes=minutes,
        by=world.provider_user,
    )


@pytest.fixture
def usable(world):
    """The provider worked 300 hours in August and September 2026: leave usable."""
    worked(world, D(2026, 8, 3), 30, 10 * H)
    return world


# --- The balance ----------------------------------------------------------------------------


def test_sick_leave_is_not_earned_before_100_hours_worked(world):
    worked(world, D(2026, 10, 1), 11, 9 * H)  # 99 h
    worked(world, D(2026, 10, 16), 5, 10 * H, status=Timesheet.Status.DRAFT)  # not sent
    assert (balance(world).earned_on, balance(world).granted) == (None, 0)
    worked(world, D(2026, 10, 12), 1, H)  # the 100th hour
    found = balance(world)
    assert (found.earned_on, found.granted, found.balance) == (D(2026, 10, 12), 40 * H, 40 * H)
    # Not usable until 200 more hours are worked or 60 days have passed.
    assert found.usable_on == D(2026, 12, 11)
    assert found.expires_on == D(2027, 6, 30)


def test_sick_leave_is_usable_after_200_more_hours(world):
    worked(world, D(2026, 8, 1), 10, 10 * H)  # 100 h on Aug 10
    worked(world, D(2026, 8, 11), 20, 10 * H)  # 200 more by Aug 30
    assert (balance(world).earned_on, balance(world).usable_on) == (
        D(2026, 8, 10),
        D(2026, 8, 30),
    )


def test_sick_leave_is_usable_60_days_after_earning_without_200_more_hours(world):
    worked(world, D(2026, 8, 1), 10, 10 * H)  # 100 h on Aug 10
    worked(world, D(2026, 8, 11), 5, 10 * H)  # only 50 more
    assert balance(world).usable_on == D(2026, 10, 9)


def test_40_hours_a_year_from_july_2024(world):
    worked(world, D(2024, 2, 1), 20, 6 * H)  # 100 h on Feb 17, 2024
    worked(world, D(2024, 7, 1), 5, 6 * H)
    before = balance(world, D(2024, 5, 1))
    assert (before.granted, before.expires_on) == (24 * H, D(2024, 6, 30))
    after = balance(world, D(2024, 8, 1))
    assert (after.granted, after.year_start, after.expires_on) == (
        40 * H,
        D(2024, 7, 1),
        D(2025, 6, 30),
    )


def test_the_balance_costs_three_queries_whatever_the_hours(world, django_assert_num_queries):
    worked(world, D(2026, 8, 3), 30, 10 * H)
    with django_assert_num_queries(3):
        services.balance_for(world.provider, TODAY)


# --- Claims ---------------------------------------------------------------------------------


def test_a_claim_under_one_hour_is_refused_with_the_reason(usable):
    with pytest.raises(services.SickLeaveError) as caught:
        claim(usable, 30)
    [refusal] = caught.value.refusals
    assert refusal.rule == rules.SICK_MINIMUM
    assert explain(refusal) == "A sick leave claim must be at least 1 h; this one is 30 min."
    assert not SickLeaveClaim.objects.exists()


def test_a_claim_off_the_30_minute_step_is_refused_with_the_reason(usable):
    with pytest.raises(services.SickLeaveError) as caught:
        claim(usable, H + 15)
    [refusal] = caught.value.refusals
    assert explain(refusal) == (
        "1 h 15 min cannot be claimed: beyond the minimum of 1 h, sick leave is claimed in "
        "steps of 30 min."
    )


def test_a_claim_uses_the_balance_until_it_is_rejected(usable):
    first = claim(usable, H + 30)
    assert (first.status, balance(usable).used, balance(usable).balance) == (
        "submitted",
        90,
        40 * H - 90,
    )
    event = audit.trail(first).get()
    assert (event.action, event.actor) == ("sick_leave.claimed", usable.provider_user)
    with pytest.raises(services.SickLeaveError, match="already claimed"):
        claim(usable, 2 * H)
    services.reject_sick_leave(claim=first, by=usable.recipient_users[0], reason="I saw you.")
    assert balance(usable).used == 0
    assert claim(usable, 2 * H).status == "submitted"


def test_a_claim_past_the_balance_is_refused(usable):
    for day in range(9, 14):
        claim(usable, 8 * H, D(2026, 11, day))  # 40 h
    with pytest.raises(services.SickLeaveError) as caught:
        claim(usable, H)
    assert [r.rule for r in caught.value.refusals] == [rules.SICK_OVER_BALANCE]


def test_a_claim_before_the_leave_is_usable_is_refused(world):
    worked(world, D(2026, 11, 2), 10, 10 * H)  # earned on Nov 11, usable Jan 10
    with pytest.raises(services.SickLeaveError) as caught:
        claim(world, 2 * H)
    assert [r.rule for r in caught.value.refusals] == [rules.SICK_NOT_YET_USABLE]


def test_a_claim_needs_an_assignment_with_the_recipient(usable):
    stranger = cast.make_recipient()
    with pytest.raises(services.SickLeaveError, match="not assigned"):
        services.claim_sick_leave(
            provider=usable.provider,
            recipient=stranger,
            program="IHSS",
            day=NOV_16,
            minutes=2 * H,
            by=usable.provider_user,
        )


def test_the_recipient_approves_and_every_step_is_audited(usable):
    sent = claim(usable, 2 * H)
    services.approve_sick_leave(claim=sent, by=usable.recipient_users[0])
    services.approve_sick_leave(claim=sent, by=usable.recipient_users[0])  # harmless
    sent.refresh_from_db()
    assert (sent.status, sent.decided_by) == ("approved", usable.recipient_users[0])
    assert list(audit.trail(sent).order_by("id").values_list("action", flat=True)) == [
        "sick_leave.claimed",
        "sick_leave.approved",
    ]
    with pytest.raises(services.SickLeaveError, match="not waiting"):
        services.reject_sick_leave(claim=sent, by=usable.recipient_users[0], reason="No.")
    assert balance(usable).used == 2 * H  # approved leave stays used


def test_rejecting_needs_a_reason(usable):
    sent = claim(usable, 2 * H)
    with pytest.raises(services.SickLeaveError, match="Say why"):
        services.reject_sick_leave(claim=sent, by=usable.recipient_users[0], reason="  ")


# --- The pages ------------------------------------------------------------------------------


def claim_form(minutes: int, world, day: str = "2026-11-16", n: int = 0) -> dict[str, str]:
    hours, rest = divmod(minutes, 60)
    return {
        "assignment": f"{world.recipients[n].pk}:IHSS",
        "day": day,
        "hours": str(hours),
        "minutes": str(rest),
    }


def test_the_provider_sees_the_balance_and_claims_from_the_timesheet_list(usable, client):
    client.force_login(usable.provider_user)
    assert "/timesheets/sick-leave/" in client.get("/timesheets/").content.decode()
    page = client.get("/timesheets/sick-leave/").content.decode()
    assert "Your balance, July 1, 2026 to June 30, 2027" in page
    for shown in (
        "Granted this year",
        "40 h",
        "Can be used from",
        "Sept. 1, 2026",
        "June 30, 2027",
    ):
        assert shown in page, shown
    answer = client.post("/timesheets/sick-leave/", claim_form(2 * H + 30, usable))
    assert answer.status_code == 302
    page = client.get("/timesheets/sick-leave/").content.decode()
    assert "37 h 30 min" in page and "Rosa Delgado" in page and "Waiting for the recipient" in page


def test_a_claim_off_the_rules_is_explained_on_the_page(usable, client):
    client.force_login(usable.provider_user)
    answer = client.post("/timesheets/sick-leave/", claim_form(45, usable))
    assert answer.status_code == 400
    assert "A sick leave claim must be at least 1 h; this one is 45 min." in (
        answer.content.decode()
    )
    answer = client.post("/timesheets/sick-leave/", claim_form(H + 10, usable))
    assert "beyond the minimum of 1 h, sick leave is claimed in steps of 30 min" in (
        answer.content.decode()
    )
    assert not SickLeaveClaim.objects.exists()


def test_a_provider_not_yet_earning_is_told_how_leave_is_earned(world, client):
    client.force_login(world.provider_user)
    page = client.get("/timesheets/sick-leave/").content.decode()
    assert "Not earned yet. Paid sick leave is earned after your first 100 h of work" in page


def test_the_recipient_approves_a_claim_from_the_review_page(usable, client):
    sent = claim(usable, 2 * H)
    client.force_login(usable.recipient_users[0])
    assert "/timesheets/sick-leave/review/" in client.get("/timesheets/review/").content.decode()
    waiting = client.get("/timesheets/sick-leave/review/").content.decode()
    assert f"/timesheets/sick-leave/{sent.pk}/" in waiting and "Ana Reyes" in waiting
    page = client.get(f"/timesheets/sick-leave/{sent.pk}/").content.decode()
    assert "Approve the sick leave" in page
    answer = client.post(f"/timesheets/sick-leave/{sent.pk}/approve/")
    assert answer["Location"] == "/timesheets/sick-leave/review/"
    sent.refresh_from_db()
    assert sent.status == "approved"


def test_the_recipient_returns_a_claim_with_a_reason(usable, client):
    sent = claim(usable, 2 * H)
    client.force_login(usable.recipient_users[0])
    blank = client.post(f"/timesheets/sick-leave/{sent.pk}/return/", {"reason": ""})
    assert blank.status_code == 400
    assert "Say why you do not approve it, so the provider knows." in blank.content.decode()
    client.post(f"/timesheets/sick-leave/{sent.pk}/return/", {"reason": "You came that day."})
    sent.refresh_from_db()
    assert (sent.status, sent.rejection_reason) == ("rejected", "You came that day.")
    client.force_login(usable.provider_user)
    page = client.get(f"/timesheets/sick-leave/{sent.pk}/").content.decode()
    assert "You came that day." in page and "did not approve it" in page


def test_another_recipient_gets_404(usable, client):
    sent = claim(usable, 2 * H)
    client.force_login(usable.recipient_users[1])
    assert client.get(f"/timesheets/sick-leave/{sent.pk}/").status_code == 404
    assert client.post(f"/timesheets/sick-leave/{sent.pk}/approve/").status_code == 404
    assert (
        client.post(f"/timesheets/sick-leave/{sent.pk}/return/", {"reason": "x"}).status_code == 404
    )
    assert "Ana Reyes" not in client.get("/timesheets/sick-leave/review/").content.decode()
    sent.refresh_from_db()
    assert sent.status == "submitted"


def test_the_provider_cannot_approve_their_own_claim(usable, client):
    sent = claim(usable, 2 * H)
    client.force_login(usable.provider_user)
    assert client.get(f"/timesheets/sick-leave/{sent.pk}/").status_code == 200
    assert client.post(f"/timesheets/sick-leave/{sent.pk}/approve/").status_code == 403


def test_county_staff_read_their_countys_claims_and_the_state_reads_all(
    usable, client, la_staff, fresno_staff, service_desk, state_admin
):
    sent = claim(usable, 2 * H)
    for user, status in (
        (la_staff, 200),
        (fresno_staff, 404),
        (service_desk, 200),
        (state_admin, 200),
    ):
        client.force_login(user)
        assert client.get(f"/timesheets/sick-leave/{sent.pk}/").status_code == status, user
    client.force_login(la_staff)
    assert (
        "Approve the sick leave"
        not in client.get(f"/timesheets/sick-leave/{sent.pk}/").content.decode()
    )
    assert client.post(f"/timesheets/sick-leave/{sent.pk}/approve/").status_code == 403


@pytest.mark.parametrize("claims", [1, 6])
def test_the_providers_sick_leave_page_costs_the_same_for_few_or_many_claims(
    usable, client, claims, django_assert_num_queries
):
    for day in range(claims):
        claim(usable, H, D(2026, 11, 1 + day))
    client.force_login(usable.provider_user)
    client.get("/timesheets/sick-leave/")  # warm the session
    with django_assert_num_queries(SICK_LEAVE_PAGE_QUERIES):
        client.get("/timesheets/sick-leave/")


# Session, user, memberships, the assignments offered, the balance (hours worked per day,
# claims used, the parameters), the claims listed, the unread count, and the session's
# last activity saved (3).
SICK_LEAVE_PAGE_QUERIES = 12


def test_the_step_explanation_states_the_minimum_claim_in_force(db):
    ProgramParameter.objects.create(
        key="sick_leave_minimum_claim",
        effective_from=dt.date(2027, 7, 1),
        value=2 * H,
        unit="minutes",
        description="A change",
    )
    with translation.override("en"):
        text = explain(rules.Refusal(rules.SICK_STEP, dt.date(2027, 8, 2), 2 * H + 10, 30))
    assert text == (
        "2 h 10 min cannot be claimed: beyond the minimum of 2 h, sick leave is claimed in "
        "steps of 30 min."
    )


# --- The county's starting point, and the form offered only when usable (issue 14, item 9) --


def test_hours_worked_before_the_portal_make_leave_usable(world):
    assert balance(world).earned_on is None
    world.provider.worked_to_date_minutes = 450 * H
    world.provider.worked_to_date_through = D(2026, 10, 31)
    world.provider.save()
    found = balance(world)
    assert (found.earned_on, found.usable_on, found.balance) == (
        D(2026, 10, 31),
        D(2026, 10, 31),
        40 * H,
    )
    sent = claim(world, 2 * H)
    assert sent.status == SickLeaveClaim.Status.SUBMITTED


def test_the_countys_earned_and_usable_days_count_without_hours(world):
    world.provider.sick_leave_earned_on = D(2026, 3, 2)
    world.provider.sick_leave_usable_on = D(2026, 5, 1)
    world.provider.save()
    assert balance(world).usable_on == D(2026, 5, 1)


def test_the_claim_form_is_not_offered_until_leave_is_usable_and_says_when(world, client):
    worked(world, D(2026, 10, 5), 10, 10 * H)  # 100 h: earned on October 14
    client.force_login(world.provider_user)
    page = client.get("/timesheets/sick-leave/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You can claim sick leave from Dec. 13, 2026." in page
    assert 'name="assignment"' not in page and "Send for approval" not in page
    client.cookies["django_language"] = "es"
    page = client.get("/timesheets/sick-leave/").content.decode()
    assert "Puede reclamar licencia por enfermedad desde el 13 de diciembre de 2026." in page


def test_a_provider_with_leave_usable_is_offered_the_form(usable, client):
    client.force_login(usable.provider_user)
    page = client.get("/timesheets/sick-leave/").content.decode()
    assert 'name="assignment"' in page and "You can claim sick leave from" not in page


def test_a_provider_never_earning_is_told_to_ask_the_county_about_earlier_work(world, client):
    client.force_login(world.provider_user)
    page = client.get("/timesheets/sick-leave/").content.decode()
    assert "ask your county IHSS office to record your hours worked to date" in page
    assert 'name="assignment"' not in page


def test_the_demo_has_a_provider_whose_leave_is_usable(db, client):
    from django.core.management import call_command

    from ihss.accounts.models import User

    call_command("demo", stdout=io.StringIO())
    ana = User.objects.get(username="provider.one")
    client.force_login(ana)
    page = client.get("/timesheets/sick-leave/").content.decode()
    assert 'name="assignment"' in page  # the claim form is offered
    provider = ana.memberships_as("provider")[0].provider
    assert provider is not None
    leave = services.balance_for(provider).balance
    assert leave.usable_on is not None and leave.balance > 0
