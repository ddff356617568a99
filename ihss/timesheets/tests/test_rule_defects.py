"""The four defects an acceptance run of the hour rules found (issue 13), and the numbers
the rules read from the program parameters in force."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import translation

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.cases import services as case_services
from ihss.cases.models import OvertimeExemption, Provider, Recipient
from ihss.core.models import ProgramParameter
from ihss.notifications.models import Notification
from ihss.timesheets import rules, services
from ihss.timesheets.explain import explain, explain_violation
from ihss.timesheets.models import DayEntry, Timesheet, Violation
from ihss.timesheets.tests.conftest import H
from ihss.timesheets.tests.numbers import EVERY_WEEK, LIMITS

NOV_1 = dt.date(2026, 11, 1)  # a Sunday
PACIFIC = dt.timezone(dt.timedelta(hours=-8))


def sheet_for(provider: Provider, recipient: Recipient, day: dt.date, by) -> Timesheet:
    return services.open_timesheet(
        provider=provider, recipient=recipient, program="IHSS", day=day, by=by
    )


def fill(sheet: Timesheet, hours: dict[dt.date, int], by) -> Timesheet:
    days = {
        day: services.DayInput(minutes, dt.time(0, 0), dt.time(23, 59), "home")
        for day, minutes in hours.items()
    }
    return services.save_week(timesheet=sheet, days=days, by=by)


def carried_over(provider, recipient, hours: dict[dt.date, int], status="approved"):
    """Hours entered outside the portal's checks (carried over from the previous system)."""
    period = rules.pay_period_containing(min(hours))
    sheet = Timesheet.objects.create(
        provider=provider,
        recipient=recipient,
        program="IHSS",
        period_start=period.start,
        period_end=period.end,
        status=status,
    )
    DayEntry.objects.bulk_create(
        DayEntry(timesheet=sheet, day=d, minutes=m, location="home") for d, m in hours.items()
    )
    return sheet


def new_parameter(key: str, value: int, start: dt.date, unit: str = "minutes") -> None:
    """A change of law: a new row with a later effective date, never an edit."""
    ProgramParameter.objects.create(
        key=key, effective_from=start, value=value, unit=unit, description="A change"
    )


# --- 1. A violation lands on the provider whose own hours passed the maximum ----------------


def test_it_judges_each_provider_on_their_own_hours_when_two_share_the_weekly_maximum(db, today):
    recipient = cast.make_recipient(first_name="Rosa", last_name="Delgado")
    cast.authorize(recipient, 283 * H)  # 70 h 45 min a week
    signer = cast.make_user("rosa", Role.RECIPIENT, recipient=recipient)
    p, q = cast.make_active_provider(), cast.make_active_provider()
    p_user = cast.make_user("p", Role.PROVIDER, provider=p)
    q_user = cast.make_user("q", Role.PROVIDER, provider=q)
    cast.assign(p, recipient, 283 * H)
    cast.assign(q, recipient, 20 * H)

    # P sends exactly the weekly maximum: 10 h a day and 45 min more.
    week = {NOV_1 + dt.timedelta(days=i): 10 * H for i in range(7)}
    week[NOV_1] += 45
    p_sheet = fill(sheet_for(p, recipient, NOV_1, p_user), week, p_user)
    services.submit(timesheet=p_sheet, by=p_user)
    # Q sends 1 h later the same week: ACL 16-01 allows it (no overtime for Q).
    with time_machine.travel(dt.datetime(2026, 11, 20, 15, 0, tzinfo=PACIFIC), tick=False):
        q_sheet = fill(sheet_for(q, recipient, NOV_1, q_user), {NOV_1 + dt.timedelta(2): H}, q_user)
        services.submit(timesheet=q_sheet, by=q_user)
        services.approve(timesheet=p_sheet, by=signer, signature="Rosa Delgado")
        services.approve(timesheet=q_sheet, by=signer, signature="Rosa Delgado")

    assert not Violation.objects.filter(provider=p).exists()  # P stayed within the maximum
    assert not Violation.objects.filter(provider=q).exists()  # Q's hour was allowed


