"""Filters for notice templates, whose context is plain JSON (ISO dates, minutes, cents)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats

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
    return format_minutes(minutes)


@register.filter
def dollars(cents: int | str | None) -> str:
    return format_cents(cents)
