"""JSON shapes of the messages API: the person's own notices and how they want them.

Times are ISO 8601 with their offset. A notice's `subject` and `message` are written in
the language it was raised in (the person's language then); `event_label` and the labels
of the settings follow the language of the request.
"""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from ihss.core.schemas import Page
from ihss.notifications.events import Category, Event
from ihss.notifications.models import Preference


class MessageOut(Schema):
    id: int
    event: str = Field(description="The kind of notice, such as `payment_issued`.")
    event_label: str = Field(description="Its name, in the language of the request.")
    subject: str = Field(description="One line: the title of the notice.")
    message: str = Field(description="The body, plain text.")
    link: str = Field(description="Portal path of what the notice is about; empty when none.")
    created_at: dt.datetime
    read: bool
    read_at: dt.datetime | None = Field(description="When it was read; null while unread.")


class MessagePage(Page):
    results: list[MessageOut] = Field(description="Newest first.")


class UnreadCount(Schema):
    unread: int


class PreferenceOut(Schema):
    event: str
    label: str = Field(description="The notice's name, in the language of the request.")
    category: Category
    required: bool = Field(
        description="Security, pay and program notices: they can be moved between email "
        "and text but not switched off."
    )
    choice: Preference.Choice = Field(
        description="email, sms, both, or none (only in the portal's message center)."
    )


class FieldError(Schema):
    """One field at fault, in ninja's shape (as every 422 of the API)."""

    type: str
    loc: list[str | int] = Field(description='Where: `["body", "data", "choices", ...]`.')
    msg: str


class Refusal(Schema):
    detail: str | list[FieldError] = Field(
        description="Why. A choice the person may not make: one sentence written for them. "
        "A body that is not a valid request (an unknown notice or choice, a missing "
        "`choices`): the fields at fault, as a list."
    )


class PreferencesIn(Schema):
    choices: dict[Event, Preference.Choice] = Field(
        description="The notices to change, each with its new way; notices left out keep theirs."
    )
