"""Pure rules of the notification service: channels, retries, mobile numbers, schedules.

No Django, no clock, no database: every input is an argument, so each rule is tested with
worked examples and hypothesis properties.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

EMAIL: Final = "email"
SMS: Final = "sms"
CHANNELS: Final = (EMAIL, SMS)

# What a person chose for one kind of notice.
CHOICE_EMAIL: Final = "email"
CHOICE_SMS: Final = "sms"
CHOICE_BOTH: Final = "both"
CHOICE_NONE: Final = "none"  # in the portal's message center only
CHOICES: Final = (CHOICE_EMAIL, CHOICE_SMS, CHOICE_BOTH, CHOICE_NONE)

# Outcomes of planning a channel: send it, or why not.
SEND: Final = "send"
NO_EMAIL: Final = "no_email"
EMAIL_REFUSED: Final = "email_refused"
MOBILE_NOT_VERIFIED: Final = "mobile_not_verified"
MOBILE_REFUSED: Final = "mobile_refused"


def plan_channels(
    *,
    choice: str,
    required: bool,
    has_email: bool,
    email_refused: bool,
    has_verified_mobile: bool,
    mobile_refused: bool,
) -> dict[str, str]:
    """Which outside channels carry one notice: {channel: SEND or the reason it cannot}.

    Every notice also lands in the message center, whatever this says. A required notice
    (security, pay, program) is never left to the message center alone by choice: "none"
    means email, and a text that cannot be sent (no verified mobile number) falls back to
    email. A channel the person did not choose is absent from the plan.
    """
    if choice not in CHOICES:
        raise ValueError(f"unknown channel choice {choice!r}")
    wants_email = choice in (CHOICE_EMAIL, CHOICE_BOTH) or (required and choice == CHOICE_NONE)
    wants_sms = choice in (CHOICE_SMS, CHOICE_BOTH)
    plan: dict[str, str] = {}
    if wants_sms:
        if not has_verified_mobile:
            plan[SMS] = MOBILE_NOT_VERIFIED
        elif mobile_refused:
            plan[SMS] = MOBILE_REFUSED
        else:
            plan[SMS] = SEND
        if plan[SMS] != SEND and required:
            wants_email = True
    if wants_email:
        if not has_email:
            plan[EMAIL] = NO_EMAIL
        elif email_refused:
            plan[EMAIL] = EMAIL_REFUSED
        else:
            plan[EMAIL] = SEND
    return {channel: plan[channel] for channel in CHANNELS if channel in plan}


def retry_delay_seconds(attempt: int, *, base_seconds: int, cap_seconds: int) -> int:
    """Wait before the next try after `attempt` tries failed: doubling from base, capped."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    return int(min(cap_seconds, base_seconds * 2 ** min(attempt - 1, 32)))


def smtp_refusal_is_permanent(code: int) -> bool:
    """An SMTP reply of 5xx means "do not try again" (RFC 5321, 4.2.1); 4xx means later."""
    return 500 <= code <= 599


def sms_refusal_is_permanent(status: int) -> bool:
    """A text provider's HTTP answer that means the number itself is bad.

    400, 404, 410 and 422 name the request or the number; every other failure (our
    credentials, rate limits, the provider's own errors) is worth another try.
    """
    return status in (400, 404, 410, 422)


_NON_DIGITS = re.compile(r"[\s().\-+]")
_NANP = re.compile(r"[2-9]\d{2}[2-9]\d{6}")


def normalize_us_mobile(text: str) -> str | None:
    """A US number typed any common way, as E.164 ("+15305551234"), or None if invalid.

    North American numbers have a three-digit area code and exchange, neither starting
    with 0 or 1; a leading country code 1 is accepted.
    """
    digits = _NON_DIGITS.sub("", text.strip())
    if not digits.isdigit():
        return None
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or not _NANP.fullmatch(digits):
        return None
    return f"+1{digits}"


def display_us_mobile(e164: str) -> str:
    """ "+15305551234" as "(530) 555-1234"."""
    digits = e164.removeprefix("+1")
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def short_text(text: str, *, limit: int) -> str:
    """A text message body: whitespace collapsed, cut at a word with "…" past `limit`."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def due_slot(
    *,
    now: dt.datetime,
    last_slot: dt.datetime | None,
    every: dt.timedelta | None = None,
    daily_at: dt.time | None = None,
    grace: dt.timedelta = dt.timedelta(hours=6),
) -> dt.datetime | None:
    """The scheduled time a job should run for now, or None if nothing is due.

    `now` is an aware local time. A job runs `every` so often (slots counted from the
    epoch, so two schedulers agree on them) or once a day at `daily_at` local time. Only
    the latest slot runs: a scheduler that was stopped does not replay the ones it
    missed, and a daily slot older than `grace` is skipped as stale (a "pay period ends
    tomorrow" reminder sent a day late would be wrong).
    """
    if (every is None) == (daily_at is None):
        raise ValueError("give exactly one of every= and daily_at=")
    if now.tzinfo is None:
        raise ValueError("now must be aware")
    if every is not None:
        if every <= dt.timedelta(0):
            raise ValueError("every must be positive")
        epoch = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        slot = epoch + ((now - epoch) // every) * every
    else:
        assert daily_at is not None
        day = now.date()
        slot = dt.datetime.combine(day, daily_at, tzinfo=now.tzinfo)
        if slot > now:
            slot = dt.datetime.combine(day - dt.timedelta(days=1), daily_at, tzinfo=now.tzinfo)
        if now - slot > grace:
            return None
    if last_slot is not None and slot <= last_slot:
        return None
    return slot
