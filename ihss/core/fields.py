"""Model fields for values that must never sit in the database in clear."""

from __future__ import annotations

from typing import Any

from django.db import models

from ihss.core import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Stores an encrypted token (ihss/core/crypto.py); Python code sees the clear text.

    Not searchable (use a blind index column) and excluded from ordering and filters by
    design. Empty values are stored as the empty string, not encrypted.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        return crypto.decrypt_stored(value)

    def to_python(self, value: Any) -> str:
        return "" if value is None else str(value)

    def get_prep_value(self, value: Any) -> str:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return ""
        return crypto.encrypt(str(value))
