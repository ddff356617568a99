"""Workflows that change accounts. Views, the API and commands call these.

Each runs in one transaction and writes its audit event there; who may call it is
decided before, in the view (the Service Desk's role).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from ihss.accounts import lockout, tokens
from ihss.accounts.lockout import normalize
from ihss.accounts.models import (
    Membership,
    PersonalAccessToken,
    Role,
    SecurityAnswer,
    SecurityEvent,
    SignInSession,
    User,
)
from ihss.accounts.registration import hash_answer
from ihss.cases.models import Provider, Recipient
from ihss.core import audit
from ihss.core.scope import scope_of
from ihss.notifications.events import Event
from ihss.notifications.services import notify


class ReasonRequired(ValueError):
    """A Service Desk action was attempted without the reason the trail needs."""


@dataclass(frozen=True)
class UnlockOutcome:
    """The answer to "unlock this account": the same for every caller of the same unlock.

    `unlocked_at` and `by` name the unlock in force: the one this call made, or the one
    made a moment before by an identical request (a double click, 50 at once). None when
    the account had nothing to unlock and no unlock was ever made.
    """

    unlocked_at: dt.datetime | None
    by: str


def unlock(*, user: User, by: User, reason: str) -> UnlockOutcome:
    """End every sign-in pause and stop of an account now (the Service Desk, after
    checking who is calling): unknown browsers' pause and cap, and each browser's own.

    Idempotent: the person's row is locked, so of identical requests at once one clears
    and records (one audit row, one security event); the others find nothing left to
    clear and answer with that same unlock. The reason typed by the agent goes into the
    audit trail with their name.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise ReasonRequired("Write why the account is unlocked.")
    username = normalize(user.get_username())
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if lockout.has_anything_to_clear(username):
            before = {
                "paused_until": _iso(lockout.paused_until(username)),
                "stopped": lockout.stopped(username),
            }
            lockout.clear(username)
            SecurityEvent.about(user, SecurityEvent.Kind.UNLOCKED)
            audit.record(
                actor=by,
                action="accounts.unlock",
                subject=user,
                before=before,
                after={"paused_until": None, "stopped": False},
                reason=reason,
            )
        latest = audit.trail(user).filter(action="accounts.unlock").order_by("-id").first()
    if latest is None:
        return UnlockOutcome(unlocked_at=None, by="")
    return UnlockOutcome(unlocked_at=latest.occurred_at, by=latest.actor_name)


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


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
        SecurityEvent.about(user, SecurityEvent.Kind.EMAIL_VERIFIED)
        audit.record(
            actor=user,
            action="accounts.email_verified",
            subject=user,
            before={"is_active": False},
            after={"is_active": True},
        )


def reset_password(*, user: User, password: str, how: str = "reset") -> None:
    """Set a new password from the recovery path; ends every sign-in pause and stop (only
    completing recovery does: asking for a link changes nothing) and every other session."""
    username = normalize(user.get_username())
    with transaction.atomic():
        user.set_password(password)  # changes the session hash: other sessions end
        user.save(update_fields=["password"])
        lockout.clear(username)  # recovery complete: every pause and stop ends
        event = SecurityEvent.about(user, SecurityEvent.Kind.PASSWORD_RESET)
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
    with transaction.atomic():
        user.set_password(password)  # changes the session hash: other sessions end
        user.save(update_fields=["password"])
        end_sessions(user=user, keep=keep_session)
        event = SecurityEvent.about(user, SecurityEvent.Kind.PASSWORD_CHANGED)
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


def end_sessions(*, user: User, keep: str = "") -> int:
    """End every session of `user` but the one with key `keep`; returns how many."""
    others = list(
        SignInSession.objects.filter(user=user)
        .exclude(session_key=keep)
        .values_list("session_key", flat=True)
    )
    ended, _ = Session.objects.filter(session_key__in=others).delete()
    SignInSession.objects.filter(session_key__in=others).delete()
    return int(ended)


def sign_out_elsewhere(*, user: User, keep: str) -> int:
    """End every session of `user` except the one with key `keep`; returns how many."""
    with transaction.atomic():
        ended = end_sessions(user=user, keep=keep)
        SecurityEvent.about(user, SecurityEvent.Kind.SIGNED_OUT_ELSEWHERE)
        audit.record(
            actor=user,
            action="accounts.sign_out_elsewhere",
            subject=user,
            after={"sessions_ended": ended},
        )
    return ended


def correct_email(*, user: User, email: str, by: User, reason: str) -> None:
    """The Service Desk corrects the mistyped address of an account never confirmed.

    Links are bound to the address (registration.EmailVerificationTokens), so the one
    sent to the wrong address stops working; the caller sends a new one.
    """
    with transaction.atomic():
        before = user.email
        user.email = email
        user.save(update_fields=["email"])
        SecurityEvent.about(user, SecurityEvent.Kind.EMAIL_CORRECTED)
        audit.record(
            actor=by,
            action="accounts.email_corrected",
            subject=user,
            before={"email": before},
            after={"email": email},
            reason=reason,
        )


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


# --- Personal access tokens -----------------------------------------------------------------

