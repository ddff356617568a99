"""Demo data of case records: recipients, providers, assignments, an exemption, travel.

Every name, number and SSN here is made up. Later loaders find the records through the
context: record("county", code), record("recipient", case number), record("provider",
provider number).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ihss.cases.models import (
    Assignment,
    AuthorizedHours,
    County,
    FamilyRelationship,
    OvertimeExemption,
    Program,
    Provider,
    Recipient,
    TravelAgreement,
)
from ihss.core.demo import DemoContext

START = dt.date(2025, 7, 1)
H = 60

RECIPIENTS: list[dict[str, Any]] = [
    # case number, names, county, monthly hours per program, care needs
    dict(
        case_number="1900001",
        first_name="Rosa",
        last_name="Delgado",
        dob="1941-03-12",
        county="19",
        ssn="521450001",
        hours={"IHSS": 283 * H},
        severely_impaired=True,
        needs_cognitive_behavioral=True,
        street="1200 W Temple St",
        city="Los Angeles",
        zip_code="90012",
        lat="34.061000",
        lon="-118.250000",
        language="es",
    ),
    dict(
        case_number="1900002",
        first_name="Harold",
        last_name="Kim",
        dob="1950-08-30",
        county="19",
        ssn="521450002",
        hours={"IHSS": 120 * H, "WPCS": 40 * H},
        needs_complex_physical=True,
        street="300 N Los Angeles St",
        city="Los Angeles",
        zip_code="90012",
        lat="34.053000",
        lon="-118.240000",
        language="en",
    ),
    dict(
        case_number="1900003",
        first_name="Lucia",
        last_name="Morales",
        dob="1962-01-05",
        county="19",
        ssn="521450003",
        hours={"IHSS": 80 * H},
        street="5000 Whittier Blvd",
        city="Los Angeles",
        zip_code="90022",
        lat="34.020000",
        lon="-118.160000",
        language="es",
    ),
    dict(
        case_number="1900004",
        first_name="Samuel",
        last_name="Okafor",
        dob="1975-11-19",
        county="19",
        ssn="521450004",
        hours={"IHSS": 60 * H},
        needs_community_transition=True,
        street="800 S Figueroa St",
        city="Los Angeles",
        zip_code="90017",
        lat="34.048000",
        lon="-118.260000",
        language="en",
    ),
    dict(
        case_number="1900005",
        first_name="Anahit",
        last_name="Petrosyan",
        dob="1938-06-02",
        county="19",
        ssn="521450005",
        hours={"IHSS": 200 * H},
        severely_impaired=True,
        street="400 N Brand Blvd",
        city="Glendale",
        zip_code="91203",
        lat="34.150000",
        lon="-118.255000",
        language="hy",
        representative=("Marina Petrosyan", "Daughter", "(818) 555-0142"),
    ),
    dict(
        case_number="1000006",
        first_name="Wei",
        last_name="Chen",
        dob="1947-09-23",
        county="10",
        ssn="521450006",
        hours={"IHSS": 150 * H},
        needs_cognitive_behavioral=True,
        street="2200 Fresno St",
        city="Fresno",
        zip_code="93721",
        lat="36.737000",
        lon="-119.787000",
        language="zh",
    ),
    dict(
        case_number="1000007",
        first_name="Dolores",
        last_name="Ybarra",
        dob="1944-12-14",
        county="10",
        ssn="521450007",
        hours={"IHSS": 180 * H},
        street="1900 Mariposa Mall",
        city="Fresno",
        zip_code="93721",
        lat="36.738000",
        lon="-119.786000",
        language="es",
    ),
]

ENROLLED = dict(
    soc426_received_on=dt.date(2024, 3, 1),
    orientation_completed_on=dt.date(2024, 3, 8),
    background_check_cleared_on=dt.date(2024, 4, 2),
    soc846_signed_on=dt.date(2024, 4, 3),
)

PROVIDERS: list[dict[str, Any]] = [
    dict(
        provider_number="190000001",
        first_name="Ana",
        last_name="Reyes",
        dob="1985-04-17",
        county="19",
        ssn="521460001",
        phone="(213) 555-0101",
        enrolled=True,
        language="es",
        # She worked before the portal: the county recorded where her sick leave starts,
        # so her leave is usable (issue 14, item 9).
        worked_before=True,
    ),
    dict(
        provider_number="190000002",
        first_name="James",
        last_name="Walker",
        dob="1979-02-11",
        county="19",
        ssn="521460002",
        phone="(213) 555-0102",
        enrolled=True,
        language="en",
    ),
    dict(
        provider_number="190000003",
        first_name="Nare",
        last_name="Petrosyan",
        dob="1968-10-30",
        county="19",
        ssn="521460003",
        phone="(818) 555-0103",
        enrolled=True,
        language="hy",
    ),
    dict(
        provider_number="100000004",
        first_name="Mei",
        last_name="Lin",
        dob="1982-07-07",
        county="10",
        ssn="521460004",
        phone="(559) 555-0104",
        enrolled=True,
        language="zh",
    ),
    # Enrolled, with no account yet: for trying registration (see the README).
    dict(
        provider_number="190000006",
        first_name="Luz",
        last_name="Moreno",
        dob="1990-09-12",
        county="19",
        ssn="521460006",
        phone="(213) 555-0106",
        enrolled=True,
        language="es",
    ),
    dict(
        provider_number="190000005",
        first_name="Daniel",
        last_name="Ortiz",
        dob="1995-05-25",
        county="19",
        ssn="521460005",
        phone="(213) 555-0105",
        enrolled=False,
        language="es",
    ),
]

ASSIGNMENTS: list[dict[str, Any]] = [
    # Ana Reyes serves one recipient.
    dict(provider="190000001", recipient="1900001", program="IHSS", minutes=283 * H),
    # James Walker serves three recipients (and WPCS for one of them).
    dict(provider="190000002", recipient="1900002", program="IHSS", minutes=120 * H),
    dict(provider="190000002", recipient="1900002", program="WPCS", minutes=40 * H),
    dict(provider="190000002", recipient="1900003", program="IHSS", minutes=60 * H),
    dict(provider="190000002", recipient="1900004", program="IHSS", minutes=60 * H),
    # Nare Petrosyan is the live-in provider of her mother.
    dict(
        provider="190000003",
        recipient="1900005",
        program="IHSS",
        minutes=200 * H,
        live_in=True,
        family=FamilyRelationship.CHILD,
    ),
    # Mei Lin has Exemption 2 and serves two recipients in Fresno.
    dict(provider="100000004", recipient="1000006", program="IHSS", minutes=150 * H),
    dict(provider="100000004", recipient="1000007", program="IHSS", minutes=180 * H),
]


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def load(context: DemoContext) -> None:
    counties = {c.code: c for c in County.objects.filter(code__in=["19", "10"])}
    for code, county in counties.items():
        context.keep("county", code, county)
    recipients = _recipients(counties)
    providers = _providers(counties)
    for number, recipient in recipients.items():
        context.keep("recipient", number, recipient)
    for number, provider in providers.items():
        context.keep("provider", number, provider)
    _assignments(providers, recipients)
    _exemption_and_travel(providers, recipients)


def _recipients(counties: dict[str, County]) -> dict[str, Recipient]:
    result = {}
    for row in RECIPIENTS:
        recipient = Recipient.objects.filter(case_number=row["case_number"]).first()
        if recipient is None:
            recipient = Recipient(
                case_number=row["case_number"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                date_of_birth=_date(row["dob"]),
                county=counties[row["county"]],
                street=row["street"],
                city=row["city"],
                zip_code=row["zip_code"],
                latitude=Decimal(row["lat"]),
                longitude=Decimal(row["lon"]),
                preferred_language=row["language"],
                severely_impaired=row.get("severely_impaired", False),
                needs_cognitive_behavioral=row.get("needs_cognitive_behavioral", False),
                needs_complex_physical=row.get("needs_complex_physical", False),
                needs_community_transition=row.get("needs_community_transition", False),
            )
            if "representative" in row:
                name, relationship, phone = row["representative"]
                recipient.representative_name = name
                recipient.representative_relationship = relationship
                recipient.representative_phone = phone
            recipient.set_ssn(row["ssn"])
            recipient.save()
            for program, minutes in row["hours"].items():
                AuthorizedHours.objects.create(
                    recipient=recipient,
                    program=program,
                    monthly_minutes=minutes,
                    effective_from=START,
                )
        result[recipient.case_number] = recipient
    return result


def _providers(counties: dict[str, County]) -> dict[str, Provider]:
    result = {}
    for row in PROVIDERS:
        provider = Provider.objects.filter(provider_number=row["provider_number"]).first()
        if provider is None:
            provider = Provider(
                provider_number=row["provider_number"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                date_of_birth=_date(row["dob"]),
                county=counties[row["county"]],
                phone=row["phone"],
                preferred_language=row["language"],
                email=f"{row['first_name'].lower()}.{row['last_name'].lower()}@example.org",
            )
            if row["enrolled"]:
                for step, when in ENROLLED.items():
                    setattr(provider, step, when)
                provider.status = Provider.Status.ACTIVE
            else:
                provider.soc426_received_on = dt.date(2026, 10, 20)
                provider.orientation_completed_on = dt.date(2026, 10, 27)
            if row.get("worked_before"):
                provider.worked_to_date_minutes = 2400 * H
                provider.worked_to_date_through = timezone.localdate() - dt.timedelta(days=60)
                provider.sick_leave_earned_on = dt.date(2024, 5, 20)
                provider.sick_leave_usable_on = dt.date(2024, 7, 19)
            provider.set_ssn(row["ssn"])
            provider.save()
        result[provider.provider_number] = provider
    return result


def _assignments(providers: dict[str, Provider], recipients: dict[str, Recipient]) -> None:
    for row in ASSIGNMENTS:
        Assignment.objects.get_or_create(
            provider=providers[row["provider"]],
            recipient=recipients[row["recipient"]],
            program=Program(row["program"]),
            start_date=START,
            defaults=dict(
                assigned_monthly_minutes=row["minutes"],
                live_in_certified_on=START if row.get("live_in") else None,
                family_relationship=row.get("family", FamilyRelationship.NONE),
            ),
        )


def _exemption_and_travel(providers: dict[str, Provider], recipients: dict[str, Recipient]) -> None:
    OvertimeExemption.objects.get_or_create(
        provider=providers["100000004"],
        kind=OvertimeExemption.Kind.EXTRAORDINARY,
        effective_from=START,
        defaults=dict(
            circumstance=OvertimeExemption.Circumstance.LANGUAGE,
            approved_on=dt.date(2025, 6, 20),
            notes="Both recipients speak only Cantonese (demo).",
        ),
    )
    TravelAgreement.objects.get_or_create(
        provider=providers["190000002"],
        from_recipient=recipients["1900002"],
        to_recipient=recipients["1900003"],
        effective_from=START,
        defaults=dict(weekly_minutes=3 * H, signed_on=dt.date(2025, 6, 25)),
    )
