"""The language selector in the header switches the whole portal to Spanish and back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

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

    if viewport is PHONE:  # on a phone the selector is in the menu
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Español").click()

    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page).to_have_url(opened.base_url + "/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inicie sesión en el Portal IHSS")

    if viewport is PHONE:
        page.get_by_role("button", name="Menú").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the IHSS Portal")
    assert opened.csp_violations == []
