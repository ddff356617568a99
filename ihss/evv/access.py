"""Who may see and do what in EVV.

- A provider checks in and out for the recipients they serve, and sees their own visits,
  coordinates included.
- A recipient (or their authorized representative) sees the visits made for them: times
  and Home or Community, never coordinates.
- County staff see the visits of their county's recipients, coordinates included, the
  compliance view and the export.
- State administrators and the service desk see visits statewide, without coordinates:
  the law lets the county that serves the recipient see where a provider was, nobody else.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from ihss.accounts.models import Role
from ihss.accounts.services import provider_of as provider_of
from ihss.cases.models import Provider
from ihss.core.scope import scope_of
from ihss.evv.models import Visit
from ihss.evv.services.visibility import county_ids, is_county_staff, sees_coordinates

__all__ = ["county_ids", "is_county_staff", "provider_of", "sees_coordinates"]


def own_provider(user: Any) -> Provider:
    provider = provider_of(user)
    if provider is None:
        raise PermissionDenied
    return provider


def can_punch(user: Any) -> bool:
    return provider_of(user) is not None


def can_read(user: Any) -> bool:
    """Whether the person's roles show them any visits at all (the evv:read scope)."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    return bool(
        scope.provider_ids or scope.recipient_ids or scope.county_ids or scope.reads_statewide
    )


def visible_visits(user: Any) -> QuerySet[Visit]:
    return scope_of(user).filter(
        Visit.objects, own_provider="provider_id", own_recipient="recipient_id", county="county_id"
    )


def visible_visit(user: Any, pk: int) -> Visit:
    visit = (
        visible_visits(user)
        .select_related("check_in", "check_out", "recipient", "provider")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    return visit


def own_visit(user: Any, pk: int) -> Visit:
    """One of the provider's own visits (to correct it); 404 for anyone else's."""
    scope = scope_of(user)
    visit = (
        Visit.objects.filter(pk=pk, provider_id__in=sorted(scope.provider_ids))
        .select_related("check_in", "check_out", "recipient")
        .first()
        if Role.PROVIDER in scope.roles
        else None
    )
    if visit is None:
        raise Http404
    return visit
