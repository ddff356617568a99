"""The timesheet story of issue 6, in a real browser, in English and Spanish on a phone.

Ana Reyes works for three recipients. She fills two timesheets of the last pay period,
the live panel and then the Send button stop her at the 66-hour cap with the rule in
plain words, she corrects and sends. Rosa Delgado returns hers with a reason; Ana
corrects it and sends it again; Rosa approves and signs. The state has set the random
signature check to every timesheet, so a Los Angeles county worker releases Rosa's from
the review queue. Every page on the way is checked with axe.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ihss import test as cast_builders
from ihss.accounts.models import Role, User
from ihss.cases.models import Assignment, Recipient
from ihss.core.models import ProgramParameter
from ihss.timesheets import rules
from ihss.timesheets.models import Timesheet
from tests.browser.conftest import PASSWORD
from tests.browser.support import (
    PHONE,
    axe_violations,
    horizontal_overflow,
    needs_chromium,
    sign_in,
)

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
H = 60


@dataclass
class Story:
    period: rules.PayPeriod
    week: rules.Workweek  # a whole workweek inside the period
    recipients: dict[str, Recipient]
    assignments: dict[str, Assignment]
    ana: User
    rosa: User
    lupe: User


@pytest.fixture
def story(live_server) -> Story:
    period = rules.pay_period_containing(
        rules.pay_period_containing(timezone.localdate()).start - dt.timedelta(days=1)
    )
    sunday = period.start + dt.timedelta(days=(6 - period.start.weekday()) % 7)
    ana = cast_builders.make_active_provider(first_name="Ana", last_name="Reyes")
    recipients, assignments = {}, {}
    for first, last in (("Rosa", "Delgado"), ("Harold", "Kim"), ("Mei", "Lin")):
        recipient = cast_builders.make_recipient(first_name=first, last_name=last)
        cast_builders.authorize(recipient, 283 * H)
        assignments[first] = cast_builders.assign(ana, recipient, 283 * H)
        recipients[first] = recipient
    ProgramParameter.objects.create(
        key="timesheet_random_hold_share",
        effective_from=period.start,
        value=10_000,
        unit="bp",
        description="Every approved timesheet is checked (the story's setting)",
    )
    return Story(
        period=period,
        week=rules.workweek_containing(sunday),
        recipients=recipients,
        assignments=assignments,
        ana=cast_builders.make_user("ana", Role.PROVIDER, provider=ana),
        rosa=cast_builders.make_user("rosa", Role.RECIPIENT, recipient=recipients["Rosa"]),
        lupe=cast_builders.make_user("lupe", Role.COUNTY_STAFF, county=cast_builders.county("19")),
    )


def checked(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)
    assert horizontal_overflow(page, PHONE["width"]) is None


def start(page: Any, story: Story, who: str) -> int:
    page.goto("/timesheets/")
    checked(page)
    assignment = story.assignments[who]
    form = page.locator(
        f"form:has(input[name=assignment][value='{assignment.pk}'])"
        f":has(input[name=period][value='{story.period.start.isoformat()}'])"
    )
    with page.expect_navigation():
        form.locator("button").click()
    return Timesheet.objects.get(
        recipient=story.recipients[who], period_start=story.period.start
    ).pk


def fill_week(page: Any, story: Story, pk: int, hours: dict[int, int]) -> None:
    """On the week page, type hours for the given weekdays (1 = Monday) from 08:00."""
    page.goto(f"/timesheets/{pk}/week/{story.week.start.isoformat()}/")
    for weekday, h in hours.items():
        prefix = f"#id_{(story.week.start + dt.timedelta(days=weekday)).isoformat()}"
        page.locator(f"{prefix}-hours").fill(str(h))
        page.locator(f"{prefix}-minutes").fill("0")
        page.locator(f"{prefix}-start").fill("08:00")
        page.locator(f"{prefix}-end").fill(f"{8 + h:02d}:00")
        page.locator(f"{prefix}-location").select_option("home")


def save(page: Any) -> None:
    with page.expect_navigation():
        page.locator("main form button[name=save]").click()


def send(page: Any, pk: int) -> None:
    page.goto(f"/timesheets/{pk}/")
    with page.expect_navigation():
        page.locator(f"form[action='/timesheets/{pk}/submit/'] button").click()


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_provider_is_stopped_at_66_hours_corrects_and_is_approved_and_released(
    new_page, story, language
):
    ana = new_page(viewport=PHONE, language=language).page
    sign_in(ana, "ana", PASSWORD)
    rosa_sheet = start(ana, story, "Rosa")
    fill_week(ana, story, rosa_sheet, {d: 7 for d in range(1, 6)})  # 35 h
    checked(ana)
    save(ana)

    harold_sheet = start(ana, story, "Harold")
    fill_week(ana, story, harold_sheet, {d: 8 for d in range(1, 5)})  # 32 h: 67 h in all
    problems = ana.locator("#hours-problems")
    expect(problems).to_contain_text("67 h")  # the live panel, before saving
    expect(problems).to_contain_text("66 h")
    checked(ana)
    save(ana)
    send(ana, harold_sheet)
    alert = ana.locator(".usa-alert--error").last
    expect(alert).to_contain_text(re.compile(r"67 h.*66 h"))
    checked(ana)
    assert Timesheet.objects.get(pk=harold_sheet).status == "draft"

    fill_week(ana, story, harold_sheet, {4: 7})  # Thursday: 7 h, so 66 h in all
    expect(ana.locator("#hours-problems")).not_to_contain_text("66 h")
    save(ana)
    send(ana, harold_sheet)
    send(ana, rosa_sheet)
    assert Timesheet.objects.get(pk=rosa_sheet).status == "submitted"
    checked(ana)

    rosa = new_page(viewport=PHONE, language=language).page
    sign_in(rosa, "rosa", PASSWORD)
    rosa.goto("/timesheets/review/")
    checked(rosa)
    with rosa.expect_navigation():
        rosa.locator(f"main a[href='/timesheets/{rosa_sheet}/']").first.click()
    checked(rosa)
    rosa.locator("#id_reason").fill("Tuesday was 6 hours, not 7.")
    with rosa.expect_navigation():
        rosa.locator(f"form[action='/timesheets/{rosa_sheet}/return/'] button").click()
    assert Timesheet.objects.get(pk=rosa_sheet).status == "rejected"

    ana.goto(f"/timesheets/{rosa_sheet}/")
    expect(ana.locator("main")).to_contain_text("Tuesday was 6 hours, not 7.")
    checked(ana)
    fill_week(ana, story, rosa_sheet, {2: 6})
    save(ana)
    send(ana, rosa_sheet)
    assert Timesheet.objects.get(pk=rosa_sheet).status == "submitted"

    rosa.goto(f"/timesheets/{rosa_sheet}/approve/")
    checked(rosa)
    rosa.locator("label[for=id_attest]").click()  # USWDS hides the input itself
    rosa.locator("#id_signature").fill("Rosa Delgado")
    with rosa.expect_navigation():
        rosa.locator("main form button[type=submit]").click()
    sheet = Timesheet.objects.get(pk=rosa_sheet)
    assert (sheet.status, sheet.signature, sheet.county_review) == (
        "approved",
        "Rosa Delgado",
        "waiting",
    )
    assert sum(d.minutes for d in sheet.days.all()) == 34 * H

    lupe = new_page(viewport=PHONE, language=language).page
    sign_in(lupe, "lupe", PASSWORD)
    lupe.goto("/timesheets/county-review/")
    checked(lupe)
    with lupe.expect_navigation():
        lupe.locator(f"main a[href='/timesheets/{rosa_sheet}/']").click()
    checked(lupe)
    lupe.locator("#decision-reason").fill("Called Rosa: the signature is hers.")
    with lupe.expect_navigation():
        lupe.locator(f"form[action='/timesheets/{rosa_sheet}/county-review/'] button").click()
    checked(lupe)
    sheet.refresh_from_db()
    assert sheet.county_review == "released" and sheet.payable
