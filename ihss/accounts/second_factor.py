"""Second factors: authenticator apps, passkeys and recovery codes.

A person adds them on the "Second factor" page; staff roles must have one. After the
password, a session whose account has a second factor is held at the second-factor page
until a code or passkey is given (SecondFactorMiddleware). Recovery codes stand in when
the app or passkey is lost; the Service Desk can remove everything after checking who is
calling. Every change is a security event, an audit entry and a notice to the person.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp_webauthn.models import WebAuthnCredential

from ihss.accounts import rules, services
from ihss.accounts.lockout import request_facts
from ihss.accounts.models import (
    AuthenticatorApp,
    RecoveryCode,
    RecoveryCodeSet,
    SecurityEvent,
    SignInSession,
    User,
)
from ihss.core import audit, stepup
from ihss.notifications.events import Event
from ihss.notifications.services import notify

# Set at sign-in when the session still owes a second factor: "verify" (give one) or
# "enroll" (the role requires one and the account has none yet).
PENDING_KEY = "ihss_second_factor"
VERIFY = "verify"
ENROLL = "enroll"
RECOVERY_CODE_COUNT = 10
APP = "app"
RECOVERY = "recovery"


class LastFactorRequired(Exception):
    """Removing this would leave a staff account without the second factor its role needs."""


@dataclass(frozen=True)
class Factors:
    apps: list[AuthenticatorApp]
    passkeys: list[WebAuthnCredential]
    recovery: RecoveryCodeSet | None
    recovery_left: int

    @property
    def any(self) -> bool:
        return bool(self.apps or self.passkeys)


def is_required(user: User) -> bool:
    return rules.second_factor_required(
        user.roles(), required_roles=set(settings.SECOND_FACTOR_REQUIRED_ROLES)
    )


def factors_of(user: User) -> Factors:
    apps = list(AuthenticatorApp.objects.filter(user=user, confirmed=True).order_by("id"))
    passkeys = list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("id"))
    recovery = RecoveryCodeSet.objects.filter(user=user).first()
    left = recovery.remaining() if recovery else 0
    return Factors(apps=apps, passkeys=passkeys, recovery=recovery, recovery_left=left)


def pending_step(user: User) -> str | None:
    """What a fresh sign-in of `user` still owes: VERIFY, ENROLL or nothing."""
    if user.has_second_factor():
        return VERIFY
    if is_required(user):
        return ENROLL
    return None


def on_signed_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """Receiver of user_logged_in: note in the session what second factor is still owed."""
    if request is None or not hasattr(request, "session"):
        return
    # Every way in starts with the password (passkeys never replace it): a confirmation.
    stepup.mark_confirmed(request)
    step = pending_step(user)
    if step:
        request.session[PENDING_KEY] = step
    else:
        request.session.pop(PENDING_KEY, None)


def still_owed(request: HttpRequest) -> str | None:
    """The second-factor step this session still owes, if any."""
    step = request.session.get(PENDING_KEY)
    if step and request.user.is_verified():  # type: ignore[union-attr]
        request.session.pop(PENDING_KEY, None)
        return None
    return step


def verified(request: HttpRequest, device: Device) -> None:
    """Mark the session as having given `device`, under a new session id."""
    otp_login(request, device)
    new_session_id(request)


def new_session_id(request: HttpRequest) -> None:
    """Give the session a new id, keeping what it holds.

    Done whenever the session gains rights (Django does it at the password; this, at the
    second factor), so an id learned before, for example planted in the browser or read
    off a shared computer, is worth nothing after. The record of the sign-in follows the
    new id, so "sign out everywhere" still reaches it.
    """
    session = request.session
    old = session.session_key
    session.cycle_key()
    new = session.session_key
    if old and new and old != new:
        SignInSession.objects.filter(session_key=old).update(session_key=new)


def _event(user: User, kind: str, request: HttpRequest | None = None) -> SecurityEvent:
    facts = request_facts(request) if request is not None else {}
    return SecurityEvent.about(user, kind, **facts)


def _tell(user: User, change: str, event: SecurityEvent, remaining: int = 0) -> None:
    notify(
        user=user,
        event=Event.SIGN_IN_PROTECTION,
        context={
            "changed_on": timezone.localdate().isoformat(),
            "change": change,
            "remaining": remaining,
        },
        key=f"second-factor:{event.pk}",
        link="/accounts/second-factor/",
    )


# --- Authenticator apps -------------------------------------------------------------------


def start_app(user: User) -> AuthenticatorApp:
    """A new, unconfirmed app with a fresh secret; any earlier unconfirmed one is dropped."""
    AuthenticatorApp.objects.filter(user=user, confirmed=False).delete()
    secret = base64.b32encode(secrets.token_bytes(20)).decode("ascii")
    return AuthenticatorApp.objects.create(
        user=user, name="Authenticator app", secret=secret, confirmed=False
    )


def pending_app(user: User, pk: int | None) -> AuthenticatorApp | None:
    if pk is None:
        return None
    return AuthenticatorApp.objects.filter(user=user, pk=pk, confirmed=False).first()


def provisioning_uri(app: AuthenticatorApp) -> str:
    """The otpauth:// address the app's QR code holds (Key URI format)."""
    issuer = settings.OTP_TOTP_ISSUER
    label = quote(f"{issuer}:{app.user.get_username()}")
    query = urlencode(
        {
            "secret": app.secret,
            "issuer": issuer,
            "digits": rules.TOTP_DIGITS,
            "period": rules.TOTP_PERIOD_SECONDS,
        }
    )
    return f"otpauth://totp/{label}?{query}"


