"""Who may see what of a visit, as the services need it (the edge's checks in
ihss/evv/access.py use the same functions).

The law lets the county that serves the recipient see where a provider was: a visit's
coordinates are shown to the provider who punched and to county staff of the
recipient's county, nobody else (not the recipient, not statewide roles).
"""

from __future__ import annotations

from typing import Any

from ihss.accounts.models import Role
from ihss.core.scope import scope_of
from ihss.evv.models import Visit


def is_county_staff(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    return Role.COUNTY_STAFF in scope.roles and bool(scope.county_ids)


def county_ids(user: Any) -> frozenset[int]:
    """The counties whose compliance view and export the person may open."""
    scope = scope_of(user)
    return scope.county_ids if Role.COUNTY_STAFF in scope.roles else frozenset()


def sees_coordinates(user: Any, visit: Visit) -> bool:
    """The provider who punched, and county staff of the recipient's county; nobody else."""
    scope = scope_of(user)
    if Role.PROVIDER in scope.roles and visit.provider_id in scope.provider_ids:
        return True
    return Role.COUNTY_STAFF in scope.roles and visit.county_id in scope.county_ids
