"""People who sign in, and the roles they hold."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin

from ihss.accounts import rules
from ihss.cases.models import County, Provider, Recipient
from ihss.core import registry
from ihss.core.fields import EncryptedTextField
from ihss.core.scope import Scope


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships."""

    preferred_language = models.CharField(
        _("preferred language"), max_length=8, blank=True, default=""
    )

    def roles(self) -> set[str]:
        return {m.role for m in self.active_memberships()}

    def active_memberships(self) -> list[Membership]:
        cached: list[Membership] | None = getattr(self, "_memberships_cache", None)
        if cached is None:
            # The SSN column is not needed to decide access: do not decrypt it per request.
            cached = list(
                self.memberships.select_related("county", "provider", "recipient")
                .defer("provider__ssn", "recipient__ssn")
                .order_by("id")
            )
            self._memberships_cache = cached
        return cached

    def memberships_as(self, role: str) -> list[Membership]:
        return [m for m in self.active_memberships() if m.role == role]

    def scope(self) -> Scope:
        """What the person may see (ihss/core/scope.py), worked out once from the
        memberships and kept on this object, which lives as long as its request. It follows
        the memberships: a membership saved or deleted through this object forgets both."""
        memberships = self.active_memberships()
        cached: tuple[list[Membership], Scope] | None = getattr(self, "_scope_cache", None)
        if cached is not None and cached[0] is memberships:
            return cached[1]
        roles = frozenset(m.role for m in memberships)
        recipients = [m for m in memberships if m.role == Role.RECIPIENT and m.recipient_id]
        scope = Scope(
            user_id=self.pk,
            roles=roles,
            provider_ids=frozenset(
                m.provider_id for m in memberships if m.role == Role.PROVIDER and m.provider_id
            ),
            recipient_ids=frozenset(m.recipient_id for m in recipients if m.recipient_id),
            represented_ids=frozenset(
                m.recipient_id for m in recipients if m.recipient_id and m.is_representative
            ),
            county_ids=frozenset(
                m.county_id for m in memberships if m.role == Role.COUNTY_STAFF and m.county_id
            ),
            reads_statewide=bool(roles & STATEWIDE_READERS),
            writes_statewide=bool(roles & STATEWIDE_WRITERS),
        )
        self._scope_cache = (memberships, scope)
        return scope

    def forget_memberships(self) -> None:
        """Read the memberships (and so the roles and the scope) again when next asked."""
        self.__dict__.pop("_memberships_cache", None)
        self.__dict__.pop("_scope_cache", None)

    def has_role(self, role: str) -> bool:
        return role in self.roles()

    def has_second_factor(self) -> bool:
        """Whether a confirmed authenticator app, passkey or recovery code set is enrolled."""
        from django_otp import user_has_device

        return bool(self.pk) and user_has_device(self, confirmed=True)


class Role(models.TextChoices):
    """The seven roles of the portal (PRODUCT.md, "Who uses it")."""

    PROVIDER = "provider", _("Provider")
    RECIPIENT = "recipient", _("Recipient or authorized representative")
    COUNTY_STAFF = "county_staff", _("County IHSS staff")
    TRAINING_PROVIDER = "training_provider", _("Training provider staff")
    COACH = "coach", _("Coach")
    SERVICE_DESK = "service_desk", _("Service desk")
    STATE_ADMIN = "state_admin", _("State administrator")


# Roles that read every county's records, and the one that changes them.
STATEWIDE_READERS = frozenset({Role.STATE_ADMIN, Role.SERVICE_DESK})
STATEWIDE_WRITERS = frozenset({Role.STATE_ADMIN})


