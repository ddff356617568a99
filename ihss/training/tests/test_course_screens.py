"""Training provider staff keep their courses and classes in the catalog."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.training.models import ClassSession, Course
from ihss.training.tests.factories import live_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    live_course()  # makes "Test Academy"
    return cast.make_user("academy", Role.TRAINING_PROVIDER, organization="Test Academy")


def test_staff_add_a_course_and_a_class_that_the_catalog_shows(client, staff):
    client.force_login(staff)
    client.post(
        reverse("training:course-new"),
        {
            "code": "TA-9", "title": "Lifting safely", "description": "Body mechanics.",
            "pathway": "1", "modality": "in_person", "minutes": "120", "languages": ["en", "es"],
            "published": "on",
        },
    )  # fmt: skip
    course = Course.objects.get(code="TA-9")
    starts = (timezone.localtime() + dt.timedelta(days=9)).strftime("%Y-%m-%dT10:00")
    client.post(
        reverse("training:class-new", args=[course.pk]),
        {
            "starts_at": starts,
            "language": "es",
            "county": cast.county("19").pk,
            "place": "100 Main Street",
            "capacity": "12",
        },  # fmt: skip
    )

    session = ClassSession.objects.get(course=course)
    assert session.ends_at - session.starts_at == dt.timedelta(minutes=120)
    assert sorted(course.languages.values_list("language", flat=True)) == ["en", "es"]
    assert "Lifting safely" in client.get(reverse("training:catalog")).content.decode()


def test_an_in_person_class_needs_a_place_and_the_summary_says_so(client, staff):
    course = live_course(modality="in_person")
    client.force_login(staff)
    starts = (timezone.localtime() + dt.timedelta(days=9)).strftime("%Y-%m-%dT10:00")

    response = client.post(
        reverse("training:class-new", args=[course.pk]),
        {"starts_at": starts, "language": "en", "capacity": "12"},
    )

    body = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in body
    assert "Choose the county where the class is held." in body
    assert not ClassSession.objects.exists()


def test_a_course_code_is_unique_for_the_organization(client, staff):
    existing = Course.objects.get()
    client.force_login(staff)
    response = client.post(
        reverse("training:course-new"),
        {
            "code": existing.code,
            "title": "Again",
            "description": "x",
            "pathway": "1",
            "modality": "online_live",
            "minutes": "60",
            "languages": ["en"],
        },  # fmt: skip
    )
    assert response.status_code == 400 and "Another of your courses has this code." in (
        response.content.decode()
    )


def test_another_organizations_course_cannot_be_changed(client, staff):
    other = cast.make_user("other", Role.TRAINING_PROVIDER, organization="Other Academy")
    client.force_login(other)
    course = Course.objects.get()
    assert client.get(reverse("training:course-edit", args=[course.pk])).status_code == 404
    assert client.get(reverse("training:class-new", args=[course.pk])).status_code == 404
