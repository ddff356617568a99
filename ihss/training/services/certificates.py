"""Completion certificates: one for each verified attendance, with a verification code.

The code is 12 characters of an alphabet without look-alikes (no 0/O, 1/I/L), from the
operating system's random source: about 60 bits, far too many to guess, and short enough
to read out over the phone. It is shown grouped ("K7QM-3XDA-9PRT") and read back without
dashes, spaces or case.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from ihss.training.models import Attendance, Certificate

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalized(typed: str) -> str:
    """What a person typed, as stored: dashes and spaces dropped, upper case, at most the
    code's length (anything longer cannot be a code)."""
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -")
    return cleaned if len(cleaned) == LENGTH and all(c in ALPHABET for c in cleaned) else ""


def certificate_for(attendance: Attendance) -> Certificate | None:
    """The certificate of a verified attendance (made once); None when nobody attended."""
    if attendance.minutes <= 0:
        return None
    existing = Certificate.objects.filter(attendance=attendance).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    attendance=attendance, code=new_code(), issued_at=timezone.now()
                )
        except IntegrityError:  # the same attendance at the same time, or a code collision
            existing = Certificate.objects.filter(attendance=attendance).first()
            if existing is not None:
                return existing
    raise RuntimeError("Could not draw a unique certificate code.")


def verify(typed: str) -> Certificate | None:
    code = normalized(typed)
    if not code:
        return None
    return (
        Certificate.objects.filter(code=code)
        .select_related(
            "attendance__registration__provider",
            "attendance__registration__course__pathway",
            "attendance__registration__course__provider",
        )
        .first()
    )
