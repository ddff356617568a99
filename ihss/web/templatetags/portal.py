"""Template filters for the portal's units: minutes and cents."""

from __future__ import annotations

from django import template

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
