"""A big ordered read of a SQLite file in two key ranges, each on a connection of its own, so that
two processes can share it (io/writers.py's ``Halves``: a big CSV export uses both cores)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditcli.db import files
from creditcli.db.sql import CHUNK, ident, readable_file

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session


class SqliteSplit:
    """``SELECT names FROM table WHERE … ORDER BY key`` read in two key ranges, split at the median key.

    Two connections see two snapshots; ``PRAGMA data_version`` on the watching connection tells
    whether anything was committed in between, and the caller then reads again in one piece.
    ``where`` is a WHERE clause with ``?`` parameters (names quoted, values in ``params``) or "".
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
        database = readable_file(session)
        return None if database is None else cls(database, table, names, where, params, key)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(files.readonly_uri(Path(self.path)), uri=True)
        conn.execute("PRAGMA mmap_size = 1073741824")  # fewer read() calls in key order: 9.1 → 7.6 s per 1M
        return conn

    def median(self) -> Any | None:
        """The key that starts the second half, or None when one process should read it all."""
        self._watch = self._connect()
        self._version = self._watch.execute("PRAGMA data_version").fetchone()[0]
        source = f"{ident(self.table)}{self.where}"
        rows = self._watch.execute(f"SELECT COUNT(*) FROM {source}", tuple(self.params)).fetchone()[0]
        if rows < self.MIN_ROWS:
            return None
        sql = f"SELECT {ident(self.key)} FROM {source} ORDER BY {ident(self.key)} LIMIT 1 OFFSET ?"
        return self._watch.execute(sql, (*self.params, rows // 2)).fetchone()[0]

    def part(
        self, low: Any | None, high: Any | None, words: Mapping[str, tuple[str, str]] | None = None
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Rows with low ≤ key < high (either bound may be open), in key order.

        ``words``: flag columns read as one of two words (false, true), chosen by SQLite rather
        than row by row in Python (1M rows: 0.8–1.9 s); the words are bound parameters.
        """
        shown = words or {}
        columns, params = [], []
        for name in self.names:
            if name in shown:
                columns.append(f"CASE WHEN {ident(name)} THEN ? ELSE ? END")
                params += [shown[name][1], shown[name][0]]
            else:
                columns.append(ident(name))
        params += self.params
        bounds = []
        if low is not None:
            bounds.append(f"{ident(self.key)} >= ?")
            params.append(low)
        if high is not None:
            bounds.append(f"{ident(self.key)} < ?")
            params.append(high)
        where = self.where
        if bounds:
            where = (f"{where} AND " if where else " WHERE ") + " AND ".join(bounds)
        conn = self._connect()
        try:
            sql = f"SELECT {', '.join(columns)} FROM {ident(self.table)}{where} ORDER BY {ident(self.key)}"
            cur = conn.execute(sql, params)
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
