"""Spanish date formats added to Django's (see ihss/formats/__init__.py): the day before
the month, joined by "de", as Django's own Spanish DATE_FORMAT ("1 de diciembre de 2026")."""

# "1 de dic."
DAY_MONTH_FORMAT = r"j \d\e N"
# "1 de dic. de 2026"
DAY_MONTH_YEAR_FORMAT = r"j \d\e N \d\e Y"
# "martes, 1 de dic." and "mar 1 de dic."
WEEKDAY_DAY_MONTH_FORMAT = r"l, j \d\e N"
SHORT_WEEKDAY_DAY_MONTH_FORMAT = r"D j \d\e N"
# The first end of a range: "del 1 al 15 de dic. de 2026", "del 29 de nov. al 5 de dic.".
RANGE_START_SAME_MONTH_FORMAT = "j"
RANGE_START_SAME_YEAR_FORMAT = r"j \d\e N"
