import pytest

pytestmark = pytest.mark.django_db


def test_a_chosen_language_is_saved_on_the_account(client, la_staff):
    client.force_login(la_staff)
    client.post("/language/", {"language": "es", "next": "/county/"})
    la_staff.refresh_from_db()
    assert la_staff.preferred_language == "es"


def test_the_saved_language_follows_the_person_to_another_device(client, la_staff):
    la_staff.preferred_language = "es"
    la_staff.save()
    client.force_login(la_staff)  # a new browser: no language cookie yet
    response = client.get("/county/")
    assert 'lang="es"' in response.content.decode()
    assert response.cookies["django_language"].value == "es"


def test_switching_back_to_english_sticks(client, la_staff):
    la_staff.preferred_language = "es"
    la_staff.save()
    client.force_login(la_staff)
    client.post("/language/", {"language": "en", "next": "/county/"})
    assert 'lang="en"' in client.get("/county/").content.decode()


def test_a_stranger_can_choose_a_language_before_signing_in(client):
    response = client.post("/language/", {"language": "es", "next": "/sign-in/"})
    assert response.status_code == 302
    assert 'lang="es"' in client.get("/sign-in/").content.decode()
