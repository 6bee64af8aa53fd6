"""SQL text and the driver connection under a session.

The speed paths (db/bulk.py, db/adbc.py, db/split.py) and a few domain queries write SQL text for
the driver themselves. The rule for that text: a name enters it only through :func:`ident` (quoted),
a value only as a bound parameter (``?``), never inlined.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine.default import DefaultDialect
from sqlalchemy.orm import Session

CHUNK = 50_000
"""Rows per batch fetched or written through the driver."""

CHANGES_AT_BEGIN = "creditcli_changes_at_begin"
"""Connection info key: the driver's ``total_changes`` when the transaction began (db/engine.py)."""
STAGE_PREFIX = "creditcli_stage_"
"""Alias prefix of staging files attached by adbc.insert_arrow."""

_QUOTE = DefaultDialect().identifier_preparer.quote_identifier
"""SQL's standard quoting ("name", an inner " doubled), the same in SQLite and PostgreSQL."""


def ident(name: str) -> str:
    """A table or column name as SQL text, always quoted; ``alias.column`` is quoted part by part.

    The one way a name enters SQL text. Names come from the code (models, column registries), never
    from a user; a name with a NUL, or an empty part, is a bug.
    """
    parts = name.split(".")
    if "\x00" in name or not all(parts):
        raise ValueError(f"not a SQL name: {name!r}")
    return ".".join(_QUOTE(part) for part in parts)


def idents(names: Sequence[str]) -> str:
    """Names as a comma-separated list of quoted identifiers."""
    return ", ".join(ident(n) for n in names)


def placeholders(count: int) -> str:
    """``?, ?, …``: one bound parameter per value."""
    return ", ".join(["?"] * count)


def driver_connection(session: Session) -> Any:
    """The DBAPI connection of the session's current transaction."""
    return session.connection().connection.driver_connection


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def for_driver(session: Session, sql: str) -> str:
    """``?`` placeholders as the session's driver takes them (psycopg: ``%s``)."""
    return sql.replace("?", "%s") if dialect(session) == "postgresql" else sql


def readable_file(session: Session) -> str | None:
    """The SQLite file that a connection of its own may read in the session's place, or None: not a
    SQLite file, or rows this transaction wrote already (invisible to any other connection)."""
    database = session.connection().engine.url.database
    if dialect(session) != "sqlite" or not database or database == ":memory:":
        return None
    if driver_connection(session).total_changes != session.connection().info.get(CHANGES_AT_BEGIN):
        return None
    return database
