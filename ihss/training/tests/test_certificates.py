"""Certificates of completion: made from verified attendance, as a page and a PDF, with a
code anyone can check on a public page."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from ihss.training.models import Certificate, ClassSession
from ihss.training.services import attendance, certificates, registrations
from ihss.training.tests.factories import account_of, enrolled_provider, live_course

pytestmark = pytest.mark.django_db
PACIFIC = ZoneInfo("America/Los_Angeles")


def attended(provider, minutes=120):
    starts = dt.datetime(2026, 11, 20, 10, tzinfo=PACIFIC)
    session = ClassSession.objects.create(
        course=live_course(), starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
        language="en", capacity=5,
    )  # fmt: skip
    with time_machine.travel(starts - dt.timedelta(days=2), tick=False):
        registration = registrations.register(provider=provider, session=session, by=None)
    with time_machine.travel(starts + dt.timedelta(days=1), tick=False):
        attendance.record(
            session=session, minutes_by_provider={provider.provider_number: minutes}, by=None
        )
    return registration


def test_verified_attendance_gets_a_certificate_page_and_pdf(client):
    ana = enrolled_provider("ana")
    registration = attended(ana)
    certificate = Certificate.objects.get()
    code = certificates.shown(certificate.code)
    client.force_login(account_of(ana))

    page = client.get(reverse("training:certificate", args=[registration.pk])).content.decode()
    pdf = client.get(reverse("training:certificate-pdf", args=[registration.pk]))

    assert ana.full_name in page and code in page
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert ana.full_name in text and code in text and "Hours   2 h" in text


def test_anyone_checks_a_code_however_it_is_typed(client):
    attended(enrolled_provider("ana"))
    code = Certificate.objects.get().code
    typed = " ".join(code[i : i + 4] for i in range(0, 12, 4)).lower()

    found = client.get(reverse("training:verify"), {"code": typed}).content.decode()
    missing = client.get(reverse("training:verify"), {"code": "2222-3333-4444"}).content.decode()
    odd = client.get(reverse("training:verify"), {"code": "x" * 40})

    assert "This certificate is valid" in found and "Understanding dementia" in found
    assert "No certificate has this code" in missing
    assert odd.status_code == 200


def test_nobody_who_was_absent_gets_a_certificate_and_others_cannot_open_one(client):
    absent = attended(enrolled_provider("ana"), minutes=0)
    present = attended(enrolled_provider("ben"))
    client.force_login(account_of(absent.provider))

    assert not Certificate.objects.filter(attendance__registration=absent).exists()
    assert client.get(reverse("training:certificate", args=[absent.pk])).status_code == 404
    assert client.get(reverse("training:certificate", args=[present.pk])).status_code == 404


def test_codes_are_long_and_never_use_look_alike_characters():
    codes = {certificates.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 12 and not set(c) & set("01OIL") for c in codes)
