"""Self-service recovery: a forgotten username, a forgotten password (which also unlocks).

Every request gets the same answer whether or not an account matches, and the same work:
the page records the request and queues it; a background task looks the account up and,
if there is one, raises the email through the notification outbox. So the answer takes
as long for a stranger as for an account holder, and a mail outage delays the email
instead of failing the page. Requests are limited per network address (on the page) and
per account (in the task): past the limit the page says the same and nothing is sent.

A password reset needs both the single-use emailed link and the answers to two of the
person's security questions; it ends the sign-in pause, signs the account out everywhere
else (Django ties sessions to the password) and tells the person. The link's token is
made when the email is sent and never stored (see `reset_link_path`); at its first
request the page moves it into the session and continues at an address without it.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ihss.accounts.lockout import normalize
from ihss.accounts.models import SecurityAnswer, SecurityEvent, User
from ihss.accounts.registration import answer_matches
from ihss.notifications.events import Event
from ihss.notifications.models import Notification
from ihss.notifications.services import notify

WINDOW = dt.timedelta(hours=1)
ANSWER_TRIES = 3
REMINDER = "username"
RESET = "reset"
# What a queued request ended in (returned by the task, for its log).
SENT, NO_ACCOUNT, ACCOUNT_LIMIT = "sent", "no-account", "account-limit"


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


def _queue(what: str, typed: str, ip_address: str | None) -> None:
    """Record the request and queue its answer: the same work whoever is asked for."""
    from ihss.accounts.tasks import answer_recovery_request

    with transaction.atomic():
        event = SecurityEvent.objects.create(
            username="", kind=SecurityEvent.Kind.RECOVERY_REQUESTED, ip_address=ip_address
        )
        transaction.on_commit(
            lambda: answer_recovery_request.enqueue(event.pk, what, typed.strip())
        )


def send_username(*, email: str, ip_address: str | None) -> None:
    """Queue an email of the usernames that use this confirmed address (none if none do)."""
    _queue(REMINDER, email, ip_address)


def send_reset_link(*, username_or_email: str, ip_address: str | None) -> None:
    """Queue a single-use reset link to the account named (none if none matches)."""
    _queue(RESET, username_or_email, ip_address)


def emails_sent_recently(user: User) -> int:
    """Username and reset emails raised for `user` in the last hour."""
    return Notification.objects.filter(
        user=user,
        event__in=[Event.USERNAME_REMINDER, Event.PASSWORD_RESET_LINK],
        created_at__gte=timezone.now() - WINDOW,
    ).count()


def answer_request(*, request_id: int, what: str, typed: str) -> str:
    """The background half of a request: find the account and raise its email.

    Safe to run twice for one request (the notice's key is the request's id). The
    account's row is locked while its recent emails are counted, so requests that
    arrive at the same moment cannot together pass the per-account limit.
    """
    with transaction.atomic():
        if what == REMINDER:
            users = list(User.objects.filter(email__iexact=typed, is_active=True).order_by("id"))
            user = users[0] if users else None
        else:
            user = (
                User.objects.filter(
                    Q(username__iexact=typed) | Q(email__iexact=typed), is_active=True
                )
                .order_by("id")
                .first()
            )
            if user is not None and not (user.email and user.has_usable_password()):
                user = None
        if user is None:
            return NO_ACCOUNT
        user = User.objects.select_for_update().get(pk=user.pk)
        SecurityEvent.objects.filter(pk=request_id).update(
            user=user, username=normalize(user.get_username())
        )
        if emails_sent_recently(user) >= settings.RECOVERY_EMAILS_PER_ACCOUNT_PER_HOUR:
            return ACCOUNT_LIMIT
        if what == REMINDER:
            notify(
                user=user,
                event=Event.USERNAME_REMINDER,
                context={"usernames": [u.get_username() for u in users]},
                key=f"recovery:{request_id}",
                link=reverse("login"),
            )
        else:
            notify(
                user=user,
                event=Event.PASSWORD_RESET_LINK,
                context={"minutes": settings.PASSWORD_RESET_TIMEOUT // 60},
                key=f"recovery:{request_id}",
            )
    return SENT


def reset_link_path(user: User) -> str:
    """The emailed reset link, made by the outbox worker as it sends (never stored)."""
    return reverse(
        "recover-reset",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
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
