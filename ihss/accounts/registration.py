"""Registration: matching a person to their case record, and confirming their email.

A provider proves who they are with their 9-digit provider number, a recipient (or
their authorized representative) with the 7-digit case number; both with the last name,
the date of birth and the last four digits of the SSN on the record. Every mismatch
gets the same answer, after the same work, so the form tells nobody which detail was
wrong or whether a number exists.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from ihss.accounts.models import Membership, Role, SecurityEvent, User
from ihss.cases.models import Provider, Recipient

PROVIDER = "provider"
RECIPIENT = "recipient"
ATTEMPT_WINDOW = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Identity:
    kind: str  # PROVIDER or RECIPIENT
    number: str
    last_name: str
    date_of_birth: dt.date
    ssn_last4: str


def _same(a: str, b: str) -> bool:
    return constant_time_compare(normalize_answer(a), normalize_answer(b))


def match(identity: Identity) -> Provider | Recipient | None:
    """The record these details belong to, or None: one query and the same comparisons."""
    record: Provider | Recipient | None
    if identity.kind == PROVIDER:
        record = Provider.objects.filter(provider_number=identity.number).first()
    else:
        record = Recipient.objects.filter(case_number=identity.number).first()
    # Compare against a stand-in when there is no record, so both paths do the same work.
    last_name = record.last_name if record else "\x00"
    dob = record.date_of_birth if record else dt.date.min
    last4 = record.ssn_last4 if record else "\x00"
    matches = [
        _same(identity.last_name, last_name),
        identity.date_of_birth == dob,
        constant_time_compare(identity.ssn_last4, last4),
    ]
    if record is None or not all(matches):
        return None
    if isinstance(record, Provider) and not record.enrollment_complete:
        return None
    return record


def _refusals_from(ip_address: str | None, kind: str) -> int:
    if ip_address is None:
        return 0
    return SecurityEvent.objects.filter(
        kind=kind, ip_address=ip_address, created_at__gte=timezone.now() - ATTEMPT_WINDOW
    ).count()


def too_many_attempts(ip_address: str | None) -> bool:
    """Registration guesses from one address are limited (per hour)."""
    failures = _refusals_from(ip_address, SecurityEvent.Kind.NOT_MATCHED)
    return ip_address is not None and failures >= settings.REGISTRATION_ATTEMPTS_PER_HOUR


def too_many_taken_usernames(ip_address: str | None) -> bool:
    """Step 2 tells whether a username is taken: that answer is limited the same way.

    Each "That username is taken" is recorded (SecurityEvent USERNAME_TAKEN); past the
    hourly limit from one address, step 2 answers "try again in an hour", so it cannot
    be used to list the usernames of the portal.
    """
    refusals = _refusals_from(ip_address, SecurityEvent.Kind.USERNAME_TAKEN)
    return ip_address is not None and refusals >= settings.REGISTRATION_TAKEN_USERNAMES_PER_HOUR


def has_account(record: Provider | Recipient, *, as_representative: bool = False) -> bool:
    if isinstance(record, Provider):
        return Membership.objects.filter(role=Role.PROVIDER, provider=record).exists()
    return Membership.objects.filter(
        role=Role.RECIPIENT, recipient=record, is_representative=as_representative
    ).exists()


def normalize_answer(text: str) -> str:
    """An answer as compared: case, accents and extra spaces do not matter."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def hash_answer(text: str) -> str:
    return make_password(normalize_answer(text))


def answer_matches(text: str, answer_hash: str) -> bool:
    return check_password(normalize_answer(text), answer_hash)


class EmailVerificationTokens(PasswordResetTokenGenerator):
    """Single use (it changes once the account is active) and expiring."""

    key_salt = "ihss.accounts.registration.EmailVerificationTokens"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.is_active}{user.email}{timestamp}"

    def check_token(self, user: User | None, token: str | None) -> bool:
        if not super().check_token(user, token) or token is None:
            return False
        ts_b36 = token.split("-")[0]
        try:
            age = self._num_seconds(self._now()) - base36_to_int(ts_b36)
        except ValueError:
            return False
        return age <= settings.EMAIL_VERIFICATION_SECONDS


verification_tokens = EmailVerificationTokens()


def confirmation_link_path(user: User) -> str:
    """The emailed confirmation link, made by the outbox worker as it sends (never stored)."""
    return reverse(
        "register-verify",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), verification_tokens.make_token(user)],
    )


def user_from_uid(uidb64: str) -> User | None:
    """The account an emailed link names (confirmation or reset), or None."""
    try:
        return User.objects.filter(pk=int(force_str(urlsafe_base64_decode(uidb64)))).first()
    except (ValueError, TypeError, OverflowError):
        return None
