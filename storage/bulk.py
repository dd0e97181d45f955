"""Bulk inserts for batches: rows handed straight to the driver, past SQLAlchemy's per-row work.

Values still go through each column's own bind processor (aware UTC datetimes, JSON), computed
once per distinct hashable value (``now`` is the same for a whole batch). SQLite gets one
executemany; PostgreSQL gets ``COPY ... FROM STDIN``, which is one round trip instead of one
``INSERT`` per row. Both run on the session's connection, inside its transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from operator import itemgetter
from typing import Any

from sqlalchemy import ColumnElement, Dialect, String, Table, any_, bindparam, insert
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.types import TypeEngine


def one_of(
    session: Session, column: InstrumentedAttribute[Any], values: Collection[str]
) -> ColumnElement[bool]:
    """``column IN (...)``; on PostgreSQL ``= ANY(array)``, one parameter instead of a thousand."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))
    return column.in_(values)


def bulk_insert(session: Session, target: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (every one with the same keys) into ``target``."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    names = [column.name for column in target.columns if column.name in rows[0]]
    values = _values(names, rows, [_once(target.c[name].type, dialect) for name in names])
    if dialect.name == "postgresql":
        columns = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
        cursor = connection.connection.cursor()
        try:
            with cursor.copy(f"COPY {target.name} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        finally:
            cursor.close()
        return
    compiled = insert(target).compile(dialect=dialect, column_keys=names)
    assert compiled.positional and compiled.positiontup == names, "a qmark driver is expected"
    connection.exec_driver_sql(compiled.string, values)


def _values(
    names: list[str], rows: list[dict[str, Any]], processors: list[Callable[[Any], Any] | None]
) -> list[tuple[Any, ...]]:
    """The rows as tuples, converted column by column (only the columns that need it)."""
    assert len(names) > 1, "itemgetter gives tuples for two names or more"
    columns = list(zip(*map(itemgetter(*names), rows), strict=True))
    for index, process in enumerate(processors):
        if process is not None:
            columns[index] = tuple(map(process, columns[index]))
    return list(zip(*columns, strict=True))


def _once(column_type: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column's bind processor (None: none needed), remembering results for hashable values."""
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None
    done: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return done[value]
        except KeyError:
            done[value] = process(value)
            return done[value]
        except TypeError:  # unhashable (a JSON list)
            return process(value)

    return convert
