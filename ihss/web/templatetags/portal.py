"""Template filters for the portal's units: minutes and cents, and date ranges."""

from __future__ import annotations

import datetime as dt

from django import template

from ihss.core import dates
from ihss.core.units import format_cents, format_minutes

register = template.Library()


@register.filter
def hours(minutes: int | str | None) -> str:
    """Show integer minutes the way timesheets do: "70 h 45 min"."""
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


@register.simple_tag
def date_range(start: dt.date, end: dt.date, year: bool = True) -> str:
    """A period in the language's order: "Dec. 1 to Dec. 15, 2026" / "Del 1 al 15 de dic. de
    2026" (ihss/core/dates.py)."""
    return dates.date_range(start, end, year=year)


@register.simple_tag
def range_ends(start: dt.date, end: dt.date, year: bool = True) -> tuple[str, str]:
    """The two ends of a range for a sentence of the template's own:
    `{% range_ends a b year=False as ends %}` then `with start=ends.0 end=ends.1`."""
    return dates.range_ends(start, end, year=year)
