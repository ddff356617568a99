"""Form widgets every app's forms use (forms of apps below web cannot import ihss.web)."""

from __future__ import annotations

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """A native date picker: accessible, and the phone's own calendar."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
