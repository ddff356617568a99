"""JSON shapes of the case-records API.

Durations are integer minutes (names end in `_minutes`), dates are ISO 8601. A Social
Security number appears only masked (`ssn_masked`, last four digits); the number itself,
its encrypted token and its blind index never leave the server.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from ihss.core.schemas import Page


class CountyOut(Schema):
    code: str = Field(description="State county code, 01-58.")
    name: str


class RecipientRef(Schema):
    case_number: str
    full_name: str
    county_code: str


class ProviderRef(Schema):
    provider_number: str
    full_name: str


# --- Recipients -----------------------------------------------------------------------------


class RecipientSummary(Schema):
    case_number: str
    first_name: str
    middle_name: str
    last_name: str
    city: str
    county: CountyOut
    status: str


class RecipientPage(Page):
    results: list[RecipientSummary]


class Address(Schema):
    street: str
    city: str
    zip_code: str
    latitude: float | None = Field(description="WGS 84 degrees; null when not geocoded.")
    longitude: float | None


class CareNeeds(Schema):
    """Specialized care needs, one per Category 2 Career Pathway."""

    cognitive_behavioral: bool
    complex_physical: bool
    community_transition: bool


class Representative(Schema):
    name: str
    relationship: str
    phone: str
    email: str


class AuthorizedPeriod(Schema):
    monthly_minutes: int
    effective_from: dt.date
    effective_to: dt.date | None
    current: bool = Field(description="In force today.")


class ProgramHours(Schema):
    program: str = Field(description="IHSS or WPCS.")
    history: list[AuthorizedPeriod] = Field(description="Newest first.")


class RecipientAssignment(Schema):
    provider: ProviderRef
    program: str
    assigned_monthly_minutes: int
    start_date: dt.date
    end_date: dt.date | None
    live_in_certified_on: dt.date | None
    family_relationship: str


class RecipientDetail(Schema):
    case_number: str
    first_name: str
    middle_name: str
    last_name: str
    date_of_birth: dt.date
    ssn_masked: str = Field(description="Last four digits only, like ***-**-1234.")
    phone: str
    email: str
    preferred_language: str
    address: Address
    county: CountyOut
    status: str
    severely_impaired: bool
    care_needs: CareNeeds
    representative: Representative | None = Field(
        description="The authorized representative; null when there is none."
    )
    authorized_hours: list[ProgramHours]
    current_assignments: list[RecipientAssignment] = Field(
        description="Assignments in force today or starting later."
    )


# --- Providers ------------------------------------------------------------------------------


class ProviderSummary(Schema):
    provider_number: str
    first_name: str
    middle_name: str
    last_name: str
    county: CountyOut
    status: str


class ProviderPage(Page):
    results: list[ProviderSummary]


class Enrollment(Schema):
    """Dates the four enrollment steps were completed (WIC 12305.81 / 12306.5)."""

    soc426_received_on: dt.date | None
    orientation_completed_on: dt.date | None
    background_check_cleared_on: dt.date | None
    soc846_signed_on: dt.date | None
    complete: bool


class ProviderAssignment(Schema):
    recipient: RecipientRef
    program: str
    assigned_monthly_minutes: int
    start_date: dt.date
    end_date: dt.date | None
    live_in_certified_on: dt.date | None
    family_relationship: str


class OvertimeExemptionOut(Schema):
    kind: int = Field(description="1: live-in family care (SOC 2279); 2: extraordinary (SOC 2305).")
    circumstance: str
    approved_on: dt.date
    effective_from: dt.date
    effective_to: dt.date | None


class TravelAgreementOut(Schema):
    from_recipient: RecipientRef | None = Field(
        description="Null when the recipient is in a county the caller cannot see."
    )
    to_recipient: RecipientRef | None
    weekly_minutes: int
    signed_on: dt.date
    effective_from: dt.date
    effective_to: dt.date | None


class ProviderDetail(Schema):
    provider_number: str
    first_name: str
    middle_name: str
    last_name: str
    date_of_birth: dt.date
    ssn_masked: str = Field(description="Last four digits only, like ***-**-1234.")
    phone: str
    email: str
    preferred_language: str
    county: CountyOut
    status: str
    enrollment: Enrollment
    assignments: list[ProviderAssignment] = Field(
        description="Every assignment, newest first, to recipients the caller can see."
    )
    overtime_exemptions: list[OvertimeExemptionOut]
    travel_agreements: list[TravelAgreementOut] = Field(
        description="Agreements with at least one recipient the caller can see."
    )


# --- Audit trail ----------------------------------------------------------------------------


class AuditEventOut(Schema):
    when: dt.datetime
    actor_name: str
    action: str
    reason: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPage(Page):
    results: list[AuditEventOut]
