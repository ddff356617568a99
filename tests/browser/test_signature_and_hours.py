"""Issue 14, items 2 and 7, in a real browser on a phone (360 px).

Rosa types "Mickey Mouse" to sign and is refused at the signature field, with her own
name. Ana, with WPCS hours too, types a week and the one stable live region announces
her IHSS + WPCS total against 70 h 45 min, and how far over a limit she is.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from ihss import test as cast_builders
from ihss.timesheets import services
from ihss.timesheets.models import Timesheet
from tests.browser.conftest import PASSWORD
from tests.browser.support import PHONE, needs_chromium, sign_in
from tests.browser.test_timesheet_story import H, checked
from tests.browser.test_timesheet_story import story as _story  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def story(_story):  # noqa: F811 - the imported fixture, by its name
    """The timesheet story's cast: Ana, three recipients, Rosa and Lupe's sign-ins."""
    return _story


def typed(day: dt.date, minutes: int) -> dict[dt.date, services.DayInput]:
    return {day: services.DayInput(minutes, dt.time(8, 0), dt.time(22, 0), "home")}


def sheet_of(story, who: str, program: str = "IHSS") -> Timesheet:
    return services.open_timesheet(
        provider=story.assignments[who].provider,
        recipient=story.recipients[who],
        program=program,
        day=story.week.start + dt.timedelta(days=1),
        by=story.ana,
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_signature_that_is_not_the_recipients_name_is_refused_in_view(new_page, story, language):
    monday = story.week.start + dt.timedelta(days=1)
    sheet = services.save_week(
        timesheet=sheet_of(story, "Rosa"), days=typed(monday, 2 * H), by=story.ana
    )
    services.submit(timesheet=sheet, by=story.ana)
    rosa = new_page(viewport=PHONE, language=language).page
    sign_in(rosa, "rosa", PASSWORD)
    rosa.goto(f"/timesheets/{sheet.pk}/approve/")
    rosa.locator("label[for=id_attest]").click()
    rosa.locator("#id_signature").fill("Mickey Mouse")
    with rosa.expect_navigation():
        rosa.locator("main form button[type=submit]").click()
    message = rosa.locator(".usa-form-group--error:has(#id_signature) .usa-error-message")
    expected = "Rosa Delgado."
    expect(message).to_contain_text(expected)
    expect(message).to_contain_text(
        "Escriba su nombre completo" if language == "es" else "Type your full name"
    )
    expect(message).to_be_visible()
    checked(rosa)
    assert Timesheet.objects.get(pk=sheet.pk).status == "submitted"


def test_the_live_region_announces_the_combined_ihss_and_wpcs_week(new_page, story):
    rosa = story.recipients["Rosa"]
    cast_builders.authorize(rosa, 283 * H, program="WPCS")
    cast_builders.assign(story.assignments["Rosa"].provider, rosa, 283 * H, program="WPCS")
    saturday = story.week.start + dt.timedelta(days=6)
    services.save_week(
        timesheet=sheet_of(story, "Rosa", "WPCS"), days=typed(saturday, 8 * H), by=story.ana
    )
    harold = sheet_of(story, "Harold")
    for weekday in range(1, 6):  # 50 h of IHSS for Harold
        day = story.week.start + dt.timedelta(days=weekday)
        services.save_week(timesheet=harold, days=typed(day, 10 * H), by=story.ana)
    sheet = sheet_of(story, "Rosa")

    ana = new_page(viewport=PHONE).page
    sign_in(ana, "ana", PASSWORD)
    ana.goto(f"/timesheets/{sheet.pk}/week/{story.week.start.isoformat()}/")
    live = ana.locator("[aria-live]")
    expect(live).to_have_count(1)
    region = ana.locator("#hours-announce")
    handle = region.element_handle()
    prefix = f"#id_{(story.week.start + dt.timedelta(days=1)).isoformat()}"
    ana.locator(f"{prefix}-hours").fill("10")
    ana.locator(f"{prefix}-minutes").fill("0")
    ana.locator(f"{prefix}-start").fill("08:00")
    ana.locator(f"{prefix}-end").fill("18:00")
    ana.locator(f"{prefix}-location").select_option("home")
    expect(region).to_contain_text("68 h of at most 70 h 45 min: 2 h 45 min left")
    expect(ana.locator("#hours-panel")).to_contain_text("60 h of at most 66 h: 6 h left")
    ana.locator(f"{prefix}-hours").fill("20")
    ana.locator(f"{prefix}-end").fill("23:00")  # hours typed are what count
    ana.locator(f"{prefix}-location").select_option("community")
    expect(region).to_contain_text("78 h of at most 70 h 45 min: 7 h 15 min over")
    expect(ana.locator("#hours-panel")).to_contain_text("70 h of at most 66 h: 4 h over")
    expect(live).to_have_count(1)
    # The same element throughout: the region is filled, never re-created.
    assert ana.evaluate("(el) => el.isConnected", handle)
    checked(ana)
