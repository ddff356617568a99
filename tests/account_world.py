"""A small world of people with account data, and a snapshot of everyone's account data.

Each role has two people: the one signed in ("mine") and a "twin" of the same role whose
data is the tempting target. Everyone (and an unconfirmed account, `waiting`) holds one
of each kind of account data, with strings unique to them so that a page showing
someone else's can be caught: a message, a failed email of it in the outbox, a confirmed
mobile number, a sign-in from their own network address and browser, a security answer,
an open session, an unsubscribe link. The case records come in two counties: Los Angeles
is "mine" (the provider, recipient and county worker who sign in are there), Fresno is
the twin's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ihss import test as cast
from ihss.accounts import services as account_services
from ihss.accounts.models import (
    PersonalAccessToken,
    Role,
    SecurityAnswer,
    SecurityEvent,
    SecurityQuestion,
    SignInSession,
    User,
)
from ihss.accounts.registration import verification_tokens
from ihss.cases.models import ImportJob, OvertimeExemption, TravelAgreement
from ihss.core.models import AuditEvent
from ihss.notifications import rules, services
from ihss.notifications.events import SPECS, Event
from ihss.notifications.models import (
    ContactSettings,
    Delivery,
    MobileVerification,
    Notification,
    Preference,
)
from ihss.timesheets.models import DayEntry, SickLeaveClaim, Timesheet, Violation

ANONYMOUS = "anonymous"
OPTIONAL_EVENT = Event.TIMESHEET_APPROVED  # a notice a person may switch off


@dataclass
class Person:
    """One person and the account data only they (and the Service Desk) may see."""

    user: User
    token: PersonalAccessToken
    notice: Notification
    delivery: Delivery
    session_key: str
    answer: str  # the security answer, as typed; only its hash is kept
    markers: dict[str, str] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)

    @property
    def uidb64(self) -> str:
        return urlsafe_base64_encode(force_bytes(self.user.pk))

    def unsubscribe_token(self) -> str:
        path = services.unsubscribe_path(self.user.pk, OPTIONAL_EVENT)
        return path.rstrip("/").rsplit("/", 1)[1]


@dataclass
class Side:
    """The case records of one county."""

    recipient: Any
    provider: Any
    assignment: Any
    exemption: Any
    travel: Any
    timesheet: Any  # sent to the recipient, waiting for review
    violation: Any  # a first violation of the provider
    sick_leave: Any  # a paid sick leave claim the recipient approved
    names: list[str]


@dataclass
class World:
    mine: dict[str, Person]
    twin: dict[str, Person]
    waiting: Person  # an account whose email is not confirmed yet: the desk's target
    la: Side
    fresno: Side
    import_jobs: dict[int, ImportJob]  # by the pk of the person who started it

    @property
    def people(self) -> list[Person]:
        return [*self.mine.values(), *self.twin.values(), self.waiting]


def _side(code: str, names: tuple[str, str, str]) -> Side:
    recipient = cast.make_recipient(county_code=code, first_name="Case", last_name=names[0])
    second = cast.make_recipient(county_code=code, first_name="Case", last_name=names[1])
    provider = cast.make_provider(county_code=code, first_name="Case", last_name=names[2])
    assignment = cast.assign(provider, recipient, 80 * 60)
    cast.assign(provider, second, 20 * 60)
    start = dt.date(2025, 1, 1)
    exemption = OvertimeExemption.objects.create(
        provider=provider,
        kind=2,
        circumstance="remote_area",
        approved_on=start,
        effective_from=start,
    )
    travel = TravelAgreement.objects.create(
        provider=provider,
        from_recipient=recipient,
        to_recipient=second,
        weekly_minutes=60,
        signed_on=start,
        effective_from=start,
    )
    timesheet = Timesheet.objects.create(
        provider=provider,
        recipient=recipient,
        program="IHSS",
        period_start=dt.date(2026, 11, 1),
        period_end=dt.date(2026, 11, 15),
        status=Timesheet.Status.SUBMITTED,
    )
    DayEntry.objects.create(
        timesheet=timesheet, day=dt.date(2026, 11, 2), minutes=120, location="home"
    )
    violation = Violation.objects.create(
        provider=provider,
        week_start=dt.date(2026, 10, 4),
        codes=["over_66_hours"],
        noticed_on=dt.date(2026, 10, 20),
        counted=True,
        number=1,
        consequence="notice",
        dispute_by=dt.date(2026, 10, 30),
    )
    sick_leave = SickLeaveClaim.objects.create(
        provider=provider,
        recipient=recipient,
        program="IHSS",
        day=dt.date(2026, 11, 3),
        minutes=120,
        status=SickLeaveClaim.Status.APPROVED,
    )
    return Side(
        recipient,
        provider,
        assignment,
        exemption,
        travel,
        timesheet,
        violation,
        sick_leave,
        list(names),
    )


def _scope(role: str, side: Side, code: str) -> dict[str, Any]:
    if role == Role.PROVIDER:
        return {"provider": side.provider}
    if role == Role.RECIPIENT:
        return {"recipient": side.recipient}
    if role == Role.COUNTY_STAFF:
        return {"county": cast.county(code)}
    return {}


def _person(username: str, n: int, role: str | None, **scope: Any) -> Person:
    user = cast.make_user(username, role, **scope)
    user.first_name, user.last_name = "Person", f"Surname{n:02d}x"
    user.save(update_fields=["first_name", "last_name"])
    marker = f"Notice-marker-{n:02d}x"
    notice = services.notify(
        user=user,
        event=OPTIONAL_EVENT,
        context={**SPECS[OPTIONAL_EVENT].sample, "recipient_name": marker},
        key="world",
        link="/messages/",
    )
    delivery = notice.deliveries.get()
    delivery.status = Delivery.Status.FAILED
    delivery.last_error = "refused by the test world"
    delivery.save()
    mobile = f"+1530555{n:04d}"
    ContactSettings.objects.create(
        user=user, mobile_number=mobile, mobile_verified_at=timezone.now()
    )
    ip, agent = f"198.51.100.{n}", f"Browser-marker-{n:02d}x"
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session.create()
    SignInSession.objects.create(
        user=user, session_key=session.session_key, ip_address=ip, user_agent=agent
    )
    SecurityEvent.objects.create(
        user=user, username=username, kind=SecurityEvent.Kind.SIGNED_IN, ip_address=ip
    )
    answer = f"Answer-marker-{n:02d}x"
    SecurityAnswer.objects.create(
        user=user, question=SecurityQuestion.FIRST_PET, answer_hash=make_password(answer)
    )
    token = account_services.create_token(
        user=user, name=f"Token-marker-{n:02d}x", scopes=["messages:read"], days=30
    ).token
    user.refresh_from_db()
    return Person(
        user=user,
        token=token,
        notice=notice,
        delivery=delivery,
        session_key=session.session_key,
        answer=answer,
        markers={
            "email": user.email,
            "notice": marker,
            "mobile": rules.display_us_mobile(mobile),
            "ip": ip,
            "agent": agent,
        },
        secrets=[
            user.password,
            SecurityAnswer.objects.get(user=user).answer_hash,
            answer,
            session.session_key,
        ],
    )


def build() -> World:
    la = _side("19", ("Delmarra", "Pembrake", "Ostrova"))
    fresno = _side("10", ("Zorvath", "Yarrowick", "Quillane"))
    mine: dict[str, Person] = {}
    twin: dict[str, Person] = {}
    n = 10
    for role in Role:
        for people, side, code in ((mine, la, "19"), (twin, fresno, "10")):
            n += 1
            # "mine.provider", not "provider.mine": no address may end another's.
            name = f"{'mine' if people is mine else 'twin'}.{role.value}"
            people[role.value] = _person(name, n, role.value, **_scope(role, side, code))
    waiting = _person("waiting.person", n + 1, None)
    User.objects.filter(pk=waiting.user.pk).update(is_active=False, last_login=None)
    waiting.user.refresh_from_db()
    jobs = {}
    for person in (mine[Role.COUNTY_STAFF], twin[Role.COUNTY_STAFF]):
        jobs[person.user.pk] = ImportJob.objects.create(created_by=person.user)
    return World(mine, twin, waiting, la, fresno, jobs)


def reset_token(person: Person) -> str:
    return default_token_generator.make_token(person.user)


def verify_token(person: Person) -> str:
    return verification_tokens.make_token(person.user)


# --- What changed -------------------------------------------------------------------------


def account_state(world: World) -> dict[Any, Any]:
    """Everyone's account data, by user pk, plus "cases" for the case records' audit trail.

    Two snapshots differ for a person exactly when something of theirs changed: a
    message read or unread, a setting, the mobile number, a security event, an open
    session ended, a password, email or answer, an audit row about them, their outbox
    row, or an email sent to them.
    """
    pks = [p.user.pk for p in world.people]
    state: dict[Any, dict[str, list[Any]]] = {pk: {} for pk in pks}

    def collect(kind: str, rows: Any) -> None:
        for pk in pks:
            state[pk][kind] = []
        for row in rows:
            if row[0] in state:
                state[row[0]][kind].append(row[1:])
        for pk in pks:
            state[pk][kind].sort(key=repr)

    users = User.objects.filter(pk__in=pks)
    collect(
        "user",
        users.values_list("pk", "username", "email", "password", "is_active", "preferred_language"),
    )
    collect("notices", Notification.objects.values_list("user_id", "pk", "read_at"))
    collect(
        "outbox",
        Delivery.objects.values_list(
            "notification__user_id", "pk", "status", "attempts", "address"
        ),
    )
    collect("settings", Preference.objects.values_list("user_id", "event", "choice"))
    collect(
        "mobile",
        ContactSettings.objects.values_list("user_id", "mobile_number", "mobile_verified_at"),
    )
    collect(
        "codes",
        MobileVerification.objects.values_list("user_id", "pk", "used_at", "failed_attempts"),
    )
    collect("events", SecurityEvent.objects.values_list("user_id", "pk", "kind"))
    collect("answers", SecurityAnswer.objects.values_list("user_id", "question", "answer_hash"))
    alive = set(Session.objects.values_list("session_key", flat=True))
    collect(
        "sessions",
        [
            (user_id, key, key in alive)
            for user_id, key in SignInSession.objects.values_list("user_id", "session_key")
        ],
    )
    # The audit trail names its subject by type and str(pk): a person, or their outbox row.
    owners = {("accounts.user", str(pk)): pk for pk in pks}
    for delivery_pk, user_pk in Delivery.objects.values_list("pk", "notification__user_id"):
        owners[("notifications.delivery", str(delivery_pk))] = user_pk
    for pk in pks:
        state[pk]["audit"] = []
    cases: dict[str, list[Any]] = {"audit": []}
    for subject_type, subject_id, pk, action in AuditEvent.objects.order_by("pk").values_list(
        "subject_type", "subject_id", "pk", "action"
    ):
        owner = owners.get((subject_type, subject_id))
        if owner in state:
            state[owner]["audit"].append((pk, action))
        elif subject_type != "accounts.user":
            cases["audit"].append((pk, action))
    emails = {p.user.email: p.user.pk for p in world.people}
    for pk in pks:
        state[pk]["mail"] = []
    for message in mail.outbox:
        for address in message.to:
            if address in emails:
                state[emails[address]]["mail"].append(message.subject)
    return {**state, "cases": cases}


def changed(before: dict[Any, Any], after: dict[Any, Any]) -> set[Any]:
    return {key for key in before if before[key] != after[key]}
