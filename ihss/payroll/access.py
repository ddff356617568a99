"""Who may see and change pay: the token scopes' predicates and the loaders of pay records."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from ihss.accounts.models import Role, User
from ihss.cases.models import Provider
from ihss.core.scope import scope_of
from ihss.payroll.models import PayrollRun, Paystub

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


# --- Loading pay records for a person -------------------------------------------------------
# A provider sees their own stubs once their run is issued: a calculated run that is not
# yet approved is not yet pay. County staff see the stubs of their county's providers
# (the provider's county, as on the stub), the service desk and state administrators
# every provider's, from the moment a run is calculated, marked as not yet issued.
# Anyone else gets 404, so that stub numbers cannot be probed.

ISSUED = Q(run__status=PayrollRun.Status.ISSUED)
STAFF_SEES = Q(
    run__status__in=[
        PayrollRun.Status.CALCULATED,
        PayrollRun.Status.APPROVED,
        PayrollRun.Status.ISSUING,
        PayrollRun.Status.ISSUED,
    ]
)


def visible_stubs(user: User) -> QuerySet[Paystub]:
    """The paystubs the person may read."""
    scope = scope_of(user)
    if not scope.roles & READERS:
        return Paystub.objects.none()
    own = scope.condition(own_provider="provider_id", statewide=False)
    shown = (own or Q(pk__in=[])) & ISSUED
    staff = scope.roles & (READERS - {Role.PROVIDER})
    if staff:
        county = scope.condition(county="county_id")
        shown |= STAFF_SEES if county is None else county & STAFF_SEES
    return Paystub.objects.filter(shown)


def stub_for(user: User, pk: int) -> Paystub:
    """One paystub the person may read, with its run and provider; 404 for any other."""
    stub = (
        visible_stubs(user)
        .select_related("run", "provider", "county")
        .defer("provider__ssn", "provider__ssn_index")
        .filter(pk=pk)
        .first()
    )
    if stub is None:
        raise Http404
    return stub


def provider_for(user: User, provider_number: str) -> Provider:
    """A provider whose pay the person may read as staff (their county's, or any for the
    service desk and the state), or their own; 404 for any other."""
    scope = scope_of(user)
    if not scope.roles & READERS:
        raise Http404
    shown = scope.condition(own_provider="pk", county="county_id")
    providers = Provider.objects.filter(provider_number=provider_number)
    if shown is not None:
        providers = providers.filter(shown)
    provider = providers.defer("ssn", "ssn_index").first()
    if provider is None:
        raise Http404
    return provider


def own_provider(user: User) -> Provider:
    """The person's own provider record (the first, for the rare person with two); 403
    when they are not a provider (a role the page is not for)."""
    scope = scope_of(user)
    if Role.PROVIDER not in scope.roles or not scope.provider_ids:
        raise PermissionDenied
    provider = Provider.objects.filter(pk=min(scope.provider_ids)).defer("ssn", "ssn_index").first()
    if provider is None:
        raise Http404
    return provider


def sees_unissued(user: User, provider: Provider) -> bool:
    """Whether the person sees the provider's stubs of runs not yet issued (staff)."""
    scope = scope_of(user)
    if not scope.roles & (READERS - {Role.PROVIDER}):
        return False
    return scope.reads_county(provider.county_id)


def provider_stubs(user: User, provider: Provider) -> QuerySet[Paystub]:
    """The stubs of one provider the person may read (newest pay period first)."""
    return (
        visible_stubs(user)
        .filter(provider=provider)
        .select_related("run")
        .order_by("-run__period_start", "-pk")
    )


def reads_pay_of(user: User, provider_id: int) -> bool:
    """Whether the person may read this provider's pay (a document's pay timeline)."""
    scope = scope_of(user)
    if not scope.roles & READERS:
        return False
    if provider_id in scope.provider_ids and Role.PROVIDER in scope.roles:
        return True
    if not scope.roles & (READERS - {Role.PROVIDER}):
        return False
    if scope.reads_statewide:
        return True
    county = Provider.objects.filter(pk=provider_id).values_list("county_id", flat=True).first()
    return county is not None and county in scope.county_ids


def reads_as_staff(user: User) -> bool:
    """Whether the person reads pay as staff (county, desk, state): they also see the stubs
    of runs not yet issued."""
    return bool(scope_of(user).roles & (READERS - {Role.PROVIDER}))


def is_own(user: User, provider_id: int) -> bool:
    return provider_id in scope_of(user).provider_ids
