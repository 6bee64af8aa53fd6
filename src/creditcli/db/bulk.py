"""Bulk reads and writes through the database driver, inside the session's transaction.

SQLAlchemy Core/ORM row inserts are 4–30× slower than the driver's executemany here
(engineering.md), so the big roster paths come through these helpers: sqlite3 executemany,
PostgreSQL COPY. This is the one dialect-aware place for such SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy.orm import Session

from creditcli.perf import gc_paused

__all__ = ["gc_paused"]

CHUNK = 50_000


def driver_connection(session: Session) -> Any:
    """The DBAPI connection of the session's current transaction."""
    return session.connection().connection.driver_connection


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _placeholders(session: Session, n: int) -> str:
    mark = "?" if dialect(session) == "sqlite" else "%s"
    return ", ".join([mark] * n)


def timestamp(session: Session, value: dt.datetime) -> Any:
    """A datetime as the driver should receive it in bulk rows.

    SQLAlchemy stores ISO text in SQLite and sqlite3's own datetime adapters are deprecated;
    rows are otherwise passed through untouched (adapting every value cost more than the insert).
    """
    return value.isoformat(sep=" ") if dialect(session) == "sqlite" else value


def _chunks(rows: Iterable[Sequence[Any]], size: int = CHUNK) -> Iterator[list[Sequence[Any]]]:
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def insert_rows(session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    conn = driver_connection(session)
    cols = ", ".join(columns)
    if dialect(session) == "postgresql":
        with conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({cols}) VALUES ({_placeholders(session, len(columns))})"
    cur = conn.cursor()
    for batch in _chunks(rows):
        cur.executemany(sql, batch)


def update_rows(
    session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], key: str = "id"
) -> None:
    """Each row is ``(*values for columns, key value)``."""
    conn = driver_connection(session)
    if dialect(session) == "postgresql":
        # COPY into a temporary twin of the table, then one UPDATE … FROM: executemany of
        # single-row UPDATEs is far slower over a network connection.
        cols = ", ".join([*columns, key])
        with conn.cursor() as cur:
            cur.execute(f"CREATE TEMP TABLE _upd ON COMMIT DROP AS SELECT {cols} FROM {table} WITH NO DATA")
            with cur.copy(f"COPY _upd ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            sets = ", ".join(f"{c} = _upd.{c}" for c in columns)
            cur.execute(f"UPDATE {table} SET {sets} FROM _upd WHERE {table}.{key} = _upd.{key}")
            cur.execute("DROP TABLE _upd")
        return
    sets = ", ".join(f"{c} = ?" for c in columns)
    sql = f"UPDATE {table} SET {sets} WHERE {key} = ?"
    cur = conn.cursor()
    for batch in _chunks(rows):
        cur.executemany(sql, batch)


def fetch_rows(
    session: Session, sql: str, params: Sequence[Any] = (), size: int = CHUNK
) -> Iterator[list[tuple[Any, ...]]]:
    """Stream a query through the driver in chunks (``?`` placeholders; rewritten for psycopg)."""
    conn = driver_connection(session)
    if dialect(session) == "postgresql":
        sql = sql.replace("?", "%s")
    cur = conn.cursor()
    cur.execute(sql, tuple(params))
    while True:
        batch = cur.fetchmany(size)
        if not batch:
            break
        yield [tuple(r) for r in batch]


def fetch_where_in(
    session: Session, select: str, column: str, values: Sequence[Any], chunk: int = 500
) -> list[tuple[Any, ...]]:
    """``select`` + ``WHERE column IN (…)`` in chunks, for small lookups in big tables."""
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(values), chunk):
        part = values[start : start + chunk]
        sql = f"{select} WHERE {column} IN ({', '.join(['?'] * len(part))})"
        for batch in fetch_rows(session, sql, part):
            out.extend(batch)
    return out
