"""The import files' three layouts, and how each cell is read: text in, clean value out.

Each reader takes the cell's text (already stripped) and returns the value to store, or
raises `Invalid` with a plain, translatable message. No database, no clock: today's date
and the limits are arguments. The layouts (recipients, providers, assignments) list
their columns with the reader, whether required, and the format and example that the
upload page and docs/import-format.md show. The messages never repeat what was typed, except values
that have already been recognised as safe to show (hours, county codes, record numbers),
so that a Social Security number typed into the wrong column is never echoed back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ihss.cases import validators
from ihss.cases.models import FamilyRelationship, Language, Program, Provider, Recipient

HOURS_RE = re.compile(r"^(\d{1,3}):([0-5]\d)$")
TOTAL_HOURS_RE = re.compile(r"^(\d{1,6}):([0-5]\d)$")
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


def total_hours(value: str) -> int:
    """Hours worked over years, written H:MM (for example 1250:00), as integer minutes."""
    match = TOTAL_HOURS_RE.match(value)
    if not match:
        raise Invalid(_("Write hours as H:MM, for example 1250:00 for 1,250 hours."))
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


def _checked(check: Callable[[str], Any], value: str) -> Any:
    """Run a Django validator or normaliser; its message becomes the cell's problem."""
    try:
        return check(value)
    except ValidationError as exc:
        raise Invalid(str(exc.messages[0])) from None


def case_number(value: str) -> str:
    _checked(validators.validate_case_number, value)
    return value


def provider_number(value: str) -> str:
    _checked(validators.validate_provider_number, value)
    return value


def ssn(value: str) -> str:
    """The nine digits of an SSN (with or without dashes); the message never repeats it."""
    return str(_checked(validators.normalize_ssn, value))


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


# --- The three layouts ------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    today: dt.date
    county_codes: frozenset[str]


Reader = Callable[[str, Context], Any]


def _text(max_length: int) -> Reader:
    return lambda value, ctx: text(value, max_length=max_length)


def _past_date(value: str, ctx: Context) -> dt.date:
    return date(value, today=ctx.today, past_only=True)


def _any_date(value: str, ctx: Context) -> dt.date:
    return date(value)


def _choice(options: Iterable[str]) -> Reader:
    allowed = list(options)
    return lambda value, ctx: choice(value, allowed)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    read: Reader
    help: Promise | str
    example: str
    model_field: bool = True  # stored in the model field of the same name


@dataclass(frozen=True)
class Layout:
    kind: str
    title: Promise | str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @cached_property
    def model_fields(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns if c.model_field)


gl = gettext_lazy
YES_NO = gl("yes or no; empty means no")
DATE = gl("date, YYYY-MM-DD")
NAME = gl("text, up to 60 characters")


def _person_columns(number: Column, *, ssn_required: bool, status: Column) -> list[Column]:
    return [
        number,
        Column("first_name", True, _text(60), NAME, "Rosa"),
        Column("middle_name", False, _text(60), NAME, "María"),
        Column("last_name", True, _text(60), NAME, "Delgado"),
        Column("date_of_birth", True, _past_date, DATE, "1941-03-12"),
        Column(
            "ssn",
            ssn_required,
            lambda value, ctx: ssn(value),
            gl("Social Security number, 9 digits, with or without dashes"),
            "123-45-6789",
            model_field=False,
        ),
        Column("street", False, _text(120), gl("text, up to 120 characters"), "1200 W Temple St"),
        Column("city", False, _text(60), NAME, "Los Angeles"),
        Column("zip_code", False, lambda v, c: zip_code(v), gl("12345 or 12345-6789"), "90012"),
        Column(
            "latitude",
            False,
            lambda v, c: coordinate(v, limit=90),
            gl("degrees, up to 6 decimals; give both latitude and longitude or neither"),
            "34.061000",
        ),
        Column(
            "longitude",
            False,
            lambda v, c: coordinate(v, limit=180),
            gl("degrees, up to 6 decimals"),
            "-118.250000",
        ),
        Column("phone", False, lambda v, c: phone(v), gl("10-digit phone"), "213-555-0101"),
        Column("email", False, lambda v, c: email(v), gl("email address"), "rosa@example.org"),
        Column(
            "preferred_language",
            False,
            _choice(Language.values),
            gl("one of en, es, zh, hy, other; empty means en"),
            "es",
        ),
        Column(
            "county_code",
            True,
            lambda value, ctx: county_code(value, ctx.county_codes),
            gl("state county code, 01 to 58 (19 is Los Angeles)"),
            "19",
            model_field=False,
        ),
        status,
    ]


