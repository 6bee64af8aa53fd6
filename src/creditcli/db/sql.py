"""SQL text and the driver connection under a session (or a Core connection: ``Store.connected``).

The speed paths (db/bulk.py, db/adbc.py, db/split.py) and a few domain queries write SQL text for
the driver themselves. The rule for that text: a name enters it only through :func:`ident` (quoted),
a value only as a bound parameter (``?``), never inlined.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlalchemy.engine.default import DefaultDialect

if TYPE_CHECKING:
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


def core_connection(session: Session | Connection) -> Connection:
    """The Core connection of a session's transaction, or the connection itself: the light reads
    (``Store.connected``) run the same driver SQL without the ORM (start-up)."""
    return session if isinstance(session, Connection) else session.connection()


def driver_connection(session: Session | Connection) -> Any:
    """The DBAPI connection of the session's current transaction."""
    return core_connection(session).connection.driver_connection


def dialect(session: Session | Connection) -> str:
    return session.dialect.name if isinstance(session, Connection) else session.get_bind().dialect.name


def for_driver(session: Session | Connection, sql: str) -> str:
    """``?`` placeholders as the session's driver takes them (psycopg: ``%s``)."""
    return sql.replace("?", "%s") if dialect(session) == "postgresql" else sql


def readable_file(session: Session | Connection) -> str | None:
    """The SQLite file that a connection of its own may read in the session's place, or None: not a
    SQLite file, or rows this transaction wrote already (invisible to any other connection)."""
    conn = core_connection(session)
    database = conn.engine.url.database
    if dialect(session) != "sqlite" or not database or database == ":memory:":
        return None
    if driver_connection(session).total_changes != conn.info.get(CHANGES_AT_BEGIN):
        return None
    return database
