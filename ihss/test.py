"""The shared test cast: small builders for the records most tests need.

Who may see what: `la_staff` works in Los Angeles County and sees only its records;
`fresno_staff` sees only Fresno's; `state_admin` and `service_desk` see statewide;
`provider_user` is linked to provider 190000001 and `recipient_user` to case 1900001.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable
from typing import Any

from ihss.accounts.models import Membership, Role, User
from ihss.cases.models import (
    Assignment,
    AuthorizedHours,
    County,
    Program,
    Provider,
    Recipient,
)

PASSWORD = "a long test passphrase for the cast"  # noqa: S105
_numbers = itertools.count(1)


def county(code: str) -> County:
    return County.objects.get(code=code)


def make_recipient(*, county_code: str = "19", ssn: str = "", **fields: Any) -> Recipient:
    n = next(_numbers)
    values: dict[str, Any] = dict(
        case_number=f"{1900000 + n:07d}"[-7:],
        first_name="Test",
        last_name=f"Recipient{n}",
        date_of_birth=dt.date(1950, 1, 1),
        county=county(county_code),
    )
    values.update(fields)
    recipient = Recipient(**values)
    recipient.set_ssn(ssn or f"52{n:07d}")
    recipient.save()
    return recipient


def make_provider(*, county_code: str = "19", ssn: str = "", **fields: Any) -> Provider:
    n = next(_numbers)
    values: dict[str, Any] = dict(
        provider_number=f"{190000000 + n:09d}"[-9:],
        first_name="Test",
        last_name=f"Provider{n}",
        date_of_birth=dt.date(1980, 1, 1),
        county=county(county_code),
    )
    values.update(fields)
    provider = Provider(**values)
    provider.set_ssn(ssn or f"53{n:07d}")
    provider.save()
    return provider


def make_active_provider(**fields: Any) -> Provider:
    """A provider who completed the four enrollment steps and may be paid."""
    done = dt.date(2024, 1, 2)
    return make_provider(
        status=Provider.Status.ACTIVE,
        soc426_received_on=done,
        orientation_completed_on=done,
        background_check_cleared_on=done,
        soc846_signed_on=done,
        **fields,
    )


def authorize(
    recipient: Recipient, minutes: int, *, program: str = Program.IHSS, start: dt.date | None = None
) -> AuthorizedHours:
    return AuthorizedHours.objects.create(
        recipient=recipient,
        program=program,
        monthly_minutes=minutes,
        effective_from=start or dt.date(2025, 1, 1),
    )


def assign(provider: Provider, recipient: Recipient, minutes: int, **fields: Any) -> Assignment:
    values: dict[str, Any] = dict(
        program=Program.IHSS, start_date=dt.date(2025, 1, 1), assigned_monthly_minutes=minutes
    )
    values.update(fields)
    return Assignment.objects.create(provider=provider, recipient=recipient, **values)


def make_user(username: str, role: str | None = None, **scope: Any) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org"
    )
    if role is not None:
        Membership.objects.create(user=user, role=role, **scope)
    return user


ALL_ROLES = [r.value for r in Role]


def at_once(calls: list[Callable[[], Any]]) -> list[BaseException | None]:
    """Run the calls in threads that start together (two people, or one double click, at
    the same moment); return what each raised, if anything. Each thread closes its own
    database connection at the end."""
    from django.db import connections

    barrier = threading.Barrier(len(calls))
    errors: list[BaseException | None] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            call()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors
