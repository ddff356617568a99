"""The county's EVV compliance page on a small phone, in English and Spanish: the chart
has its table, the recipient to locate links to the case record, the export shows its
progress and its file, and axe finds nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ihss.accounts.models import Role
from ihss.evv.tests.walker import walker_visit
from tests.browser.conftest import start_session
from tests.browser.support import PHONE, axe_violations, horizontal_overflow, needs_chromium

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_compliance_page_reads_on_a_phone(new_page, cast, language):
    walker_visit(cast)
    opened = new_page(viewport=PHONE, language=language)
    start_session(opened, cast.by_role[Role.COUNTY_STAFF])
    page = opened.page
    page.goto(reverse("evv:county-compliance") + "?period=week")

    expect(page.locator("svg[role=img] title")).to_have_count(1)
    expect(page.locator("main")).to_contain_text(cast.provider.provider_number)
    edit = reverse("cases:recipient-edit", args=[cast.recipient.case_number])
    expect(page.locator(f'main a[href="{edit}"]')).to_be_visible()
    assert axe_violations(page) == []
    assert horizontal_overflow(page, PHONE["width"]) is None


def test_an_export_shows_its_file_once_written(new_page, cast, settings):
    walker_visit(cast)
    opened = new_page(viewport=PHONE, language="en")
    start_session(opened, cast.by_role[Role.COUNTY_STAFF])
    page = opened.page
    page.goto(reverse("evv:county-exports"))
    page.locator("label[for=id_format_1]").click()  # USWDS hides the input itself
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("link", name="Download")).to_be_visible(timeout=15_000)
    assert axe_violations(page) == []