def test_the_provider_whose_later_hours_pass_the_maximum_is_the_one_judged(db, today):
    """The same week, but Q works overtime beyond their usual: the violation is Q's."""
    recipient = cast.make_recipient()
    cast.authorize(recipient, 200 * H)  # 50 h a week
    other = cast.make_recipient()
    cast.authorize(other, 283 * H)
    p, q = cast.make_active_provider(), cast.make_active_provider()
    cast.assign(p, recipient, 200 * H)
    cast.assign(q, recipient, 200 * H)
    cast.assign(q, other, 283 * H)
    signer = cast.make_user("signer", Role.RECIPIENT, recipient=recipient)
    days = [NOV_1 + dt.timedelta(days=i) for i in range(1, 6)]
    first = carried_over(p, recipient, dict.fromkeys(days, 10 * H), status="submitted")  # 50 h
    Timesheet.objects.filter(pk=first.pk).update(
        submitted_at=dt.datetime(2026, 11, 8, tzinfo=PACIFIC)
    )
    carried_over(q, other, dict.fromkeys(days, 8 * H))  # 40 h for another recipient
    later = carried_over(q, recipient, {days[0]: 2 * H}, status="submitted")  # 42 h: overtime
    Timesheet.objects.filter(pk=later.pk).update(
        submitted_at=dt.datetime(2026, 11, 9, tzinfo=PACIFIC)
    )

    services.approve(timesheet=first, by=signer, signature=recipient.full_name)
    services.approve(timesheet=later, by=signer, signature=recipient.full_name)

    assert not Violation.objects.filter(provider=p).exists()
    [violation] = Violation.objects.filter(provider=q)
    assert violation.codes == [rules.VIOLATION_WEEKLY_MAXIMUM]


# --- 2. The 66-hour cap is decided per workweek, not per pay period --------------------------


@pytest.fixture
def december(db):
    with time_machine.travel(dt.datetime(2026, 12, 10, 10, 0, tzinfo=PACIFIC), tick=False):
        yield dt.date(2026, 12, 10)


def test_the_66_hour_cap_is_the_same_on_both_timesheets_of_a_shared_week(december):
    """A second assignment starts Tuesday December 1, inside the workweek of Sunday November
    29: in that week the provider serves two recipients, whichever timesheet is checked."""
    provider = cast.make_active_provider()
    user = cast.make_user("ana", Role.PROVIDER, provider=provider)
    first, second = cast.make_recipient(), cast.make_recipient()
    cast.authorize(first, 283 * H)
    cast.authorize(second, 283 * H)
    cast.assign(provider, first, 283 * H)
    cast.assign(provider, second, 100 * H, start_date=dt.date(2026, 12, 1))
    sunday = dt.date(2026, 11, 29)
    november = fill(
        sheet_for(provider, first, sunday, user),
        {sunday: 12 * H, sunday + dt.timedelta(1): 12 * H},
        user,
    )
    december_sheet = fill(
        sheet_for(provider, first, dt.date(2026, 12, 1), user),
        {dt.date(2026, 12, d): 10 * H + 45 for d in (1, 2, 3, 4)},  # 43 h: 67 h in the week
        user,
    )

    for sheet in (november, december_sheet):
        refusals, _left = services.check(sheet)
        assert [(r.rule, r.when, r.total, r.limit) for r in refusals] == [
            (rules.MULTI_RECIPIENT_WEEK, sunday, 67 * H, 66 * H)
        ], sheet.period_start
    with pytest.raises(services.TimesheetError):
        services.submit(timesheet=november, by=user)


def test_a_week_before_the_second_assignment_starts_has_no_66_hour_cap(december):
    provider = cast.make_active_provider()
    user = cast.make_user("ana", Role.PROVIDER, provider=provider)
    first, second = cast.make_recipient(), cast.make_recipient()
    cast.authorize(first, 283 * H)
    cast.authorize(second, 283 * H)
    cast.assign(provider, first, 283 * H)
    cast.assign(provider, second, 100 * H, start_date=dt.date(2026, 12, 1))
    sunday = dt.date(2026, 11, 22)  # November 22 to 28: one recipient only
    sheet = fill(
        sheet_for(provider, first, sunday, user),
        {sunday + dt.timedelta(days=i): 11 * H + 10 for i in range(6)},  # 67 h
        user,
    )
    refusals, _left = services.check(sheet)
    assert refusals == []


