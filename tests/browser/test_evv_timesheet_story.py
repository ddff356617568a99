"""Issue 17's timesheet in a real browser, on a phone (360 px), every page checked with axe.

Rosa Delgado's provider checked in at 9:00 and out at 17:00 on a Monday of the last pay
period. On the week page the day is filled from the check-in and check-out; the provider
types the hours, changes the end time to 17:30, is asked why (nothing lost), says why,
saves and sends. A Sacramento county worker opens the timesheet and reads what the
check-in and check-out said, what was reported and the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ihss import test as cast_builders
from ihss.accounts.models import Role
from ihss.evv.models import Visit, VisitCorrection
from ihss.evv.tests.factories import local, punch, worker_and_recipient
from ihss.timesheets import rules, services
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


def checked(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)
    assert horizontal_overflow(page, PHONE["width"]) is None


def test_a_day_filled_from_evv_is_corrected_with_a_reason_the_county_reads(live_server, new_page):
    period = rules.pay_period_containing(
        rules.pay_period_containing(timezone.localdate()).start - dt.timedelta(days=1)
    )
    sunday = period.start + dt.timedelta(days=(6 - period.start.weekday()) % 7)
    monday = sunday + dt.timedelta(days=1)
    provider, recipient, user, _assignment = worker_and_recipient()
    cast_builders.authorize(recipient, 283 * H)
    cast_builders.make_user("sac.worker", Role.COUNTY_STAFF, county=cast_builders.county("34"))
    punch(provider, recipient, user, kind="in", at=local(monday, 9))
    punch(provider, recipient, user, kind="out", at=local(monday, 17))
    sheet = services.open_timesheet(
        provider=provider, recipient=recipient, program="IHSS", day=monday, by=user
    )

    phone = new_page(viewport=PHONE, language="en").page
    sign_in(phone, "evv.provider", PASSWORD)
    phone.goto(f"/timesheets/{sheet.pk}/week/{sunday.isoformat()}/")
    day = f"#id_{monday.isoformat()}"
    expect(phone.locator(f"{day}-start")).to_have_value("09:00")
    expect(phone.locator(f"{day}-end")).to_have_value("17:00")
    expect(phone.locator(f"#day-{monday.isoformat()}-evv")).to_contain_text(
        "From your check-in and check-out"
    )
    checked(phone)

    phone.locator(f"{day}-hours").fill("8")
    phone.locator(f"{day}-minutes").fill("0")
    # The reason is asked for only once a filled time changes (the server decides).
    expect(phone.locator(f"{day}-reason")).to_be_hidden()
    phone.locator(f"{day}-end").fill("17:30")
    expect(phone.locator(f"{day}-reason")).to_be_visible()
    with phone.expect_navigation():
        phone.locator("main form button[name=save]").click()
    summary = phone.locator(".usa-alert--error").first
    expect(summary).to_contain_text("differ from your check-in and check-out")
    expect(phone.locator(f"{day}-end")).to_have_value("17:30")  # nothing typed is lost
    checked(phone)

    phone.locator(f"{day}-reason").fill("I stayed until the nurse arrived.")
    with phone.expect_navigation():
        phone.locator("main form button[name=save]").click()
    assert VisitCorrection.objects.get().reason == "I stayed until the nurse arrived."
    assert Visit.objects.get().corrected
    with phone.expect_navigation():
        phone.locator(f"form[action='/timesheets/{sheet.pk}/submit/'] button").click()
    assert Timesheet.objects.get(pk=sheet.pk).status == "submitted"
    checked(phone)

    county = new_page(viewport=PHONE, language="en").page
    sign_in(county, "sac.worker", PASSWORD)
    county.goto(f"/timesheets/{sheet.pk}/")
    main = county.locator("main")
    expect(main).to_contain_text("9:00 AM to 5:00 PM, Home")
    expect(main).to_contain_text("5:30 PM")
    expect(main).to_contain_text("Changed by the provider: I stayed until the nurse arrived.")
    checked(county)
