"""Issue 5's story in a real browser, on a phone, in English and Spanish.

A newly enrolled provider registers with her provider number, confirms her email, signs
in, has her sign-in paused by wrong passwords on another browser (her own still gets
in), gets back in through "Forgot your password?", is paused again on a borrowed phone,
and is unlocked by the Service Desk.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from ihss import test as cast_builders
from ihss.accounts.models import Role, User
from tests.browser.conftest import start_session
from tests.browser.support import PHONE, needs_chromium

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "marigold ferry lantern stone"
NEW_PASSWORD = "violet harbor tundra bell"
ANSWERS = {"first_school": "Lincoln", "birth_city": "Fresno", "first_pet": "Rex"}
QUESTION_TEXT = {
    "first_school": re.compile("first school|primera escuela"),
    "birth_city": re.compile("born|nació"),
    "first_pet": re.compile("first pet|primera mascota"),
}


def path_of(mail, pattern: str) -> str:
    found = re.search(pattern, mail.body)
    assert found, mail.body
    return found.group(0)


def submit(page) -> None:
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").first.click()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/sign-in/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    submit(page)


def pause(page, username: str) -> None:
    for _ in range(5):
        sign_in(page, username, "not the right password at all")
    expect(page.locator("h1")).to_have_text(re.compile("paused|pausa"))


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_new_provider_registers_is_paused_recovers_and_is_unlocked(
    new_page, cast, mailoutbox, language
):
    luz = cast_builders.make_provider(
        first_name="Luz",
        last_name="Moreno",
        date_of_birth=dt.date(1990, 9, 12),
        ssn="521460006",
        provider_number="190000006",
        soc426_received_on=dt.date(2025, 1, 2),
        orientation_completed_on=dt.date(2025, 1, 3),
        background_check_cleared_on=dt.date(2025, 1, 4),
        soc846_signed_on=dt.date(2025, 1, 5),
    )
    opened = new_page(viewport=PHONE, language=language)
    page = opened.page

    # 1. Register: who she is, then how she signs in.
    page.goto("/register/")
    page.locator("label[for=id_kind_0]").click()
    page.locator("#id_number").fill("190000006")
    page.locator("#id_last_name").fill("moreno")
    page.locator("#id_date_of_birth").fill("1990-09-12")
    page.locator("#id_ssn_last4").fill("0006")
    submit(page)
    expect(page).to_have_url(re.compile("/register/account/$"))
    page.locator("#id_username").fill("luz.moreno")
    page.locator("#id_email").fill("luz@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_again").fill(PASSWORD)
    for n, (question, answer) in enumerate(ANSWERS.items(), start=1):
        page.locator(f"#id_question_{n}").select_option(question)
        page.locator(f"#id_answer_{n}").fill(answer)
    submit(page)
    expect(page).to_have_url(re.compile("/register/sent/$"))
    assert page.locator("html").get_attribute("lang") == language

    # 2. Confirm the email from the link, then sign in.
    page.goto(path_of(mailoutbox[-1], r"/register/confirm/[^/\s]+/[^/\s]+/"))
    submit(page)
    sign_in(page, "luz.moreno", PASSWORD)
    expect(page).to_have_url(re.compile("/provider/$"))
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # signed out

    # 3. Five wrong passwords from another browser pause her username there; she is
    # told, and her own phone, where she signed in before, still gets in.
    stranger = new_page(viewport=PHONE, language=language).page
    pause(stranger, "luz.moreno")
    assert any("luz@example.org" in m.to for m in mailoutbox[1:])
    sign_in(page, "luz.moreno", PASSWORD)
    expect(page).to_have_url(re.compile("/provider/$"))
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)

    # 4. Forgot your password: link, two security answers, new password.
    page.goto("/recover/password/")
    page.locator("#id_username_or_email").fill("luz.moreno")
    submit(page)
    page.goto(path_of(mailoutbox[-1], r"/recover/password/[^/\s]+/[^/\s]+/"))
    for field in page.locator("main form input[type=text]").all():
        label = page.locator(f"label[for={field.get_attribute('id')}]").inner_text()
        question = next(q for q, text in QUESTION_TEXT.items() if text.search(label))
        field.fill(ANSWERS[question].lower())
    submit(page)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    submit(page)
    sign_in(page, "luz.moreno", NEW_PASSWORD)
    expect(page).to_have_url(re.compile("/provider/$"))
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)

    # 5. Paused again on a borrowed phone, she calls the Service Desk, which unlocks her.
    pause(stranger, "luz.moreno")
    desk = new_page(viewport=PHONE, language=language)
    start_session(desk, cast.by_role[Role.SERVICE_DESK])
    account = User.objects.get(username="luz.moreno")
    desk.page.goto(f"/accounts/service-desk/{account.pk}/")
    desk.page.locator("#id_reason").fill("Caller confirmed date of birth and provider number.")
    submit(desk.page)
    sign_in(stranger, "luz.moreno", NEW_PASSWORD)
    expect(stranger).to_have_url(re.compile("/provider/$"))
    assert account.memberships.get().provider == luz
