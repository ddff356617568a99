"""`field__any_of=ids`: `__in` for the long lists of keys a batch reads by.

Django sends `provider_id__in=[...5,000 keys...]` as 5,000 placeholders, and psycopg's
client-side binding then parses and quotes each one: for a state's payroll run (a few
such lists per batch of providers, 140 batches) that costs more than the queries. On
PostgreSQL `any_of` sends the keys as one array parameter (`provider_id = ANY(%s)`);
elsewhere it is `__in`. Registered on every field by CoreConfig.ready().

Give the keys as a set (or frozenset) where there are thousands: Django's filter() looks
into every value of a list or tuple for expressions to resolve, and leaves a set as it is.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Q
from django.db.models.lookups import In


class AnyOf(In):
    lookup_name = "any_of"

    def get_prep_lookup(self) -> Any:
        # Keys are plain integers already: no field conversion per value (thousands).
        if isinstance(self.rhs, list | set | tuple | frozenset) and all(
            type(value) is int for value in self.rhs
        ):
            return self.rhs
        return super().get_prep_lookup()

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        if not isinstance(self.rhs, list | set | tuple | frozenset):  # a subquery: as __in
            return super().as_sql(compiler, connection)
        values = sorted({value for value in self.rhs if value is not None})
        if not values:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        kind = self.lhs.output_field.db_type(connection) or "bigint"
        if kind in ("serial", "bigserial"):
            kind = "integer" if kind == "serial" else "bigint"
        if all(type(value) is int for value in values):
            # Written as the array's text at once: psycopg would dump each key in Python.
            array = "{" + ",".join(map(str, values)) + "}"
            return f"{lhs} = ANY(%s::{kind}[])", (*lhs_params, array)
        return f"{lhs} = ANY(%s::{kind}[])", (*lhs_params, values)


def among(field: str, keys: frozenset[int]) -> Q:
    """`field` is one of `keys`: as a range when the keys fill most of the range between the
    first and the last (a batch of consecutive providers), which PostgreSQL reads in one
    index scan instead of looking each key up, and the query carries two numbers instead
    of thousands; else as `any_of`. The range may hold a few other keys: callers look the
    rows up by key, or leave out those they did not ask for."""
    if not keys:
        return Q(**{f"{field}__any_of": keys})
    first, last = min(keys), max(keys)
    if last - first < 2 * len(keys):
        return Q(**{f"{field}__gte": first, f"{field}__lte": last})
    return Q(**{f"{field}__any_of": keys})