RECIPIENTS = Layout(
    "recipients",
    gl("Recipients"),
    (
        *_person_columns(
            Column(
                "case_number",
                True,
                lambda v, c: case_number(v),
                gl("7 digits, new to the portal"),
                "1900001",
            ),
            ssn_required=False,
            status=Column(
                "status",
                True,
                _choice(Recipient.Status.values),
                gl("active, on_hold or closed"),
                "active",
            ),
        ),
        Column("severely_impaired", False, lambda v, c: boolean(v), YES_NO, "yes"),
        Column("needs_cognitive_behavioral", False, lambda v, c: boolean(v), YES_NO, "no"),
        Column("needs_complex_physical", False, lambda v, c: boolean(v), YES_NO, "yes"),
        Column("needs_community_transition", False, lambda v, c: boolean(v), YES_NO, "no"),
        Column(
            "representative_name",
            False,
            _text(120),
            gl("text, up to 120 characters; needed when any representative column is given"),
            "Luis Delgado",
        ),
        Column("representative_relationship", False, _text(60), NAME, "Son"),
        Column(
            "representative_phone",
            False,
            lambda v, c: phone(v),
            gl("10-digit phone"),
            "213-555-0102",
        ),
        Column(
            "representative_email",
            False,
            lambda v, c: email(v),
            gl("email address"),
            "luis@example.org",
        ),
        Column(
            "ihss_monthly_hours",
            False,
            lambda v, c: hours(v),
            gl(
                "authorized IHSS hours per month, H:MM; at most 283:00 when severely "
                "impaired, 195:00 otherwise"
            ),
            "283:00",
            model_field=False,
        ),
        Column(
            "wpcs_monthly_hours",
            False,
            lambda v, c: hours(v),
            gl("authorized WPCS hours per month, H:MM; only with IHSS hours"),
            "40:00",
            model_field=False,
        ),
        Column(
            "hours_effective_from",
            False,
            _any_date,
            gl("date the hours take effect, YYYY-MM-DD; needed when hours are given"),
            "2025-07-01",
            model_field=False,
        ),
    ),
)

ENROLLMENT_STEPS = Provider.ENROLLMENT_STEPS

PROVIDERS = Layout(
    "providers",
    gl("Providers"),
    (
        *_person_columns(
            Column(
                "provider_number",
                True,
                lambda v, c: provider_number(v),
                gl("9 digits, new to the portal"),
                "190000001",
            ),
            ssn_required=True,
            status=Column(
                "status",
                True,
                _choice(Provider.Status.values),
                gl("pending, active, suspended, ineligible or terminated"),
                "active",
            ),
        ),
        *(
            Column(step, False, _past_date, gl("date, YYYY-MM-DD; needed when active"), example)
            for step, example in zip(
                ENROLLMENT_STEPS,
                ["2025-05-01", "2025-05-10", "2025-06-01", "2025-06-05"],
                strict=True,
            )
        ),
        # Paid sick leave of a provider who worked before the portal: where it starts.
        Column(
            "hours_worked_to_date",
            False,
            lambda v, c: total_hours(v),
            gl("hours worked before the portal, H:MM; needs worked_to_date_through"),
            "1250:00",
            model_field=False,
        ),
        Column(
            "worked_to_date_through",
            False,
            _past_date,
            gl("date, YYYY-MM-DD: the last day hours_worked_to_date counts"),
            "2026-11-30",
        ),
        Column(
            "sick_leave_earned_on",
            False,
            _past_date,
            gl("date, YYYY-MM-DD: the day paid sick leave was earned (the 100th hour)"),
            "2024-03-15",
        ),
        Column(
            "sick_leave_usable_on",
            False,
            _any_date,
            gl("date, YYYY-MM-DD: the day it became usable; needs sick_leave_earned_on"),
            "2024-05-14",
        ),
    ),
)

ASSIGNMENTS = Layout(
    "assignments",
    gl("Assignments"),
    (
        Column(
            "provider_number",
            True,
            lambda v, c: provider_number(v),
            gl("9 digits: a provider in this import or already in the portal"),
            "190000001",
            model_field=False,
        ),
        Column(
            "case_number",
            True,
            lambda v, c: case_number(v),
            gl("7 digits: a recipient in this import or already in the portal"),
            "1900001",
            model_field=False,
        ),
        Column(
            "program",
            True,
            _choice(Program.values),
            gl("IHSS or WPCS; the recipient must have hours in that program"),
            "IHSS",
        ),
        Column(
            "assigned_monthly_hours",
            True,
            lambda v, c: hours(v),
            gl("H:MM, more than 0:00 and at most the recipient's authorized hours"),
            "120:00",
            model_field=False,
        ),
        Column("start_date", True, _any_date, DATE, "2025-07-01"),
        Column("end_date", False, _any_date, gl("date, YYYY-MM-DD, not before start_date"), ""),
        Column("live_in_certified_on", False, _past_date, DATE, "2025-07-01"),
        Column(
            "family_relationship",
            False,
            _choice(FamilyRelationship.values),
            gl("none, spouse, parent, child or other; empty means none"),
            "child",
        ),
    ),
)

LAYOUTS: tuple[Layout, ...] = (RECIPIENTS, PROVIDERS, ASSIGNMENTS)
LAYOUT_ORDER = {layout.kind: i for i, layout in enumerate(LAYOUTS)}


def detect_layout(header: Sequence[str]) -> Layout | None:
    """The layout whose columns best match a header row, or None when none fits."""
    names = set(header)
    scored = sorted(
        ((len(names & set(layout.names)), i) for i, layout in enumerate(LAYOUTS)), reverse=True
    )
    best, index = scored[0]
    if best < 2 or best == scored[1][0]:
        return None
    return LAYOUTS[index]