def test_an_exemption_starting_mid_period_raises_the_cap_only_from_its_workweek(december):
    """Exemption 2 takes effect Sunday December 6, inside the Dec 1-15 pay period: the
    workweek of November 29 keeps the 66-hour cap, the week of December 6 has 90 hours
    (both weeks stay within the recipient's weekly maximum of 70 h 45 min)."""
    provider = cast.make_active_provider()
    user = cast.make_user("ana", Role.PROVIDER, provider=provider)
    first, second = cast.make_recipient(), cast.make_recipient()
    for recipient in (first, second):
        cast.authorize(recipient, 283 * H)
        cast.assign(provider, recipient, 283 * H)
    case_services.add_exemption(
        provider=provider,
        kind=OvertimeExemption.Kind.EXTRAORDINARY,
        circumstance=OvertimeExemption.Circumstance.COMPLEX_NEEDS,
        approved_on=dt.date(2026, 12, 1),
        effective_from=dt.date(2026, 12, 6),
        by=user,
    )
    sheet = fill(
        sheet_for(provider, first, dt.date(2026, 12, 1), user),
        # 4 x 17 h = 68 h in the week of Nov 29; 5 x 14 h = 70 h in the week of Dec 6.
        {dt.date(2026, 12, d): 17 * H for d in (1, 2, 3, 4)}
        | {dt.date(2026, 12, d): 14 * H for d in (6, 7, 8, 9, 10)},
        user,
    )
    refusals, _left = services.check(sheet)
    assert [(r.rule, r.when, r.total, r.limit) for r in refusals] == [
        (rules.MULTI_RECIPIENT_WEEK, dt.date(2026, 11, 29), 68 * H, 66 * H)
    ]


# --- 3. ACL 16-01 condition 2: the provider's usual overtime, from their own history ---------


@pytest.fixture
def habitual_overtime(db, today):
    """Rosa is authorized 200 h a month (50 h a week). Ana worked a 60-hour week in each of
    August, September and October (20 h of overtime a month, as usual); in November she
    types 52 h in one week for Rosa: 2 h past the weekly maximum, 12 h of overtime."""
    provider = cast.make_active_provider()
    user = cast.make_user("ana", Role.PROVIDER, provider=provider)
    recipient = cast.make_recipient()
    cast.authorize(recipient, 200 * H)
    cast.assign(provider, recipient, 200 * H)
    for sunday in (dt.date(2026, 8, 9), dt.date(2026, 9, 6), dt.date(2026, 10, 4)):
        carried_over(provider, recipient, {sunday + dt.timedelta(i): 10 * H for i in range(1, 7)})
    sheet = fill(
        sheet_for(provider, recipient, NOV_1, user),
        {NOV_1 + dt.timedelta(i): 13 * H for i in range(1, 5)},  # 52 h
        user,
    )
    return sheet, user


def test_overtime_within_the_providers_usual_needs_no_county_approval(habitual_overtime):
    sheet, user = habitual_overtime
    refusals, _left = services.check(sheet)
    assert refusals == []
    sent = services.submit(timesheet=sheet, by=user)
    assert sent.status == Timesheet.Status.SUBMITTED


def test_overtime_past_the_providers_usual_still_needs_the_county(db, today):
    provider = cast.make_active_provider()
    user = cast.make_user("ana", Role.PROVIDER, provider=provider)
    recipient = cast.make_recipient()
    cast.authorize(recipient, 200 * H)
    cast.assign(provider, recipient, 200 * H)
    sheet = fill(
        sheet_for(provider, recipient, NOV_1, user),
        {NOV_1 + dt.timedelta(i): 13 * H for i in range(1, 5)},  # 52 h, no history
        user,
    )
    refusals, _left = services.check(sheet)
    assert [r.rule for r in refusals] == [rules.WEEKLY_MAXIMUM]


def test_the_usual_overtime_window_is_a_parameter(habitual_overtime):
    sheet, _user = habitual_overtime
    # From November, only the month before counts: September's and August's weeks drop
    # out, October's 20 h over three... one month: 20 h still covers the 12 h.
    new_parameter("usual_overtime_months", 1, NOV_1, unit="count")
    assert services.check(sheet)[0] == []
    # A window of none: no usual overtime, the county must approve.
    ProgramParameter.objects.filter(key="usual_overtime_months", effective_from=NOV_1).update(
        value=0
    )
    assert [r.rule for r in services.check(sheet)[0]] == [rules.WEEKLY_MAXIMUM]


def test_the_usual_overtime_is_the_average_of_the_window():
    weeks = {dt.date(2026, 8, 9): 60 * H, dt.date(2026, 9, 6): 70 * H, dt.date(2026, 11, 1): 80 * H}
    usual = rules.usual_monthly_overtime(weeks, month=NOV_1, window=3, limits=LIMITS)
    assert usual == (20 * H + 30 * H) // 3  # August, September, and an October without any
    assert rules.usual_monthly_overtime(weeks, month=NOV_1, window=0, limits=LIMITS) == 0


