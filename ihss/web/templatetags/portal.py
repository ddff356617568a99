"""Template filters for the portal's units: minutes and cents."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def hours(minutes: int | str | None) -> str:
    """Show integer minutes the way timesheets do: "70 h 45 min"."""
    if minutes is None or minutes == "":
        return ""
    h, m = divmod(int(minutes), 60)
    if m == 0:
        return _("%(h)s h") % {"h": h}
    return _("%(h)s h %(m)s min") % {"h": h, "m": m}


@register.filter
def dollars(cents: int | str | None) -> str:
    if cents is None or cents == "":
        return ""
    whole, part = divmod(int(cents), 100)
    return f"${whole:,}.{part:02d}"
