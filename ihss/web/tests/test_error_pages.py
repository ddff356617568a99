import pytest
from django.test import Client, override_settings
from django.urls import path

from ihss.urls import urlpatterns as portal_urls


def _boom(request):
    raise RuntimeError("simulated failure")


urlpatterns = [*portal_urls, path("boom/", _boom, name="boom")]
handler500 = "ihss.web.errors.server_error"
handler404 = "ihss.web.errors.page_not_found"

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_a_missing_page_is_a_styled_404_with_the_help_number(client, la_staff):
    client.force_login(la_staff)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We cannot find that page" in page
    assert "usa-banner" in page
    assert "1-866-376-7066" in page


@override_settings(DEBUG=False)
def test_a_refused_page_is_a_styled_403(client, provider_user):
    client.force_login(provider_user)
    response = client.get("/county/")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_server_error_is_a_styled_500(la_staff):
    client = Client(raise_request_exception=False)
    client.force_login(la_staff)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@override_settings(DEBUG=True, SHOW_DEBUG_404=False)
def test_it_shows_the_portals_404_under_debug_as_make_run_does(client, la_staff):
    for who in (None, la_staff):
        if who:
            client.force_login(who)
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        page = response.content.decode()
        assert "We cannot find that page" in page and "usa-banner" in page
        assert "URLconf" not in page and "DEBUG = True" not in page
    # A view's own 404 (a record that does not exist) too.
    response = client.get("/timesheets/999999/")
    assert response.status_code == 404
    assert "We cannot find that page" in response.content.decode()


@override_settings(DEBUG=True, SHOW_DEBUG_404=True)
def test_it_shows_djangos_debug_404_when_a_developer_asks_for_it(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()
