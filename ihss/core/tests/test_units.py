"""Minutes and cents written the way people say them."""

from __future__ import annotations

from django.utils import translation

from ihss.core.units import format_cents, format_minutes


def test_it_writes_durations_as_people_say_them():
    with translation.override("en"):
        assert format_minutes(45) == "45 min"
        assert format_minutes(70 * 60 + 45) == "70 h 45 min"
        assert format_minutes(3 * 60) == "3 h"
        assert format_minutes(0) == "0 h"
        assert format_minutes(-30) == "-30 min"
        assert format_minutes(None) == ""
    with translation.override("es"):
        assert format_minutes(45) == "45 min"


def test_it_writes_cents_as_dollars():
    assert format_cents(123456) == "$1,234.56"
