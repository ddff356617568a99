"""Who may see and change which case records. Views and the API load records only here.

- County staff see and change the records of their own county (a provider is also
  visible when assigned to a recipient of that county).
- State administrators see and change records statewide.
- The service desk sees records statewide, read-only.
- Everyone else sees no case record here; their own records (the provider they are, the
  recipient they are or represent) reach their home pages through `own_providers` and
  `own_recipients`.

Who the person is comes from their scope, worked out once per request
(ihss/core/scope.py); every list below applies it with `Scope.filter`.

Strangers get 404, not 403, so that record numbers cannot be probed.
"""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from ihss.accounts.models import Role, User
from ihss.cases.models import Assignment, County, ImportJob, Provider, Recipient
from ihss.core.scope import scope_of


def staff_county_ids(user: User) -> list[int]:
    return sorted(scope_of(user).county_ids)


def is_statewide_reader(user: User) -> bool:
    return scope_of(user).reads_statewide


def can_use_case_records(user: User) -> bool:
    scope = scope_of(user)
    return scope.reads_statewide or bool(scope.county_ids)


def writable_counties(user: User) -> QuerySet[County]:
    """Counties whose records the user may create or change."""
    scope = scope_of(user)
    if scope.writes_statewide:
        return County.objects.all()
    return County.objects.filter(pk__in=sorted(scope.county_ids))


def can_write_county(user: User, county_id: int) -> bool:
    return scope_of(user).writes_county(county_id)


def visible_recipients(user: User) -> QuerySet[Recipient]:
    return scope_of(user).filter(Recipient.objects, county="county_id")


def _enrolled_in_or_serving(counties: Collection[int]) -> Q:
    """A provider belongs to a county where enrolled, and to any county whose recipient
    they are assigned to."""
    serves_county = Assignment.objects.filter(
        provider=OuterRef("pk"), recipient__county_id__in=counties
    )
    return Q(county_id__in=counties) | Q(Exists(serves_county))


def visible_providers(user: User) -> QuerySet[Provider]:
    return scope_of(user).filter(Provider.objects, county=_enrolled_in_or_serving)


def own_providers(user: User) -> QuerySet[Provider]:
    """The provider records the person is (their home page), whatever else they read."""
    return scope_of(user).filter(Provider.objects, own_provider="pk", statewide=False)


def own_recipients(user: User) -> QuerySet[Recipient]:
    """The recipients the person is or represents (their home page)."""
    return scope_of(user).filter(Recipient.objects, own_recipient="pk", statewide=False)


def get_recipient_for_user(user: User, case_number: str, *, write: bool = False) -> Recipient:
    recipient = (
        visible_recipients(user).select_related("county").filter(case_number=case_number).first()
    )
    if recipient is None:
        raise Http404
    if write and not can_write_county(user, recipient.county_id):
        raise PermissionDenied
    return recipient


def get_provider_for_user(user: User, provider_number: str, *, write: bool = False) -> Provider:
    provider = (
        visible_providers(user)
        .select_related("county")
        .filter(provider_number=provider_number)
        .first()
    )
    if provider is None:
        raise Http404
    if write and not can_write_county(user, provider.county_id):
        raise PermissionDenied
    return provider


def find_provider_to_assign(user: User, provider_number: str, *, recipient: Recipient) -> Provider:
    """The provider named by an exact number, to assign to a recipient the user may change.

    A provider enrolled in another county can work for this county's recipient, so the
    lookup is statewide; it needs the exact 9-digit number (as on the provider's
    paperwork) and only answers people who may change the recipient's record.
    """
    if not can_write_county(user, recipient.county_id):
        raise PermissionDenied
    provider = (
        Provider.objects.select_related("county")
        .defer("ssn")
        .filter(provider_number=provider_number)
        .first()
    )
    if provider is None:
        raise Http404
    return provider


def get_assignment_for_user(user: User, pk: int, *, write: bool = False) -> Assignment:
    """An assignment belongs to the recipient's county."""
    assignment = (
        scope_of(user)
        .filter(Assignment.objects, county="recipient__county_id")
        .select_related("provider", "recipient", "recipient__county")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    if write and not can_write_county(user, assignment.recipient.county_id):
        raise PermissionDenied
    return assignment


def own_import_jobs(user: User) -> QuerySet[ImportJob]:
    """The imports the person started, newest first."""
    return scope_of(user).filter(ImportJob.objects, own_user="created_by_id", statewide=False)


def get_import_job_for_user(user: User, pk: int) -> ImportJob:
    """An import job, for the person who started it or a state administrator; 404 for others."""
    job = ImportJob.objects.select_related("created_by").filter(pk=pk).first()
    if job is None:
        raise Http404
    if job.created_by_id != user.pk and not user.has_role(Role.STATE_ADMIN):
        raise Http404
    return job
