"""Bank routing numbers (ABA routing transit numbers)."""

from __future__ import annotations

# The ABA check: 3, 7 and 1 weigh the nine digits in turn; the weighted sum of a real
# routing number is a multiple of ten (the ninth digit is chosen to make it so).
_WEIGHTS = (3, 7, 1, 3, 7, 1, 3, 7, 1)


def routing_number_valid(number: str) -> bool:
    """Whether `number` is nine digits that pass the ABA check digit."""
    if len(number) != 9 or not number.isascii() or not number.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number, _WEIGHTS, strict=True))
    return total % 10 == 0