def qr_svg(uri: str) -> str:
    """An inline SVG QR code (no image request, nothing leaves the page)."""
    title = gettext("QR code to scan with your authenticator app")
    return str(segno.make(uri, error="m").svg_inline(scale=5, border=4, title=title, omitsize=True))


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_app(request: HttpRequest, app: AuthenticatorApp, code: str) -> list[str] | None:
    """Confirm a new app with its first code. None if wrong; else new recovery codes
    (when this is the person's first second factor) or an empty list."""
    user = app.user
    if not app.verify_token(code):
        _event(user, SecurityEvent.Kind.SECOND_FACTOR_WRONG, request)
        return None
    with transaction.atomic():
        first = not factors_of(user).any
        app.confirmed = True
        app.save(update_fields=["confirmed"])
        event = _event(user, SecurityEvent.Kind.SECOND_FACTOR_ADDED, request)
        audit.record(
            actor=user,
            action="accounts.second_factor_added",
            subject=user,
            after={"kind": "authenticator_app"},
        )
        _tell(user, "app_added", event)
        codes = make_recovery_codes(request, user) if first else []
    verified(request, app)
    return codes


# --- Passkeys (registered by django-otp-webauthn's views, see accounts.passkeys) ------------


FIRST_CODES_DUE_KEY = "ihss_first_recovery_codes_due"  # session: codes owed after a passkey


def passkey_added(request: HttpRequest, credential: WebAuthnCredential) -> None:
    """Record and tell a new passkey. When it is the person's first second factor, their
    ten recovery codes are owed, as for a first app: the page the browser goes to next
    makes and shows them once (first_recovery_codes), since this request answers the
    passkey script in JSON."""
    user = credential.user
    with transaction.atomic():
        event = _event(user, SecurityEvent.Kind.SECOND_FACTOR_ADDED, request)
        audit.record(
            actor=user,
            action="accounts.second_factor_added",
            subject=user,
            after={"kind": "passkey"},
        )
        _tell(user, "passkey_added", event)
        factors = factors_of(user)
        if len(factors.apps) + len(factors.passkeys) == 1 and factors.recovery is None:
            request.session[FIRST_CODES_DUE_KEY] = True


def first_recovery_codes(request: HttpRequest, user: User) -> list[str] | None:
    """The recovery codes owed after a first passkey, made once; None if none are owed.

    Under a lock of the person's row, so that two pages opened at once (a reload) do not
    both make codes: the second finds them made and shows none.
    """
    if not request.session.pop(FIRST_CODES_DUE_KEY, False):
        return None
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if RecoveryCodeSet.objects.filter(user=user).exists():
            return None
        return make_recovery_codes(request, user)


# --- Recovery codes -------------------------------------------------------------------------


def make_recovery_codes(request: HttpRequest | None, user: User) -> list[str]:
    """Ten new single-use codes, shown once; the old ones stop working."""
    codes = [
        rules.format_recovery_code(secrets.token_bytes(10)) for _ in range(RECOVERY_CODE_COUNT)
    ]
    with transaction.atomic():
        RecoveryCodeSet.objects.filter(user=user).delete()
        code_set = RecoveryCodeSet.objects.create(user=user, name="Recovery codes")
        RecoveryCode.objects.bulk_create(
            RecoveryCode(code_set=code_set, digest=rules.recovery_code_digest(code) or "")
            for code in codes
        )
        event = _event(user, SecurityEvent.Kind.RECOVERY_CODES_MADE, request)
        audit.record(actor=user, action="accounts.recovery_codes_made", subject=user)
        _tell(user, "codes_made", event)
    return codes


