"""Refusals a person can see on a phone (issue 14): the error summary is in view and has the
focus, its links reach the field; sending a pay period before its last day asks first; and
on a wide screen a week of days fits one screen, while a phone keeps the stacked days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ihss import test as cast_builders
from ihss.accounts.models import Role, User
from ihss.timesheets import rules, services
from ihss.timesheets.models import Timesheet
from tests.browser.conftest import start_session
from tests.browser.support import (
    DESKTOP,
    PHONE,
    axe_violations,
    horizontal_overflow,
    needs_chromium,
)

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
H = 60


@dataclass
class Sheets:
    sent: Timesheet  # the last pay period's, every weekday worked, waiting for Rosa
    current: Timesheet  # this pay period's draft, with today worked
    ana: User
    rosa: User


@pytest.fixture
def sheets(live_server) -> Sheets:
    today = timezone.localdate()
    current = rules.pay_period_containing(today)
    last = rules.pay_period_containing(current.start - dt.timedelta(days=1))
    provider = cast_builders.make_active_provider(first_name="Ana", last_name="Reyes")
    recipient = cast_builders.make_recipient(first_name="Rosa", last_name="Delgado")
    cast_builders.authorize(recipient, 283 * H)
    cast_builders.assign(provider, recipient, 283 * H)
    ana = cast_builders.make_user("ana", Role.PROVIDER, provider=provider)
    rosa = cast_builders.make_user("rosa", Role.RECIPIENT, recipient=recipient)

    def opened(day: dt.date, days: list[dt.date]) -> Timesheet:
        sheet = services.open_timesheet(
            provider=provider, recipient=recipient, program="IHSS", day=day, by=ana
        )
        services.save_week(
            timesheet=sheet,
            days={d: services.DayInput(4 * H, dt.time(8), dt.time(12), "home") for d in days},
            by=ana,
        )
        return sheet

    every_day = [last.start + dt.timedelta(days=i) for i in range((last.end - last.start).days + 1)]
    sent = services.submit(timesheet=opened(last.start, every_day), by=ana)
    return Sheets(sent=sent, current=opened(today, [today]), ana=ana, rosa=rosa)


def in_view(page: Any, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= -1 && box.top < window.innerHeight;  // -1: a subpixel scroll
        }""",
        selector,
    )


def summary_in_view_with_focus(page: Any) -> None:
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    assert in_view(page, "#form-errors")
    assert axe_violations(page) == []
    assert horizontal_overflow(page, PHONE["width"]) is None


def test_approving_without_the_box_shows_the_summary_and_leads_to_the_box(new_page, sheets):
    opened = new_page(viewport=PHONE)
    start_session(opened, sheets.rosa)
    page = opened.page
    page.goto(f"/timesheets/{sheets.sent.pk}/approve/")
    page.locator("#id_signature").fill("Rosa Delgado")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve and sign").click()
    summary_in_view_with_focus(page)
    expect(page.locator("#form-errors")).to_contain_text("There is a problem")
    page.locator('#form-errors a[href="#id_attest"]').click()
    expect(page.locator("#id_attest")).to_be_focused()
    assert in_view(page, "label[for=id_attest]")
    assert Timesheet.objects.get(pk=sheets.sent.pk).status == "submitted"


@pytest.mark.parametrize("language", ["en", "es"])
def test_returning_without_a_reason_shows_the_summary_and_leads_to_the_reason(
    new_page, sheets, language
):
    opened = new_page(viewport=PHONE, language=language)
    start_session(opened, sheets.rosa)
    page = opened.page
    page.goto(f"/timesheets/{sheets.sent.pk}/")
    # The decision comes before the fifteen days, not after them.
    assert in_view(page, f"form[action='/timesheets/{sheets.sent.pk}/return/'] legend")
    with page.expect_navigation():
        page.locator(f"form[action='/timesheets/{sheets.sent.pk}/return/'] button").click()
    summary_in_view_with_focus(page)
    heading = "There is a problem" if language == "en" else "Hay un problema"
    expect(page.locator("#form-errors h2")).to_have_text(heading)
    page.locator('#form-errors a[href="#id_reason"]').click()
    expect(page.locator("#id_reason")).to_be_focused()
    assert in_view(page, "label[for=id_reason]")


@pytest.mark.parametrize("language", ["en", "es"])
def test_sending_before_the_period_ends_says_how_many_days_remain_and_asks_to_confirm(
    new_page, sheets, language
):
    left = (sheets.current.period_end - timezone.localdate()).days
    if left == 0:
        pytest.skip("today is the pay period's last day: nothing is early")
    opened = new_page(viewport=PHONE, language=language)
    start_session(opened, sheets.ana)
    page = opened.page
    pk = sheets.current.pk
    page.goto(f"/timesheets/{pk}/")
    expect(page.locator("#days-left")).to_contain_text(str(left))
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.locator(f"form[action='/timesheets/{pk}/submit/'] button").click()
    summary_in_view_with_focus(page)
    assert Timesheet.objects.get(pk=pk).status == "draft"
    page.locator('#form-errors a[href="#id_confirm_early"]').click()
    expect(page.locator("#id_confirm_early")).to_be_focused()
    page.locator("label[for=id_confirm_early]").click()
    with page.expect_navigation():
        page.locator(f"form[action='/timesheets/{pk}/submit/'] button").click()
    assert Timesheet.objects.get(pk=pk).status == "submitted"


def test_a_week_fits_one_screen_on_a_wide_screen_and_stacks_on_a_phone(new_page, sheets):
    week = rules.workweek_containing(sheets.sent.period_start + dt.timedelta(days=7))
    sheet = Timesheet.objects.get(pk=sheets.sent.pk)
    sheet.status = Timesheet.Status.REJECTED  # returned: Ana may fill it in again
    sheet.save(update_fields=["status"])
    path = f"/timesheets/{sheet.pk}/week/{week.start.isoformat()}/"
    wide = new_page(viewport=DESKTOP)
    start_session(wide, sheets.ana)
    wide.page.goto(path)
    height = wide.page.evaluate(
        """() => {
            const days = document.querySelectorAll('.timesheet-day');
            return days[days.length - 1].getBoundingClientRect().bottom
                - days[0].getBoundingClientRect().top;
        }"""
    )
    assert wide.page.locator(".timesheet-day").count() == 7
    assert height <= 1000, f"the seven days take {height} px"
    assert axe_violations(wide.page) == []
    phone = new_page(viewport=PHONE)
    start_session(phone, sheets.ana)
    phone.page.goto(path)
    assert horizontal_overflow(phone.page, PHONE["width"]) is None
    assert axe_violations(phone.page) == []
