"""Who may see and act on which timesheet. Views and the API load timesheets only here.

- A provider sees and edits their own timesheets.
- A recipient (or authorized representative) sees the timesheets sent to them, never a
  provider's draft, and approves or rejects those waiting.
- County staff see the timesheets of their county's recipients and decide the county
  review; state administrators do so statewide; the service desk reads statewide.

Paid sick leave claims follow the same lines: the provider's own; the recipient's whose
care was missed, who approves or rejects them; county staff of that recipient's county,
state administrators and the service desk read them.

Anyone else gets 404, so that timesheet and claim numbers cannot be probed.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from ihss.accounts.models import Role, User
from ihss.cases.access import is_statewide_reader, staff_county_ids
from ihss.timesheets.models import SickLeaveClaim, Timesheet

STATEWIDE_DECIDERS = {Role.STATE_ADMIN}


def provider_ids(user: User) -> list[int]:
    return [m.provider_id for m in user.memberships_as(Role.PROVIDER) if m.provider_id]


def recipient_ids(user: User) -> list[int]:
    return [m.recipient_id for m in user.memberships_as(Role.RECIPIENT) if m.recipient_id]


def visible_timesheets(user: User) -> QuerySet[Timesheet]:
    shown = Q(provider_id__in=provider_ids(user)) | (
        Q(recipient_id__in=recipient_ids(user)) & ~Q(status=Timesheet.Status.DRAFT)
    )
    if is_statewide_reader(user):
        shown |= Q(pk__isnull=False)
    elif counties := staff_county_ids(user):
        shown |= Q(recipient__county_id__in=counties)
    return Timesheet.objects.filter(shown)


def timesheet_for(user: User, pk: int) -> Timesheet:
    try:
        return visible_timesheets(user).select_related("provider", "recipient").get(pk=pk)
    except Timesheet.DoesNotExist:
        raise Http404 from None


def is_provider_of(user: User, timesheet: Timesheet) -> bool:
    return timesheet.provider_id in provider_ids(user)


def is_recipient_of(user: User, timesheet: Timesheet) -> bool:
    return timesheet.recipient_id in recipient_ids(user)


def acts_as_representative(user: User, timesheet: Timesheet) -> bool:
    return any(
        m.is_representative
        for m in user.memberships_as(Role.RECIPIENT)
        if m.recipient_id == timesheet.recipient_id
    )


def can_decide_county_review(user: User, timesheet: Timesheet) -> bool:
    if user.roles() & STATEWIDE_DECIDERS:
        return True
    return timesheet.recipient.county_id in staff_county_ids(user)


def review_queue(user: User) -> QuerySet[Timesheet]:
    """Approved timesheets waiting for (or held by) the county, in the user's counties."""
    queue = Timesheet.objects.filter(
        status=Timesheet.Status.APPROVED,
        county_review__in=[Timesheet.Review.WAITING, Timesheet.Review.HELD],
    )
    if user.roles() & STATEWIDE_DECIDERS or is_statewide_reader(user):
        return queue
    return queue.filter(recipient__county_id__in=staff_county_ids(user))


# --- Paid sick leave ------------------------------------------------------------------------


def visible_sick_leave_claims(user: User) -> QuerySet[SickLeaveClaim]:
    """The provider's own claims, those for the recipient's care, those of the staff's
    county's recipients, and every claim for the state and the service desk."""
    shown = Q(provider_id__in=provider_ids(user)) | Q(recipient_id__in=recipient_ids(user))
    if is_statewide_reader(user):
        shown |= Q(pk__isnull=False)
    elif counties := staff_county_ids(user):
        shown |= Q(recipient__county_id__in=counties)
    return SickLeaveClaim.objects.filter(shown)


def sick_leave_claim_for(user: User, pk: int) -> SickLeaveClaim:
    try:
        return (
            visible_sick_leave_claims(user)
            .select_related("provider", "recipient", "decided_by")
            .defer("provider__ssn", "recipient__ssn")
            .get(pk=pk)
        )
    except SickLeaveClaim.DoesNotExist:
        raise Http404 from None


def is_claimant(user: User, claim: SickLeaveClaim) -> bool:
    return claim.provider_id in provider_ids(user)


def decides_sick_leave(user: User, claim: SickLeaveClaim) -> bool:
    """The recipient whose care was missed (or their representative) approves or rejects."""
    return claim.recipient_id in recipient_ids(user)
