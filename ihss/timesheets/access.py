"""Who may see and act on which timesheet. Views and the API load timesheets only here.

- A provider sees and edits their own timesheets.
- A recipient (or authorized representative) sees the timesheets sent to them, never a
  provider's draft, and approves or rejects those waiting.
- County staff see the timesheets of their county's recipients and decide the county
  review; state administrators do so statewide; the service desk reads statewide.
- Work-hour violations: a provider sees their own; county staff those of their county's
  providers, and record disputes and the training on them; the state likewise statewide;
  the service desk reads statewide.
- Exceptions to the weekly maximum: county staff grant and list their county's
  recipients'; state administrators any.

Paid sick leave claims follow the same lines: the provider's own; the recipient's whose
care was missed, who approves or rejects them; county staff of that recipient's county,
state administrators and the service desk read them.

Anyone else gets 404, so that timesheet and claim numbers cannot be probed. The role checks
(`can_read_timesheets` and the like) come first, so that a role a step is not for is
refused (403) whatever the timesheet named.

Who the person is (their provider and recipient records, their counties, whether they read
statewide) comes from their scope, worked out once per request (ihss/core/scope.py); each
list below is `Scope.filter` with the fields that link the record to them, plus the rule
of its own (a recipient sees no draft).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from ihss.accounts.models import Role, User
from ihss.cases.access import can_write_county, visible_recipients
from ihss.cases.models import Assignment, Provider, Recipient
from ihss.core.dated import InForceQuerySet
from ihss.core.scope import scope_of
from ihss.timesheets.models import SickLeaveClaim, Timesheet, Violation, WeeklyMaximumException

# Roles that have timesheets to read: their own, their county's, or the state's.
READERS = {
    Role.PROVIDER,
    Role.RECIPIENT,
    Role.COUNTY_STAFF,
    Role.SERVICE_DESK,
    Role.STATE_ADMIN,
}
# Everyone who reads them but the service desk, which only reads.
CHANGERS = READERS - {Role.SERVICE_DESK}
QUEUE_READERS = {Role.COUNTY_STAFF, Role.SERVICE_DESK, Role.STATE_ADMIN}
REVIEW_DECIDERS = {Role.COUNTY_STAFF, Role.STATE_ADMIN}
# Violations are the provider's, and their county's to record disputes and training on;
# recipients are told of one by a notice but do not browse them.
VIOLATION_READERS = {Role.PROVIDER, Role.COUNTY_STAFF, Role.SERVICE_DESK, Role.STATE_ADMIN}


def can_read_timesheets(user: User) -> bool:
    return bool(scope_of(user).roles & READERS)


def can_change_timesheets(user: User) -> bool:
    """Whether any workflow step is the person's: filling in and sending (providers),
    approving and returning (recipients), the county review (county staff, the state)."""
    return bool(scope_of(user).roles & CHANGERS)


def is_provider(user: User) -> bool:
    return Role.PROVIDER in scope_of(user).roles


def is_recipient(user: User) -> bool:
    return Role.RECIPIENT in scope_of(user).roles


def can_read_review_queue(user: User) -> bool:
    return bool(scope_of(user).roles & QUEUE_READERS)


def can_decide_reviews(user: User) -> bool:
    """Whether the person's role decides county reviews at all (each timesheet is then
    checked with `can_decide_county_review`)."""
    return bool(scope_of(user).roles & REVIEW_DECIDERS)


def can_read_violations(user: User) -> bool:
    return bool(scope_of(user).roles & VIOLATION_READERS)


def can_decide_violations(user: User) -> bool:
    """Whether the person's role records disputes, their outcome and the training at all
    (each violation is then checked with `can_decide_violation`)."""
    return bool(scope_of(user).roles & REVIEW_DECIDERS)


def can_grant_exceptions(user: User) -> bool:
    """Whether the person's role grants exceptions to the weekly maximum (and lists them)."""
    return bool(scope_of(user).roles & REVIEW_DECIDERS)


def provider_ids(user: User) -> list[int]:
    return sorted(scope_of(user).provider_ids)


def recipient_ids(user: User) -> list[int]:
    return sorted(scope_of(user).recipient_ids)


# A recipient (or representative) sees a timesheet once the provider sends it.
SENT = ~Q(status=Timesheet.Status.DRAFT)


def visible_timesheets(user: User) -> QuerySet[Timesheet]:
    return scope_of(user).filter(
        Timesheet.objects,
        own_provider="provider_id",
        own_recipient="recipient_id",
        own_recipient_where=SENT,
        county="recipient__county_id",
    )


def own_timesheets(user: User) -> QuerySet[Timesheet]:
    """The timesheets the person keeps as a provider (their list)."""
    return scope_of(user).filter(Timesheet.objects, own_provider="provider_id", statewide=False)


def timesheets_sent_to(user: User) -> QuerySet[Timesheet]:
    """The timesheets sent to the person as recipient or representative (their review)."""
    return scope_of(user).filter(
        Timesheet.objects,
        own_recipient="recipient_id",
        own_recipient_where=SENT,
        statewide=False,
    )


def own_assignments(user: User) -> InForceQuerySet[Assignment]:
    """The assignments of the person's provider records (a dated queryset: `.in_force`)."""
    mine = scope_of(user).condition(own_provider="provider_id", statewide=False)
    return Assignment.objects.filter(mine or Q())


def own_assignment_by_id(user: User, pk: int) -> Assignment:
    """One of the person's assignments as a provider; 404 for any other."""
    assignment = own_assignments(user).filter(pk=pk).select_related("provider", "recipient").first()
    if assignment is None:
        raise Http404
    return assignment


