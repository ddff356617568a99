"""Attendance to pay on a phone: training provider staff record a class's attendance in
Spanish, the provider confirms the training time in English; both pages pass axe and
fit 360 px."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ihss import test as cast_builders
from ihss.accounts.models import Role
from ihss.training.models import ClassSession, Registration, TrainingClaim
from ihss.training.tests.factories import account_of, enrolled_provider, live_course
from tests.browser.conftest import start_session
from tests.browser.support import PHONE, axe_violations, horizontal_overflow, needs_chromium

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def fits_and_passes_axe(page) -> None:
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)
    assert horizontal_overflow(page, PHONE["width"]) is None


def test_staff_record_attendance_and_the_provider_confirms_the_training_time(new_page, live_server):
    course = live_course()
    staff = cast_builders.make_user("academy", Role.TRAINING_PROVIDER, organization="Test Academy")
    ana = enrolled_provider("ana")
    cast_builders.assign(ana, cast_builders.make_recipient(first_name="Rosa"), 100 * 60)
    starts = timezone.now() - dt.timedelta(days=1)
    session = ClassSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
        language="en", capacity=5,
    )  # fmt: skip
    registration = Registration.objects.create(
        provider=ana, course=course, session=session, status="registered",
        requested_at=starts - dt.timedelta(days=3),
    )  # fmt: skip

    opened = new_page(viewport=PHONE, language="es")
    start_session(opened, staff)
    page = opened.page
    page.goto(f"/training/provider/classes/{session.pk}/")
    fits_and_passes_axe(page)
    page.locator(f"#hours-{registration.pk}").fill("abc")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrar la asistencia").click()
    expect(page.locator("#form-errors")).to_be_focused()
    fits_and_passes_axe(page)
    page.locator(f"#hours-{registration.pk}").fill("2:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrar la asistencia").click()
    expect(page.locator("main")).to_contain_text("Asistencia registrada para 1 persona.")

    mine = new_page(viewport=PHONE, language="en")
    start_session(mine, account_of(ana))
    page = mine.page
    page.goto("/training/mine/")
    expect(page.locator("main")).to_contain_text("Ready to confirm")
    fits_and_passes_axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm my training time").click()
    expect(page.locator("main")).to_contain_text("Your training time is confirmed")
    assert TrainingClaim.objects.get().status == "confirmed"
    fits_and_passes_axe(page)
