"""How the portal writes days, weeks, months and periods for people, in the active language.

Every date a page or a message shows goes through here (or through the `date` filter with
one of the format names below), so each language keeps its own order: "Dec. 1 to Dec. 15,
2026" in English, "del 1 al 15 de dic. de 2026" in Spanish. The formats themselves live in
ihss/formats/<language>/formats.py next to Django's own; this module only picks them.
"""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

DAY_MONTH = "DAY_MONTH_FORMAT"
DAY_MONTH_YEAR = "DAY_MONTH_YEAR_FORMAT"
WEEKDAY_DAY_MONTH = "WEEKDAY_DAY_MONTH_FORMAT"
SHORT_WEEKDAY_DAY_MONTH = "SHORT_WEEKDAY_DAY_MONTH_FORMAT"
MONTH_YEAR = "YEAR_MONTH_FORMAT"
LONG_DATE = "DATE_FORMAT"


def day_month(day: dt.date) -> str:
    """ "Dec. 1" / "1 de dic." """
    return date_format(day, DAY_MONTH)


def day_month_year(day: dt.date) -> str:
    """ "Dec. 1, 2026" / "1 de dic. de 2026" """
    return date_format(day, DAY_MONTH_YEAR)


def weekday_day_month(day: dt.date, *, short: bool = False) -> str:
    """ "Tuesday, Dec. 1" / "martes, 1 de dic."; short: "Tue Dec. 1" / "mar 1 de dic." """
    return date_format(day, SHORT_WEEKDAY_DAY_MONTH if short else WEEKDAY_DAY_MONTH)


def month_year(day: dt.date) -> str:
    """ "December 2026" / "diciembre de 2026" """
    return date_format(day, MONTH_YEAR)


def range_ends(start: dt.date, end: dt.date, *, year: bool = True) -> tuple[str, str]:
    """The two ends of a range as the language writes them, without the words around them:
    ("Dec. 1", "Dec. 15, 2026") / ("1", "15 de dic. de 2026"). With year=False (a week, whose
    year is clear from the page) the end has no year either."""
    if start.year != end.year and year:
        first = DAY_MONTH_YEAR
    elif start.month == end.month and start.year == end.year:
        first = "RANGE_START_SAME_MONTH_FORMAT"
    else:
        first = "RANGE_START_SAME_YEAR_FORMAT"
    return date_format(start, first), date_format(end, DAY_MONTH_YEAR if year else DAY_MONTH)


def date_range(start: dt.date, end: dt.date, *, year: bool = True) -> str:
    """A period: "Dec. 1 to Dec. 15, 2026" / "Del 1 al 15 de dic. de 2026"."""
    first, last = range_ends(start, end, year=year)
    return _("%(start)s to %(end)s") % {"start": first, "end": last}
