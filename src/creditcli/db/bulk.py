"""Bulk reads and writes through the database driver, inside the session's transaction.

SQLAlchemy Core/ORM row inserts are 4–30× slower than the driver's executemany here
(engineering.md), so the big paths come through these helpers: sqlite3 executemany, PostgreSQL
COPY. Arrow tables go through db/adbc.py, two-range reads through db/split.py. Names are quoted
(``sql.ident``), values bound; constants are bound too (benchmarks/README.md: inlining them as
SQLite literals no longer pays on any path).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from creditcli.db.sql import CHUNK, dialect, driver_connection, for_driver, ident, idents, placeholders

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

__all__ = [
    "CHUNK",
    "dialect",
    "driver_connection",
    "fetch_all",
    "fetch_rows",
    "fetch_where_in",
    "insert_rows",
    "max_id",
    "timestamp",
    "update_rows",
]


def max_id(session: Session, table: str) -> int:
    """The largest id in ``table`` (0 when empty): rows inserted afterwards in this transaction have larger ids."""
    return int(fetch_all(session, f"SELECT coalesce(max(id), 0) FROM {ident(table)}")[0][0])


def timestamp(session: Session, value: dt.datetime) -> Any:
    """A datetime as the driver should receive it in bulk rows.

    SQLAlchemy stores ISO text in SQLite and sqlite3's own datetime adapters are deprecated;
    rows are otherwise passed through untouched (adapting every value cost more than the insert).
    """
    return value.isoformat(sep=" ") if dialect(session) == "sqlite" else value


def chunks(rows: Iterable[Sequence[Any]], size: int = CHUNK) -> Iterator[list[Sequence[Any]]]:
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _with(rows: Iterable[Sequence[Any]], extra: tuple[Any, ...]) -> Iterable[Sequence[Any]]:
    """Rows followed by the same ``extra`` values each."""
    return ((*row, *extra) for row in rows) if extra else rows


def insert_rows(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    constants: Mapping[str, Any] | None = None,
) -> None:
    """Insert ``rows``; ``constants`` are the same in every row (bound with each row)."""
    conn = driver_connection(session)
    fixed = dict(constants or {})
    cols = idents([*columns, *fixed])
    extra = tuple(fixed.values())
    if dialect(session) == "postgresql":
        with conn.cursor() as cur, cur.copy(f"COPY {ident(table)} ({cols}) FROM STDIN") as copy:
            for row in _with(rows, extra):
                copy.write_row(row)
        return
    sql = f"INSERT INTO {ident(table)} ({cols}) VALUES ({placeholders(len(columns) + len(extra))})"
    cur = conn.cursor()
    for batch in chunks(_with(rows, extra)):
        cur.executemany(sql, batch)


def update_rows(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    key: str = "id",
    match: Mapping[str, Any] | None = None,
) -> None:
    """Each row is ``(*values for columns, key value)``; ``match``: values every updated row has."""
    conn = driver_connection(session)
    fixed = dict(match or {})
    name = ident(table)
    if dialect(session) == "postgresql":
        # COPY into a temporary twin of the table, then one UPDATE … FROM: executemany of
        # single-row UPDATEs is far slower over a network connection.
        cols = idents([*columns, key])
        with conn.cursor() as cur:
            cur.execute(f"CREATE TEMP TABLE _upd ON COMMIT DROP AS SELECT {cols} FROM {name} WITH NO DATA")
            with cur.copy(f"COPY _upd ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            sets = ", ".join(f"{ident(c)} = _upd.{ident(c)}" for c in columns)
            extra = "".join(f" AND {name}.{ident(c)} = %s" for c in fixed)
            cur.execute(
                f"UPDATE {name} SET {sets} FROM _upd WHERE {name}.{ident(key)} = _upd.{ident(key)}{extra}",
                tuple(fixed.values()),
            )
            cur.execute("DROP TABLE _upd")
        return
    sets = ", ".join(f"{ident(c)} = ?" for c in columns)
    extra = "".join(f" AND {ident(c)} = ?" for c in fixed)
    sql = f"UPDATE {name} SET {sets} WHERE {ident(key)} = ?{extra}"
    cur = conn.cursor()
    for batch in chunks(_with(rows, tuple(fixed.values()))):
        cur.executemany(sql, batch)


def fetch_rows(
    session: Session | Connection, sql: str, params: Sequence[Any] = (), size: int = CHUNK
) -> Iterator[list[tuple[Any, ...]]]:
    """Stream a query through the driver in chunks (``?`` placeholders; rewritten for psycopg)."""
    cur = driver_connection(session).cursor()
    cur.execute(for_driver(session, sql), tuple(params))
    while True:
        batch = cur.fetchmany(size)
        if not batch:
            break
        yield [tuple(r) for r in batch]


def fetch_all(session: Session | Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """All rows at once, as the driver gives them (for 1M short rows: no per-batch copies)."""
    cur = driver_connection(session).cursor()
    cur.execute(for_driver(session, sql), tuple(params))
    rows: list[tuple[Any, ...]] = cur.fetchall()
    return rows


def fetch_where_in(
    session: Session, select: str, column: str, values: Sequence[Any], chunk: int = 500
) -> list[tuple[Any, ...]]:
    """``select`` + ``WHERE column IN (…)`` in chunks, for small lookups in big tables."""
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(values), chunk):
        part = values[start : start + chunk]
        sql = f"{select} WHERE {ident(column)} IN ({placeholders(len(part))})"
        for batch in fetch_rows(session, sql, part):
            out.extend(batch)
    return out
