"""Bulk reads and writes through the database driver, inside the session's transaction.

SQLAlchemy Core/ORM row inserts are 4–30× slower than the driver's executemany here
(engineering.md), so the big roster paths come through these helpers: sqlite3 executemany,
PostgreSQL COPY. This is the one dialect-aware place for such SQL.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text

from creditcli.db import files
from creditcli.db.engine import CHANGES_AT_BEGIN, STAGE_PREFIX
from creditcli.errors import os_error
from creditcli.perf import gc_paused

if TYPE_CHECKING:
    import pyarrow as pa
    from sqlalchemy.orm import Session

__all__ = ["gc_paused"]

CHUNK = 50_000


def core_connection(db: Session | Connection) -> Connection:
    """The Core connection of a session's transaction, or the connection itself: the light reads
    (``Store.connected``) run the same driver SQL without the ORM (start-up)."""
    return db if isinstance(db, Connection) else db.connection()


def driver_connection(session: Session | Connection) -> Any:
    """The DBAPI connection of the session's current transaction."""
    return core_connection(session).connection.driver_connection


def dialect(session: Session | Connection) -> str:
    return session.dialect.name if isinstance(session, Connection) else session.get_bind().dialect.name


def max_id(session: Session, table: str) -> int:
    """The largest id in ``table`` (0 when empty): rows inserted afterwards in this transaction have larger ids."""
    value = session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
    return int(value)


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


def insert_rows(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    constants: Mapping[str, Any] | None = None,
) -> None:
    """Insert ``rows``; ``constants`` are the same in every row (written once into the SQL on SQLite).

    Every value bound through sqlite3 costs: 1M rows of 20 bound columns take 9.4 s here, of
    13 bound columns plus literal constants 5.7 s.
    """
    conn = driver_connection(session)
    fixed = dict(constants or {})
    cols = ", ".join([*columns, *fixed])
    if dialect(session) == "postgresql":
        extra = tuple(fixed.values())
        with conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *extra))
        return
    values = [*(["?"] * len(columns)), *(_sqlite_literal(v) for v in fixed.values())]
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(values)})"
    cur = conn.cursor()
    for batch in _chunks(rows):
        cur.executemany(sql, batch)


STAGE_SLICE = 250_000
"""Rows per staging file: the driver fills the next file while SQLite copies the previous one."""
STAGE_FIRST = 50_000
MAX_ATTACHED = 8
"""SQLite attaches at most 10 files; staging files stay attached until the transaction ends."""


def insert_arrow(session: Session, table: str, data: pa.Table, constants: Mapping[str, Any] | None = None) -> None:
    """Insert the rows of an Arrow table (nulls for empty cells, bool and int64 where typed).

    On SQLite the ADBC driver writes the Arrow buffers into staging files without a Python object
    per value, and ``INSERT … SELECT`` copies them inside the session's transaction (so a failure
    still rolls back whole). Both let go of the GIL: slice i+1 is staged on a thread while slice i
    is copied. 1M entity rows: 16 s → 6 s. PostgreSQL takes COPY.
    """
    names = list(data.column_names)
    free = MAX_ATTACHED - _attached(session) if dialect(session) == "sqlite" else 0
    if free < 1:
        rows = (row for batch in data.to_batches(CHUNK) for row in zip(*batch.to_pydict().values(), strict=True))
        insert_rows(session, table, names, rows, constants)
        return
    fixed = dict(constants or {})
    cols = ", ".join([*names, *fixed])
    values = ", ".join([*names, *(_sqlite_literal(v) for v in fixed.values())])
    folder = Path(session.connection().engine.url.database or "").resolve().parent
    remove_leftover_stages(folder)
    lengths = _slice_lengths(data.num_rows, free)
    stages = [_stage_path(folder) for _ in lengths]
    cur = driver_connection(session).cursor()
    try:
        with ThreadPoolExecutor(1) as staging, _indexes_rebuilt(cur, table, data.num_rows):
            starts = itertools.accumulate(lengths, initial=0)
            parts = [data.slice(start, length) for start, length in zip(starts, lengths, strict=False)]
            done = [staging.submit(_stage, path, part) for path, part in zip(stages, parts, strict=True)]
            for path, future in zip(stages, done, strict=True):
                try:
                    future.result()
                except OSError as exc:  # the staging file could not be written (disk full …): exit 73
                    raise os_error(exc, path) from exc
                alias = f"{STAGE_PREFIX}{next(_stages)}"
                cur.execute(f"ATTACH DATABASE ? AS {alias}", (path,))
                cur.execute(f"INSERT INTO {table} ({cols}) SELECT {values} FROM {alias}.rows ORDER BY rowid")
    finally:
        for path in stages:
            Path(path).unlink(missing_ok=True)  # an attached file stays readable until it is detached


