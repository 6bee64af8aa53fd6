"""The row-change encoding: how an import tells new, changed and unchanged records apart, and
how validated text becomes stored values again.

Both sides are brought to one canonical text per value — the validator's text: "" for NULL, "1"/"0"
for flags, ISO dates — and a row's compared values are joined by ``SEPARATOR``. The stored side is
joined inside the database (:func:`stored_sql`) and read as one string per row, through Arrow where
possible; the file side is joined by Arrow kernels (:func:`join_values`); comparing one string per
row is far cheaper than a Python object per value (1M rows: 1 GB of objects on both sides). Going
back, canonical text becomes typed Arrow columns (:func:`to_arrow`) or driver rows
(:func:`driver_rows`). Which columns are compared and what a change means stay with the roster.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from functools import reduce
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Boolean
from sqlalchemy.orm import Session

from creditcli.db import adbc, bulk
from creditcli.db.models import Base
from creditcli.db.sql import CHUNK, ident, idents

SEPARATOR = "\x1f"
"""Joins canonical values (ASCII unit separator); values that contain it are never trusted equal."""

SMALL_FILE = 20_000
"""Below this many rows (and with a one-column key), stored records are looked up by key instead of read whole."""


def flags(table: str) -> frozenset[str]:
    """The table's flag (boolean) columns, as the models declare them."""
    return frozenset(c.name for c in Base.metadata.tables[table].columns if isinstance(c.type, Boolean))


def stored_sql(table: str, columns: Sequence[str]) -> str:
    """One SQL expression: the columns' canonical text joined by ``SEPARATOR`` (dates come out as
    ISO text on both SQLite and PostgreSQL)."""
    bools = flags(table)
    parts = [
        f"(CASE WHEN {ident(c)} THEN '1' ELSE '0' END)" if c in bools else f"coalesce(CAST({ident(c)} AS TEXT), '')"
        for c in columns
    ]
    return f" || '{SEPARATOR}' || ".join(parts) if parts else "''"