def served_recipient(user: User, recipient_id: int) -> Recipient:
    """A recipient one of the person's provider records is assigned to; 404 for any other."""
    assignment = (
        own_assignments(user)
        .filter(recipient_id=recipient_id)
        .select_related("recipient")
        .defer("recipient__ssn")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment.recipient


def timesheet_for(user: User, pk: int) -> Timesheet:
    try:
        return visible_timesheets(user).select_related("provider", "recipient").get(pk=pk)
    except Timesheet.DoesNotExist:
        raise Http404 from None


def own_assignment(user: User, case_number: str, program: str) -> Assignment:
    """An assignment of one of the person's provider records to the recipient with this
    case number, in this program (the latest); 404 when they have none."""
    assignment = (
        own_assignments(user)
        .filter(recipient__case_number=case_number, program=program)
        .select_related("provider", "recipient")
        .defer("provider__ssn", "recipient__ssn")
        .order_by("-start_date", "-pk")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def own_recipients(user: User) -> list[Recipient]:
    """The recipients the person is, or represents: from their memberships, no query."""
    return [m.recipient for m in user.memberships_as(Role.RECIPIENT) if m.recipient is not None]


def own_providers(user: User) -> list[Provider]:
    """The provider records the person is: from their memberships, no query."""
    return [m.provider for m in user.memberships_as(Role.PROVIDER) if m.provider is not None]


def names_travel_origin(user: User, recipient: Recipient, *, is_provider: bool) -> bool:
    """Whether the person may read who the recipient travelled from is: the provider,
    staff who see that recipient's case. The recipient travelled to is not told: who else
    receives care is not theirs to know."""
    return is_provider or scope_of(user).reads_county(recipient.county_id)


def is_provider_of(user: User, timesheet: Timesheet) -> bool:
    return timesheet.provider_id in scope_of(user).provider_ids


def is_recipient_of(user: User, timesheet: Timesheet) -> bool:
    return timesheet.recipient_id in scope_of(user).recipient_ids


def acts_as_representative(user: User, timesheet: Timesheet) -> bool:
    return timesheet.recipient_id in scope_of(user).represented_ids


def can_decide_county_review(user: User, timesheet: Timesheet) -> bool:
    return scope_of(user).writes_county(timesheet.recipient.county_id)


def review_queue(user: User) -> QuerySet[Timesheet]:
    """Approved timesheets waiting for (or held by) the county, in the user's counties."""
    return scope_of(user).filter(
        Timesheet.objects.filter(
            status=Timesheet.Status.APPROVED,
            county_review__in=[Timesheet.Review.WAITING, Timesheet.Review.HELD],
        ),
        county="recipient__county_id",
    )


def visible_violations(user: User) -> QuerySet[Violation]:
    """A provider's own; county staff those of their county's providers; the state and the
    desk statewide."""
    return scope_of(user).filter(
        Violation.objects, own_provider="provider_id", county="provider__county_id"
    )


def violation_for(user: User, pk: int) -> Violation:
    try:
        return visible_violations(user).select_related("provider").get(pk=pk)
    except Violation.DoesNotExist:
        raise Http404 from None


def can_decide_violation(user: User, violation: Violation) -> bool:
    return scope_of(user).writes_county(violation.provider.county_id)


# --- Paid sick leave ------------------------------------------------------------------------


def visible_sick_leave_claims(user: User) -> QuerySet[SickLeaveClaim]:
    """The provider's own claims, those for the recipient's care, those of the staff's
    county's recipients, and every claim for the state and the service desk."""
    return scope_of(user).filter(
        SickLeaveClaim.objects,
        own_provider="provider_id",
        own_recipient="recipient_id",
        county="recipient__county_id",
    )


def own_sick_leave_claims(user: User) -> QuerySet[SickLeaveClaim]:
    """The claims the person made as a provider (their sick leave page)."""
    return scope_of(user).filter(
        SickLeaveClaim.objects, own_provider="provider_id", statewide=False
    )


def sick_leave_claims_to_decide(user: User) -> QuerySet[SickLeaveClaim]:
    """The claims for the care of the recipients the person is or represents."""
    return scope_of(user).filter(
        SickLeaveClaim.objects, own_recipient="recipient_id", statewide=False
    )


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
    return claim.provider_id in scope_of(user).provider_ids


def decides_sick_leave(user: User, claim: SickLeaveClaim) -> bool:
    """The recipient whose care was missed (or their representative) approves or rejects."""
    return claim.recipient_id in scope_of(user).recipient_ids


# --- Exceptions to the weekly maximum ---------------------------------------------------------


def visible_exceptions(user: User) -> QuerySet[WeeklyMaximumException]:
    """Those granted for the recipients the person sees: their counties', or statewide."""
    return scope_of(user).filter(WeeklyMaximumException.objects, county="recipient__county_id")


def exception_recipient(user: User, case_number: str) -> Recipient | None:
    """The recipient with this case number, when the person may grant them an exception:
    one of their county's (any, for a state administrator); None otherwise."""
    recipient = (
        visible_recipients(user).filter(case_number=case_number).defer("ssn", "ssn_index").first()
    )
    if recipient is None or not can_write_county(user, recipient.county_id):
        return None
    return recipient


def exception_provider(provider_number: str) -> Provider | None:
    """The provider an exception names, by the exact number, statewide (a provider enrolled
    in another county can work for this county's recipient). Asked only once
    `exception_recipient` found a recipient the person may change; the service then checks
    that the provider is assigned to them."""
    return (
        Provider.objects.filter(provider_number=provider_number).defer("ssn", "ssn_index").first()
    )
