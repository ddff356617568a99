"""Direct deposit on a phone, in Spanish: a wrong routing number is refused with the error
summary in view and focused, the account numbers must be typed again, and the pages have
no axe violations and do not scroll sideways at 360 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ihss import test as cast_builders
from ihss.accounts.models import Role
from ihss.payroll.models import DirectDeposit
from ihss.payroll.services import deposits
from tests.browser.conftest import start_session
from tests.browser.support import PHONE, axe_violations, horizontal_overflow, needs_chromium

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
ACCOUNT = "000123456789"


@pytest.fixture
def ana(live_server):
    provider = cast_builders.make_active_provider(first_name="Ana", last_name="Reyes")
    rosa = cast_builders.make_recipient(first_name="Rosa", last_name="Delgado")
    cast_builders.assign(provider, rosa, 100 * 60)
    user = cast_builders.make_user("ana", Role.PROVIDER, provider=provider)
    deposits.enroll(
        provider=provider,
        recipient=rosa,
        routing_number="121000358",
        account_number="55554444",
        account_type="savings",
        by=user,
    )
    return user


def fits_and_passes_axe(page) -> None:
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)
    assert horizontal_overflow(page, PHONE["width"]) is None


def test_a_wrong_routing_number_in_spanish_on_a_phone_shows_the_summary(new_page, ana):
    opened = new_page(viewport=PHONE, language="es")
    start_session(opened, ana)
    page = opened.page
    page.goto("/pay/direct-deposit/")
    expect(page.locator("h1")).to_have_text("Depósito directo")
    expect(page.locator("main")).to_contain_text("••••4444")
    fits_and_passes_axe(page)

    page.goto("/pay/direct-deposit/change/?for=all")
    fits_and_passes_axe(page)
    page.locator("#id_routing_number").fill("121000359")
    page.locator("#id_account_number").fill(ACCOUNT)
    page.locator("#id_account_number_again").fill(ACCOUNT)
    page.locator("label[for=id_account_type_0]").click()  # USWDS hides the input itself
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar la cuenta").click()

    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary.locator("h2")).to_have_text("Hay un problema")
    expect(summary).to_contain_text("no es un número de ruta bancaria")
    expect(page.locator("#id_routing_number")).to_have_value("121000359")
    expect(page.locator("#id_account_number")).to_have_value("")
    expect(page.locator("#id_account_number_again")).to_have_value("")
    expect(summary).to_contain_text("escriba otra vez el número de cuenta")
    assert ACCOUNT not in page.content()
    fits_and_passes_axe(page)
    summary.locator('a[href="#id_routing_number"]').click()
    expect(page.locator("#id_routing_number")).to_be_focused()
    assert DirectDeposit.objects.count() == 1


def test_the_cancel_confirmation_fits_a_phone(new_page, ana):
    opened = new_page(viewport=PHONE, language="en")
    start_session(opened, ana)
    page = opened.page
    page.goto("/pay/direct-deposit/")
    page.get_by_role("link", name="Cancel direct deposit (Rosa Delgado)").click()
    expect(page.locator("h1")).to_have_text("Cancel direct deposit?")
    fits_and_passes_axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel direct deposit").click()
    expect(page.locator("main")).to_contain_text("paper check")
    fits_and_passes_axe(page)
    assert DirectDeposit.objects.get().stop_reason == "cancelled"
