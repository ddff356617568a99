"""USWDS markup for every Django form field, set once through the form renderer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

from ihss.core.widgets import DateInput

WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxInput, "usa-checkbox__input"),
    (forms.RadioSelect, "usa-radio__input"),
    (forms.CheckboxSelectMultiple, "usa-checkbox__input"),
    (forms.Select, "usa-select"),
    (forms.Textarea, "usa-textarea"),
    (forms.ClearableFileInput, "usa-file-input"),
    (forms.FileInput, "usa-file-input"),
    (forms.widgets.Input, "usa-input"),
]


class UswdsBoundField(BoundField):
    """Adds the USWDS class, the error class and the error message's id to each widget."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = next((c for kind, c in WIDGET_CLASSES if isinstance(widget, kind)), "")
        classes = [str(attrs.get("class", "")), css]
        if self.errors and css in {"usa-input", "usa-select", "usa-textarea"}:
            classes.append("usa-input--error")
        attrs["class"] = " ".join(c for c in classes if c)
        if self.errors and self.auto_id and not widget.use_fieldset:
            described = [str(attrs.get("aria-describedby", "")), f"{self.auto_id}_error"]
            attrs["aria-describedby"] = " ".join(d for d in described if d)
        return attrs


class UswdsFormRenderer(TemplatesSetting):
    bound_field_class = UswdsBoundField
    form_template_name = "django/forms/div.html"
    field_template_name = "django/forms/field.html"


# Forms of every app import it from core; kept here for code that still imports it from web.
__all__ = ["DateInput", "UswdsBoundField", "UswdsFormRenderer"]
