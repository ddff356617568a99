"""The signed-in person's messages and notice settings, under /api/v1/messages/.

Anyone signed in may call it, about themselves only: there is no user in any path, and a
notice of someone else is 404, exactly like one that does not exist (access.py). Strangers
get 401.

The session cookie authenticates, so the changing calls (POST, PUT) need Django's CSRF
token in the X-CSRFToken header, as forms do: ninja's session auth checks it, and answers
403 without it. A personal access token (messages:read, messages:write) is accepted
before the session; ihss/api.py adds it when mounting this router, since this app
imports no other.

The list runs a fixed number of queries whatever the number of messages (tests pin it):
the subjects and bodies are rendered from templates, not loaded.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import P, QueryEx, Router
from ninja.errors import HttpError
from ninja.security import SessionAuth

from ihss.core.pagination import API_PAGE_SIZE, ApiPage, api_page
from ihss.notifications import access, services
from ihss.notifications.events import Event
from ihss.notifications.models import Notification, Preference
from ihss.notifications.rendering import render_notice
from ihss.notifications.schemas import (
    MessageOut,
    MessagePage,
    PreferenceOut,
    PreferencesIn,
    Refusal,
    UnreadCount,
)

PAGE_SIZE = API_PAGE_SIZE

router = Router(tags=["messages"], auth=SessionAuth())

Page = ApiPage
Unread = QueryEx[bool, P(description="Only the messages not yet read.")]


def _user(request: HttpRequest) -> Any:
    """The signed-in person (settings.AUTH_USER_MODEL; this app imports no other app)."""
    return request.auth  # type: ignore[attr-defined]


def _message(n: Notification) -> MessageOut:
    rendered = render_notice(n.event, n.context, n.language)
    return MessageOut(
        id=n.pk,
        event=n.event,
        event_label=str(Event(n.event).label),
        subject=rendered.subject,
        message=rendered.message,
        link=n.link,
        created_at=n.created_at,
        read=n.read_at is not None,
        read_at=n.read_at,
    )


# --- Messages -----------------------------------------------------------------------------


@router.get("/", response=MessagePage, summary="The caller's messages, newest first")
def messages(request: HttpRequest, unread: Unread = False, page: Page = 1) -> MessagePage:
    notices = access.own_notifications(_user(request)).order_by("-created_at", "-id")
    if unread:
        notices = notices.filter(read_at__isnull=True)
    # One query for the page and whether another follows; no COUNT over the inbox.
    rows, has_next = api_page(notices, page)
    return MessagePage(
        page=page,
        page_size=PAGE_SIZE,
        has_next=has_next,
        results=[_message(n) for n in rows],
    )


@router.get("/unread-count/", response=UnreadCount, summary="How many messages are unread")
def unread_count(request: HttpRequest) -> UnreadCount:
    return UnreadCount(unread=services.unread_count(_user(request)))


@router.get(
    "/{message_id}",
    response=MessageOut,
    summary="One message",
    description="Reading a message through the API does not mark it read: a program that "
    "shows it to the person marks it with `POST /{message_id}/read`. (The portal's message "
    "page marks a message read when the person opens it.)",
)
def message(request: HttpRequest, message_id: int) -> MessageOut:
    return _message(access.notification_for(_user(request), message_id))


@router.post("/{message_id}/read", response=MessageOut, summary="Mark a message read")
def mark_read(request: HttpRequest, message_id: int) -> MessageOut:
    notification = access.notification_for(_user(request), message_id)
    services.mark_read(notification)
    return _message(notification)


@router.post("/{message_id}/unread", response=MessageOut, summary="Mark a message unread")
def mark_unread(request: HttpRequest, message_id: int) -> MessageOut:
    notification = access.notification_for(_user(request), message_id)
    services.mark_unread(notification)
    return _message(notification)


# --- Notice settings ----------------------------------------------------------------------


def _preferences(user: Any) -> list[PreferenceOut]:
    chosen = services.preferences_of(user)
    return [
        PreferenceOut(
            event=event,
            label=str(spec.event.label),
            category=spec.category,
            required=spec.required,
            choice=Preference.Choice(chosen[event]),
        )
        for event, spec in services.notices_offered_to(user).items()
    ]


@router.get(
    "/preferences/",
    response=list[PreferenceOut],
    summary="How each kind of notice reaches you",
    description="The notices of the caller's roles that the portal sends today; a notice "
    "nothing sends yet (pay, training) is listed once something does.",
)
def preferences(request: HttpRequest) -> list[PreferenceOut]:
    return _preferences(_user(request))


@router.put(
    "/preferences/",
    response={200: list[PreferenceOut], 422: Refusal},
    summary="Change how notices reach you",
    description="Answers every setting, as GET does. A choice the caller may not make (a "
    "required notice switched off, texts without a confirmed mobile number) changes "
    "nothing and answers 422 with `detail`, a message written for the person.",
)
def set_preferences(request: HttpRequest, data: PreferencesIn) -> list[PreferenceOut]:
    user = _user(request)
    choices = {event.value: choice.value for event, choice in data.choices.items()}
    try:
        services.set_preferences(user=user, choices=choices, by=user)
    except services.PreferenceError as error:
        raise HttpError(422, str(error)) from None
    return _preferences(user)
