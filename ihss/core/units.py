"""How the portal writes its units for people: integer minutes as hours, cents as dollars."""

from __future__ import annotations

from django.utils.translation import gettext as _


def format_minutes(minutes: int | str | None) -> str:
    """Integer minutes the way people say them: "70 h 45 min", "45 min" (not "0 h 45 min"),
    "3 h", in the active language."""
    if minutes is None or minutes == "":
        return ""
    value = int(minutes)
    sign = "-" if value < 0 else ""
    h, m = divmod(abs(value), 60)
    if m == 0:
        return sign + _("%(h)s h") % {"h": h}
    if h == 0:
        return sign + _("%(m)s min") % {"m": m}
    return sign + _("%(h)s h %(m)s min") % {"h": h, "m": m}


def format_cents(cents: int | str | None) -> str:
    """Integer cents as dollars: 123456 -> "$1,234.56"."""
    if cents is None or cents == "":
        return ""
    value = int(cents)
    sign = "-" if value < 0 else ""
    whole, part = divmod(abs(value), 100)
    return f"{sign}${whole:,}.{part:02d}"
