"""The county worker's story of issue 3, in a real browser, from sign-in to the history.

A Los Angeles county worker signs in, finds a recipient by name from the search box,
opens her record, changes her authorized IHSS hours giving a reason, and sees the new
hours and the change (who, why, before and after) in the history on her page.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tests.browser.support import DESKTOP, PHONE, needs_chromium, sign_in

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REASON = "Reassessment visit: she now needs help with bathing every morning."


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "360px"])
def test_county_worker_changes_authorized_hours_and_sees_them_in_the_history(
    new_page, cast, viewport
):
    opened = new_page(viewport=viewport, language="en")
    page = opened.page
    today = timezone.localdate()

    sign_in(page, cast.county_staff.username, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("County home")

    search = page.get_by_role("search")
    search.get_by_label("Search by case number, provider number or name").fill("delgado")
    search.get_by_label("Search by case number, provider number or name").press("Enter")
    expect(page.get_by_text("1 recipient matches “delgado”.")).to_be_visible()
    page.get_by_role("link", name="Delgado, Rosa").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rosa Delgado")
    expect(page.get_by_role("region", name=re.compile("In force today"))).to_contain_text(
        "IHSS: 120 h a month"
    )
    page.get_by_role("link", name="Change authorized hours").click()

    form = page.locator("main form")
    form.get_by_label("Program").select_option("IHSS")
    form.get_by_label("Authorized hours a month").fill("135")
    form.get_by_label("Plus minutes").fill("30")
    form.get_by_label("Effective from").fill(today.isoformat())
    form.get_by_label("Reason for the change").fill(REASON)
    form.get_by_role("button", name="Change the hours").click()

    expect(page).to_have_url(re.compile(rf"/cases/recipients/{cast.recipient.case_number}/$"))
    expect(page.get_by_text("The authorized hours were changed.")).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("In force today"))).to_contain_text(
        "IHSS: 135 h 30 min a month"
    )

    history = page.get_by_role("region", name="History of changes")
    change = history.get_by_role("row").filter(has_text=REASON)
    expect(change.first).to_be_visible()
    expect(change.first).to_contain_text("Lupe Ortiz")
    # Before and after, in the history entries of this change: the hours that were in
    # force and the hours now authorized.
    told = " ".join(change.all_inner_texts())
    assert "120 h" in told and "135 h 30 min" in told, (
        f"the history of the change does not show the hours before and after: {told!r}"
    )

    assert opened.csp_violations == []
    assert opened.script_errors == []
