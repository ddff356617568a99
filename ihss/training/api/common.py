"""What the training API's modules share: who is calling, refusals, keys in paths."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja import Schema, Status
from ninja.errors import HttpError, ValidationError

from ihss.accounts.models import User
from ihss.core.pagination import MAX_KEY
from ihss.core.refusals import ServiceRefused

MAX_ID = MAX_KEY


class TrainingRefusal(Schema):
    detail: str
    code: str


def caller(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def key(value: int, name: str) -> int:
    if not 1 <= value <= MAX_ID:
        raise ValidationError(
            [{"type": "value_error", "loc": ["path", name], "msg": "No such record."}]
        )
    return value


def refused(refusal: ServiceRefused, *, body_field: str | None = None) -> Any:
    """A service's refusal: 422 at the field for what was sent, 409 otherwise."""
    if not refusal.conflict:
        raise ValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ["body", "data", refusal.field or body_field or "data"],
                    "msg": refusal.message,
                }
            ]
        )
    return Status(409, TrainingRefusal(detail=refusal.message, code=refusal.code))


def forbidden(message: str) -> HttpError:
    return HttpError(403, message)