# --- 4. Exemption 1's 12-hour day, and the IHSS + WPCS cap of exempt providers ----------------


def exempt(kind: int, **extra):
    live_in = kind == OvertimeExemption.Kind.LIVE_IN_FAMILY
    return rules.ProviderContext(
        exempt_weeks=EVERY_WEEK,
        live_in_family_weeks=EVERY_WEEK if live_in else frozenset(),
        **extra,
    )


def authorized(*programs: str) -> dict[tuple[int, str, dt.date], rules.RecipientLimits]:
    return {(1, p, NOV_1): rules.RecipientLimits(283 * H) for p in programs}


def test_a_live_in_family_provider_works_at_most_12_hours_a_day():
    day = dt.date(2026, 11, 3)
    entries = [rules.Entry(day, 1, rules.IHSS, 12 * H + 1)]
    refusals = rules.check_hours(
        entries, recipients=authorized(rules.IHSS), provider=exempt(1), limits=LIMITS, today=day
    )
    assert [(r.rule, r.total, r.limit) for r in refusals] == [
        (rules.LIVE_IN_FAMILY_DAY, 12 * H + 1, 12 * H)
    ]
    # Exemption 2 has no daily limit of its own: only the 24-hour day.
    assert (
        rules.check_hours(
            entries, recipients=authorized(rules.IHSS), provider=exempt(2), limits=LIMITS, today=day
        )
        == []
    )
    with translation.override("en"):
        assert explain(refusals[0]) == (
            "Nov. 3, 2026 would total 12 h 1 min for all your recipients; with Exemption 1 "
            "(live-in family care provider) the limit is 12 h a day."
        )


def test_an_exempt_providers_ihss_and_wpcs_stop_at_70_hours_45_minutes():
    """DHCS: the combined cap holds "regardless of the number of recipients" (ihss-facts
    §3.1); an exemption raises the 66-hour IHSS cap, not this one."""
    days = [NOV_1 + dt.timedelta(days=i) for i in range(1, 7)]
    entries = [rules.Entry(d, 1, rules.IHSS, 8 * H) for d in days]  # 48 h of IHSS
    entries += [rules.Entry(d, 1, rules.WPCS, 4 * H) for d in days[:5]]  # 20 h: 68 h
    recipients = authorized(rules.IHSS, rules.WPCS)
    provider = exempt(2)
    today = dt.date(2026, 11, 20)
    assert (
        rules.check_hours(
            entries, recipients=recipients, provider=provider, limits=LIMITS, today=today
        )
        == []
    )
    entries.append(rules.Entry(days[5], 1, rules.WPCS, 3 * H))  # 71 h
    refusals = rules.check_hours(
        entries, recipients=recipients, provider=provider, limits=LIMITS, today=today
    )
    assert [(r.rule, r.total, r.limit) for r in refusals] == [
        (rules.COMBINED_WEEK, 71 * H, 70 * H + 45)
    ]


def test_a_live_in_family_provider_is_refused_a_13_hour_day_on_the_timesheet(world):
    case_services.add_exemption(
        provider=world.provider,
        kind=OvertimeExemption.Kind.LIVE_IN_FAMILY,
        approved_on=dt.date(2026, 1, 5),
        effective_from=dt.date(2026, 1, 5),
        by=world.provider_user,
    )
    sheet = world.fill(world.open(0, NOV_1), {dt.date(2026, 11, 3): 13 * H})
    refusals, _left = services.check(sheet)
    assert [(r.rule, r.limit) for r in refusals] == [(rules.LIVE_IN_FAMILY_DAY, 12 * H)]


# --- Every number from the parameters in force ---------------------------------------------


def test_a_new_66_hour_cap_changes_the_rule_and_its_explanation(world):
    world.fill(world.open(0, NOV_1), {NOV_1 + dt.timedelta(i): 10 * H for i in range(1, 4)})
    sheet = world.fill(world.open(1, NOV_1), {NOV_1 + dt.timedelta(i): 10 * H for i in (4, 5)})
    assert services.check(sheet)[0] == []  # 50 h for two recipients
    new_parameter("multi_recipient_weekly_cap", 48 * H, NOV_1)

    [refusal] = services.check(sheet)[0]
    assert (refusal.rule, refusal.limit) == (rules.MULTI_RECIPIENT_WEEK, 48 * H)
    with translation.override("en"):
        assert explain(refusal).endswith("the limit is 48 h.")
    with translation.override("es"):
        assert "48 h" in explain(refusal)
    # Pages and explanations of violations state the cap in force too.
    with translation.override("en"):
        assert "passed 48 h" in explain_violation(rules.VIOLATION_OVER_66, on=NOV_1)
        assert "passed 66 h" in explain_violation(rules.VIOLATION_OVER_66, on=dt.date(2026, 10, 31))


