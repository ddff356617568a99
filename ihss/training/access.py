"""Who may do what in Career Pathways.

- The catalog is public.
- A provider registers, cancels and switches their own classes (the provider record of
  their account; the rare person with two provider records acts as the first).
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
from ihss.training.models import (
    ClassSession,
    Course,
    Modality,
    Registration,
    TrainingClaim,
    TrainingProvider,
)


def own_provider(user: Any) -> Provider:
    """As provider_of, or 403 for anyone who is not a provider."""
    provider = provider_of(user)
    if provider is None:
        raise PermissionDenied
    return provider


def own_registrations(user: Any) -> QuerySet[Registration]:
    scope = scope_of(user)
    if Role.PROVIDER not in scope.roles or not scope.provider_ids:
        return Registration.objects.none()
    return Registration.objects.filter(provider_id__in=scope.provider_ids)


def own_registration(user: Any, pk: int) -> Registration:
    """One of the person's registrations; 404 for anyone else's."""
    registration = (
        own_registrations(user)
        .select_related("course", "course__provider", "session", "session__county")
        .filter(pk=pk)
        .first()
    )
    if registration is None:
        raise Http404
    return registration


def organizations_of(user: Any) -> QuerySet[TrainingProvider]:
    """The training providers the person works for (their training provider memberships
    name them)."""
    if not getattr(user, "is_authenticated", False):
        return TrainingProvider.objects.none()
    names = user.memberships.filter(role=Role.TRAINING_PROVIDER).values_list(
        "organization", flat=True
    )
    return TrainingProvider.objects.filter(name__in=list(names))


def staff_sessions(user: Any) -> QuerySet[ClassSession]:
    """The classes of the courses of the person's training providers."""
    return ClassSession.objects.filter(course__provider__in=organizations_of(user))


def staff_session(user: Any, pk: int) -> ClassSession:
    """One of the person's organization's classes; 404 for any other."""
    session = staff_sessions(user).select_related("course", "county").filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def own_claim(user: Any, pk: int) -> TrainingClaim:
    """One of the person's training-time claims; 404 for anyone else's."""
    scope = scope_of(user)
    if Role.PROVIDER not in scope.roles or not scope.provider_ids:
        raise Http404
    claim = TrainingClaim.objects.filter(pk=pk, provider_id__in=scope.provider_ids).first()
    if claim is None:
        raise Http404
    return claim


def can_use_training(user: Any) -> bool:
    """Who may hold a training token scope: providers and training provider staff."""
    return bool(scope_of(user).roles & {Role.PROVIDER, Role.TRAINING_PROVIDER})


def staff_course(user: Any, pk: int) -> Course:
    """One of the person's organization's self-paced courses; 404 for any other."""
    course = (
        Course.objects.filter(provider__in=organizations_of(user), modality=Modality.SELF_PACED)
        .filter(pk=pk)
        .first()
    )
    if course is None:
        raise Http404
    return course
