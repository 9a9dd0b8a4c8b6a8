"""Plain SQL for the executor's hot path: row reads, updates and inserts without the ORM's query
building, which per-statement timing showed to cost more than the round trips themselves
(docs/executor.md, Performance). Values go through the fields' own conversions both ways, so
rows read and written here are the rows the ORM reads and writes.

Only what a claim or a completion runs per task belongs here; everything else uses the ORM.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from django.db import connection
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    return model._meta.get_field(name)  # type: ignore[return-value]


@functools.cache
def columns(model: type[Model], names: tuple[str, ...] | None = None) -> list[str]:
    """Quoted column names of ``names`` (all concrete fields by default), as both backends quote."""
    fields = model._meta.concrete_fields if names is None else [_field(model, n) for n in names]
    return [f'"{field.column}"' for field in fields]


@functools.cache
def _converters(model: type[Model], names: tuple[str, ...] | None, vendor: str) -> list[tuple[Any, list[Any]]]:
    """Per column, the backend's then the field's converters (as ``SQLCompiler.get_converters``)."""
    fields = model._meta.concrete_fields if names is None else [_field(model, n) for n in names]
    cols = [field.get_col(model._meta.db_table) for field in fields]
    return [(col, [*connection.ops.get_db_converters(col), *col.field.get_db_converters(connection)]) for col in cols]


def convert(model: type[Model], values: Sequence[Any], names: tuple[str, ...] | None = None) -> list[Any]:
    """A row as read from the database, converted to Python as the ORM converts it."""
    out = []
    for (col, converters), value in zip(_converters(model, names, connection.vendor), values, strict=True):
        for converter in converters:
            value = converter(value, col, connection)
        out.append(value)
    return out


def from_row(model: type[M], values: Sequence[Any]) -> M:
    """A model instance from a row of all its columns (in ``columns(model)`` order)."""
    return model.from_db(connection.alias, [f.attname for f in model._meta.concrete_fields], convert(model, values))


def for_update(*, of: str = "", share: str = "") -> str:
    """The row-locking suffix of a SELECT on this backend (none on SQLite, which locks the file):
    every row read, or the rows of table alias ``of``, locked for update; the rows of alias
    ``share`` locked for share."""
    if not connection.features.has_select_for_update:
        return ""
    shared = f" FOR SHARE OF {share}" if share else ""
    return f"{shared} FOR UPDATE OF {of}" if of else f"{shared} FOR UPDATE"


def select(
    model: type[Model], names: tuple[str, ...], where: str, params: Sequence[Any], *, lock: bool = False
) -> list[list[Any]]:
    """``model.objects.filter(...).values_list(*names)`` for a WHERE clause in SQL, optionally
    ``select_for_update()``."""
    lock_sql = for_update() if lock else ""
    sql = f"SELECT {', '.join(columns(model, names))} FROM {model._meta.db_table} WHERE {where}{lock_sql}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [convert(model, row, names) for row in cursor.fetchall()]


def instances(
    model: type[M], names: tuple[str, ...], where: str, params: Sequence[Any], *, lock: bool = False
) -> list[M]:
    """``model.objects.filter(...).only(*names)`` (the other fields deferred), as ``select``."""
    wanted = {_field(model, name).attname for name in names}
    fields = tuple(f for f in model._meta.concrete_fields if f.attname in wanted)  # from_db's order
    rows = select(model, tuple(f.name for f in fields), where, params, lock=lock)
    return [model.from_db(connection.alias, [f.attname for f in fields], row) for row in rows]


def contains(model: type[Model], name: str) -> str:
    """A WHERE condition: the text of field ``name`` contains the parameter (``like_pattern``),
    as Django writes ``__contains`` on this backend (a JSON column is cast to text)."""
    field = _field(model, name)
    column = connection.ops.lookup_cast("contains", field.get_internal_type()) % f'"{field.column}"'
    operators: dict[str, str] = cast(Any, connection).operators  # each backend's wrapper has them
    return f"{column} {operators['contains'] % '%s'}"


def like_pattern(text: str) -> str:
    return f"%{connection.ops.prep_for_like_query(text)}%"


def prep(model: type[Model], name: str, value: Any) -> Any:
    """A query parameter for field ``name`` (a UUID is text on SQLite, say)."""
    return _field(model, name).get_db_prep_value(value, connection)


def _prepared(model: type[Model], values: dict[str, Any]) -> tuple[list[str], list[Any]]:
    names, params = [], []
    for name, value in values.items():
        field = _field(model, name)
        names.append(f'"{field.column}"')
        params.append(field.get_db_prep_save(value.pk if isinstance(value, Model) else value, connection))
    return names, params


Write = tuple[str, list[Any]]  # a statement and its parameters


class _Deferred(threading.local):
    writes: list[Write] | None = None


_deferred = _Deferred()


@contextmanager
def deferring() -> Iterator[list[Write]]:
    """Collect the writes made with ``update(..., defer=True)`` inside the block instead of running
    them; the caller runs the list it is given (``jobs.events.gathered`` sends them with the
    block's events, in one statement on PostgreSQL). Nested blocks add to the outermost one."""
    if _deferred.writes is not None:
        yield _deferred.writes
        return
    _deferred.writes = []
    try:
        yield _deferred.writes
    finally:
        _deferred.writes = None


def run(writes: Sequence[Write]) -> None:
    """Run statements one by one."""
    with connection.cursor() as cursor:
        for statement, params in writes:
            cursor.execute(statement, params)


def update(model: type[Model], pks: Sequence[Any], changes: dict[str, Any], *, defer: bool = False) -> None:
    """``model.objects.filter(pk__in=pks).update(**changes)``.

    ``defer=True`` inside a ``deferring()`` block leaves the write to the block's end: only for a
    row the transaction has locked already and that nothing reads before then."""
    if not pks:
        return
    names, params = _prepared(model, changes)
    marks = ", ".join(["%s"] * len(pks))
    sets = ", ".join(f"{name} = %s" for name in names)
    write = (f"UPDATE {model._meta.db_table} SET {sets} WHERE id IN ({marks})", [*params, *pks])
    if defer and _deferred.writes is not None:
        _deferred.writes.append(write)
    else:
        run([write])


def create(instance: M, *, defer: bool = False) -> M:
    """``instance.save()`` of a new row: every field but the id, which comes back from the insert.

    An instance whose id was reserved beforehand (``nextval``) is inserted with it; ``defer=True``
    then leaves the insert to the end of the ``deferring()`` block, as ``update``'s."""
    reserved = instance.pk is not None
    fields = [field for field in instance._meta.concrete_fields if reserved or not field.primary_key]
    names = [f'"{field.column}"' for field in fields]
    params = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    sql = f"INSERT INTO {instance._meta.db_table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
    if reserved and defer and _deferred.writes is not None:
        _deferred.writes.append((sql, params))
    elif reserved:
        run([(sql, params)])
    else:
        with connection.cursor() as cursor:
            if connection.features.can_return_columns_from_insert:
                cursor.execute(f"{sql} RETURNING id", params)
                instance.pk = cursor.fetchone()[0]
            else:
                cursor.execute(sql, params)
                instance.pk = cursor.lastrowid
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance
