"""Opening the database a command names: the one way in for the CLI and for Python callers.

``open_database(db, write=...)`` examines a SQLite file before anything may change it (db/files.py),
refuses a read of a database that does not exist (exit 66) and anything that is not creditcli's
(exit 78), creates a new database only for a writer, brings an older SQLite schema up to date, and
answers a server that cannot be reached with exit 78.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from creditcli.db.engine import hidden, make_engine, sqlite_path, to_url
from creditcli.db.schema import ensure_schema
from creditcli.errors import ConfigError, database_error


@dataclass(frozen=True)
class Database:
    engine: Engine
    created: Path | None = None
    """The SQLite file this opening created (or found empty) and gave creditcli's schema: a writer
    says so (``新建数据库：路径``), so that a mistyped ``--db`` does not go unnoticed."""


def display(db: str) -> str:
    """The database as messages name it: the file, or the server address without its password."""
    url = to_url(db)
    try:
        path = sqlite_path(url)
    except ConfigError:
        return hidden(url)
    return str(path) if path is not None else hidden(url)


def _check_server_database(engine: Engine, name: str) -> None:
    """A PostgreSQL database holding another program's tables is refused as a SQLite file is (exit 78)."""
    from sqlalchemy import inspect, text

    from creditcli.db.files import check_ours

    with engine.connect() as conn:
        names = [str(n) for n in inspect(conn).get_table_names()]
        revisions = []
        if "alembic_version" in names:
            revisions = [str(r) for (r,) in conn.execute(text("SELECT version_num FROM alembic_version"))]
    check_ours(name, names, revisions)


def open_database(
    db: str, *, write: bool = False, create: bool | None = None, wait: float = 0.0, migrate: bool = True
) -> Database:
    """An engine on ``db`` (a file path or SQLAlchemy URL), its schema checked and, on SQLite, upgraded.

    ``write``/``create``/``wait`` as for ``make_engine``; ``migrate=False`` leaves the schema to the
    caller (``db upgrade`` reports what it did).
    """
    url = to_url(db)
    engine = make_engine(url, write=write, create=create, wait=wait)
    try:
        if engine.dialect.name != "sqlite":  # a SQLite file was examined before it was opened (db/files.py)
            _check_server_database(engine, display(db))
        if not migrate:
            return Database(engine)
        upgraded = ensure_schema(engine, write=write, name=display(db))
    except Exception as exc:
        engine.dispose()
        answer = database_error(exc, display(db))
        if answer is None:
            raise
        raise answer from exc
    path = sqlite_path(url)
    created = path if path is not None and upgraded is not None and upgraded.before is None else None
    return Database(engine, created)
