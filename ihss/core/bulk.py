"""Writing many rows at once: COPY on PostgreSQL, multi-row INSERTs elsewhere.

Any app that saves thousands of plain records in one go (the case records import; the
payroll run, the state generator and attendance uploads to come) uses `insert`. It does
what QuerySet.bulk_create does for plain models, several times faster, and sets the
records' primary keys, so that related records and audit events can point at them.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, models
from django.db.models import sql

from ihss.core.fields import EncryptedTextField

# Rows per multi-row INSERT at most, whatever the database's parameter limit allows.
MAX_ROWS_PER_STATEMENT = 1_000
# PostgreSQL takes up to 65,535 parameters per statement; the COPY path needs none, but
# max_params() answers for any caller that builds its own IN (...) lists.
POSTGRESQL_MAX_PARAMS = 30_000
# SQLite's oldest default limit, when the driver cannot tell the real one.
SQLITE_DEFAULT_MAX_PARAMS = 999

# Plain values the database takes as they are; everything else (dates, decimals, JSON,
# encrypted text, datetimes) goes through the field's own get_db_prep_save.
AS_IS_FIELDS = (
    models.BooleanField,
    models.CharField,
    models.ForeignKey,
    models.IntegerField,
)

Plan = list[tuple[str, str, Callable[[Any], Any] | None]]


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """`items` in slices of `size` (the last one shorter)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def column_plan(model: type[models.Model]) -> Plan:
    """(attribute, column, conversion or None) for every column an INSERT fills."""
    plan: Plan = []
    wrapper = connections[connection.alias]  # the connection itself, not the proxy
    for f in model._meta.concrete_fields:
        if f.primary_key or f.column is None:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            raise TypeError(f"{f} is set on save; the fast insert does not support it.")
        as_is = isinstance(f, AS_IS_FIELDS) and not isinstance(f, EncryptedTextField)
        prep = None if as_is else partial(f.get_db_prep_save, connection=wrapper)
        plan.append((f.attname, f.column, prep))
    return plan


# Column types whose binary COPY form psycopg writes from the values the text form takes
# (ints, strings, dates, aware datetimes, booleans, JSON as Django prepares it). A table
# with any other type is copied as text.
BINARY_COPY_TYPES = frozenset({
    "int2", "int4", "int8", "text", "varchar", "bpchar", "date", "timestamptz", "bool", "jsonb",
})  # fmt: skip


def _column_types(cursor: Any, table: str) -> dict[str, str]:
    """Each column of `table` and the name of its type."""
    cursor.execute(
        "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
        " WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
        [table],
    )
    return dict(cursor.fetchall())


def _converter(preps: Sequence[Callable[[Any], Any] | None]) -> Callable[[Sequence[Any]], Any]:
    """A row's values converted by each column's `prep` (None: as they are)."""
    if not any(preps):
        return lambda row: row

    def convert(row: Sequence[Any]) -> Sequence[Any]:
        return [
            value if prep is None or value is None else prep(value)
            for value, prep in zip(row, preps, strict=True)
        ]

    return convert


def _binary_prep(
    field: models.Field[Any, Any], prep: Callable[[Any], Any] | None
) -> Callable[[Any], Any] | None:
    """The conversion a binary COPY still needs: psycopg writes JSON (with the standard
    encoder) and aware datetimes itself, faster than the field's own preparation."""
    if prep is None:
        return None
    if isinstance(field, models.JSONField) and field.encoder is None:
        return None
    if isinstance(field, models.DateTimeField):
        return lambda value: value if getattr(value, "tzinfo", None) is not None else prep(value)
    return prep


