"""The language selector in the header switches the whole portal to Spanish and back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ihss.accounts.models import Role
from tests.browser.conftest import start_session
from tests.browser.support import DESKTOP, PHONE, needs_chromium

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "360px"])
def test_the_language_selector_switches_to_spanish_and_back(new_page, viewport):
    opened = new_page(viewport=viewport, language="en")
    page = opened.page
    page.goto("/sign-in/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # In sight at every width without opening the menu, named in the other language.
    switch = page.get_by_role("button", name="Español")
    expect(switch).to_be_visible()
    expect(switch).to_have_attribute("lang", "es")
    if viewport is PHONE:
        expect(page.locator(".usa-nav")).not_to_be_visible()  # the menu stays closed
    switch.click()

    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page).to_have_url(opened.base_url + "/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inicie sesión en el Portal IHSS")

    back = page.get_by_role("button", name="English")
    expect(back).to_be_visible()
    expect(back).to_have_attribute("lang", "en")
    back.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the IHSS Portal")
    assert opened.csp_violations == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "360px"])
def test_a_signed_in_person_switches_language_from_the_header_on_a_phone(new_page, cast, viewport):
    opened = new_page(viewport=viewport, language="en")
    page = opened.page
    start_session(opened, cast.by_role[str(Role.PROVIDER)])
    page.goto("/timesheets/")
    switch = page.get_by_role("button", name="Español")
    expect(switch).to_be_visible()
    box = switch.bounding_box()
    assert box is not None and box["x"] + box["width"] <= viewport["width"]
    switch.click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page).to_have_url(opened.base_url + "/timesheets/")
    expect(page.get_by_role("button", name="English")).to_be_visible()
    # The header's links read as links: blue and underlined, not grey.
    if viewport is DESKTOP:
        link = page.locator(".usa-nav__secondary-links a").first
        expect(link).to_have_css("color", "rgb(0, 94, 162)")
        expect(link).to_have_css("text-decoration-line", "underline")
