"""How the portal writes its units for people: integer minutes as hours, cents as dollars."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The Earth's mean radius (IUGG), in meters: a constant of nature, for distances between
# two points on the map (EVV's range check, the catalog's distance filter).
EARTH_RADIUS_M = 6_371_008.8


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


def format_basis_points(bp: int | str | None) -> str:
    """Integer basis points as a percent: 50 -> "0.5 %", 7000 -> "70 %", 125 -> "1.25 %",
    with the active language's decimal separator."""
    if bp is None or bp == "":
        return ""
    percent = Decimal(int(bp)) / 100
    places = max(0, -percent.normalize().as_tuple().exponent)  # type: ignore[operator]
    return _("%(n)s %%") % {"n": number_format(percent, decimal_pos=places)}


def format_parameter(value: int | str | None, unit: str) -> str:
    """A program parameter's value in the unit people use: hours and minutes, dollars,
    percent, days, or a plain count."""
    if value is None or value == "":
        return ""
    if unit == "minutes":
        return format_minutes(value)
    if unit == "cents":
        return format_cents(value)
    if unit == "bp":
        return format_basis_points(value)
    if unit == "days":
        n = int(value)
        return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}
    return str(int(value))