def max_params() -> int:
    """How many parameters one SQL statement may carry on this database."""
    if connection.vendor == "sqlite":
        raw = connection.connection
        if raw is not None and hasattr(raw, "getlimit"):
            return int(raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        return SQLITE_DEFAULT_MAX_PARAMS
    return POSTGRESQL_MAX_PARAMS


def insert(objects: Sequence[models.Model]) -> None:
    """INSERT the objects (all of one model) and set their primary keys.

    Django's insert compiler spends most of a 100,000-row import preparing values one
    by one. Here each column's conversion is chosen once. On PostgreSQL the keys are
    drawn from the table's sequence and the rows sent with COPY; elsewhere they go into
    multi-row INSERT ... RETURNING statements as large as the database allows, and the
    returned keys are set in order (as bulk_create does on SQLite). Fields set on save
    (auto_now) are refused; signals and save() are not run, as with bulk_create.
    """
    if not objects:
        return
    meta = type(objects[0])._meta
    plan = column_plan(type(objects[0]))
    assert meta.pk is not None and meta.pk.column is not None
    qn = connection.ops.quote_name
    # Only quoted model names and placeholders go into the SQL text; values are params.
    table, pk_column = qn(meta.db_table), qn(meta.pk.column)
    columns = ", ".join(qn(column) for _name, column, _prep in plan)

    def row(obj: models.Model) -> list[Any]:
        values = obj.__dict__
        result = []
        for name, _column, prep in plan:
            value = values[name]
            result.append(value if prep is None or value is None else prep(value))
        return result

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            keys = _new_keys(cursor, meta.db_table, meta.pk.column, len(objects))
            with (
                connection.wrap_database_errors,
                cursor.copy(f"COPY {table} ({pk_column}, {columns}) FROM STDIN") as copy,
            ):
                for obj, pk in zip(objects, keys, strict=True):
                    copy.write_row([pk, *row(obj)])
        else:
            row_sql = "(" + ", ".join(["%s"] * len(plan)) + ")"
            per_statement = max(1, min(MAX_ROWS_PER_STATEMENT, max_params() // len(plan)))
            keys = []
            for chunk in chunks(objects, per_statement):
                values_sql = ", ".join([row_sql] * len(chunk))
                sql = f"INSERT INTO {table} ({columns}) VALUES {values_sql} RETURNING {pk_column}"  # noqa: S608
                cursor.execute(sql, [value for obj in chunk for value in row(obj)])
                keys.extend(pk for (pk,) in cursor.fetchall())
    for obj, pk in zip(objects, keys, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """INSERT plain rows of `model`: each a tuple of the values of `fields` (attribute names,
    such as `run_id`), in that order. No model instance is made and no key returned.

    For the writers of millions of rows (a state's payroll run), where making an instance
    per row costs more than sending it: on PostgreSQL one COPY, elsewhere multi-row
    INSERTs. Values are converted as `insert` converts them (dates, JSON, datetimes...).
    `rows` may be an iterator that makes them as they are asked for: on PostgreSQL the
    database stores the first ones while the next are made (the iterator must not use
    this connection meanwhile: it is busy copying).
    """
    _insert_rows(model, fields, rows, keys=False)


def insert_rows_with_keys(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """As `insert_rows`, and return the primary key of each row, in order: on PostgreSQL
    drawn from the table's sequence before the COPY, elsewhere from INSERT ... RETURNING.
    For rows that others point at (a payroll run's stubs, which its lines reference)."""
    return _insert_rows(model, fields, rows, keys=True)


def _insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], *, keys: bool
) -> list[int]:
    if not isinstance(rows, Sequence):
        if connection.vendor != "postgresql":
            rows = list(rows)
    elif not rows:
        return []
    meta = model._meta
    # Keys are drawn for a single-column key; a composite one (a stub's numbered lines) is
    # made of the row's own values.
    pk_name = meta.pk.column if keys and meta.pk is not None else None
    assert pk_name is not None or not keys, "keys are drawn for a key of one column"
    plan = {name: (column, prep) for name, column, prep in column_plan(model)}
    if connection.vendor == "postgresql":
        # psycopg sends dates as they are: no conversion per value (millions of them).
        dates = {
            f.attname
            for f in meta.concrete_fields
            if type(f) is models.DateField  # not a DateTimeField: time zones need it
        }
        plan = {
            name: (column, None if name in dates else prep) for name, (column, prep) in plan.items()
        }
    chosen = [plan[name] for name in fields]
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    pk_column = qn(pk_name) if pk_name else ""  # only written when keys are drawn
    columns = ", ".join(qn(column) for column, _prep in chosen)
    convert = _converter([prep for _column, prep in chosen])
    made: list[int] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if pk_name:
                assert isinstance(rows, Sequence), "keys are drawn for rows counted first"
                made = _new_keys(cursor, meta.db_table, pk_name, len(rows))
                columns = f"{pk_column}, {columns}"
            found = _column_types(cursor, meta.db_table)
            copied = [pk_name] if pk_name else []
            types = [found[column] for column in [*copied, *(c for c, _prep in chosen)]]
            binary = all(t in BINARY_COPY_TYPES for t in types)
            options = " (FORMAT BINARY)" if binary else ""
            if binary:
                by_name = {f.attname: f for f in meta.concrete_fields}
                convert = _converter(
                    [_binary_prep(by_name[name], plan[name][1]) for name in fields]
                )
            with (
                connection.wrap_database_errors,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN{options}") as copy,
            ):
                if binary:
                    copy.set_types(types)
                if keys:
                    for pk, row in zip(made, rows, strict=True):
                        copy.write_row([pk, *convert(row)])
                else:
                    for row in rows:
                        copy.write_row(convert(row))
            return made
        assert isinstance(rows, Sequence)
        row_sql = "(" + ", ".join(["%s"] * len(chosen)) + ")"
        per_statement = max(1, min(MAX_ROWS_PER_STATEMENT, max_params() // len(chosen)))
        returning = f" RETURNING {pk_column}" if keys else ""
        for chunk in chunks(rows, per_statement):
            values_sql = ", ".join([row_sql] * len(chunk))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values_sql}{returning}"  # noqa: S608
            cursor.execute(sql, [value for row in chunk for value in convert(row)])
            if keys:
                made.extend(pk for (pk,) in cursor.fetchall())
    return made


def analyze(*models: type[models.Model]) -> None:
    """Have PostgreSQL sample these tables again (ANALYZE), after writing millions of rows to
    them: until its autovacuum gets to it, a minute or more later, the planner still sees
    the tables as they were (empty, before a state's first payroll run) and plans the next
    queries for that. A state's issue started right after its calculation took 37 s
    instead of 11 s that way. A few hundred milliseconds for a table of millions of rows
    (a sample); nothing on other databases."""
    if connection.vendor != "postgresql" or not models:
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _new_keys(cursor: Any, table: str, column: str, count: int) -> list[int]:
    """`count` new keys from the sequence of `table`'s `column` (PostgreSQL). The sequence
    is looked up once, and named by its number: named in the same statement, the lookup
    ran once a key (7 us of the 8 us each key took: 7.6 s of the database for a state's
    684,000 stubs)."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)::regclass::oid", [table, column])
    (sequence,) = cursor.fetchone()
    cursor.execute(
        "SELECT nextval(%s::oid::regclass) FROM generate_series(1, %s)", [sequence, count]
    )
    return [pk for (pk,) in cursor.fetchall()]


class Meanwhile:
    """Updates sent to the database within `meanwhile()`."""

    def __init__(self, execute: Callable[[str, Sequence[Any]], Any]) -> None:
        self._execute = execute

    def update(self, queryset: models.QuerySet[Any], **values: Any) -> None:
        """`queryset.update(**values)`, its count of rows not asked for."""
        query: Any = queryset.query.chain(sql.UpdateQuery)
        query.add_update_values(values)
        try:
            statement, params = query.get_compiler(queryset.db).as_sql()
        except EmptyResultSet:  # no row can match (none(), an empty list of keys)
            return
        if statement:
            self._execute(statement, params)


@contextmanager
def meanwhile() -> Iterator[Meanwhile]:
    """Updates that the caller does not wait for: on PostgreSQL the database runs them
    while the caller goes on in Python, in the caller's transaction; leaving the block
    waits for them all and raises what failed. Elsewhere each runs when sent. The caller
    must not use this connection within the block.

    They are sent in psycopg's pipeline mode (no round trip waited for between them) by a
    thread of their own: updates naming hundreds of thousands of keys are megabytes of
    SQL, more than the connection's buffers hold, and sending them would otherwise keep
    the caller waiting until the database had run most of them."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield Meanwhile(cursor.execute)
        return
    connection.ensure_connection()
    raw = connection.connection
    with connection.wrap_database_errors, raw.pipeline(), raw.cursor() as cursor:
        sender = _Sender(cursor)
        try:
            yield Meanwhile(sender.put)
        except BaseException:
            sender.finish(raising=False)
            raise
        sender.finish()


class _Sender:
    """Executes statements on `cursor`, in the order given, in a thread of its own; after
    one fails, the rest are dropped (the transaction is lost anyway)."""

    def __init__(self, cursor: Any) -> None:
        self._statements: queue.SimpleQueue[tuple[str, Any] | None] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._send, args=(cursor,), name="bulk-meanwhile", daemon=True
        )
        self._thread.start()

    def put(self, statement: str, params: Any) -> None:
        self._statements.put((statement, params))

    def _send(self, cursor: Any) -> None:
        while (statement := self._statements.get()) is not None:
            if self._error is None:
                try:
                    cursor.execute(*statement)
                except BaseException as error:  # raised by finish(), in the caller's thread
                    self._error = error

    def finish(self, *, raising: bool = True) -> None:
        """Wait until every statement is sent; raise the first failure."""
        self._statements.put(None)
        self._thread.join()
        if raising and self._error is not None:
            raise self._error
