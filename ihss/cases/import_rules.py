"""How one cell of an import file is read: pure functions from text to a clean value.

Each reader takes the cell's text (already stripped) and returns the value to store, or
raises `Invalid` with a plain, translatable message. No database, no clock: today's date
and the limits are arguments. The messages never repeat what was typed, except values
that have already been recognised as safe to show (hours, county codes, record numbers),
so that a Social Security number typed into the wrong column is never echoed back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from ihss.cases import validators

HOURS_RE = re.compile(r"^(\d{1,3}):([0-5]\d)$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")
PHONE_CHARS_RE = re.compile(r"^[\d\s().+-]+$")
COUNTY_RE = re.compile(r"^\d{1,2}$")
COORDINATE_RE = re.compile(r"^-?\d{1,3}(\.\d{1,6})?$")
TRUE_WORDS = frozenset({"yes", "y", "true", "1"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", ""})
EARLIEST_DATE = dt.date(1900, 1, 1)
# The most hours any month has (31 days x 24 h): a bound for values no cap parameter covers.
HOURS_IN_LONGEST_MONTH = 31 * 24 * 60


class Invalid(ValueError):
    """A cell's value cannot be imported; the message says why, in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def format_hours(minutes: int) -> str:
    """Integer minutes as H:MM, the way the files write hours: 17000 -> "283:20"."""
    h, m = divmod(minutes, 60)
    return f"{h}:{m:02d}"


def text(value: str, *, max_length: int) -> str:
    if len(value) > max_length:
        raise Invalid(_("This is longer than %(max)d characters.") % {"max": max_length})
    return value


def required_message() -> str:
    return _("This column is required; it is empty on this row.")


def date(value: str, *, today: dt.date | None = None, past_only: bool = False) -> dt.date:
    """A date written YYYY-MM-DD; with past_only, not after `today`."""
    match = DATE_RE.match(value)
    if not match:
        raise Invalid(_("Write the date as YYYY-MM-DD, for example 2025-01-31."))
    try:
        result = dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise Invalid(_("There is no such date; check the day and the month.")) from None
    if result < EARLIEST_DATE:
        raise Invalid(_("This date is before 1900; check the year."))
    if past_only and today is not None and result > today:
        raise Invalid(_("This date is in the future."))
    return result


def hours(value: str) -> int:
    """Monthly hours written H:MM (for example 120:30) as integer minutes."""
    match = HOURS_RE.match(value)
    if not match:
        raise Invalid(_("Write hours as H:MM, for example 120:30 for 120 hours 30 minutes."))
    return int(match.group(1)) * 60 + int(match.group(2))


def hours_at_most(minutes: int, limit: int, *, why: str) -> int:
    if minutes > limit:
        raise Invalid(
            _("%(hours)s is more than %(limit)s, the most %(why)s.")
            % {"hours": format_hours(minutes), "limit": format_hours(limit), "why": why}
        )
    return minutes


def boolean(value: str) -> bool:
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Invalid(_("Write yes or no (or leave it empty for no)."))


def choice(value: str, allowed: Iterable[str]) -> str:
    options = list(allowed)
    if value in options:
        return value
    lowered = value.lower()
    for option in options:
        if option.lower() == lowered:
            return option
    raise Invalid(_("Use one of: %(options)s.") % {"options": ", ".join(options)})


def county_code(value: str, known: Iterable[str]) -> str:
    """A county code 01-58; a single digit is read with its leading zero (spreadsheets drop it)."""
    if not COUNTY_RE.match(value):
        raise Invalid(_("A county code is two digits, from 01 to 58."))
    code = value.zfill(2)
    if code not in set(known):
        raise Invalid(
            _("There is no county with code %(code)s; county codes are 01 to 58.") % {"code": code}
        )
    return code


def case_number(value: str) -> str:
    try:
        validators.validate_case_number(value)
    except ValidationError as exc:
        raise Invalid(str(exc.messages[0])) from None
    return value


def provider_number(value: str) -> str:
    try:
        validators.validate_provider_number(value)
    except ValidationError as exc:
        raise Invalid(str(exc.messages[0])) from None
    return value


def ssn(value: str) -> str:
    """The nine digits of an SSN (with or without dashes); the message never repeats it."""
    try:
        return validators.normalize_ssn(value)
    except ValidationError as exc:
        raise Invalid(str(exc.messages[0])) from None


def zip_code(value: str) -> str:
    if not ZIP_RE.match(value):
        raise Invalid(_("Write a 5-digit ZIP code, or ZIP+4 like 95814-1234."))
    return value


def phone(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if not PHONE_CHARS_RE.match(value) or len(digits) != 10 or len(value) > 20:
        raise Invalid(_("Write a 10-digit phone number, for example 916-555-0100."))
    return value


def email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise Invalid(_("Write an email address like name@example.org.")) from None
    if len(value) > 254:
        raise Invalid(_("This is longer than %(max)d characters.") % {"max": 254})
    return value


def coordinate(value: str, *, limit: int) -> Decimal:
    """Degrees with at most 6 decimals, between -limit and limit."""
    if not COORDINATE_RE.match(value):
        raise Invalid(
            _("Write degrees with at most 6 decimals, for example 38.581572 or -121.494400.")
        )
    try:
        number = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern already rules this out
        raise Invalid(_("Write degrees as a number.")) from None
    if abs(number) > limit:
        raise Invalid(_("Degrees must be between -%(limit)d and %(limit)d.") % {"limit": limit})
    return number
