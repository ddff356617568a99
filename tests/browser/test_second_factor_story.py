"""Second factors in a real browser, on a phone, in English and Spanish.

A county worker (a staff role, so a second factor is required) signs in, is asked to add
one, sets up an authenticator app by typing the key shown, saves her recovery codes,
adds a passkey (Chromium's virtual authenticator stands in for a phone's), and then
signs in with the passkey, with a recovery code and with the app. Every page is checked
with axe.
"""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from playwright.sync_api import expect

from ihss import test as cast_builders
from ihss.accounts import rules
from ihss.accounts.models import Role
from tests.browser.support import PHONE, axe_violations, needs_chromium

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STAFF = ["county_staff", "training_provider", "coach", "service_desk", "state_admin"]


def session_id(page) -> str | None:
    name = settings.SESSION_COOKIE_NAME
    return next((c["value"] for c in page.context.cookies() if c["name"] == name), None)


def submit(page, form: str = "main form[method=post]") -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def sign_in(page) -> None:
    page.goto("/sign-in/")
    page.locator("#id_username").fill("lupe.ortiz")
    page.locator("#id_password").fill(cast_builders.PASSWORD)
    submit(page)


def sign_out(page) -> None:
    page.context.clear_cookies()


def no_axe_violations(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}:\n" + "\n".join(violations)


def app_code(secret: str, offset_steps: int = 0) -> str:
    key = rules.totp_secret_bytes(secret)
    return rules.hotp(key, rules.totp_step(time.time()) + offset_steps)


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_county_worker_sets_up_and_uses_every_second_factor(
    new_page, live_server, settings, language
):
    settings.SECOND_FACTOR_REQUIRED_ROLES = STAFF
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    cast_builders.make_user("lupe.ortiz", Role.COUNTY_STAFF, county=cast_builders.county("19"))
    opened = new_page(viewport=PHONE, language=language)
    page = opened.page

    # Staff must add a second factor before anything else.
    sign_in(page)
    assert "/accounts/second-factor/" in page.url
    expect(page.locator("main .usa-alert--warning")).to_be_visible()
    no_axe_violations(page)
    page.goto("/county/")
    assert "/accounts/second-factor/" in page.url, "held until a second factor is added"

    # The authenticator app: type the key shown, then the app's code.
    page.goto("/accounts/second-factor/app/")
    no_axe_violations(page)
    secret = page.locator("#app-secret").inner_text()
    page.locator("#id_code").fill(app_code(secret))
    submit(page)
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    no_axe_violations(page)
    with page.expect_navigation():
        page.locator("main a.usa-button").click()

    # A passkey, made by Chromium's virtual authenticator.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    with page.expect_navigation():
        page.locator("#passkey-register-button").click()
    expect(page.locator("a[href*='/passkey/']")).to_have_count(1)
    no_axe_violations(page)

    # Signing in again: the password, then the passkey.
    sign_out(page)
    sign_in(page)
    assert "/accounts/second-factor/check/" in page.url
    no_axe_violations(page)
    before_passkey = session_id(page)
    with page.expect_navigation():
        page.locator("#passkey-verification-button").click()
    page.wait_for_url(re.compile(r"/county/$"))
    # The passkey gives the session a new id, as the password did.
    assert session_id(page) not in (None, before_passkey)

    # With a recovery code (once), then with the app.
    sign_out(page)
    sign_in(page)
    page.locator("#id_recovery_code").fill(codes[0])
    submit(page, "main form:has(input[value=recovery])")
    page.wait_for_url(re.compile(r"/county/$"))
    expect(
        page.locator("main .usa-alert--warning, .usa-alert--warning[role=status]").first
    ).to_be_visible()

    sign_out(page)
    sign_in(page)
    page.locator("#id_code").fill(app_code(secret, offset_steps=1))
    submit(page, "#app-code-form")
    page.wait_for_url(re.compile(r"/county/$"))

    # Removing the passkey asks first; the app stays, so her role is still covered.
    page.goto("/accounts/second-factor/")
    with page.expect_navigation():
        page.locator("a[href*='/passkey/']").click()
    no_axe_violations(page)
    submit(page)
    expect(page.locator("a[href*='/passkey/']")).to_have_count(0)
    assert not opened.csp_violations, opened.csp_violations
    assert not opened.script_errors, opened.script_errors
