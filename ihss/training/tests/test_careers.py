"""The page to explore healthcare careers: public, in the reader's language, kept by
state administrators as plain text."""

import pytest
from django.urls import reverse

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.training.models import CareersPage

pytestmark = pytest.mark.django_db


def test_anyone_reads_the_page_in_their_language(client):
    english = client.get(reverse("training:careers")).content.decode()
    spanish = client.get(reverse("training:careers"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "certified nursing assistant" in english
    assert "asistente de enfermería certificado" in spanish


def test_a_state_administrator_edits_it_and_html_stays_text(client):
    client.force_login(cast.make_user("state", Role.STATE_ADMIN))

    client.post(
        reverse("training:careers-edit"),
        {"en": "New text <script>alert(1)</script>\n\nSee https://example.org", "es": "Texto"},
    )
    page = client.get(reverse("training:careers")).content.decode()

    assert CareersPage.objects.get(language="en").body.startswith("New text")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert 'href="https://example.org"' in page


def test_an_empty_text_is_refused_with_the_summary_and_nothing_changes(client):
    client.force_login(cast.make_user("state", Role.STATE_ADMIN))
    response = client.post(reverse("training:careers-edit"), {"en": "", "es": "Texto"})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert CareersPage.objects.get(language="es").body != "Texto"


def test_only_state_administrators_edit_it(client):
    client.force_login(cast.make_user("desk", Role.SERVICE_DESK))
    assert client.get(reverse("training:careers-edit")).status_code == 403


def test_the_help_page_names_every_place_to_ask(client):
    body = client.get(reverse("training:help")).content.decode()
    assert "IHSSCareerPathways@dss.ca.gov" in body and "1-866-376-7066" in body
    assert reverse("training:catalog") in body
