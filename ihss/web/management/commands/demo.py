"""Load fictional demo data: counties' wage rates, recipients, providers, and one user per role.

Idempotent: running it again changes nothing and keeps what people did in the demo.
Refuses to run in production. Every name, number and SSN here is made up.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ihss.accounts import second_factor
from ihss.accounts.models import AuthenticatorApp, Membership, Role, SecurityAnswer, User
from ihss.accounts.registration import hash_answer
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
from ihss.notifications.events import Event
from ihss.notifications.models import ContactSettings, Delivery, Notification, Preference
from ihss.notifications.services import notify
from ihss.payroll.models import WageRate
from ihss.timesheets import services as timesheet_services
from ihss.timesheets.models import Location
from ihss.timesheets.rules import pay_period_containing

DEMO_PASSWORD = "sunlit kettle orchard ribbon"  # noqa: S105 - fictional demo sign-in
# Staff must use a second factor: their demo accounts come with an authenticator app
# already set up with this fictional key (`manage.py demo_code USERNAME` prints its code).
DEMO_APP_KEY = "IHSSDEMOSTAFFKEYIHSSDEMOSTAFFKEY"
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

# Every demo user's security answers (for trying "Forgot your password?"): fictional.
DEMO_ANSWERS = {"first_school": "Lincoln", "birth_city": "Fresno", "first_pet": "Rex"}

USERS: list[dict[str, Any]] = [
    dict(
        username="county.la",
        first="Teresa",
        last="Nguyen",
        email="county.la@example.org",
        roles=[(Role.COUNTY_STAFF, {"county": "19"})],
    ),
    dict(
        username="county.fresno",
        first="Luis",
        last="Garza",
        email="county.fresno@example.org",
        roles=[(Role.COUNTY_STAFF, {"county": "10"})],
    ),
    dict(
        username="provider.one",
        first="Ana",
        last="Reyes",
        email="ana.reyes@example.org",
        roles=[(Role.PROVIDER, {"provider": "190000001"})],
    ),
    dict(
        username="provider.three",
        first="James",
        last="Walker",
        email="james.walker@example.org",
        roles=[(Role.PROVIDER, {"provider": "190000002"})],
    ),
    # A provider who is also her mother's authorized representative: two roles.
    dict(
        username="provider.livein",
        first="Nare",
        last="Petrosyan",
        email="nare.petrosyan@example.org",
        roles=[
            (Role.PROVIDER, {"provider": "190000003"}),
            (Role.RECIPIENT, {"recipient": "1900005", "is_representative": True}),
        ],
    ),
    dict(
        username="provider.exempt",
        first="Mei",
        last="Lin",
        email="mei.lin@example.org",
        roles=[(Role.PROVIDER, {"provider": "100000004"})],
    ),
    dict(
        username="recipient",
        first="Rosa",
        last="Delgado",
        email="rosa.delgado@example.org",
        language="es",
        roles=[(Role.RECIPIENT, {"recipient": "1900001"})],
    ),
    dict(
        username="training",
        first="Grace",
        last="Adeyemi",
        email="training@example.org",
        roles=[(Role.TRAINING_PROVIDER, {"organization": "Golden Valley Caregiver Academy"})],
    ),
    dict(
        username="coach",
        first="Omar",
        last="Haddad",
        email="coach@example.org",
        roles=[(Role.COACH, {"organization": "Career Pathways Coaching"})],
    ),
    dict(
        username="servicedesk",
        first="Priya",
        last="Shah",
        email="servicedesk@example.org",
        roles=[(Role.SERVICE_DESK, {})],
    ),
    dict(
        username="state.admin",
        first="Helen",
        last="Brooks",
        email="state.admin@example.org",
        roles=[(Role.STATE_ADMIN, {})],
    ),
]


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


class Command(BaseCommand):
    help = "Load fictional demo data and one sign-in per role (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo data is fictional and is never loaded in production.")
        with transaction.atomic():
            counties = {c.code: c for c in County.objects.filter(code__in=["19", "10"])}
            self._wage_rates(counties)
            recipients = self._recipients(counties)
            providers = self._providers(counties)
            self._assignments(providers, recipients)
            self._exemption_and_travel(providers, recipients)
            created = self._users(counties, providers, recipients)
            by_name = {user.username: user for user, _ in created}
            self._messages(by_name)
            self._timesheets(providers, recipients, by_name)
        self._print_sign_ins(created)

    def _wage_rates(self, counties: dict[str, County]) -> None:
        WageRate.objects.get_or_create(
            county=counties["19"],
            effective_from=dt.date(2024, 1, 1),
            defaults=dict(
                basis=WageRate.Basis.MINIMUM_PLUS,
                supplement_cents=200,
                agreement="PASC-SEIU 2015 agreement (demo)",
            ),
        )
        WageRate.objects.get_or_create(
            county=counties["10"],
            effective_from=dt.date(2025, 7, 1),
            defaults=dict(
                basis=WageRate.Basis.MINIMUM_PLUS,
                supplement_cents=185,
                agreement="Fresno County Public Authority MOU (demo)",
            ),
        )

    def _recipients(self, counties: dict[str, County]) -> dict[str, Recipient]:
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

    def _providers(self, counties: dict[str, County]) -> dict[str, Provider]:
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
                provider.set_ssn(row["ssn"])
                provider.save()
            result[provider.provider_number] = provider
        return result

    def _assignments(
        self, providers: dict[str, Provider], recipients: dict[str, Recipient]
    ) -> None:
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

    def _exemption_and_travel(
        self, providers: dict[str, Provider], recipients: dict[str, Recipient]
    ) -> None:
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

    def _users(
        self,
        counties: dict[str, County],
        providers: dict[str, Provider],
        recipients: dict[str, Recipient],
    ) -> list[tuple[User, list[str]]]:
        result = []
        for row in USERS:
            user, created = User.objects.get_or_create(
                username=row["username"],
                defaults=dict(
                    first_name=row["first"],
                    last_name=row["last"],
                    email=row["email"],
                    preferred_language=row.get("language", ""),
                ),
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                SecurityAnswer.objects.bulk_create(
                    SecurityAnswer(user=user, question=q, answer_hash=hash_answer(a))
                    for q, a in DEMO_ANSWERS.items()
                )
            for role, scope in row["roles"]:
                lookup: dict[str, Any] = {"user": user, "role": role}
                if "county" in scope:
                    lookup["county"] = counties[scope["county"]]
                if "provider" in scope:
                    lookup["provider"] = providers[scope["provider"]]
                if "recipient" in scope:
                    lookup["recipient"] = recipients[scope["recipient"]]
                Membership.objects.get_or_create(
                    **lookup,
                    defaults=dict(
                        is_representative=scope.get("is_representative", False),
                        organization=scope.get("organization", ""),
                    ),
                )
            if second_factor.is_required(user) and not user.has_second_factor():
                AuthenticatorApp.objects.create(
                    user=user, name="Demo authenticator app", secret=DEMO_APP_KEY, confirmed=True
                )
            result.append((user, [str(Role(r).label) for r, _ in row["roles"]]))
        return result

    def _timesheets(
        self,
        providers: dict[str, Provider],
        recipients: dict[str, Recipient],
        users: dict[str, User],
    ) -> None:
        """Timesheets to try each step with, dated from today: Ana's for Rosa two periods
        ago (approved, held for a county check), and last period (sent, waiting for Rosa);
        James's for Luis this period (being filled in)."""
        today = timezone.localdate()
        last = pay_period_containing(pay_period_containing(today).start - dt.timedelta(days=1))
        before = pay_period_containing(last.start - dt.timedelta(days=1))
        ana, rosa = users["provider.one"], users["recipient"]
        plans = [
            (providers["190000001"], recipients["1900001"], ana, before, "held"),
            (providers["190000001"], recipients["1900001"], ana, last, "submitted"),
            (providers["190000002"], recipients["1900003"], users["provider.three"], None, "draft"),
        ]
        for provider, recipient, user, period, goal in plans:
            day = period.start if period else pay_period_containing(today).start
            sheet = timesheet_services.open_timesheet(
                provider=provider, recipient=recipient, program=Program.IHSS, day=day, by=user
            )
            if sheet.days.exists():
                continue  # loaded before
            end = min(sheet.period_end, today - dt.timedelta(days=1))
            weekdays = {
                d: timesheet_services.DayInput(6 * H, dt.time(8), dt.time(14), Location.HOME)
                for d in (sheet.period_start + dt.timedelta(days=i) for i in range(16))
                if d <= end and d.weekday() < 5
            }
            timesheet_services.save_week(timesheet=sheet, days=weekdays, by=user)
            if goal == "draft" or not weekdays:
                continue
            timesheet_services.submit(timesheet=sheet, by=user)
            if goal == "held":
                timesheet_services.approve(timesheet=sheet, by=rosa, signature="Rosa Delgado")
                timesheet_services.decide_review(
                    timesheet=sheet,
                    by=users["county.la"],
                    decision="hold",
                    reason="Signature check before payroll (demo).",
                )

    def _messages(self, users: dict[str, User]) -> None:
        """A few notices in the demo users' message centers (sent by the worker too).

        Ana Reyes has a confirmed (fictional, 555-01xx) mobile number and gets pay notices
        by email and text, so var/sms.log shows a text; Rosa Delgado reads Spanish.
        """
        today = timezone.localdate()
        period = pay_period_containing(today - dt.timedelta(days=15))
        dates = {"period_start": period.start.isoformat(), "period_end": period.end.isoformat()}
        ana = users["provider.one"]
        ContactSettings.objects.get_or_create(
            user=ana,
            defaults={"mobile_number": "+15305550101", "mobile_verified_at": timezone.now()},
        )
        Preference.objects.get_or_create(
            user=ana, event=Event.PAYMENT_ISSUED, defaults={"choice": "both"}
        )
        notices: list[tuple[str, str, dict[str, Any], str]] = [
            (
                "recipient",
                Event.TIMESHEET_READY_FOR_REVIEW,
                {
                    "provider_name": "Ana Reyes",
                    **dates,
                    "minutes": 52 * 60 + 30,
                    "review_by": (today + dt.timedelta(days=2)).isoformat(),
                },
                "/recipient/",
            ),
            (
                "provider.one",
                Event.TIMESHEET_APPROVED,
                {"recipient_name": "Rosa Delgado", **dates, "minutes": 52 * 60 + 30},
                "/provider/",
            ),
            (
                "provider.one",
                Event.PAYMENT_ISSUED,
                {
                    **dates,
                    "amount_cents": 52 * 1990 + 995,
                    "paid_on": today.isoformat(),
                    "method": "deposit",
                },
                "/provider/",
            ),
            (
                "provider.one",
                Event.CLASS_CONFIRMATION,
                {
                    "course": "CPR and First Aid",
                    "starts_on": (today + dt.timedelta(days=10)).isoformat(),
                    "place": "Online",
                },
                "",
            ),
            (
                "provider.three",
                Event.TIMESHEET_REJECTED,
                {
                    "recipient_name": "Harold Kim",
                    **dates,
                    "reason": "The hours on the 3rd were already paid.",
                },
                "/provider/",
            ),
            (
                "provider.livein",
                Event.TIMESHEET_NO_RECIPIENT_ACTION,
                {
                    "recipient_name": "Anahit Petrosyan",
                    **dates,
                    "submitted_on": period.end.isoformat(),
                },
                "/provider/",
            ),
            (
                "provider.exempt",
                Event.WAITLIST_PROMOTION,
                {
                    "course": "Dementia Care Basics",
                    "starts_on": (today + dt.timedelta(days=20)).isoformat(),
                    "place": "Fresno",
                },
                "",
            ),
        ]
        for username, event, context, link in notices:
            notify(
                user=users[username], event=event, context=context, key=f"demo:{event}", link=link
            )
        # One message the service desk can find failed in the outbox (a fictional outage).
        failed = Notification.objects.filter(user=users["provider.exempt"]).first()
        if failed is not None:
            Delivery.objects.filter(notification=failed, status=Delivery.Status.QUEUED).update(
                status=Delivery.Status.FAILED,
                attempts=6,
                last_error="SMTP 451: 4.3.0 Mail server temporarily unavailable (demo)",
            )

    def _print_sign_ins(self, users: list[tuple[User, list[str]]]) -> None:
        self.stdout.write(self.style.SUCCESS("Demo sign-ins (all fictional):"))
        self.stdout.write(f"  password for every demo user: {DEMO_PASSWORD}")
        for user, roles in users:
            self.stdout.write(
                f"  {user.username:<17} {user.get_full_name():<18} {', '.join(roles)}"
            )
        self.stdout.write(
            "  Messages: the providers and the recipient have notices under Messages, and "
            "servicedesk sees every one in the Outbox. Emails print in the worker's output; "
            "texts go to var/sms.log."
        )
        self.stdout.write(
            "  Second factor: staff accounts (county, training, coach, servicedesk, "
            f"state.admin) ask for an authenticator code after the password. Their app key is "
            f"{DEMO_APP_KEY}; `.venv/bin/python manage.py demo_code USERNAME` prints the "
            "current code."
        )
