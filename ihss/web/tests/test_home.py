import pytest

from ihss import test as cast
from ihss.accounts.models import Membership, Role

pytestmark = pytest.mark.django_db

HOMES = {
    Role.PROVIDER: "/provider/",
    Role.RECIPIENT: "/recipient/",
    Role.COUNTY_STAFF: "/county/",
    Role.TRAINING_PROVIDER: "/training-provider/",
    Role.COACH: "/coach/",
    Role.SERVICE_DESK: "/service-desk/",
    Role.STATE_ADMIN: "/state/",
}


def _user_with(role, la_provider, la_recipient):
    scope = {
        Role.PROVIDER: {"provider": la_provider},
        Role.RECIPIENT: {"recipient": la_recipient},
        Role.COUNTY_STAFF: {"county": cast.county("19")},
    }.get(role, {})
    return cast.make_user(f"user-{role}", role, **scope)


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_on_its_own_home_page(client, role, la_provider, la_recipient):
    client.force_login(_user_with(role, la_provider, la_recipient))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == HOMES[role]
    assert client.get(HOMES[role]).status_code == 200


@pytest.mark.parametrize("role", list(HOMES))
def test_other_roles_home_pages_are_refused(client, role, la_provider, la_recipient):
    client.force_login(_user_with(role, la_provider, la_recipient))
    for other, url in HOMES.items():
        if other != role:
            assert client.get(url).status_code == 403, url


def test_someone_with_two_roles_chooses_where_to_go(client, la_provider, la_recipient):
    user = cast.make_user("two.roles", Role.PROVIDER, provider=la_provider)
    Membership.objects.create(
        user=user, role=Role.RECIPIENT, recipient=la_recipient, is_representative=True
    )
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/provider/"' in response.content
    assert b'href="/recipient/"' in response.content


def test_a_provider_sees_the_recipients_they_work_for(
    client, provider_user, la_provider, la_recipient
):
    cast.assign(la_provider, la_recipient, 100 * 60 + 30)
    client.force_login(provider_user)
    page = client.get("/provider/").content.decode()
    assert "Rosa Delgado" in page
    assert "100 h 30 min" in page


def test_a_recipient_sees_authorized_hours_and_providers(
    client, recipient_user, la_provider, la_recipient
):
    cast.authorize(la_recipient, 283 * 60)
    cast.assign(la_provider, la_recipient, 283 * 60)
    client.force_login(recipient_user)
    page = client.get("/recipient/").content.decode()
    assert "283 h" in page
    assert "Ana Reyes" in page


def test_an_account_without_a_role_is_told_whom_to_call(client):
    client.force_login(cast.make_user("no.role"))
    page = client.get("/").content.decode()
    assert "1-866-376-7066" in page


def test_pages_show_in_spanish_once_chosen(client, la_staff):
    client.force_login(la_staff)
    response = client.post("/language/", {"language": "es", "next": "/county/"})
    assert response.status_code == 302
    page = client.get("/county/").content.decode()
    assert 'lang="es"' in page


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_links_the_training_programs_contact_email(client, language):
    client.force_login(cast.make_user("academy", Role.TRAINING_PROVIDER))
    client.cookies["django_language"] = language
    page = client.get("/training-provider/").content.decode()
    assert (
        '<a class="usa-link" href="mailto:IHSSCareerPathways@dss.ca.gov">'
        "IHSSCareerPathways@dss.ca.gov</a>" in page
    )