def canon(value: Any) -> str:
    """A stored value as the canonical text the validator produces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def canon_frame(batch: list[tuple[Any, ...]], names: list[str]) -> pd.DataFrame:
    """Stored rows -> canonical text per column, vectorised (see :func:`canon` for the rules)."""
    frame = pd.DataFrame.from_records(batch, columns=names, coerce_float=False)
    for col in names:
        values = frame[col]
        if values.dtype == bool:
            frame[col] = np.where(values.to_numpy(), "1", "0")
        elif values.dtype == object:
            present = values.dropna()
            if len(present) and not isinstance(present.iloc[0], str):  # dates, bools from PostgreSQL
                frame[col] = values.map(canon)
            else:
                frame[col] = values.where(values.notna(), "")
    return frame.astype("str")


def stored_rows(
    session: Session,
    table: str,
    key: Sequence[str],
    compared: Sequence[str],
    file_keys: pd.DataFrame,
    writing: str | None,
) -> pa.Table:
    """The stored records as Arrow columns ``id``, the ``key`` columns and ``stored`` (the
    ``compared`` columns joined by :func:`stored_sql`).

    A small file with a one-column key looks its keys (``file_keys``) up; a big one is compared with
    the whole table, read by Arrow on SQLite (1M rows: 5.7 s through the driver's tuples, 1.9 s).
    ``writing``: the table the import will write (its write lock is taken before the read), or None
    for a dry run.
    """
    names = ["id", *key, "stored"]
    select = f"SELECT {idents(names[:-1])}, {stored_sql(table, compared)} AS stored FROM {ident(table)}"
    if len(key) == 1 and len(file_keys) < SMALL_FILE:
        wanted = file_keys[key[0]].unique().tolist()
        batches: Iterable[list[tuple[Any, ...]]] = [bulk.fetch_where_in(session, select, key[0], wanted)]
    else:
        arrow = adbc.fetch_arrow(session, select, writing=writing)
        if arrow is not None:
            return arrow
        batches = bulk.fetch_rows(session, select)
    frames = [canon_frame(b, names) for b in batches if b]
    empty = {c: pd.Series([], dtype="str") for c in names}
    old = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(empty)
    columns = [pa.array(old["id"].astype("int64").to_numpy())]
    columns += [pa.array(old[c].array, pa.large_string()) for c in names[1:]]
    return pa.table(columns, names=names)


def join_key(table: pa.Table, key: Sequence[str]) -> pa.Array:
    """One string per row for the key columns (``SEPARATOR`` between parts)."""
    parts = [pc.cast(table[c], pa.large_string()) for c in key]
    if len(parts) == 1:
        joined = parts[0]
    else:
        joined = pc.binary_join_element_wise(*parts, pa.scalar(SEPARATOR, pa.large_string()))
    return joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined


def join_values(frame: pd.DataFrame, cols: Sequence[str]) -> pa.Array:
    """The file's rows joined as :func:`stored_sql` joins stored ones (vectorised in Arrow).

    A row with the separator inside a value gets null, so it never compares equal (it is rewritten).
    """
    if not cols:
        return pa.array([""] * len(frame), pa.large_string())
    values = [pc.cast(pa.array(frame[c].array), pa.large_string()) for c in cols]
    joined = pc.binary_join_element_wise(*values, pa.scalar(SEPARATOR, pa.large_string()))
    risky = reduce(pc.or_, [pc.match_substring(v, SEPARATOR) for v in values])
    result: pa.Array = pc.if_else(risky, pa.scalar(None, pa.large_string()), joined)
    return result


def stored_values(stored: pa.Array, index: int, positions: np.ndarray) -> np.ndarray:
    """The ``index``-th joined value of the stored rows at ``positions``, as canonical text.

    Only changed records need it; decoding them alone keeps a 1M-row import off Python objects.
    """
    picked = stored.take(pa.array(positions, pa.int64())).to_pylist()
    return np.array([str(s).split(SEPARATOR)[index] for s in picked], dtype=object)


def _is_id(col: str) -> bool:
    return col.endswith("_id") or col == "id"


def to_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    """Canonical text -> typed Arrow columns as ``table`` stores them ("" is NULL), without a
    Python object per value (the column-wise twin of :func:`driver_rows`)."""
    bools = flags(table)
    columns = []
    for col in frame.columns:
        text = pc.cast(pa.array(frame[col].array), pa.string())
        if col in bools:
            columns.append(pc.equal(text, "1"))
        elif _is_id(col):
            columns.append(pc.cast(text, pa.int64()))
        else:
            columns.append(pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text))
    return pa.table(columns, names=list(frame.columns))


def driver_rows(table: str, frame: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
    """Canonical text -> driver values, chunk by chunk so that 1M rows never sit as tuples at once."""
    bools = flags(table)
    for start in range(0, len(frame), CHUNK):
        part = frame.iloc[start : start + CHUNK]
        arrays = [_driver_values(part[col].to_numpy(dtype=object), col, col in bools) for col in part.columns]
        yield from zip(*arrays, strict=True)


def _driver_values(arr: np.ndarray, col: str, flag: bool) -> Any:
    if flag:
        return (arr == "1").tolist()
    if _is_id(col):
        return arr.astype(np.int64).tolist()
    arr = arr.copy()
    arr[arr == ""] = None
    return arr


def constant_columns(table: str, frame: pd.DataFrame, key: Sequence[str]) -> dict[str, Any]:
    """Columns holding one value in every row (often empty), as driver values: given once as
    constants instead of staged per row. Key columns always vary, so they are never among them."""
    bools = flags(table)
    out: dict[str, Any] = {}
    for col in frame.columns:
        if col in key:
            continue
        values = frame[col]
        if len(values) and bool((values == values.iloc[0]).all()):
            out[col] = _driver_values(values.iloc[:1].to_numpy(dtype=object), col, col in bools)[0]
    return out
