"""Filters for notice templates, whose context is plain JSON (ISO dates, minutes, cents)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from ihss.core.units import format_cents, format_minutes

register = template.Library()


@register.filter
def isodate(value: str | dt.date | None) -> str:
    """An ISO date ("2026-11-15") written the reader's way ("15 de noviembre de 2026")."""
    if value in (None, ""):
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return formats.date_format(day, "DATE_FORMAT")


@register.filter
def hours(minutes: int | str | None) -> str:
    try:
        return format_minutes(minutes)
    except (TypeError, ValueError):  # a value of another shape (an old record): as it is
        return str(minutes)


@register.filter
def dollars(cents: int | str | None) -> str:
    try:
        return format_cents(cents)
    except (TypeError, ValueError):
        return str(cents)


# The four work-hour rules whose breach is a violation (ACL 16-36), named by code so that
# the notice reads in the reader's language.
VIOLATION_RULES = {
    "weekly_maximum": _("more hours in a workweek than the recipient's weekly maximum"),
    "over_40_without_approval": _("more than 40 hours in a workweek without the county's approval"),
    "over_66_hours": _("more than 66 hours in a workweek for all your recipients together"),
    "travel_over_7_hours": _("more than 7 hours of travel time in a workweek"),
}


@register.filter
def violation_rule(code: str) -> str:
    """The broken rule, in words; an unknown code is shown as given."""
    return str(VIOLATION_RULES.get(code, code))
