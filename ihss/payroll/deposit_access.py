"""Who may see and change direct deposit enrollments (the pages and the API load them here).

- A provider sees and changes their own (each of their provider records').
- County staff read the enrollments of their county's providers; the service desk and
  state administrators read every provider's. They see the masked status and history
  only: no page or answer of theirs carries an account number, and none changes one.

Anyone else gets 404 for a provider's enrollments, as for one that does not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ihss.accounts.models import Role, User
from ihss.cases.models import Provider
from ihss.core.scope import scope_of
from ihss.payroll.models import DirectDeposit

STAFF_READERS = frozenset({Role.COUNTY_STAFF, Role.SERVICE_DESK, Role.STATE_ADMIN})


def own_providers(user: User) -> list[Provider]:
    """The provider records the person is: from their memberships, no query."""
    return [m.provider for m in user.memberships_as(Role.PROVIDER) if m.provider is not None]


def is_provider(user: User) -> bool:
    return Role.PROVIDER in scope_of(user).roles


def reads_others(user: User) -> bool:
    return bool(scope_of(user).roles & STAFF_READERS)


def visible_providers(user: User) -> QuerySet[Provider]:
    """The providers whose enrollments the person may read."""
    return scope_of(user).filter(Provider.objects, own_provider="pk", county="county_id")


def provider_for(user: User, provider_number: str) -> Provider:
    """A provider the person may read, by number; 404 for any other."""
    provider = (
        visible_providers(user)
        .filter(provider_number=provider_number)
        .defer("ssn", "ssn_index")
        .first()
    )
    if provider is None:
        raise Http404
    return provider


def can_read_provider_deposits(user: User, provider: Provider) -> bool:
    scope = scope_of(user)
    return provider.pk in scope.provider_ids or (
        bool(scope.roles & STAFF_READERS) and scope.reads_county(provider.county_id)
    )


def visible_deposits(user: User) -> QuerySet[DirectDeposit]:
    return scope_of(user).filter(
        DirectDeposit.objects, own_provider="provider_id", county="provider__county_id"
    )
