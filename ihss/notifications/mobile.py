"""Confirming a mobile number for text messages: a code sent by text, typed back within
its lifetime, with a limit on tries and on codes a day (the settings page uses it)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext

from ihss.core import audit
from ihss.notifications import channels, rules
from ihss.notifications.models import ContactSettings, MobileVerification, Preference
from ihss.notifications.rendering import supported_language
from ihss.notifications.services import (
    CODE_LIFETIME,
    CODE_MAX_FAILURES,
    CODE_RESEND_WAIT,
    CODE_SALT,
    CODES_PER_DAY,
    Person,
    _tell_about_change,
)


class VerificationError(ValueError):
    """A verification step that cannot go on; the message is written for the person."""


def _code_hash(user_id: int, number: str, code: str) -> str:
    return salted_hmac(CODE_SALT, f"{user_id}:{number}:{code}", algorithm="sha256").hexdigest()


def start_mobile_verification(*, user: Person, number: str) -> MobileVerification:
    """Text a 6-digit code to `number` (as typed); the person types it back to confirm."""
    e164 = rules.normalize_us_mobile(number)
    if e164 is None:
        raise VerificationError(
            gettext("Enter a US mobile number with its area code, like (530) 555-0123.")
        )
    now = timezone.now()
    recent = MobileVerification.objects.filter(
        user=user, created_at__gt=now - dt.timedelta(days=1)
    ).order_by("-created_at")
    latest = recent.first()
    if latest is not None and now - latest.created_at < CODE_RESEND_WAIT:
        raise VerificationError(gettext("We just sent a code. Wait a minute before asking again."))
    if recent.count() >= CODES_PER_DAY:
        raise VerificationError(
            gettext("Too many codes were sent today. Try again tomorrow or call the Service Desk.")
        )
    code = f"{secrets.randbelow(10**6):06d}"
    with translation.override(supported_language(getattr(user, "preferred_language", ""))):
        body = gettext(
            "IHSS portal code: %(code)s. It expires in 10 minutes. Do not share it with anyone."
        ) % {"code": code}
    try:
        channels.sms_backend().send(
            to=e164, body=body, reference=f"ihss-verify-{user.pk}-{int(now.timestamp())}"
        )
    except channels.PermanentFailure:
        raise VerificationError(
            gettext("That number cannot receive text messages. Check it and try again.")
        ) from None
    except channels.TemporaryFailure:
        raise VerificationError(
            gettext("We could not send the code just now. Try again in a few minutes.")
        ) from None
    return MobileVerification.objects.create(
        user=user,
        mobile_number=e164,
        code_hash=_code_hash(user.pk, e164, code),
        created_at=now,
        expires_at=now + CODE_LIFETIME,
    )


def pending_verification(user: Person) -> MobileVerification | None:
    return (
        MobileVerification.objects.filter(
            user=user, used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-created_at")
        .first()
    )


def confirm_mobile(*, user: Person, code: str) -> ContactSettings:
    """Check the typed code; on success the number receives texts from now on."""
    with transaction.atomic():
        pending = pending_verification(user)
        if pending is None:
            raise VerificationError(gettext("The code has expired. Ask for a new one."))
        pending = MobileVerification.objects.select_for_update().get(pk=pending.pk)
        if pending.failed_attempts >= CODE_MAX_FAILURES:
            raise VerificationError(gettext("Too many wrong codes. Ask for a new one."))
        typed = "".join(code.split())
        right = constant_time_compare(
            _code_hash(user.pk, pending.mobile_number, typed), pending.code_hash
        )
        if not right:
            # Counted in its own commit: the error below must not undo the count.
            pending.failed_attempts += 1
            pending.save(update_fields=["failed_attempts"])
        else:
            contact = _confirm(user, pending)
    if right:
        return contact
    left = CODE_MAX_FAILURES - pending.failed_attempts
    if left <= 0:
        raise VerificationError(gettext("Too many wrong codes. Ask for a new one."))
    raise VerificationError(
        translation.ngettext(
            "That code is not right. You can try %(left)s more time.",
            "That code is not right. You can try %(left)s more times.",
            left,
        )
        % {"left": left}
    )


def _confirm(user: Person, pending: MobileVerification) -> ContactSettings:
    now = timezone.now()
    pending.used_at = now
    pending.save(update_fields=["used_at"])
    contact, _ = ContactSettings.objects.select_for_update().get_or_create(user=user)
    before = {"mobile_number": contact.mobile_number}
    contact.mobile_number = pending.mobile_number
    contact.mobile_verified_at = now
    contact.mobile_refused_at = None
    contact.save()
    audit.record(
        actor=user,
        action="notifications.mobile.confirm",
        subject=user,
        before=before,
        after={"mobile_number": contact.mobile_number},
    )
    _tell_about_change(user)
    return contact


def remove_mobile(*, user: Person) -> None:
    """Forget the mobile number; notices chosen by text go by email again."""
    with transaction.atomic():
        contact = ContactSettings.objects.select_for_update().filter(user=user).first()
        if contact is None or not contact.mobile_number:
            return
        before = {"mobile_number": contact.mobile_number}
        contact.mobile_number = ""
        contact.mobile_verified_at = None
        contact.mobile_refused_at = None
        contact.save()
        Preference.objects.filter(
            user=user, choice__in=[rules.CHOICE_SMS, rules.CHOICE_BOTH]
        ).update(choice=rules.CHOICE_EMAIL)
        audit.record(
            actor=user,
            action="notifications.mobile.remove",
            subject=user,
            before=before,
            after={"mobile_number": ""},
        )
        _tell_about_change(user)
