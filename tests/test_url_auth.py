"""Every page needs sign-in, except an explicit list of public ones."""

from __future__ import annotations

import re

import pytest

from tests.routes import all_routes

# Pages anyone may open without signing in.
# "unsubscribe" is the link in an email: its signed token stands in for signing in.
# Registration is how a stranger becomes a user. The password strength check serves the
# registration and reset pages: it answers only a session that one of them opened.
# The Career Pathways course catalog and its course pages are for anyone to find courses,
# the page to explore healthcare careers, the program's help page, and anyone checks a training certificate's code.
# The EVV app's manifest and service worker hold no one's data: the browser fetches the
# manifest without cookies, and a worker script answered with the sign-in page would stop
# the installed app from updating (ihss/evv/phone_views.py).
PUBLIC = {
    "manifest",
    "service-worker",
    "careers",
    "help",
    "catalog",
    "course",
    "verify",
    "login",
    "set_language",
    "unsubscribe",
    "unsubscribe-confirm",
    "register",
    "register-account",
    "register-sent",
    "register-verify",
    "recover-username",
    "recover-password",
    "recover-reset",
    "password-check",
}
# Django admin has its own sign-in; the API answers 401 itself (tested below).
OWN_AUTH_PREFIXES = ("admin/", "api/v1/")

SAMPLE_KWARGS = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "x",
}


def _sample_path(route: str) -> str:
    route = route.lstrip("^").rstrip("$")
    route = re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_KWARGS.get(m.group(1) or "str", "1"), route
    )
    return "/" + route.replace("\\", "")


def _portal_routes():
    for route, _, pattern in all_routes():
        if route.startswith(OWN_AUTH_PREFIXES):
            continue
        yield route, pattern


def test_every_portal_route_has_a_name():
    unnamed = [route for route, p in _portal_routes() if not p.name]
    assert unnamed == []


@pytest.mark.django_db
def test_every_page_sends_strangers_to_sign_in(client):
    checked = 0
    for route, pattern in _portal_routes():
        if pattern.name in PUBLIC:
            continue
        path = _sample_path(route)
        response = client.get(path)
        assert response.status_code == 302, (
            f"{path} ({pattern.name}) answered {response.status_code}"
        )
        assert response["Location"].startswith("/sign-in/"), path
        checked += 1
    assert checked > 5


@pytest.mark.django_db
def test_the_api_answers_401_to_strangers(client):
    assert client.get("/api/v1/cases/recipients").status_code == 401


@pytest.mark.django_db
def test_the_public_pages_open_without_sign_in(client):
    assert client.get("/sign-in/").status_code == 200
