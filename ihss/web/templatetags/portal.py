"""Template filters for the portal's units (minutes and cents), date ranges, and the error
summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms, template
from django.utils.formats import date_format

from ihss.core import dates
from ihss.core.refusals import SummaryLine
from ihss.core.units import format_cents, format_minutes

register = template.Library()


@register.filter
def hours(minutes: int | str | None) -> str:
    """Show integer minutes the way timesheets do: "70 h 45 min"."""
    try:
        return format_minutes(minutes)
    except (TypeError, ValueError):  # a value of another shape (an old record): as it is
        return str(minutes)


@register.filter
def dollars(cents: int | str | None) -> str:
    try:
        return format_cents(cents)
    except (TypeError, ValueError):
        return str(cents)


def _field_target(form: forms.BaseForm, name: str) -> str:
    """The id of the control a link to the field should reach: its first choice for a set
    of radio buttons or checkboxes, which have no control of the field's own id."""
    bound = form[name]
    widget = bound.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound.auto_id}_0"
    return str(bound.auto_id)


def summary_lines(*items: Any) -> list[SummaryLine]:
    """Every error of the forms (or lists of forms, or of lines already made) given, in
    page order: what is about a whole form first, then each field's. A form with a `day`
    names that day in its lines."""
    found: list[forms.BaseForm] = []
    for item in items:
        if isinstance(item, forms.BaseForm):
            found.append(item)
        elif isinstance(item, list | tuple):
            found.extend(f for f in item if isinstance(f, forms.BaseForm))
    # Lines a view built itself (a refusal of a form it does not keep as a Django form).
    lines: list[SummaryLine] = [
        line
        for item in items
        if isinstance(item, list | tuple)
        for line in item
        if isinstance(line, SummaryLine)
    ]
    for form in found:
        if not form.is_bound or not form.errors:
            continue
        day = getattr(form, "day", None)
        prefix = f"{date_format(day, 'l')}, {date_format(day, 'DATE_FORMAT')}: " if day else ""
        first = next(iter(form.fields), "")
        for error in form.non_field_errors():
            # A day's own error (for instance, the end before the start) leads to that day.
            lines.append(SummaryLine(f"{prefix}{error}", _field_target(form, first) if day else ""))
        for name in form.fields:
            # A box to tick has a long label; its error says what to do without it.
            label = "" if isinstance(form.fields[name], forms.BooleanField) else form[name].label
            for error in form[name].errors:
                text = f"{prefix}{label}: {error}" if label else f"{prefix}{error}"
                lines.append(SummaryLine(text, _field_target(form, name)))
    return lines


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*items: Any) -> dict[str, Any]:
    """The error summary at the top of a page whose form was refused (the USWDS/GOV.UK
    pattern): a heading, then each error as a link to its field. js/error-summary.js moves
    the focus to it; without JavaScript it is still the first thing under the heading."""
    return {"lines": summary_lines(*items)}


@register.simple_tag
def date_range(start: dt.date, end: dt.date, year: bool = True) -> str:
    """A period in the language's order: "Dec. 1 to Dec. 15, 2026" / "Del 1 al 15 de dic. de
    2026" (ihss/core/dates.py)."""
    return dates.date_range(start, end, year=year)


@register.simple_tag
def range_ends(start: dt.date, end: dt.date, year: bool = True) -> tuple[str, str]:
    """The two ends of a range for a sentence of the template's own:
    `{% range_ends a b year=False as ends %}` then `with start=ends.0 end=ends.1`."""
    return dates.range_ends(start, end, year=year)
