"""English date formats added to Django's (see ihss/formats/__init__.py)."""

# "Dec. 1": a day in this year's context (a week, a day of a timesheet).
DAY_MONTH_FORMAT = "N j"
# "Dec. 1, 2026"
DAY_MONTH_YEAR_FORMAT = "N j, Y"
# "Tuesday, Dec. 1" and "Tue Dec. 1"
WEEKDAY_DAY_MONTH_FORMAT = "l, N j"
SHORT_WEEKDAY_DAY_MONTH_FORMAT = "D N j"
# The first end of a range whose ends share the month, or only the year:
# "Dec. 1 to Dec. 15, 2026", "Nov. 29 to Dec. 5, 2026".
RANGE_START_SAME_MONTH_FORMAT = "N j"
RANGE_START_SAME_YEAR_FORMAT = "N j"

# Times end in "AM"/"PM", not Django's "a.m."/"p.m.": a sentence ending in a time read
# "... on Dec. 3, 2026, 5 p.m.." with Django's.
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "N j, Y, g:i A"
SHORT_DATETIME_FORMAT = "m/d/Y g:i A"
