"""Notices written out for each channel, in the reader's language.

Each event has three templates under templates/notifications/events/<event>/:
`subject.txt` (one line: the email subject and the message-center title), `message.txt`
(the body: email and message center) and `sms.txt` (a short text message). They are
plain text, rendered without HTML escaping; the HTML email wraps the same message in
templates/notifications/email/body.html, which escapes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import translation

from ihss.notifications.events import spec_for
from ihss.notifications.rules import short_text

TEMPLATES = Path(__file__).resolve().parent / "templates"
SMS_LIMIT = 320  # two concatenated segments of plain text


@cache
def text_engine() -> Engine:
    """Django's template language without autoescaping: these templates are not HTML."""
    return Engine(
        dirs=[str(TEMPLATES)],
        autoescape=False,
        libraries={
            "i18n": "django.templatetags.i18n",
            "notices": "ihss.notifications.templatetags.notices",
        },
        loaders=[
            ("django.template.loaders.cached.Loader", ["django.template.loaders.filesystem.Loader"])
        ]
        if not settings.DEBUG
        else ["django.template.loaders.filesystem.Loader"],
    )


def supported_language(language: str | None) -> str:
    codes = {code for code, _ in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Rendered:
    subject: str
    message: str
    sms: str


def _render(name: str, context: dict[str, Any]) -> str:
    return text_engine().get_template(name).render(Context(context, autoescape=False))


def render_notice(
    event: str, context: dict[str, Any], language: str, *, email_link: str = ""
) -> Rendered:
    """The subject, message and text message of one notice, in `language`.

    `email_link` is a single-use link made for the email being sent (events.EMAIL_LINKS):
    only that email's text may mention it; the message center renders without it.
    """
    spec_for(event)  # an unknown event fails here, loudly
    folder = f"notifications/events/{event}"
    context = {**context, "email_link": email_link}
    with translation.override(supported_language(language)):
        subject = " ".join(_render(f"{folder}/subject.txt", context).split())
        message = _render(f"{folder}/message.txt", context).strip()
        sms = short_text(_render(f"{folder}/sms.txt", context), limit=SMS_LIMIT)
    return Rendered(subject=subject, message=message, sms=sms)


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


def render_email(
    *,
    rendered: Rendered,
    language: str,
    first_name: str,
    required: bool,
    link_url: str,
    settings_url: str,
    unsubscribe_url: str,
    link_label: str = "",
    email_only: bool = False,
) -> Email:
    """The plain-text and HTML email around a rendered notice, with its footer."""
    context = {
        "link_label": link_label,
        "email_only": email_only,
        "subject": rendered.subject,
        "message": rendered.message,
        "first_name": first_name,
        "required": required,
        "link_url": link_url,
        "settings_url": settings_url,
        "unsubscribe_url": unsubscribe_url,
        "service_desk_phone": settings.SERVICE_DESK_PHONE,
        "language": supported_language(language),
    }
    with translation.override(supported_language(language)):
        text = _render("notifications/email/body.txt", context).strip() + "\n"
        html = render_to_string("notifications/email/body.html", context)
    return Email(subject=rendered.subject, text=text, html=html)
