"""On a phone, the Service Desk finds a caller by the name and date of birth they give,
from the one search box of its home page (issue 14, item 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from ihss import test as cast_builders
from ihss.accounts.models import Role
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


def test_the_desk_finds_petrosyan_by_name_and_date_of_birth_at_360px(new_page):
    nare = cast_builders.make_active_provider(
        first_name="Nare",
        last_name="Petrosyan",
        date_of_birth=dt.date(1985, 3, 14),
        provider_number="190000003",
    )
    user = cast_builders.make_user("provider.livein", Role.PROVIDER, provider=nare)
    anahit = cast_builders.make_recipient(
        first_name="Anahit", last_name="Petrosyán", case_number="1900005"
    )
    user.memberships.create(role=Role.RECIPIENT, recipient=anahit, is_representative=True)
    other = cast_builders.make_active_provider(
        first_name="Armen", last_name="Petrosyan", provider_number="190000077"
    )
    cast_builders.make_user("armen.p", Role.PROVIDER, provider=other)
    cast_builders.make_user("servicedesk", Role.SERVICE_DESK)

    opened = new_page(viewport=PHONE)
    page = opened.page
    sign_in(page, "servicedesk", PASSWORD)
    page.goto("/service-desk/")
    assert page.get_by_role("search").count() == 1  # one box on the desk's home

    box = page.get_by_role("searchbox")
    box.fill("petrosyan")
    box.press("Enter")
    expect(page.get_by_role("status")).to_have_text("2 accounts match “petrosyan”.")
    expect(page.get_by_role("link", name="Nare Petrosyan")).to_be_visible()

    page.get_by_role("searchbox").fill("Petrosyan 03/14/1985")
    page.get_by_role("searchbox").press("Enter")
    expect(page.get_by_role("status")).to_have_text("1 account matches “Petrosyan 03/14/1985”.")
    expect(page.get_by_text("Authorized representative of Anahit Petrosyán")).to_be_visible()
    assert horizontal_overflow(page, PHONE["width"]) is None
    assert axe_violations(page) == []

    page.get_by_role("link", name="Nare Petrosyan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("provider.livein")
    assert opened.csp_violations == [] and opened.script_errors == []
