"""Records in force between two dates: authorizations, assignments, exemptions, agreements.

Such a record starts on a day and ends on a day (inclusive) or never. Whether it is in force
on a day, or at some point of a period, is one question asked in one way: `in_force(start,
end)` or `in_force_on(day)` on the queryset, `in_force_on(day)` on a loaded row, and
`in_force_q(...)` to ask it through a relation (`provider__assignments__`). Models name their
two date fields with `starts_field` and `ends_field`, so that records whose fields read
naturally in their own domain ("start date" of an assignment, "effective from" of an
authorization) share the question without renaming columns.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Self, TypeVar

from django.db import models
from django.db.models import Q


def in_force_q(
    start: dt.date,
    end: dt.date | None,
    *,
    starts: str = "effective_from",
    ends: str = "effective_to",
    through: str = "",
) -> Q:
    """Rows in force on at least one day from `start` to `end` (both inclusive; `end`
    None is a period with no end). `through` is a relation path ending in "__"."""
    still = Q(**{f"{through}{ends}__isnull": True}) | Q(**{f"{through}{ends}__gte": start})
    if end is None:
        return still
    return Q(**{f"{through}{starts}__lte": end}) & still


_Dated = TypeVar("_Dated", bound="EffectiveDated")


class InForceQuerySet(models.QuerySet[_Dated]):
    def in_force(self, start: dt.date, end: dt.date | None) -> Self:
        """Rows in force on at least one day of `start`..`end` (`end` None: no end)."""
        return self.filter(self.model.in_force_q(start, end))

    def in_force_on(self, day: dt.date) -> Self:
        return self.in_force(day, day)


class EffectiveDated(models.Model):
    """An abstract base adding the in-force question to a model with two date fields."""

    starts_field: ClassVar[str] = "effective_from"
    ends_field: ClassVar[str] = "effective_to"

    objects = InForceQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def in_force_q(cls, start: dt.date, end: dt.date | None, *, through: str = "") -> Q:
        return in_force_q(start, end, starts=cls.starts_field, ends=cls.ends_field, through=through)

    def in_force_on(self, day: dt.date) -> bool:
        starts: dt.date = getattr(self, self.starts_field)
        ends: dt.date | None = getattr(self, self.ends_field)
        return starts <= day and (ends is None or day <= ends)
