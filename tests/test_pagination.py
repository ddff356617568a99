"""Every paginated list takes any `?page=` without a 500 (ihss/core/pagination.py).

Pages clamp: past the end shows the last page, anything else not a page number the
first. The API refuses a page that is not a whole number from 1 to MAX_PAGE with 422
and the field at fault. `?page=99999999999999999999` answered 500 before on every API
list (SQLite "datatype mismatch", PostgreSQL "bigint out of range").
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ihss import test as cast
from ihss.accounts import services as account_services
from ihss.accounts.models import TokenScope
from ihss.core.pagination import MAX_PAGE

IMPOSSIBLE = ["99999999999999999999", "-1", "0", "abc", "1e9", "1.5", " ", "9" * 3000]


@pytest.fixture
def many_recipients(db):
    return [cast.make_recipient(last_name=f"Garcia{i:02d}") for i in range(26)]  # 2 pages


def test_a_case_list_shows_its_last_page_for_a_page_past_the_end(
    signed_in, state_admin, many_recipients
):
    client = signed_in(state_admin)
    url = reverse("cases:recipient-list")
    for page in ["99999999999999999999", "3", "9" * 3000]:
        response = client.get(url, {"page": page})
        assert response.status_code == 200
        assert "Page 2 of 2" in response.content.decode()
    for page in ["-1", "0", "abc", "1e9", "1.5", ""]:
        response = client.get(url, {"page": page})
        assert "Page 1 of 2" in response.content.decode(), page


def test_no_paginated_page_answers_500_to_an_impossible_page(
    signed_in, state_admin, service_desk, la_recipient
):
    admin = signed_in(state_admin)
    pages = [
        ("cases:recipient-list", [], "page"),
        ("cases:provider-list", [], "page"),
        ("cases:recipient-detail", [la_recipient.case_number], "changes"),
        ("timesheets:county", [], "page"),
        ("timesheets:violations", [], "page"),
        ("timesheets:exceptions", [], "page"),
        ("notifications:inbox", [], "page"),
        ("notifications:outbox", [], "page"),
    ]
    for name, args, param in pages:
        for page in IMPOSSIBLE:
            response = admin.get(reverse(name, args=args), {param: page})
            assert response.status_code == 200, (name, page, response.status_code)


def _bearer(user, *scopes) -> dict[str, str]:
    made = account_services.create_token(
        user=user, name=f"Lists {user.username}", scopes=list(scopes), days=30
    )
    return {"Authorization": f"Bearer {made.text}"}


def test_every_api_list_refuses_an_impossible_page_with_the_field_at_fault(
    state_admin, provider_user, la_recipient
):
    admin = _bearer(
        state_admin,
        TokenScope.CASES_READ.value,
        TokenScope.TIMESHEETS_READ.value,
        TokenScope.MESSAGES_READ.value,
    )
    provider = _bearer(provider_user, TokenScope.TIMESHEETS_READ.value)
    lists = [
        ("/api/v1/cases/recipients", admin),
        ("/api/v1/cases/providers", admin),
        (f"/api/v1/cases/recipients/{la_recipient.case_number}/audit", admin),
        ("/api/v1/timesheets/", admin),
        ("/api/v1/timesheets/county-review", admin),
        ("/api/v1/timesheets/violations", admin),
        ("/api/v1/timesheets/weekly-maximum-exceptions", admin),
        ("/api/v1/timesheets/sick-leave", provider),
        ("/api/v1/messages/", admin),
    ]
    client = Client()
    for path, bearer in lists:
        for page in [*IMPOSSIBLE, str(MAX_PAGE + 1)]:
            response = client.get(path, {"page": page}, headers=bearer)
            assert response.status_code == 422, (path, page, response.status_code)
            assert response.json()["detail"][0]["loc"] == ["query", "page"]
        last = client.get(path, {"page": MAX_PAGE}, headers=bearer)
        assert last.status_code == 200, (path, last.content[:300])
        assert last.json()["has_next"] is False
