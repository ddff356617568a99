"""Self-service recovery: a forgotten username, a forgotten password (which also unlocks).

Every request gets the same answer whether or not an account matches, so the pages
reveal nothing. A password reset needs both the single-use emailed link and the answers
to two of the person's security questions; it ends the sign-in pause, signs the account
out everywhere else (Django ties sessions to the password) and tells the person.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ihss.accounts.lockout import normalize
from ihss.accounts.models import SecurityAnswer, SecurityEvent, User
from ihss.accounts.registration import answer_matches

WINDOW = dt.timedelta(hours=1)
ANSWER_TRIES = 3


def requests_from(ip_address: str | None) -> int:
    if ip_address is None:
        return 0
    return SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.RECOVERY_REQUESTED,
        ip_address=ip_address,
        created_at__gte=timezone.now() - WINDOW,
    ).count()


def too_many_requests(ip_address: str | None) -> bool:
    return requests_from(ip_address) >= settings.RECOVERY_REQUESTS_PER_HOUR


def _record_request(ip_address: str | None, user: User | None) -> None:
    SecurityEvent.objects.create(
        user=user,
        username=normalize(user.get_username()) if user else "",
        kind=SecurityEvent.Kind.RECOVERY_REQUESTED,
        ip_address=ip_address,
    )


def send_username(*, email: str, ip_address: str | None) -> None:
    """Email the usernames that use this confirmed address (nothing if none do)."""
    users = list(User.objects.filter(email__iexact=email.strip(), is_active=True))
    _record_request(ip_address, users[0] if len(users) == 1 else None)
    if not users:
        return
    send_mail(
        subject=_("Your IHSS Portal username"),
        message=render_to_string(
            "registration/recover_username_email.txt",
            {
                "usernames": [u.get_username() for u in users],
                "sign_in": settings.PORTAL_BASE_URL + reverse("login"),
                "service_desk_phone": settings.SERVICE_DESK_PHONE,
            },
        ),
        from_email=None,
        recipient_list=[users[0].email],
    )


def send_reset_link(*, username_or_email: str, ip_address: str | None) -> None:
    """Email a single-use reset link to the account named (nothing if none matches)."""
    typed = username_or_email.strip()
    user = (
        User.objects.filter(Q(username__iexact=typed) | Q(email__iexact=typed), is_active=True)
        .order_by("id")
        .first()
    )
    _record_request(ip_address, user)
    if user is None or not user.email or not user.has_usable_password():
        return
    link = settings.PORTAL_BASE_URL + reverse(
        "recover-reset",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    send_mail(
        subject=_("Reset your IHSS Portal password"),
        message=render_to_string(
            "registration/recover_password_email.txt",
            {
                "user": user,
                "link": link,
                "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
                "service_desk_phone": settings.SERVICE_DESK_PHONE,
            },
        ),
        from_email=None,
        recipient_list=[user.email],
    )


def questions_to_ask(user: User, *, seed: str) -> list[SecurityAnswer]:
    """Two of the person's three questions, the same two for the same link."""
    answers = list(SecurityAnswer.objects.filter(user=user).order_by("question"))
    return random.Random(seed).sample(answers, k=min(2, len(answers)))  # noqa: S311


def answers_blocked(user: User) -> bool:
    """Three wrong answers within a reset link's lifetime stop recovery for that time."""
    since = timezone.now() - dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    wrong = SecurityEvent.objects.filter(
        user=user, kind=SecurityEvent.Kind.RECOVERY_ANSWER_WRONG, created_at__gte=since
    ).count()
    return wrong >= ANSWER_TRIES


def check_answers(user: User, asked: list[SecurityAnswer], typed: list[str]) -> bool:
    right = all(answer_matches(t, a.answer_hash) for a, t in zip(asked, typed, strict=True))
    if not right:
        SecurityEvent.about(user, SecurityEvent.Kind.RECOVERY_ANSWER_WRONG)
    return right
