"""Who may see and change which case records. Views and the API load records only here.

- County staff see and change the records of their own county (a provider is also
  visible when assigned to a recipient of that county).
- State administrators see and change records statewide.
- The service desk sees records statewide, read-only.
- Everyone else sees no case record here (their own records reach them through their
  home pages, scoped by membership).

Strangers get 404, not 403, so that record numbers cannot be probed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from ihss.accounts.models import Role, User
from ihss.cases.models import Assignment, County, ImportJob, Provider, Recipient

STATEWIDE_READERS = {Role.STATE_ADMIN, Role.SERVICE_DESK}
STATEWIDE_WRITERS = {Role.STATE_ADMIN}


def staff_county_ids(user: User) -> list[int]:
    return [m.county_id for m in user.memberships_as(Role.COUNTY_STAFF) if m.county_id]


def is_statewide_reader(user: User) -> bool:
    return bool(user.roles() & STATEWIDE_READERS)


def can_use_case_records(user: User) -> bool:
    return is_statewide_reader(user) or bool(staff_county_ids(user))


def writable_counties(user: User) -> QuerySet[County]:
    """Counties whose records the user may create or change."""
    if user.roles() & STATEWIDE_WRITERS:
        return County.objects.all()
    return County.objects.filter(pk__in=staff_county_ids(user))


def can_write_county(user: User, county_id: int) -> bool:
    if user.roles() & STATEWIDE_WRITERS:
        return True
    return county_id in staff_county_ids(user)


def visible_recipients(user: User) -> QuerySet[Recipient]:
    if is_statewide_reader(user):
        return Recipient.objects.all()
    return Recipient.objects.filter(county_id__in=staff_county_ids(user))


def visible_providers(user: User) -> QuerySet[Provider]:
    if is_statewide_reader(user):
        return Provider.objects.all()
    counties = staff_county_ids(user)
    serves_county = Assignment.objects.filter(
        provider=OuterRef("pk"), recipient__county_id__in=counties
    )
    return Provider.objects.filter(Q(county_id__in=counties) | Exists(serves_county))


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
        Assignment.objects.select_related("provider", "recipient", "recipient__county")
        .filter(pk=pk, recipient__in=visible_recipients(user))
        .first()
    )
    if assignment is None:
        raise Http404
    if write and not can_write_county(user, assignment.recipient.county_id):
        raise PermissionDenied
    return assignment


def get_import_job_for_user(user: User, pk: int) -> ImportJob:
    """An import job, for the person who started it or a state administrator; 404 for others."""
    job = ImportJob.objects.select_related("created_by").filter(pk=pk).first()
    if job is None:
        raise Http404
    if job.created_by_id != user.pk and not user.has_role(Role.STATE_ADMIN):
        raise Http404
    return job