STEP_UP_LIMIT = 5  # wrong passwords before a change is refused for STEP_UP_WINDOW
STEP_UP_WINDOW = dt.timedelta(minutes=15)


class TokenError(ValueError):
    """A token that may not be made as asked; the message is written for the person."""


class StepUpPaused(Exception):
    """Too many wrong passwords recently: no more tries for a while."""


@dataclass(frozen=True)
class NewToken:
    """A token just made, and its text: the only time the text exists outside the caller."""

    token: PersonalAccessToken
    text: str


def confirm_password(
    *, user: User, password: str, ip_address: str | None = None, user_agent: str = ""
) -> bool:
    """Check the current password typed again before a sensitive change.

    A wrong one is recorded (the person sees it under "Your sign-ins"); after STEP_UP_LIMIT
    of them in STEP_UP_WINDOW, StepUpPaused is raised without checking, so a session left
    open cannot be used to guess the password.
    """
    recent_failures = SecurityEvent.objects.filter(
        user=user,
        kind=SecurityEvent.Kind.STEP_UP_FAILED,
        created_at__gte=timezone.now() - STEP_UP_WINDOW,
    ).count()
    if recent_failures >= STEP_UP_LIMIT:
        raise StepUpPaused
    if user.check_password(password):
        return True
    SecurityEvent.about(
        user, SecurityEvent.Kind.STEP_UP_FAILED, ip_address=ip_address, user_agent=user_agent[:255]
    )
    return False


def create_token(
    *,
    user: User,
    name: str,
    scopes: Iterable[str],
    days: int,
    ip_address: str | None = None,
    user_agent: str = "",
) -> NewToken:
    """Make a personal access token for `user`; the text is returned, only its digest kept.

    Refuses (TokenError) a scope the person's roles do not allow, an expiry not offered,
    a name already used by one of their usable tokens, or more than MAX_ACTIVE_TOKENS.
    Pressing "Create" twice therefore makes one token: the second is refused by name,
    under a lock on the person's row.
    """
    name = " ".join(name.split())
    chosen = sorted(set(scopes))
    if not name:
        raise TokenError(gettext("Give the token a name."))
    if not chosen:
        raise TokenError(gettext("Choose at least one permission."))
    if not set(chosen) <= {s.value for s in tokens.allowed_scopes(user)}:
        raise TokenError(gettext("Your roles do not allow one of the permissions chosen."))
    if days not in tokens.EXPIRY_DAYS:
        raise TokenError(gettext("Choose one of the expiry periods offered."))
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        usable = PersonalAccessToken.objects.filter(
            user=user, revoked_at__isnull=True, expires_at__gt=now
        )
        if usable.filter(name__iexact=name).exists():
            raise TokenError(
                gettext("You already have a token with this name. Choose another name.")
            )
        if usable.count() >= tokens.MAX_ACTIVE_TOKENS:
            raise TokenError(
                gettext("You have %(count)s tokens, the most allowed. Revoke one first.")
                % {"count": tokens.MAX_ACTIVE_TOKENS}
            )
        prefix, text = tokens.new_text()
        token = PersonalAccessToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            digest=tokens.digest(text),
            scopes=chosen,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        SecurityEvent.about(
            user,
            SecurityEvent.Kind.TOKEN_CREATED,
            ip_address=ip_address,
            user_agent=user_agent[:255],
        )
        audit.record(
            actor=user,
            action="accounts.token_created",
            subject=user,
            after={
                "token": prefix,
                "name": name,
                "scopes": chosen,
                "expires_at": token.expires_at.isoformat(),
            },
        )
    return NewToken(token=token, text=text)


def revoke_token(*, token: PersonalAccessToken, by: User, reason: str = "") -> bool:
    """Stop a token working now. Its owner may; anyone else (the Service Desk) gives a reason.

    Returns False, recording nothing, when it was already revoked (a second press).
    """
    reason = " ".join(reason.split())
    if by.pk != token.user_id and not reason:
        raise ReasonRequired("Write why the token is revoked.")
    now = timezone.now()
    with transaction.atomic():
        changed = PersonalAccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        if not changed:
            return False
        token.revoked_at = now
        owner = token.user
        SecurityEvent.about(owner, SecurityEvent.Kind.TOKEN_REVOKED)
        audit.record(
            actor=by,
            action="accounts.token_revoked",
            subject=owner,
            before={"token": token.prefix, "name": token.name, "revoked": False},
            after={"token": token.prefix, "name": token.name, "revoked": True},
            reason=reason,
        )
    return True


def provider_of(user: Any) -> Provider | None:
    """The person's own provider record (the first, for the rare person with two), or None
    when they are not a provider. The SSN columns are not read."""
    if not getattr(user, "is_authenticated", False):
        return None
    scope = scope_of(user)
    if Role.PROVIDER not in scope.roles or not scope.provider_ids:
        return None
    return Provider.objects.filter(pk=min(scope.provider_ids)).defer("ssn", "ssn_index").first()


def provider_accounts(provider_id: int) -> list[User]:
    """The active sign-ins of a provider record (usually one): whom its notices go to."""
    return [
        m.user
        for m in Membership.objects.filter(
            role=Role.PROVIDER, provider_id=provider_id, user__is_active=True
        ).select_related("user")
    ]
