"""How the portal writes its units for people: integer minutes as hours, cents as dollars."""

from __future__ import annotations

from django.utils.translation import gettext as _


def format_minutes(minutes: int | str | None) -> str:
    """Integer minutes the way timesheets show them: "70 h 45 min", in the active language."""
    if minutes is None or minutes == "":
        return ""
    h, m = divmod(int(minutes), 60)
    if m == 0:
        return _("%(h)s h") % {"h": h}
    return _("%(h)s h %(m)s min") % {"h": h, "m": m}


def format_cents(cents: int | str | None) -> str:
    """Integer cents as dollars: 123456 -> "$1,234.56"."""
    if cents is None or cents == "":
        return ""
    whole, part = divmod(int(cents), 100)
    return f"${whole:,}.{part:02d}"
