"""Who may see what: one person's scope, worked out once per request, applied by one helper.

A person sees a record when it is one of their own (they are its provider, its recipient
or the recipient's representative, or it is addressed to them), when it belongs to a county
they work for, or when they read statewide (docs/adr/0003-roles-as-memberships.md,
the addendum).

`Scope` holds those facts as plain numbers and flags; accounts builds it from the person's
memberships (`User.scope()`, kept on the user object of the request, so views, the API and
every app's access.py share it). This module imports no app: it knows nothing of roles,
only of ids. Each app's access.py names, for its models, the fields that link a row to a
provider, a recipient, a person or a county, and calls `Scope.filter` with them:

    scope_of(user).filter(
        Timesheet.objects,
        own_provider="provider_id",
        own_recipient="recipient_id",
        own_recipient_where=~Q(status="draft"),  # a recipient never sees a draft
        county="recipient__county_id",
    )

Rules particular to one kind of record (the draft above) stay in that app's access.py.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)

# The county facet: a field path ("recipient__county_id") or, when one path cannot say it,
# a function from the county ids to the condition.
CountyPath = str | Callable[[Collection[int]], Q]


@dataclass(frozen=True)
class Scope:
    """What one person may see, as of the start of the request."""

    user_id: int | None = None
    roles: frozenset[str] = frozenset()
    provider_ids: frozenset[int] = frozenset()
    recipient_ids: frozenset[int] = frozenset()
    # The recipients the person acts for as an authorized representative (a subset of
    # recipient_ids).
    represented_ids: frozenset[int] = frozenset()
    county_ids: frozenset[int] = frozenset()
    reads_statewide: bool = False
    writes_statewide: bool = False

    def writes_county(self, county_id: int | None) -> bool:
        """Whether the person may change the records of this county."""
        return self.writes_statewide or county_id in self.county_ids

    def reads_county(self, county_id: int | None) -> bool:
        return self.reads_statewide or county_id in self.county_ids

    def condition(
        self,
        *,
        own_provider: str | None = None,
        own_recipient: str | None = None,
        own_recipient_where: Q | None = None,
        own_user: str | None = None,
        county: CountyPath | None = None,
        statewide: bool = True,
    ) -> Q | None:
        """The condition a row must meet to be seen, or None when every row is seen.

        Each path given names a way a row can be the person's: `own_provider` the field
        holding the provider's id, `own_recipient` the recipient's (seen only where
        `own_recipient_where` also holds), `own_user` the person's own id, `county` the
        county the row belongs to. A path left out is a way that does not apply to the
        model. `statewide=False` keeps statewide readers to their own rows too (a home
        page lists the person's own records, whatever else they may read).
        """
        if statewide and self.reads_statewide:
            return None
        shown = Q(pk__in=[])  # nothing, until a facet adds rows
        if own_provider and self.provider_ids:
            shown |= Q(**{f"{own_provider}__in": sorted(self.provider_ids)})
        if own_recipient and self.recipient_ids:
            mine = Q(**{f"{own_recipient}__in": sorted(self.recipient_ids)})
            shown |= mine & own_recipient_where if own_recipient_where is not None else mine
        if own_user and self.user_id is not None:
            shown |= Q(**{own_user: self.user_id})
        if county is not None and self.county_ids:
            ids = sorted(self.county_ids)
            shown |= Q(**{f"{county}__in": ids}) if isinstance(county, str) else county(ids)
        return shown

    def filter(
        self,
        queryset: QuerySet[M] | Any,
        *,
        own_provider: str | None = None,
        own_recipient: str | None = None,
        own_recipient_where: Q | None = None,
        own_user: str | None = None,
        county: CountyPath | None = None,
        statewide: bool = True,
    ) -> QuerySet[M]:
        """The rows of `queryset` (a queryset or a manager) the person may see."""
        shown = self.condition(
            own_provider=own_provider,
            own_recipient=own_recipient,
            own_recipient_where=own_recipient_where,
            own_user=own_user,
            county=county,
            statewide=statewide,
        )
        rows: QuerySet[M] = queryset.all()
        return rows if shown is None else rows.filter(shown)


NOBODY = Scope()


def scope_of(user: Any) -> Scope:
    """The scope of whoever is asking: the signed-in person's (worked out once and kept on
    the request's user object), nothing for anyone else."""
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "scope"):
        return NOBODY
    scope: Scope = user.scope()
    return scope
