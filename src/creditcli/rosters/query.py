"""Filtered reads of a roster table, shared by ``list`` and ``export``.

Filters are SQL fragments with quoted names and ``?`` parameters that both SQLite and PostgreSQL
accept (``bulk.fetch_rows`` rewrites the placeholders for psycopg); no value is ever inlined.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from creditcli.db import bulk
from creditcli.db.split import SqliteSplit
from creditcli.db.sql import ident, idents, placeholders
from creditcli.io.columns import ColumnSet, Kind
from creditcli.io.writers import Table

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class Filter:
    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def equals(self, column: str, value: str | None) -> Filter:
        if value:
            self.clauses.append(f"{ident(column)} = ?")
            self.params.append(value)
        return self

    def prefix(self, column: str, value: str | None) -> Filter:
        if value:
            self.clauses.append(f"{ident(column)} LIKE ? ESCAPE '\\'")
            self.params.append(like_escape(value) + "%")
        return self

    def contains(self, column: str, value: str | None) -> Filter:
        if value:
            self.clauses.append(f"{ident(column)} LIKE ? ESCAPE '\\'")
            self.params.append("%" + like_escape(value) + "%")
        return self

    def has_tag(self, column: str, tag: str | None) -> Filter:
        """Tags are stored sorted and joined by ';'."""
        if tag:
            self.clauses.append(f"(';' || {ident(column)} || ';') LIKE ? ESCAPE '\\'")
            self.params.append("%;" + like_escape(tag.strip()) + ";%")
        return self

    def one_of(self, column: str, values: Sequence[str]) -> Filter:
        if values:
            self.clauses.append(f"{ident(column)} IN ({placeholders(len(values))})")
            self.params.extend(values)
        return self

    def any_prefix(self, column: str, prefixes: Sequence[str]) -> Filter:
        if prefixes:
            self.clauses.append("(" + " OR ".join([f"{ident(column)} LIKE ? ESCAPE '\\'"] * len(prefixes)) + ")")
            self.params.extend(like_escape(p) + "%" for p in prefixes)
        return self

    def all_tags(self, column: str, tags: Sequence[str]) -> Filter:
        for tag in tags:
            self.has_tag(column, tag)
        return self

    def between(self, column: str, start: Any, end: Any) -> Filter:
        """Inclusive range; either end may be open (None). Dates are passed as ISO text."""
        if start is not None:
            self.clauses.append(f"{ident(column)} >= ?")
            self.params.append(start)
        if end is not None:
            self.clauses.append(f"{ident(column)} <= ?")
            self.params.append(end)
        return self

    def sql(self) -> str:
        return (" WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


def count(session: Session | Connection, table: str, flt: Filter) -> int:
    rows = next(bulk.fetch_rows(session, f"SELECT COUNT(*) FROM {ident(table)}{flt.sql()}", flt.params))
    return int(rows[0][0])


def iter_rows(
    session: Session | Connection,
    table: str,
    names: Sequence[str],
    flt: Filter,
    order_by: Sequence[str],
    limit: int | None = None,
) -> Iterator[list[tuple[Any, ...]]]:
    sql = f"SELECT {idents(names)} FROM {ident(table)}{flt.sql()} ORDER BY {idents(order_by)}"
    params = list(flt.params)
    if limit:
        sql += " LIMIT ?"
        params.append(int(limit))
    return bulk.fetch_rows(session, sql, params)


def count_rows(session: Session | Connection, table: str, flt: Filter) -> int:
    """How many rows of ``table`` ``flt`` matches."""
    batches = bulk.fetch_rows(session, f"SELECT COUNT(*) FROM {ident(table)}{flt.sql()}", list(flt.params))
    return int(next(iter(batches))[0][0])


def roster_table(
    session: Session | Connection,
    table: str,
    columns: ColumnSet,
    flt: Filter,
    order_by: Sequence[str],
    schema: str,
    limit: int | None = None,
    names: Sequence[str] | None = None,
) -> Table:
    """The rows of ``table`` (all ``columns``, or ``names``), filtered, in the order of ``order_by``.

    When the order is one column (the roster's unique key), a whole export may be read in two key ranges."""
    cols = [columns.by_name(n) for n in names] if names else list(columns.columns)
    col_names = [c.name for c in cols]
    flags = [c.name for c in cols if c.kind is Kind.BOOL]
    batches = iter_rows(session, table, col_names, flt, order_by, limit)
    split = None
    if not limit and len(order_by) == 1:
        split = SqliteSplit.of(session, table, col_names, flt.sql(), flt.params, order_by[0])
    return Table(col_names, [c.label for c in cols], batches, schema, frozenset(flags), split)
