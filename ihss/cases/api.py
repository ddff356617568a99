"""Read API for case records, under /api/v1/cases/.

The same access rules as the web pages, through ihss/cases/access.py: county staff see
their county, the service desk and state administrators see statewide, anyone else
signed in gets 403, strangers 401. A personal access token needs the cases:read scope,
and its owner's roles are checked at each call as a session's are
(ihss/accounts/api_auth.py). A record the caller may not see is 404, exactly like one
that does not exist, so that numbers cannot be probed.

Each endpoint runs a fixed number of queries whatever the size of the database or of
the page (tests pin them). SSN columns are deferred wherever records are listed, so
lists never decrypt them; details show only the masked last four digits.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from typing import TypeVar, cast

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import P, PathEx, QueryEx, Router
from ninja.errors import AuthorizationError
from ninja.security import SessionAuth

from ihss.accounts.api_auth import TokenAuth
from ihss.accounts.models import User
from ihss.cases import access
from ihss.cases.models import (
    Assignment,
    AuthorizedHours,
    County,
    Recipient,
    TravelAgreement,
)
from ihss.cases.schemas import (
    Address,
    AuditEventOut,
    AuditPage,
    AuthorizedPeriod,
    CareNeeds,
    CountyOut,
    Enrollment,
    OvertimeExemptionOut,
    ProgramHours,
    ProviderAssignment,
    ProviderDetail,
    ProviderPage,
    ProviderRef,
    ProviderSummary,
    RecipientAssignment,
    RecipientDetail,
    RecipientPage,
    RecipientRef,
    RecipientSummary,
    Representative,
    TravelAgreementOut,
)
from ihss.core import audit, audit_display
from ihss.core.models import AuditEvent
from ihss.core.pagination import API_PAGE_SIZE, ApiPage, api_page

PAGE_SIZE = API_PAGE_SIZE
CASE_NUMBER = r"^\d{7}$"
PROVIDER_NUMBER = r"^\d{9}$"
COUNTY_CODE = r"^\d{2}$"
# Never loaded where people are listed (a decryption per row, for nothing).
SECRET_COLUMNS = ("ssn", "ssn_index")
M = TypeVar("M", bound=Model)


class CaseRecordsAuth(SessionAuth):
    """The Django session: 401 when signed out, 403 when the role has no case records."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not user.is_authenticated:
            return None
        if not access.can_use_case_records(user):
            raise AuthorizationError
        return user


# A personal access token with cases:read first (no CSRF needed), then the session.
router = Router(
    tags=["cases"],
    auth=[TokenAuth("cases", allowed=access.can_use_case_records), CaseRecordsAuth()],
)

Page = ApiPage
Search = QueryEx[
    str,
    P(
        max_length=60,
        description="A case or provider number (or its start), or the start of a last name.",
    ),
]
CountyCode = QueryEx[str | None, P(pattern=COUNTY_CODE, description="County code, 01-58.")]


