"""Validators for the identifiers people type: case numbers, provider numbers, SSNs."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CASE_NUMBER_RE = re.compile(r"^\d{7}$")
PROVIDER_NUMBER_RE = re.compile(r"^\d{9}$")
SSN_RE = re.compile(r"^\d{3}-?\d{2}-?\d{4}$")


def validate_case_number(value: str) -> None:
    if not CASE_NUMBER_RE.match(value or ""):
        raise ValidationError(
            _("A case number is exactly 7 digits, for example 1234567."), code="case_number"
        )


def validate_provider_number(value: str) -> None:
    if not PROVIDER_NUMBER_RE.match(value or ""):
        raise ValidationError(
            _("A provider number is exactly 9 digits, for example 123456789."),
            code="provider_number",
        )


def normalize_ssn(value: str) -> str:
    """Return the nine digits of an SSN typed with or without dashes, or raise."""
    value = (value or "").strip()
    if not SSN_RE.match(value):
        raise ValidationError(
            _("A Social Security number is 9 digits, like 123-45-6789."), code="ssn_format"
        )
    digits = value.replace("-", "")
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in {"000", "666"} or area.startswith("9") or group == "00" or serial == "0000":
        raise ValidationError(
            _("This is not a valid Social Security number; please check the digits."),
            code="ssn_invalid",
        )
    return digits


def validate_ssn(value: str) -> None:
    normalize_ssn(value)
