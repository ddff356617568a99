"""Completions of self-paced courses: reported by the training provider (CSV or API), all
rows or none; each becomes a claim and a certificate."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ihss import test as cast
from ihss.accounts import services as account_services
from ihss.accounts.models import Role
from ihss.training.models import Attendance, Certificate, TrainingClaim
from ihss.training.services import registrations
from ihss.training.tests.factories import enrolled_provider, live_course

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 7, 9, tzinfo=ZoneInfo("America/Los_Angeles"))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff():
    return cast.make_user("academy", Role.TRAINING_PROVIDER, organization="Test Academy")


def self_paced_with(*providers):
    course = live_course(modality="self_paced")
    for provider in providers:
        registrations.enroll(provider=provider, course=course, by=None)
    return course


def test_a_csv_of_completions_makes_claims_and_certificates(client, staff):
    ana, ben = enrolled_provider(), enrolled_provider()
    course = self_paced_with(ana, ben)
    client.force_login(staff)
    csv = (
        "provider_number,completed_on,hours\n"
        f"{ana.provider_number},2026-12-03,1:30\n"
        f"{ben.provider_number},2026-12-04,2:00\n"
    ).encode()

    response = client.post(
        reverse("training:completions", args=[course.pk]),
        {"file": SimpleUploadedFile("done.csv", csv, content_type="text/csv")},
        follow=True,
    )

    assert "Completions recorded for 2 people." in response.content.decode()
    assert sorted(TrainingClaim.objects.values_list("minutes", flat=True)) == [90, 120]
    assert Certificate.objects.count() == 2


def test_a_bad_row_records_nothing_and_each_problem_is_named(client, staff):
    ana = enrolled_provider()
    course = self_paced_with(ana)
    client.force_login(staff)
    csv = (
        "provider_number,completed_on,hours\n"
        f"{ana.provider_number},2026-12-30,1:00\n"
        "199999999,2026-12-01,1:00\n"
        f"{ana.provider_number},yesterday,1:00\n"
    ).encode()

    response = client.post(
        reverse("training:completions", args=[course.pk]),
        {"file": SimpleUploadedFile("done.csv", csv, content_type="text/csv")},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "Row 1:" in body and "Row 2:" in body and "Row 3:" in body
    assert not Attendance.objects.exists()


def test_the_api_records_completions_all_or_nothing(staff):
    ana = enrolled_provider()
    course = self_paced_with(ana)
    token = account_services.create_token(
        user=staff, name="Academy", scopes=["training:write"], days=30
    ).text
    url = f"/api/v1/training/courses/{course.pk}/completions"
    headers = {"Authorization": f"Bearer {token}"}

    bad = Client().put(
        url,
        {
            "rows": [
                {
                    "provider_number": ana.provider_number,
                    "completed_on": "2026-12-01",
                    "minutes": 999,
                }
            ]
        },  # fmt: skip
        content_type="application/json",
        headers=headers,
    )
    good = Client().put(
        url,
        {
            "rows": [
                {
                    "provider_number": ana.provider_number,
                    "completed_on": "2026-12-01",
                    "minutes": 60,
                }
            ]
        },  # fmt: skip
        content_type="application/json",
        headers=headers,
    )

    assert bad.status_code == 422 and good.json() == {"recorded": 1}
    assert TrainingClaim.objects.get().day == dt.date(2026, 12, 1)