# --- Giving a second factor -----------------------------------------------------------------


def verify(request: HttpRequest | None, user: User, method: str, code: str) -> Device | None:
    """The device that accepts `code` (an app's or a recovery code), or None.

    Wrong codes are counted on each device (waits of 1, 2, 4... seconds) and recorded.
    """
    devices: list[Device]
    if method == RECOVERY:
        devices = list(RecoveryCodeSet.objects.filter(user=user))
    else:
        devices = list(AuthenticatorApp.objects.filter(user=user, confirmed=True))
    for device in devices:
        if device.verify_token(code):
            if isinstance(device, RecoveryCodeSet):
                with transaction.atomic():
                    event = _event(user, SecurityEvent.Kind.RECOVERY_CODE_USED, request)
                    _tell(user, "code_used", event, remaining=device.remaining())
            return device
    _event(user, SecurityEvent.Kind.SECOND_FACTOR_WRONG, request)
    return None


def pending_app_wait_until(app: AuthenticatorApp) -> dt.datetime | None:
    """When an app being set up may be tried again, if a wrong first code made it wait."""
    allowed, details = app.verify_is_allowed()
    if not allowed and details and "locked_until" in details:
        until: dt.datetime = details["locked_until"]
        return until
    return None


def wait_message(until: dt.datetime) -> str:
    """What a person is told when a code comes before the wait a wrong one started: a
    wait of so many seconds, not a code that "did not match"."""
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    return ngettext(
        "A wrong code makes the next try wait. Wait %(seconds)s second, then try again.",
        "A wrong code makes the next try wait. Wait %(seconds)s seconds, then try again.",
        seconds,
    ) % {"seconds": seconds}


def wait_until(user: User, method: str) -> dt.datetime | None:
    """When the next code may be tried, if wrong codes made this method wait."""
    model: type[AuthenticatorApp] | type[RecoveryCodeSet] = (
        RecoveryCodeSet if method == RECOVERY else AuthenticatorApp
    )
    latest = None
    for device in model.objects.filter(user=user, confirmed=True):
        allowed, details = device.verify_is_allowed()
        if not allowed and details and "locked_until" in details:
            until = details["locked_until"]
            latest = until if latest is None or until > latest else latest
    return latest


# --- Removing ---------------------------------------------------------------------------------


def remove(request: HttpRequest, user: User, device: AuthenticatorApp | WebAuthnCredential) -> None:
    """Remove one app or passkey; the recovery codes go with the last of them."""
    with transaction.atomic():
        factors = factors_of(user)
        others = [d for d in [*factors.apps, *factors.passkeys] if d != device]
        if not others and is_required(user):
            raise LastFactorRequired
        kind = "passkey" if isinstance(device, WebAuthnCredential) else "authenticator_app"
        device.delete()
        if not others:
            RecoveryCodeSet.objects.filter(user=user).delete()
        event = _event(user, SecurityEvent.Kind.SECOND_FACTOR_REMOVED, request)
        audit.record(
            actor=user, action="accounts.second_factor_removed", subject=user, before={"kind": kind}
        )
        _tell(user, "removed", event)


def reset_all(*, user: User, by: User, reason: str, notice: str = "reset") -> int:
    """Remove every second factor, after checking who is calling: the Service Desk for a
    provider or recipient, a state administrator for staff (accounts.factor_reset, which
    decides who may). `notice` is the change the person is told of.

    Signs the person out everywhere: whoever holds a session may be who took the phone.
    Returns how many apps, passkeys and code sets were removed.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("Write why the second factor is reset.")
    with transaction.atomic():
        removed = 0
        for model in (AuthenticatorApp, WebAuthnCredential, RecoveryCodeSet):
            devices = model.objects.filter(user=user)
            removed += devices.count()
            devices.delete()
        services.end_sessions(user=user)
        event = SecurityEvent.about(user, SecurityEvent.Kind.SECOND_FACTOR_RESET)
        audit.record(
            actor=by,
            action="accounts.second_factor_reset",
            subject=user,
            after={"removed": removed},
            reason=reason,
        )
        _tell(user, notice, event)
    return removed
