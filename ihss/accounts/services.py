"""Workflows that change accounts. Views, the API and commands call these.

Each runs in one transaction and writes its audit event there; who may call it is
decided before, in the view (the Service Desk's role).
"""

from __future__ import annotations

from axes.utils import reset as reset_axes
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from ihss.accounts.lockout import normalize
from ihss.accounts.models import (
    Membership,
    Role,
    SecurityAnswer,
    SecurityEvent,
    SignInSession,
    User,
)
from ihss.accounts.registration import hash_answer
from ihss.cases.models import Provider, Recipient
from ihss.core import audit
from ihss.notifications.events import Event
from ihss.notifications.services import notify


class ReasonRequired(ValueError):
    """A Service Desk action was attempted without the reason the trail needs."""


def unlock(*, user: User, by: User, reason: str) -> int:
    """End a sign-in pause now (the Service Desk, after checking who is calling).

    Returns how many counted failures were cleared. The reason typed by the agent goes
    into the audit trail with their name.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise ReasonRequired("Write why the account is unlocked.")
    username = normalize(user.get_username())
    with transaction.atomic():
        cleared = int(reset_axes(username=username))
        SecurityEvent.objects.create(user=user, username=username, kind=SecurityEvent.Kind.UNLOCKED)
        audit.record(
            actor=by,
            action="accounts.unlock",
            subject=user,
            before={"failed_attempts_counted": cleared},
            after={"failed_attempts_counted": 0},
            reason=reason,
        )
    return cleared


def register(
    *,
    record: Provider | Recipient,
    as_representative: bool,
    username: str,
    email: str,
    password: str,
    answers: dict[str, str],
    language: str,
    ip_address: str | None,
) -> User:
    """Create the account of a matched person: inactive until the email is confirmed."""
    with transaction.atomic():
        user = User(username=username, email=email, is_active=False, preferred_language=language)
        user.set_password(password)
        user.save()
        if isinstance(record, Provider):
            Membership.objects.create(user=user, role=Role.PROVIDER, provider=record)
        else:
            Membership.objects.create(
                user=user,
                role=Role.RECIPIENT,
                recipient=record,
                is_representative=as_representative,
            )
        SecurityAnswer.objects.bulk_create(
            SecurityAnswer(user=user, question=q, answer_hash=hash_answer(a))
            for q, a in answers.items()
        )
        SecurityEvent.objects.create(
            user=user,
            username=normalize(username),
            kind=SecurityEvent.Kind.REGISTERED,
            ip_address=ip_address,
        )
        audit.record(
            actor=user,
            action="accounts.register",
            subject=user,
            after={"username": username, "email": email, "record": str(record.pk)},
        )
    return user


def confirm_email(*, user: User) -> None:
    """The person followed the link in the email: the account works from now on."""
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        SecurityEvent.objects.create(
            user=user,
            username=normalize(user.get_username()),
            kind=SecurityEvent.Kind.EMAIL_VERIFIED,
        )
        audit.record(
            actor=user,
            action="accounts.email_verified",
            subject=user,
            before={"is_active": False},
            after={"is_active": True},
        )


def reset_password(*, user: User, password: str, how: str = "reset") -> None:
    """Set a new password from the recovery path; ends a pause and every other session."""
    username = normalize(user.get_username())
    with transaction.atomic():
        user.set_password(password)  # changes the session hash: other sessions end
        user.save(update_fields=["password"])
        reset_axes(username=username)
        event = SecurityEvent.objects.create(
            user=user, username=username, kind=SecurityEvent.Kind.PASSWORD_RESET
        )
        audit.record(
            actor=user,
            action="accounts.password_reset",
            subject=user,
            reason={
                "reset": "Emailed link and security answers",
                "reset_factor": "Emailed link and second factor",
            }.get(how, ""),
        )
        notify(
            user=user,
            event=Event.PASSWORD_CHANGED,
            context={"changed_on": timezone.localdate().isoformat(), "how": how},
            key=f"password:{event.pk}",
            link="/",
        )


def change_password(*, user: User, password: str, keep_session: str) -> None:
    """The person changes their password while signed in; other sessions end."""
    username = normalize(user.get_username())
    with transaction.atomic():
        user.set_password(password)  # changes the session hash: other sessions end
        user.save(update_fields=["password"])
        SignInSession.objects.filter(user=user).exclude(session_key=keep_session).delete()
        event = SecurityEvent.objects.create(
            user=user, username=username, kind=SecurityEvent.Kind.PASSWORD_CHANGED
        )
        audit.record(actor=user, action="accounts.password_changed", subject=user)
        notify(
            user=user,
            event=Event.PASSWORD_CHANGED,
            context={"changed_on": timezone.localdate().isoformat(), "how": "changed"},
            key=f"password:{event.pk}",
            link="/accounts/security/",
        )


def open_sessions(user: User) -> list[SignInSession]:
    """The person's sign-ins whose session is still alive, newest first."""
    alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return list(
        SignInSession.objects.filter(user=user, session_key__in=alive).order_by("-created_at")
    )


def sign_out_elsewhere(*, user: User, keep: str) -> int:
    """End every session of `user` except the one with key `keep`; returns how many."""
    with transaction.atomic():
        others = list(
            SignInSession.objects.filter(user=user)
            .exclude(session_key=keep)
            .values_list("session_key", flat=True)
        )
        ended, _ = Session.objects.filter(session_key__in=others).delete()
        SignInSession.objects.filter(session_key__in=others).delete()
        SecurityEvent.objects.create(
            user=user,
            username=normalize(user.get_username()),
            kind=SecurityEvent.Kind.SIGNED_OUT_ELSEWHERE,
        )
        audit.record(
            actor=user,
            action="accounts.sign_out_elsewhere",
            subject=user,
            after={"sessions_ended": ended},
        )
    return int(ended)


def record_resend(*, user: User, by: User) -> None:
    """The Service Desk sends a new email confirmation link (recorded with the agent)."""
    with transaction.atomic():
        audit.record(
            actor=by,
            action="accounts.resend_verification",
            subject=user,
            after={"email": user.email},
            reason="Caller did not get or lost the confirmation email",
        )
