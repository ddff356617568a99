"""Scheduling a program parameter in the browser: the error summary takes the focus and
links to each field; a value typed in plain units is saved and shown back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ihss.accounts.models import Role
from ihss.core.models import ProgramParameter
from tests.browser.conftest import start_session
from tests.browser.support import PHONE, axe_violations, needs_chromium

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_error_summary_takes_the_focus_and_the_value_is_saved(new_page, cast, language):
    opened = new_page(viewport=PHONE, language=language)
    start_session(opened, cast.by_role[Role.STATE_ADMIN])
    page = opened.page
    page.goto("/parameters/first_half_exception_share/new/")
    page.locator("#id_percent").fill("12.345")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary.locator('a[href="#id_percent"]')).to_be_visible()
    expect(summary.locator('a[href="#id_reason"]')).to_be_visible()
    assert axe_violations(page) == []

    page.locator("#id_percent").fill("72.5" if language == "en" else "72,5")
    page.locator("#id_reason").fill("A test")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(re.compile(r"72[.,]5 %"))
    latest = ProgramParameter.objects.filter(key="first_half_exception_share").first()
    assert latest is not None and latest.value == 7250
