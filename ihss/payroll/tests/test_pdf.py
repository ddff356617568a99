"""The paystub PDF: the page's content, read back by a second library (pypdf), served as
a private download named without personal data."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ihss.payroll.tests.paid import paid_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(la_provider):
    return paid_provider(la_provider)


def pdf_text(response) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


def test_the_pdf_holds_the_lines_deductions_and_totals(signed_in, provider_user, paid):
    response = signed_in(provider_user).get(reverse("payroll:stub-pdf", args=[paid.first.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader, text = pdf_text(response)
    assert (
        "43 h in the week of Dec. 6 across 3 recipients: 40 h regular, 3 h overtime at 1.5 × $20.00"
        in text
    )
    assert "Paid sick leave: 2 h on Dec. 12 at $20.00 = $40.00" in text
    assert "Social Security: 6.2 % of $1,730.00 = $107.26." in text
    assert "Net pay $1,579.44" in text
    assert "Year to date, 2026" in text
    assert "account ending *****1234" not in text and "****1234" in text
    # Language, title and bookmarks for screen readers and navigation.
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    # Marked, with a structure tree for its headings (fpdf2 tags no more than that).
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    title = reader.metadata.title if reader.metadata else None
    assert title == "Paystub, Dec. 1 to Dec. 15, 2026"
    outline: Any = reader.outline
    assert outline[0].title == title


def test_the_pdf_is_a_private_download_named_without_personal_data(signed_in, provider_user, paid):
    response = signed_in(provider_user).get(reverse("payroll:stub-pdf", args=[paid.first.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="paystub-2026-12-01.pdf"'
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert paid.provider.last_name not in response["Content-Disposition"]


def test_the_pdf_of_the_adjustment_stub_reads_in_spanish(client, signed_in, provider_user, paid):
    browser = signed_in(provider_user)
    response = browser.get(
        reverse("payroll:stub-pdf", args=[paid.second.pk]), HTTP_ACCEPT_LANGUAGE="es"
    )
    reader, text = pdf_text(response)
    assert "Ajuste de horas extra: 10 h de la semana del 29 de nov." in text
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == "es"


def test_another_provider_gets_404_for_the_pdf(signed_in, paid):
    from ihss import test as cast
    from ihss.accounts.models import Role

    other = cast.make_user("other", Role.PROVIDER, provider=cast.make_active_provider())
    assert (
        signed_in(other).get(reverse("payroll:stub-pdf", args=[paid.first.pk])).status_code == 404
    )