class Membership(models.Model):
    """One role held by one user, with the record it is scoped to.

    A provider membership names the provider record; a recipient membership names the
    recipient (the user may be the recipient or their authorized representative); county
    staff are scoped to one county. The other roles are statewide.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, null=True, blank=True)
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, null=True, blank=True)
    is_representative = models.BooleanField(
        _("authorized representative"),
        default=False,
        help_text=_("The user acts for the recipient rather than being the recipient."),
    )
    organization = models.CharField(
        _("organization"),
        max_length=120,
        blank=True,
        help_text=_("Training provider or coaching organization the user works for."),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(role="provider", provider__isnull=False, recipient__isnull=True)
                    | Q(role="recipient", recipient__isnull=False, provider__isnull=True)
                    | Q(
                        role="county_staff",
                        county__isnull=False,
                        provider__isnull=True,
                        recipient__isnull=True,
                    )
                    | Q(
                        role__in=["training_provider", "coach", "service_desk", "state_admin"],
                        provider__isnull=True,
                        recipient__isnull=True,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.provider or self.recipient or self.county or self.organization
        return f"{self.user} as {self.get_role_display()}" + (f" ({scope})" if scope else "")

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        self._forget_on_user()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        deleted = super().delete(*args, **kwargs)
        self._forget_on_user()
        return deleted

    def _forget_on_user(self) -> None:
        """A role given or taken through a user object already loaded is seen by it at
        once: its kept memberships and scope are read again."""
        if Membership.user.is_cached(self):
            self.user.forget_memberships()


class SecurityEvent(models.Model):
    """Something that happened to the security of an account: sign-ins, lockouts, unlocks.

    `username` is kept as typed (normalized) even when no account has it, so that a
    lockout of an unknown name is counted like any other and reveals nothing. Never holds
    a password, an answer or a code.
    """

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in")
        LOCKED_OUT = "locked_out", _("Sign-in paused after failed attempts")
        SIGN_IN_STOPPED = "sign_in_stopped", _("Sign-in from new browsers stopped")
        THROTTLED = "throttled", _("Too many attempts from one network address")
        UNLOCKED = "unlocked", _("Unlocked by the Service Desk")
        REGISTERED = "registered", _("Registered")
        NOT_MATCHED = "not_matched", _("Registration details did not match a record")
        USERNAME_TAKEN = "username_taken", _("Registration was told a username is taken")
        EMAIL_VERIFIED = "email_verified", _("Email address confirmed")
        RECOVERY_REQUESTED = "recovery_requested", _("Asked for a username or a reset link")
        RECOVERY_ANSWER_WRONG = "recovery_answer_wrong", _("Wrong security answers")
        PASSWORD_RESET = "password_reset", _("Password reset")
        SIGNED_OUT_ELSEWHERE = "signed_out_elsewhere", _("Signed out everywhere else")
        SECOND_FACTOR_ADDED = "second_factor_added", _("Second factor added")
        SECOND_FACTOR_REMOVED = "second_factor_removed", _("Second factor removed")
        SECOND_FACTOR_WRONG = "second_factor_wrong", _("Wrong second-factor code")
        SECOND_FACTOR_RESET = "second_factor_reset", _("Second factor reset by the Service Desk")
        RECOVERY_CODES_MADE = "recovery_codes_made", _("New recovery codes made")
        RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
        STEP_UP_FAILED = "step_up_failed", _("Wrong confirmation before a change")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        EMAIL_CHANGED = "email_changed", _("Email address changed")
        EMAIL_CORRECTED = "email_corrected", _("Email address corrected by the Service Desk")
        TOKEN_CREATED = "token_created", _("Personal access token created")
        TOKEN_REVOKED = "token_revoked", _("Personal access token revoked")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="security_events"
    )
    username = models.CharField(max_length=150)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="How long a lockout lasts."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "kind", "-created_at"], name="security_by_username"),
            models.Index(fields=["user", "-created_at"], name="security_by_user"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username} at {self.created_at}"

    @classmethod
    def about(cls, user: User, kind: str, **facts: Any) -> SecurityEvent:
        """Record `kind` happening to `user`'s account (facts: address, browser, minutes)."""
        return cls.objects.create(
            user=user, username=rules.normalize_username(user.get_username()), kind=kind, **facts
        )


class SecurityQuestion(models.TextChoices):
    """The questions a person answers at registration, to prove who they are later."""

    FIRST_SCHOOL = "first_school", _("What was the name of your first school?")
    BIRTH_CITY = "birth_city", _("In what city were you born?")
    FIRST_PET = "first_pet", _("What was the name of your first pet?")
    CHILDHOOD_STREET = "childhood_street", _("On what street did you live as a child?")
    FAVORITE_FOOD = "favorite_food", _("What was your favorite food as a child?")
    FIRST_JOB = "first_job", _("Where was your first job?")


class SecurityAnswer(models.Model):
    """One answer, kept only as a password hash of its normalized form."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_answers")
    question = models.CharField(max_length=30, choices=SecurityQuestion.choices)
    answer_hash = models.CharField(max_length=256)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.question}"


class SignInSession(models.Model):
    """Which browser session a sign-in opened, so a person can see and end them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Session of {self.user} from {self.created_at}"


class AuthenticatorApp(ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238) set up by scanning a QR code.

    The shared secret is encrypted at rest. A code is accepted once: the time step of the
    last accepted code is raised with a conditional UPDATE, so the same code sent twice,
    even at the same instant, lets only one request in.
    """

    secret = EncryptedTextField(help_text="Base32 shared secret.")
    last_step = models.BigIntegerField(
        default=-1, help_text="Time step of the last accepted code; older steps are refused."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")

    def get_throttle_factor(self) -> int:
        return int(settings.SECOND_FACTOR_THROTTLE_FACTOR)

    def verify_token(self, token: Any) -> bool:
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        step = rules.totp_step_matching(
            secret=self.secret,
            code=str(token),
            now=time.time(),
            after_step=self.last_step,
            window=settings.SECOND_FACTOR_TOTP_WINDOW,
        )
        if step is not None:
            accepted = AuthenticatorApp.objects.filter(pk=self.pk, last_step__lt=step).update(
                last_step=step,
                last_used_at=timezone.now(),
                throttling_failure_count=0,
                throttling_failure_timestamp=None,
            )
            if accepted:
                self.last_step = step
                self.throttling_failure_count = 0
                return True
        _count_failure(self)
        return False


class RecoveryCodeSet(ThrottlingMixin, Device):
    """Single-use recovery codes, for when the app or passkey is lost. Kept as digests."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")

    def get_throttle_factor(self) -> int:
        return int(settings.SECOND_FACTOR_THROTTLE_FACTOR)

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()

    def verify_token(self, token: Any) -> bool:
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        digest = rules.recovery_code_digest(str(token))
        used = (
            digest is not None
            and RecoveryCode.objects.filter(
                code_set=self, digest=digest, used_at__isnull=True
            ).update(used_at=timezone.now())
            == 1
        )
        if used:
            RecoveryCodeSet.objects.filter(pk=self.pk).update(
                throttling_failure_count=0, throttling_failure_timestamp=None
            )
            return True
        _count_failure(self)
        return False


