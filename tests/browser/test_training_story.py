"""Career Pathways on a phone, in Spanish: a provider finds a specialized course taught in
Spanish, joins the waitlist of its full class, and is moved into the class when the person
holding the seat cancels; every page passes axe and fits 360 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ihss.training.models import Registration
from ihss.training.services import registrations
from ihss.training.tests.factories import account_of, class_of, enrolled_provider, live_course
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


def test_a_provider_finds_a_spanish_class_waits_and_is_moved_in(new_page, live_server):
    course = live_course()
    course.title = "Cuidado de personas con demencia"
    course.save()
    course.languages.update(language="es")
    session = class_of(course, seats=1)
    holder = enrolled_provider("holder")
    seat = registrations.register(provider=holder, session=session, by=None)
    ana = enrolled_provider("ana")
    opened = new_page(viewport=PHONE, language="es")
    start_session(opened, account_of(ana))
    page = opened.page

    page.goto("/training/catalog/")
    page.locator("summary").click()
    page.locator("#id_category").select_option("2")
    page.locator("#id_language").select_option("es")
    with page.expect_navigation():
        page.get_by_role("button", name="Buscar cursos").click()
    fits_and_passes_axe(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Cuidado de personas con demencia").click()
    expect(page.locator("main")).to_contain_text("0 de 1")
    fits_and_passes_axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Anotarme en la lista de espera").click()
    expect(page.locator("main")).to_contain_text("En la lista de espera: número 1")
    fits_and_passes_axe(page)

    registrations.cancel(registration=seat, by=None)  # the seat's holder cancels
    page.reload()

    expect(page.locator("main")).to_contain_text("Inscrito")
    expect(page.locator("main")).not_to_contain_text("lista de espera: número")
    expect(page.get_by_role("link", name="Agregar a mi calendario (.ics)")).to_be_visible()
    assert Registration.objects.get(provider=ana).status == Registration.Status.REGISTERED
    fits_and_passes_axe(page)
