"""A provider's pay on a small phone, in English and Spanish: the history, a paystub
whose lines explain themselves, a timeline and the wage statement, with no axe-core
violation, no CSP violation and no sideways scrolling."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ihss import test as cast_builders
from ihss.accounts.models import Role
from ihss.payroll.tests.paid import paid_provider
from tests.browser.conftest import start_session
from tests.browser.support import PHONE, axe_violations, horizontal_overflow, needs_chromium

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OVERTIME = {
    "en": "43 h in the week of Dec. 6 across 3 recipients: 40 h regular, 3 h overtime at 1.5 × $20.00",
    "es": "43 h en la semana del 6 de dic. con 3 beneficiarios: 40 h normales, 3 h extra a 1,5 × $20.00",
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_provider_reads_their_pay_on_a_phone(new_page, live_server, language):
    provider = cast_builders.make_active_provider(first_name="Ana", last_name="Reyes")
    paid = paid_provider(provider)
    user = cast_builders.make_user("pay.provider", Role.PROVIDER, provider=provider)
    opened = new_page(viewport=PHONE, language=language)
    start_session(opened, user)
    page = opened.page
    paths = [
        reverse("payroll:mine"),
        reverse("payroll:stub", args=[paid.first.pk]),
        reverse("payroll:stub", args=[paid.second.pk]),
        reverse("payroll:timeline", args=["timesheet", paid.sheet_c.pk]),
        reverse("payroll:statement") + "?year=2026",
    ]
    problems = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        if path == paths[1]:
            text = " ".join(page.locator("main").inner_text().split())
            assert OVERTIME[language] in text
        for violation in axe_violations(page):
            problems.append(f"{path}: {violation}")
        overflow = horizontal_overflow(page, PHONE["width"])
        if overflow:
            problems.append(f"{path} scrolls sideways: {overflow}")
    assert problems == []
    assert opened.csp_violations == [] and opened.script_errors == []
