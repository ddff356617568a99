"""The idle warning: shown before the sign-out, accessible, and "Stay signed in" works."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ihss.accounts.models import Role
from tests.browser.conftest import start_session
from tests.browser.support import PHONE, axe_violations, needs_chromium

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def short_sessions(settings):
    settings.SESSION_COOKIE_AGE = 6  # seconds of idleness before the sign-out
    settings.SESSION_WARNING_SECONDS = 4  # the warning comes after 2 seconds


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_warning_comes_before_the_sign_out_and_staying_works(
    new_page, cast, short_sessions, language
):
    opened = new_page(viewport=PHONE, language=language)
    start_session(opened, cast.by_role[Role.PROVIDER])
    page = opened.page
    page.goto("/provider/")
    warning = page.locator("#session-warning")
    expect(warning).to_be_hidden()
    expect(warning).to_be_visible(timeout=5000)
    expect(page.get_by_role("button", name=re.compile("Stay signed in|Seguir"))).to_be_focused()
    assert axe_violations(page) == []

    page.get_by_role("button", name=re.compile("Stay signed in|Seguir")).click()
    expect(warning).to_be_hidden()
    page.wait_for_timeout(2500)  # past the first deadline: the session was renewed
    assert page.url.endswith("/provider/")

    page.wait_for_url(re.compile(r"/sign-in/\?next="), timeout=10_000)  # idle again: out
    assert opened.script_errors == [] and opened.csp_violations == []
