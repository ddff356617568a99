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
# the notice reads in the reader's language; each with the limit in force that was passed
# (the notice's `limit`, in minutes: 66 h, or 90 h for an exempt provider), and without a
# number for a notice that did not record one.
VIOLATION_RULES = {
    "weekly_maximum": (
        _("more hours in a workweek than the recipient's weekly maximum"),
        _("more hours in a workweek than the recipient's weekly maximum"),
    ),
    "over_40_without_approval": (
        _("more than %(limit)s in a workweek without the county's approval"),
        _("more overtime in a workweek than allowed without the county's approval"),
    ),
    "over_66_hours": (
        _("more than %(limit)s in a workweek for all your recipients together"),
        _("more hours in a workweek for all your recipients together than the weekly cap"),
    ),
    "travel_over_7_hours": (
        _("more than %(limit)s of travel time in a workweek"),
        _("more travel time in a workweek than the weekly cap"),
    ),
}


@register.filter
def violation_rule(code: str, limit: int | str | None = None) -> str:
    """The broken rule, in words, with the limit passed (`rule|violation_rule:limit`); an
    unknown code is shown as given."""
    if code not in VIOLATION_RULES:
        return str(code)
    numbered, plain = VIOLATION_RULES[code]
    try:
        minutes = int(limit) if limit not in (None, "") else None
    except (TypeError, ValueError):
        minutes = None
    if minutes is None:
        return str(plain)
    return str(numbered) % {"limit": format_minutes(minutes)}
