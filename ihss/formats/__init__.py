"""The portal's own date format names, per language (settings.FORMAT_MODULE_PATH).

Django looks here before its own locale formats, so these modules only add the names the
portal uses for days without a year, weekdays and the two ends of a range; every other
format (DATE_FORMAT, YEAR_MONTH_FORMAT...) stays Django's. ihss/core/dates.py is the one
place that applies them; templates use the same names with the `date` filter.
"""