class RecoveryCode(models.Model):
    code_set = models.ForeignKey(RecoveryCodeSet, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code_set", "digest"], name="recovery_code_once")
        ]

    def __str__(self) -> str:
        return f"recovery code {self.pk}"


class SecondFactorResetRequest(models.Model):
    """The Service Desk asks a state administrator to remove a staff member's second
    factors (ihss/accounts/factor_reset.py).

    A staff account has no case record to check a caller against, so the desk never
    removes its second factor alone: the agent writes how they checked who is calling,
    and a state administrator, neither the staff member nor the agent, approves or
    declines. One request waits per account at a time.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a state administrator")
        APPROVED = "approved", _("Approved: second factor removed")
        DECLINED = "declined", _("Declined")

    account = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(_("how the caller was checked"))
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("state administrator's reason"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status="pending"),
                name="one_waiting_factor_reset_per_account",
            ),
            models.CheckConstraint(
                condition=~Q(requested_by=F("account")),
                name="factor_reset_not_asked_by_its_owner",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | (~Q(decided_by=F("account")) & ~Q(decided_by=F("requested_by"))),
                name="factor_reset_decided_by_another_person",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="factor_resets_waiting")]

    def __str__(self) -> str:
        return f"Second factor reset of {self.account} ({self.status})"


def _count_failure(device: AuthenticatorApp | RecoveryCodeSet) -> None:
    """Count a wrong code in the database itself, so concurrent guesses all count."""
    now = timezone.now()
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_count=F("throttling_failure_count") + 1,
        throttling_failure_timestamp=now,
    )
    device.throttling_failure_count += 1
    device.throttling_failure_timestamp = now


# What a personal access token may do on /api/v1: one API router, read or write. Each app
# declares its own scopes in its `app.py` (ihss/core/registry.py); `TokenScope.CASES_READ`
# is the scope "cases:read". A scope is only a ceiling: each call is still checked against
# the owner's roles at the time of the call, exactly as their signed-in session would be.
TokenScope = registry.ScopeCatalogue()


class PersonalAccessToken(models.Model):
    """A secret an integration sends as `Authorization: Bearer ...` to act as its owner.

    The text, `ihss_pat_<prefix>_<secret>`, is shown once when it is made and never
    stored: only its SHA-256 digest is (see ihss/accounts/tokens.py for why not a password
    hash). `prefix` is not secret; it finds the row and tells a person's tokens apart.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="tokens_by_user")]
        constraints = [
            models.CheckConstraint(
                name="token_expires_after_creation", condition=Q(expires_at__gt=F("created_at"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def is_active(self, now: dt.datetime | None = None) -> bool:
        return self.revoked_at is None and not self.is_expired(now)

    def status(self, now: dt.datetime | None = None) -> str:
        """'revoked', 'expired' or 'active' (pages translate it)."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.is_expired(now) else "active"

    def scope_labels(self) -> list[str]:
        """What each scope allows, in words; a scope no app declares any more by its name."""
        labels = dict(TokenScope.choices)
        return [str(labels.get(s, s)) for s in self.scopes]


class SignInGuard(models.Model):
    """The consecutive failed sign-ins of one username from one group of browsers.

    `device` is empty for every browser without a valid device cookie for the username
    (unknown browsers), or the id in the signed device cookie of one browser that signed
    in before. Unknown usernames get rows too, so a pause reveals nothing. The pause ends
    at `paused_until`, fixed when it starts: what the page and the notice say. A row past
    the cap (`stopped_at`) refuses every try until recovery, the Service Desk's unlock or
    a sign-in from a known browser (ihss.accounts.lockout, docs/adr/0012).
    """

    username = models.CharField(max_length=150)
    device = models.CharField(max_length=32, blank=True)
    failures = models.PositiveIntegerField(default=0)
    pauses = models.PositiveIntegerField(default=0, help_text="Pauses so far: each is longer.")
    paused_until = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["username", "device"], name="one_guard_per_browser")
        ]

    def __str__(self) -> str:
        return f"{self.username} ({self.device or 'unknown browsers'}): {self.failures}"


class FailedSignIn(models.Model):
    """One wrong password, kept a day for the per-address throttle. No password, ever."""

    username = models.CharField(max_length=150)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    known_browser = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["ip_address", "created_at"], name="failed_sign_in_by_address")
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip_address} at {self.created_at}"
