"""On PostgreSQL: the same offline punch uploaded 50 times at the same moment (a phone
retrying on a bad network, several tabs) makes one punch and one visit, and every upload
is answered with it."""

from __future__ import annotations

import datetime as dt
import uuid
from functools import partial
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ihss import test as cast
from ihss.evv.models import Punch, Visit
from ihss.evv.tests.factories import HOME, local, worker_and_recipient
from ihss.evv.tests.test_api import bearer

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_fifty_uploads_of_the_same_punch_at_once_make_one_visit():
    _provider, recipient, user, _a = worker_and_recipient(username="evv.racer")
    headers = bearer(user, "evv:write")
    day = timezone.localdate() - dt.timedelta(days=1)
    same = {
        "id": str(uuid.uuid4()),
        "kind": "in",
        "recipient": recipient.pk,
        "program": "IHSS",
        "place": "home",
        "punched_at": local(day, 8).isoformat(),
        "latitude": str(HOME[0]),
        "longitude": str(HOME[1]),
        "accuracy": 10,
    }
    answers: list[dict[str, Any]] = []

    def upload() -> None:
        response = Client().post(
            "/api/v1/visits/sync", {"punches": [same]}, "application/json", headers=headers
        )
        assert response.status_code == 200, response.content
        answers.append(response.json()[0])

    errors = cast.at_once([partial(upload) for _ in range(50)])

    assert errors == [None] * 50
    assert Punch.objects.count() == 1 and Visit.objects.count() == 1
    assert sorted(a["status"] for a in answers) == ["duplicate"] * 49 + ["recorded"]
    assert {a["visit"]["id"] for a in answers} == {Visit.objects.get().pk}
