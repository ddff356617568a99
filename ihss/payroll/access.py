"""Who may see and change pay: the token scopes' predicates and the loaders of pay records."""

from __future__ import annotations

from ihss.accounts.models import Role, User
from ihss.core.scope import scope_of

# Providers read their own pay; county staff (their county's providers) and the service
# desk read a provider's pay and masked direct deposit status to answer a call; state
# administrators run payroll.
READERS = frozenset({Role.PROVIDER, Role.COUNTY_STAFF, Role.SERVICE_DESK, Role.STATE_ADMIN})
# Providers change their direct deposit; state administrators run payroll.
CHANGERS = frozenset({Role.PROVIDER, Role.STATE_ADMIN})


def can_read_pay(user: User) -> bool:
    return bool(scope_of(user).roles & READERS)


def can_change_pay(user: User) -> bool:
    return bool(scope_of(user).roles & CHANGERS)
