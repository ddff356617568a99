"""The public course catalog: anyone finds courses by pathway, language, way of teaching,
county and dates, or by words, on a page whose cost does not grow with the catalog."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ihss.cases.models import County
from ihss.training.models import ClassSession, Course, CourseLanguage, Pathway, TrainingProvider

pytestmark = pytest.mark.django_db

CATALOG = "/training/catalog/"


def course(code, title, pathway="general-health-safety", *, modality="online_live",
           languages=("en",), description="A course.", published=True, provider=None):  # fmt: skip
    provider = (
        provider
        or TrainingProvider.objects.get_or_create(
            name="Test Academy", defaults={"email": "classes@example.org"}
        )[0]
    )
    made = Course.objects.create(
        provider=provider,
        code=code,
        title=title,
        description=description,
        pathway=Pathway.objects.get(code=pathway),
        modality=modality,
        minutes=120,
        published=published,
    )
    for language in languages:
        CourseLanguage.objects.create(course=made, language=language)
    return made


def session(of, *, days_ahead=10, county_code=None, language="en"):
    starts = timezone.now() + dt.timedelta(days=days_ahead)
    county = County.objects.get(code=county_code) if county_code else None
    return ClassSession.objects.create(
        course=of,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        language=language,
        county=county,
        place="Room 1" if county else "",
        capacity=10,
    )


def titles(response):
    return [item.course.title for item in response.context["listings"]]


def test_anyone_sees_the_catalog_and_a_course_without_signing_in(client):
    shown = course("A-1", "Safe transfers")
    session(shown)

    listing = client.get(CATALOG)
    page = client.get(reverse("training:course", args=[shown.pk]))

    assert listing.status_code == 200 and "Safe transfers" in listing.content.decode()
    assert page.status_code == 200
    assert "classes@example.org" in page.content.decode()  # whom to ask about registering


def test_a_provider_finds_a_category_2_course_taught_in_spanish(client):
    course("E-1", "Understanding dementia", "cognitive-behavioral", languages=("en",))
    course("S-1", "Cuidado de personas con demencia", "cognitive-behavioral", languages=("es",))
    course("S-2", "Seguridad en casa", "general-health-safety", languages=("es",))

    response = client.get(CATALOG, {"category": "2", "language": "es"})

    assert titles(response) == ["Cuidado de personas con demencia"]


def test_filters_by_pathway_way_of_teaching_county_and_dates(client):
    online = course("O-1", "Online class")
    at_home = course("P-1", "Self-paced class", modality="self_paced")
    in_person = course("I-1", "In Fresno", "complex-physical", modality="in_person")
    session(online, days_ahead=3)
    session(in_person, days_ahead=20, county_code="10")
    later = (timezone.localdate() + dt.timedelta(days=15)).isoformat()

    assert titles(client.get(CATALOG, {"modality": "self_paced"})) == [at_home.title]
    assert titles(client.get(CATALOG, {"pathway": "complex-physical"})) == [in_person.title]
    assert titles(client.get(CATALOG, {"county": "10"})) == [in_person.title]
    assert titles(client.get(CATALOG, {"starts_from": later})) == [in_person.title]
    assert titles(client.get(CATALOG, {"starts_until": later})) == [online.title]


def test_words_find_courses_by_title_description_or_code(client):
    course("GV-9", "Fall prevention", description="Keeping a home safe.")
    course("GV-8", "Digital skills", description="Video calls on a phone.")

    assert titles(client.get(CATALOG, {"q": "phone"})) == ["Digital skills"]
    assert titles(client.get(CATALOG, {"q": "Fall"})) == ["Fall prevention"]
    assert titles(client.get(CATALOG, {"q": "GV-9"})) == ["Fall prevention"]
    assert titles(client.get(CATALOG, {"q": "nothing like this"})) == []


def test_unpublished_courses_are_not_listed_nor_shown(client):
    hidden = course("H-1", "Draft course", published=False)

    assert titles(client.get(CATALOG)) == []
    assert client.get(reverse("training:course", args=[hidden.pk])).status_code == 404


def test_bad_filters_are_explained_and_the_list_still_shows(client):
    course("A-1", "Safe transfers")

    response = client.get(
        CATALOG, {"starts_from": "2027-05-10", "starts_until": "2027-05-01", "modality": "x"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and 'href="#id_starts_until"' in body
    assert 'href="#id_modality"' in body
    assert titles(response) == []  # the valid date still filters: no class then


@pytest.mark.parametrize("page", ["0", "-3", "abc", "9" * 900, "1e9"])
def test_any_page_number_opens_a_page(client, page):
    course("A-1", "Safe transfers")
    response = client.get(CATALOG, {"page": page})
    assert response.status_code == 200 and titles(response) == ["Safe transfers"]


def test_the_catalog_costs_the_same_queries_whatever_its_size(client):
    def queries_for_a_page():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CATALOG, {"language": "en"}).status_code == 200
        return len(queries)

    for n in range(3):
        session(course(f"C-{n}", f"Course {n}", languages=("en", "es")))
    few = queries_for_a_page()
    for n in range(3, 30):
        session(course(f"C-{n}", f"Course {n}", languages=("en", "es")))
    many = queries_for_a_page()

    assert many == few <= 8


def test_pathway_names_show_in_spanish(client):
    course("S-1", "Cuidado de personas con demencia", "cognitive-behavioral", languages=("es",))
    client.cookies["django_language"] = "es"

    body = client.get(CATALOG, HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Deterioro cognitivo y salud conductual" in body


def test_the_api_lists_the_catalog_to_anyone(client):
    shown = course("S-1", "Cuidado de personas con demencia", "cognitive-behavioral",
                   languages=("es",))  # fmt: skip
    session(shown, language="es")
    course("E-1", "Fall prevention")

    found = client.get("/api/v1/training/catalog", {"category": 2, "language": "es"}).json()

    assert [c["code"] for c in found["results"]] == ["S-1"]
    assert found["results"][0]["pathway"] == "cognitive-behavioral"
    assert found["results"][0]["next_sessions"][0]["language"] == "es"
    assert client.get("/api/v1/training/catalog", {"county": "ZZ"}).json()["results"] == []
    assert client.get("/api/v1/training/catalog", {"page": 0}).status_code == 422
