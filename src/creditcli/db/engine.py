"""Engines and sessions: a file path or SQLAlchemy URL in, a configured engine out."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from creditcli.errors import ConfigError

BUSY_TIMEOUT_MS = 30_000
PAGE_SIZE = 16_384


CHANGES_AT_BEGIN = "creditcli_changes_at_begin"
STAGE_PREFIX = "creditcli_stage_"
"""Alias prefix of staging files attached by bulk.insert_arrow."""


def to_url(db: str) -> str:
    """Accept a plain file path as well as a SQLAlchemy URL."""
    if "://" in db:
        return db
    return "sqlite:///" + str(Path(db).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    """The database file behind a SQLite URL, or None for other backends and in-memory DBs."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _sqlite_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # We emit BEGIN ourselves (see _sqlite_begin) so that DDL is transactional and a failed
    # import rolls back whole; the pragmas are the ones engineering.md settled on.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    # A new file only (it must come before WAL; existing files keep theirs): 16 KiB pages made
    # the first import of 1M entities ~1 s faster than 4 KiB (fewer B-tree pages to split and log).
    cur.execute(f"PRAGMA page_size={PAGE_SIZE}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    # A bigger page cache keeps index B-trees in memory during million-row imports (128 MiB).
    cur.execute("PRAGMA cache_size=-131072")
    cur.close()


def _detach_stages(dbapi_conn: sqlite3.Connection | None, _record: Any) -> None:
    """Staging files attached by bulk.insert_arrow can only be detached once the transaction has ended."""
    if dbapi_conn is None:
        return
    try:
        for _seq, name, _file in dbapi_conn.execute("PRAGMA database_list").fetchall():
            if str(name).startswith(STAGE_PREFIX):
                dbapi_conn.execute(f"DETACH DATABASE {name}")
    except sqlite3.Error:
        pass  # a broken connection is discarded by the pool anyway


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"数据库地址无法识别：{url}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(f"无法创建数据库目录 {path.parent}：{exc.strerror}") from exc
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "checkin", _detach_stages)

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN")
            # total_changes grows with every row this connection writes: bulk.wrote_in_transaction.
            conn.info[CHANGES_AT_BEGIN] = conn.connection.driver_connection.total_changes

        return engine
    if backend == "postgresql":
        try:
            return create_engine(url, pool_pre_ping=True)
        except ModuleNotFoundError as exc:
            raise ConfigError(
                "连接 PostgreSQL 需要 psycopg：请安装 creditcli[postgres]，并使用 postgresql+psycopg:// 地址"
            ) from exc
    raise ConfigError(f"不支持的数据库类型：{backend}（支持 SQLite 与 PostgreSQL）")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error (nothing half-written)."""
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session
