"""Seats under pressure, on PostgreSQL: cancellations, registrations and double taps at
the same moment never put more people in a class than it has seats, never skip anyone on
the waitlist, and never make two registrations of one person."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest

from ihss import test as cast
from ihss.training.models import Registration
from ihss.training.services import registrations
from ihss.training.tests.factories import class_of, enrolled_provider, live_course

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
Status = Registration.Status


def test_concurrent_cancellations_promote_the_waitlist_in_order_and_never_overfill():
    session = class_of(live_course(), seats=4)
    seated = [registrations.register(provider=enrolled_provider(), session=session, by=None)
              for _ in range(4)]  # fmt: skip
    waiting = [registrations.register(provider=enrolled_provider(), session=session, by=None)
               for _ in range(6)]  # fmt: skip
    newcomers = [enrolled_provider() for _ in range(4)]

    calls: list[Callable[[], object]] = [
        partial(registrations.cancel, registration=r, by=None) for r in seated
    ]
    calls += [
        partial(registrations.register, provider=p, session=session, by=None) for p in newcomers
    ]
    errors = cast.at_once(calls)

    assert errors == [None] * 8
    registered = Registration.objects.filter(session=session, status=Status.REGISTERED)
    assert registered.count() == 4  # every freed seat taken, never more than the seats
    # The four freed seats went to the first four waiting, in the order they asked; the
    # newcomers, who asked later, wait behind the other two.
    assert set(registered.values_list("pk", flat=True)) == {w.pk for w in waiting[:4]}
    still = Registration.objects.filter(session=session, status=Status.WAITLISTED)
    assert [r.pk for r in still.order_by("requested_at", "pk")][:2] == [w.pk for w in waiting[4:]]
    assert still.count() == 6


def test_a_double_tap_makes_one_registration_and_the_same_answer():
    session = class_of(live_course(), seats=1)
    provider = enrolled_provider()
    answers: list[int] = []

    errors = cast.at_once(
        [
            lambda: answers.append(
                registrations.register(provider=provider, session=session, by=None).pk
            )
            for _ in range(6)
        ]  # fmt: skip
    )

    assert errors == [None] * 6
    assert len(set(answers)) == 1
    assert Registration.objects.filter(provider=provider).count() == 1