def test_a_new_daily_cap_changes_the_day_form(world, client):
    from ihss.timesheets.forms import DayForm

    new_parameter("daily_cap", 20 * H, NOV_1)
    day = dt.date(2026, 11, 3)
    form = DayForm(
        {
            f"{day}-hours": 21,
            f"{day}-minutes": 0,
            f"{day}-start": "00:00",
            f"{day}-end": "23:00",
            f"{day}-location": "home",
        },
        day=day,
    )
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["hours"] == ["A day has only 20 h."]


def test_more_hours_than_the_day_holds_are_refused_in_the_programs_words(world):
    from ihss.timesheets.forms import DayForm

    day = dt.date(2026, 11, 3)
    typed = {
        f"{day}-hours": 30,
        f"{day}-start": "00:00",
        f"{day}-end": "23:00",
        f"{day}-location": "home",
    }
    new_parameter("daily_cap", 26 * H, NOV_1)  # a day of a clock change, say
    with translation.override("en"):
        assert DayForm({**typed, f"{day}-hours": 25}, day=day).errors.get("hours") is None
        form = DayForm(typed, day=day)
        assert not form.is_valid()
        assert form.errors["hours"] == ["A day has only 26 h."]


def test_an_exempt_providers_violation_notice_states_90_hours(world):
    case_services.add_exemption(
        provider=world.provider,
        kind=OvertimeExemption.Kind.EXTRAORDINARY,
        circumstance=OvertimeExemption.Circumstance.REMOTE_AREA,
        approved_on=dt.date(2026, 1, 5),
        effective_from=dt.date(2026, 1, 5),
        by=world.provider_user,
    )
    days = [NOV_1 + dt.timedelta(days=i) for i in range(1, 7)]
    carried_over(world.provider, world.recipients[0], dict.fromkeys(days, 8 * H))  # 48 h
    second = carried_over(
        world.provider, world.recipients[1], dict.fromkeys(days, 7 * H + 30), status="submitted"
    )  # 45 h: 93 h
    services.approve(timesheet=second, by=world.recipient_users[1], signature="Wei Chen")

    violation = Violation.objects.get(provider=world.provider, week_start=NOV_1)
    assert violation.codes == [rules.VIOLATION_OVER_66]
    assert violation.limits == {rules.VIOLATION_OVER_66: 90 * H}
    notice = Notification.objects.filter(event="violation_notice", user=world.provider_user).get()
    with translation.override("en"):
        text = render_to_string("notifications/events/violation_notice/message.txt", notice.context)
        assert "more than 90 h in a workweek for all your recipients together" in text
        assert "66" not in text
        assert (
            explain_violation(
                rules.VIOLATION_OVER_66, limit=violation.limits[rules.VIOLATION_OVER_66]
            )
            == "Your hours in a workweek for all your recipients together passed 90 h."
        )


def test_the_review_flag_and_the_queue_state_the_first_half_share_in_force(db):
    from ihss.timesheets.explain import flag_labels

    with translation.override("en"):
        label = flag_labels(NOV_1)[rules.OVER_FIRST_HALF_SHARE]
        assert label == "More than 70 % of the month's hours in the first half"
        new_parameter("first_half_exception_share", 6550, NOV_1, unit="bp")
        label = flag_labels(NOV_1)[rules.OVER_FIRST_HALF_SHARE]
        assert label == "More than 65.5 % of the month's hours in the first half"
    with translation.override("es"):
        assert "65.5 %" in flag_labels(NOV_1)[rules.OVER_FIRST_HALF_SHARE]


def test_the_violations_page_states_the_caps_in_force(world, client):
    new_parameter("multi_recipient_weekly_cap", 60 * H, NOV_1)
    new_parameter("travel_weekly_cap", 6 * H, NOV_1)
    client.force_login(world.provider_user)
    page = client.get("/timesheets/violations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "more than 60 h in a workweek for several recipients" in page
    assert "more than 6 h of travel" in page