def _slice_lengths(rows: int, free: int) -> list[int]:
    """Rows per staging file: a short first slice so that copying starts early (nothing overlaps
    the staging of the first one), then ``STAGE_SLICE`` each; fewer, bigger slices when earlier
    inserts of this transaction hold most of the attach slots."""
    first = STAGE_FIRST if rows > STAGE_FIRST and free > 1 else 0
    rest = rows - first
    size = max(STAGE_SLICE, -(-rest // (free - (1 if first else 0))))
    lengths = [first] if first else []
    lengths += [min(size, rest - start) for start in range(0, rest, size)]
    return lengths or [0]


REBUILD_INDEXES = 100_000
"""From this many new rows, and no fewer than the table already holds, its indexes are rebuilt."""


@contextmanager
def _indexes_rebuilt(cur: sqlite3.Cursor, table: str, rows: int) -> Iterator[None]:
    """Drop the table's named indexes for a big copy and create them again after it.

    Sorting once beats a million B-tree inserts: the 管辖单位 index of 1M new entities cost
    1.5–4 s during the copy and 0.7–1 s built afterwards. Both steps are DDL inside the session's
    transaction, so a failed copy rolls the indexes back with the rows. Indexes that belong to a
    constraint (``sql IS NULL``) stay.
    """
    if rows < REBUILD_INDEXES or cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > rows:
        yield
        return
    found = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
    indexes = cur.execute(found, (table,)).fetchall()
    for name, _sql in indexes:
        cur.execute(f"DROP INDEX {name}")
    yield
    for _name, sql in indexes:
        cur.execute(sql)


def _stage(path: str, part: pa.Table) -> None:
    import adbc_driver_sqlite.dbapi as adbc

    with adbc.connect(path) as conn:
        with conn.cursor() as cur:
            cur.adbc_ingest("rows", part, mode="create")
        conn.commit()


def _stage_path(folder: Path) -> str:
    """A new staging file name; it carries the process id so that a later run can tell a leftover."""
    handle, path = tempfile.mkstemp(prefix=f"{STAGE_FILE}{os.getpid()}-", suffix=".db", dir=folder)
    os.close(handle)
    os.unlink(path)  # the driver creates the file itself
    return path


STAGE_FILE = ".creditcli-stage-"


def remove_leftover_stages(folder: Path) -> None:
    """Staging files (and their journals) of a process that was killed before its ``finally`` ran;
    those of a live process are kept."""
    for path in folder.glob(f"{STAGE_FILE}*"):
        pid = path.name[len(STAGE_FILE) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _attached(session: Session) -> int:
    return len(driver_connection(session).execute("PRAGMA database_list").fetchall())


_stages = itertools.count(1)


def _sqlite_literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool | int):
        return str(int(value))
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQLite literal for {type(value).__name__}")


SEPARATOR = "\x1f"
"""Joins canonical values (ASCII unit separator); values that contain it are never trusted equal."""


def canonical_text(columns: Sequence[tuple[str, bool]]) -> str:
    """One SQL expression: the columns' canonical text joined by ``SEPARATOR``.

    Comparing one such string per row against the same join of a file row tells changed from
    unchanged rows more cheaply than fetching every column as a Python object (``(name, is_bool)``;
    dates come out as ISO text on both SQLite and PostgreSQL).
    """
    parts = []
    for name, is_bool in columns:
        if is_bool:
            parts.append(f"(CASE WHEN {name} THEN '1' ELSE '0' END)")
        else:
            parts.append(f"coalesce(CAST({name} AS TEXT), '')")
    return f" || '{SEPARATOR}' || ".join(parts) if parts else "''"


def update_rows(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    key: str = "id",
    match: Mapping[str, str] | None = None,
) -> None:
    """Each row is ``(*values for columns, key value)``; ``match``: text columns every updated row has."""
    conn = driver_connection(session)
    fixed = dict(match or {})
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
            extra = "".join(f" AND {table}.{c} = %s" for c in fixed)
            cur.execute(
                f"UPDATE {table} SET {sets} FROM _upd WHERE {table}.{key} = _upd.{key}{extra}", tuple(fixed.values())
            )
            cur.execute("DROP TABLE _upd")
        return
    sets = ", ".join(f"{c} = ?" for c in columns)
    extra = "".join(f" AND {c} = {_sqlite_literal(v)}" for c, v in fixed.items())
    sql = f"UPDATE {table} SET {sets} WHERE {key} = ?{extra}"
    cur = conn.cursor()
    for batch in _chunks(rows):
        cur.executemany(sql, batch)


def fetch_rows(
    session: Session | Connection, sql: str, params: Sequence[Any] = (), size: int = CHUNK
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


def fetch_arrow(session: Session, sql: str, *, writing: str | None) -> pa.Table | None:
    """The rows of ``sql`` as an Arrow table, read by ADBC on a connection of its own (1M roster
    rows: 5.7 s as the driver's tuples, 1.9 s), or None where that connection could not see what
    the session sees: not a SQLite file, or rows this transaction wrote already.

    ``writing``: a table the session is about to write. It takes SQLite's write lock first (with a
    statement that changes no row), so nobody can commit between this read and those writes.
    """
    database = session.connection().engine.url.database
    if dialect(session) != "sqlite" or not database or database == ":memory:":
        return None
    if driver_connection(session).total_changes != session.connection().info.get(CHANGES_AT_BEGIN):
        return None
    if writing is not None:
        driver_connection(session).execute(f"DELETE FROM {writing} WHERE 0")
    import adbc_driver_sqlite.dbapi as adbc

    with adbc.connect(readonly_uri(database)) as conn, conn.cursor() as cur:
        cur.execute(sql)
        table: pa.Table = cur.fetch_arrow_table()
    return table


def readonly_uri(path: str) -> str:
    """A SQLite URI that opens ``path`` read-only (immutable on a read-only mount: db/files.py)."""
    return files.readonly_uri(Path(path))


def fetch_all(session: Session | Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """All rows at once, as the driver gives them (for 1M short rows: no per-batch copies)."""
    conn = driver_connection(session)
    if dialect(session) == "postgresql":
        sql = sql.replace("?", "%s")
    cur = conn.cursor()
    cur.execute(sql, tuple(params))
    rows: list[tuple[Any, ...]] = cur.fetchall()
    return rows


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


class SqliteSplit:
    """A big ordered read of a SQLite file that two processes can share: split at the median key,
    each half read on a connection of its own (perf.Forked gives the second half a core).

    Two connections see two snapshots; ``PRAGMA data_version`` on the watching connection tells
    whether anything was committed in between, and the caller then reads again in one piece.
    """

    MIN_ROWS = 200_000

    def __init__(self, path: str, table: str, names: Sequence[str], where: str, params: Sequence[Any], key: str):
        self.path, self.table, self.names, self.where, self.params, self.key = path, table, names, where, params, key
        self._watch: sqlite3.Connection | None = None
        self._version: int | None = None

    @classmethod
    def of(
        cls,
        session: Session | Connection,
        table: str,
        names: Sequence[str],
        where: str,
        params: Sequence[Any],
        key: str,
    ) -> SqliteSplit | None:
        """None unless the session reads a SQLite file and has nothing uncommitted of its own."""
        conn = core_connection(session)
        database = conn.engine.url.database
        if dialect(session) != "sqlite" or not database or database == ":memory:":
            return None
        if driver_connection(session).total_changes != conn.info.get(CHANGES_AT_BEGIN):
            return None  # rows written in this transaction are not visible to other connections
        return cls(database, table, names, where, params, key)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(readonly_uri(self.path), uri=True)
        conn.execute("PRAGMA mmap_size = 1073741824")  # fewer read() calls in key order: 9.1 → 7.6 s per 1M
        return conn

    def median(self) -> Any | None:
        """The key that starts the second half, or None when one process should read it all."""
        self._watch = self._connect()
        self._version = self._watch.execute("PRAGMA data_version").fetchone()[0]
        rows = self._watch.execute(f"SELECT COUNT(*) FROM {self.table}{self.where}", tuple(self.params)).fetchone()[0]
        if rows < self.MIN_ROWS:
            return None
        sql = f"SELECT {self.key} FROM {self.table}{self.where} ORDER BY {self.key} LIMIT 1 OFFSET ?"
        return self._watch.execute(sql, (*self.params, rows // 2)).fetchone()[0]

    def part(
        self, low: Any | None, high: Any | None, words: Mapping[str, tuple[str, str]] | None = None
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Rows with low ≤ key < high (either bound may be open), in key order.

        ``words``: flag columns read as one of two words (false, true), chosen by SQLite rather
        than row by row in Python (1M rows: 0.8–1.9 s).
        """
        shown = words or {}
        columns = [
            f"CASE WHEN {n} THEN {_sqlite_literal(shown[n][1])} ELSE {_sqlite_literal(shown[n][0])} END"
            if n in shown
            else n
            for n in self.names
        ]
        bounds, params = [], list(self.params)
        if low is not None:
            bounds.append(f"{self.key} >= ?")
            params.append(low)
        if high is not None:
            bounds.append(f"{self.key} < ?")
            params.append(high)
        where = self.where
        if bounds:
            where = (f"{where} AND " if where else " WHERE ") + " AND ".join(bounds)
        conn = self._connect()
        try:
            cur = conn.execute(f"SELECT {', '.join(columns)} FROM {self.table}{where} ORDER BY {self.key}", params)
            while batch := cur.fetchmany(CHUNK):
                yield batch
        finally:
            conn.close()

    def unchanged(self) -> bool:
        """Nothing was committed to the file since ``median`` (then both halves saw the same data)."""
        if self._watch is None:
            return False
        try:
            return bool(self._watch.execute("PRAGMA data_version").fetchone()[0] == self._version)
        finally:
            self._watch.close()
            self._watch = None