def _user(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _search(queryset: QuerySet[M], q: str, number_field: str) -> QuerySet[M]:
    q = q.strip()
    if not q:
        return queryset
    if q.isdigit():
        return queryset.filter(**{f"{number_field}__startswith": q})
    return queryset.filter(last_name__istartswith=q)


def _county(county: County) -> CountyOut:
    return CountyOut(code=county.code, name=county.name)


def _recipient_ref(recipient: Recipient) -> RecipientRef:
    return RecipientRef(
        case_number=recipient.case_number,
        full_name=recipient.full_name,
        county_code=recipient.county.code,
    )


# --- Counties -------------------------------------------------------------------------------


@router.get("/counties", response=list[CountyOut], summary="California's counties")
def counties(request: HttpRequest) -> list[CountyOut]:
    return [_county(c) for c in County.objects.order_by("name")]


# --- Recipients -----------------------------------------------------------------------------


@router.get("/recipients", response=RecipientPage, summary="Recipients the caller can see")
def recipients(
    request: HttpRequest, q: Search = "", county: CountyCode = None, page: Page = 1
) -> RecipientPage:
    queryset = access.visible_recipients(_user(request)).select_related("county")
    queryset = _search(queryset.defer(*SECRET_COLUMNS), q, "case_number")
    if county:
        queryset = queryset.filter(county__code=county)
    rows, has_next = api_page(queryset, page)
    return RecipientPage(
        page=page,
        page_size=PAGE_SIZE,
        has_next=has_next,
        results=[
            RecipientSummary(
                case_number=r.case_number,
                first_name=r.first_name,
                middle_name=r.middle_name,
                last_name=r.last_name,
                city=r.city,
                county=_county(r.county),
                status=r.status,
            )
            for r in rows
        ],
    )


def _authorized_hours(rows: Iterable[AuthorizedHours], today: dt.date) -> list[ProgramHours]:
    return [
        ProgramHours(
            program=program,
            history=[
                AuthorizedPeriod(
                    monthly_minutes=h.monthly_minutes,
                    effective_from=h.effective_from,
                    effective_to=h.effective_to,
                    current=h.in_force_on(today),
                )
                for h in periods
            ],
        )
        for program, periods in itertools.groupby(rows, key=lambda h: h.program)
    ]


def _recipient_assignment(a: Assignment) -> RecipientAssignment:
    return RecipientAssignment(
        provider=ProviderRef(
            provider_number=a.provider.provider_number, full_name=a.provider.full_name
        ),
        program=a.program,
        assigned_monthly_minutes=a.assigned_monthly_minutes,
        start_date=a.start_date,
        end_date=a.end_date,
        live_in_certified_on=a.live_in_certified_on,
        family_relationship=a.family_relationship,
    )


@router.get("/recipients/{case_number}", response=RecipientDetail, summary="One recipient's record")
def recipient(
    request: HttpRequest, case_number: PathEx[str, P(pattern=CASE_NUMBER)]
) -> RecipientDetail:
    r = access.get_recipient_for_user(_user(request), case_number)
    today = timezone.localdate()
    hours = r.authorized_hours.order_by("program", "-effective_from")
    assignments = (
        r.assignments.in_force(today, None)
        .select_related("provider")
        .defer(*(f"provider__{c}" for c in SECRET_COLUMNS))
        .order_by("start_date", "provider__provider_number")
    )
    has_representative = any(
        [r.representative_name, r.representative_phone, r.representative_email]
    )
    return RecipientDetail(
        case_number=r.case_number,
        first_name=r.first_name,
        middle_name=r.middle_name,
        last_name=r.last_name,
        date_of_birth=r.date_of_birth,
        ssn_masked=r.ssn_masked,
        phone=r.phone,
        email=r.email,
        preferred_language=r.preferred_language,
        address=Address(
            street=r.street,
            city=r.city,
            zip_code=r.zip_code,
            latitude=float(r.latitude) if r.latitude is not None else None,
            longitude=float(r.longitude) if r.longitude is not None else None,
        ),
        county=_county(r.county),
        status=r.status,
        severely_impaired=r.severely_impaired,
        care_needs=CareNeeds(
            cognitive_behavioral=r.needs_cognitive_behavioral,
            complex_physical=r.needs_complex_physical,
            community_transition=r.needs_community_transition,
        ),
        representative=Representative(
            name=r.representative_name,
            relationship=r.representative_relationship,
            phone=r.representative_phone,
            email=r.representative_email,
        )
        if has_representative
        else None,
        authorized_hours=_authorized_hours(hours, today),
        current_assignments=[_recipient_assignment(a) for a in assignments],
    )


# --- Providers ------------------------------------------------------------------------------


@router.get("/providers", response=ProviderPage, summary="Providers the caller can see")
def providers(
    request: HttpRequest, q: Search = "", county: CountyCode = None, page: Page = 1
) -> ProviderPage:
    queryset = access.visible_providers(_user(request)).select_related("county")
    queryset = _search(queryset.defer(*SECRET_COLUMNS), q, "provider_number")
    if county:
        queryset = queryset.filter(county__code=county)
    rows, has_next = api_page(queryset, page)
    return ProviderPage(
        page=page,
        page_size=PAGE_SIZE,
        has_next=has_next,
        results=[
            ProviderSummary(
                provider_number=p.provider_number,
                first_name=p.first_name,
                middle_name=p.middle_name,
                last_name=p.last_name,
                county=_county(p.county),
                status=p.status,
            )
            for p in rows
        ],
    )


def _travel(t: TravelAgreement) -> TravelAgreementOut:
    return TravelAgreementOut(
        from_recipient=_recipient_ref(t.from_recipient) if t.from_visible else None,  # type: ignore[attr-defined]
        to_recipient=_recipient_ref(t.to_recipient) if t.to_visible else None,  # type: ignore[attr-defined]
        weekly_minutes=t.weekly_minutes,
        signed_on=t.signed_on,
        effective_from=t.effective_from,
        effective_to=t.effective_to,
    )


@router.get(
    "/providers/{provider_number}", response=ProviderDetail, summary="One provider's record"
)
def provider(
    request: HttpRequest, provider_number: PathEx[str, P(pattern=PROVIDER_NUMBER)]
) -> ProviderDetail:
    user = _user(request)
    p = access.get_provider_for_user(user, provider_number)
    # A provider may also serve other counties: county staff see only the links to
    # recipients of their own.
    visible = access.visible_recipients(user)
    recipient_secrets = [f"recipient__{c}" for c in SECRET_COLUMNS]
    assignments = (
        p.assignments.filter(recipient__in=visible)
        .select_related("recipient__county")
        .defer(*recipient_secrets)
        .order_by("-start_date", "recipient__case_number")
    )
    travel = (
        p.travel_agreements.annotate(
            from_visible=Exists(visible.filter(pk=OuterRef("from_recipient_id"))),
            to_visible=Exists(visible.filter(pk=OuterRef("to_recipient_id"))),
        )
        .filter(Q(from_visible=True) | Q(to_visible=True))
        .select_related("from_recipient__county", "to_recipient__county")
        .defer(
            *(f"{end}__{c}" for end in ("from_recipient", "to_recipient") for c in SECRET_COLUMNS)
        )
        .order_by("-effective_from", "id")
    )
    return ProviderDetail(
        provider_number=p.provider_number,
        first_name=p.first_name,
        middle_name=p.middle_name,
        last_name=p.last_name,
        date_of_birth=p.date_of_birth,
        ssn_masked=p.ssn_masked,
        phone=p.phone,
        email=p.email,
        preferred_language=p.preferred_language,
        county=_county(p.county),
        status=p.status,
        enrollment=Enrollment(
            soc426_received_on=p.soc426_received_on,
            orientation_completed_on=p.orientation_completed_on,
            background_check_cleared_on=p.background_check_cleared_on,
            soc846_signed_on=p.soc846_signed_on,
            complete=p.enrollment_complete,
        ),
        assignments=[
            ProviderAssignment(
                recipient=_recipient_ref(a.recipient),
                program=a.program,
                assigned_monthly_minutes=a.assigned_monthly_minutes,
                start_date=a.start_date,
                end_date=a.end_date,
                live_in_certified_on=a.live_in_certified_on,
                family_relationship=a.family_relationship,
            )
            for a in assignments
        ],
        overtime_exemptions=[
            OvertimeExemptionOut(
                kind=e.kind,
                circumstance=e.circumstance,
                approved_on=e.approved_on,
                effective_from=e.effective_from,
                effective_to=e.effective_to,
            )
            for e in p.overtime_exemptions.order_by("-effective_from", "id")
        ],
        travel_agreements=[_travel(t) for t in travel],
    )


# --- Audit trails ---------------------------------------------------------------------------


def _audit_page(events: QuerySet[AuditEvent], page: int) -> AuditPage:
    rows: Sequence[AuditEvent]
    rows, has_next = api_page(events.order_by("-occurred_at", "-id"), page)
    return AuditPage(
        page=page,
        page_size=PAGE_SIZE,
        has_next=has_next,
        results=[
            AuditEventOut(
                when=e.occurred_at,
                actor_name=e.actor_name,
                action=e.action,
                reason=e.reason,
                before=audit_display.visible_values(e.before),
                after=audit_display.visible_values(e.after),
            )
            for e in rows
        ],
    )


@router.get(
    "/recipients/{case_number}/audit", response=AuditPage, summary="A recipient's audit trail"
)
def recipient_audit(
    request: HttpRequest, case_number: PathEx[str, P(pattern=CASE_NUMBER)], page: Page = 1
) -> AuditPage:
    r = access.get_recipient_for_user(_user(request), case_number)
    return _audit_page(audit.trail(r), page)


@router.get(
    "/providers/{provider_number}/audit", response=AuditPage, summary="A provider's audit trail"
)
def provider_audit(
    request: HttpRequest, provider_number: PathEx[str, P(pattern=PROVIDER_NUMBER)], page: Page = 1
) -> AuditPage:
    p = access.get_provider_for_user(_user(request), provider_number)
    return _audit_page(audit.trail(p), page)
