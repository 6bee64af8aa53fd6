"""Engines and sessions: a file path or SQLAlchemy URL in, a configured engine out."""

from __future__ import annotations

import re
import sqlite3
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from creditcli.db.files import check_sqlite_file, companions, readonly_uri, why_not_writable
from creditcli.db.sql import CHANGES_AT_BEGIN, STAGE_PREFIX, ident
from creditcli.errors import ConfigError
from creditcli.io.outputs import protect

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

BUSY_TIMEOUT_MS = 30_000
PAGE_SIZE = 16_384


def to_url(db: str) -> str:
    """Accept a plain file path as well as a SQLAlchemy URL."""
    if "://" in db:
        return db
    path = Path(db)
    try:
        path = path.expanduser().resolve()
    except (RuntimeError, OSError):  # a symlink loop, an unknown ~user: db/files.py names it (exit 78)
        path = path.absolute()
    return "sqlite:///" + str(path)


def hidden(url: str) -> str:
    """``url`` as messages show it: without its password, even when it cannot be parsed."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def parse_url(url: str) -> URL:
    """The parsed URL, or exit 78 naming it (without its password)."""
    try:
        return make_url(url)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is no number
        raise ConfigError(
            f"数据库地址 {hidden(url)} 无法识别（{exc}）：SQLite 请给出文件路径；PostgreSQL 的地址形如 "
            "postgresql+psycopg://用户@主机:5432/库名"
        ) from exc


def sqlite_path(url: str) -> Path | None:
    """The database file behind a SQLite URL, or None for other backends and in-memory DBs."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or in_memory(parsed):
        return None
    assert parsed.database is not None  # in_memory: no database named
    return Path(parsed.database)


def in_memory(parsed: URL) -> bool:
    """A SQLite URL that names no file (``sqlite://``, ``sqlite:///``, ``:memory:``, ``mode=memory``)."""
    database = parsed.database or ""
    return (
        not database
        or database == ":memory:"
        or database.startswith("file::memory:")
        or "mode=memory" in database
        or parsed.query.get("mode") == "memory"
    )


def _sqlite_connect(dbapi_conn: sqlite3.Connection, _record: Any, wait: float = 0.0) -> None:
    # We emit BEGIN ourselves (see _sqlite_begin) so that DDL is transactional and a failed
    # import rolls back whole; the pragmas are the ones engineering.md settled on.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    # A new file only (it must come before WAL; existing files keep theirs): 16 KiB pages made
    # the first import of 1M entities ~1 s faster than 4 KiB (fewer B-tree pages to split and log).
    cur.execute(f"PRAGMA page_size={PAGE_SIZE}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    # Another program holding SQLite's own lock is waited for as long as --wait asks, at least the default.
    cur.execute(f"PRAGMA busy_timeout={max(BUSY_TIMEOUT_MS, int(wait * 1000))}")
    cur.execute("PRAGMA synchronous=NORMAL")
    # A bigger page cache keeps index B-trees in memory during million-row imports (128 MiB).
    cur.execute("PRAGMA cache_size=-131072")
    cur.close()


def _detach_stages(dbapi_conn: sqlite3.Connection | None, _record: Any) -> None:
    """Staging files attached by adbc.insert_arrow can only be detached once the transaction has ended."""
    if dbapi_conn is None:
        return
    try:
        for _seq, name, _file in dbapi_conn.execute("PRAGMA database_list").fetchall():
            if str(name).startswith(STAGE_PREFIX):
                dbapi_conn.execute(f"DETACH DATABASE {ident(name)}")
    except sqlite3.Error:
        pass  # a broken connection is discarded by the pool anyway


def _guard_files(engine: Engine, files: frozenset[Path]) -> None:
    """While the engine holds a connection to the file, no writer of this process may write over it
    or the files beside it (io/outputs.py); ``dispose()`` closes the connections and lets go."""
    state = {"open": 0}
    release: list[Callable[[], None]] = []

    def opened(_conn: Any, _record: Any) -> None:
        state["open"] += 1
        if state["open"] == 1:
            release.append(protect(files))

    def closed(_conn: Any, _record: Any) -> None:
        state["open"] -= 1
        if state["open"] <= 0 and release:
            release.pop()()

    event.listen(engine, "connect", opened)
    event.listen(engine, "close", closed)
    event.listen(engine, "close_detached", lambda conn: closed(conn, None))
    weakref.finalize(engine, lambda: [r() for r in release])


def make_engine(url: str, *, write: bool = False, create: bool | None = None, wait: float = 0.0) -> Engine:
    """An engine for ``url``; a SQLite file is examined first (db/files.py) and never changed by it.

    ``write``: the caller will change data (a read-only file or mount is refused, exit 73);
    ``create``: it may create the database where there is none (default: when it writes);
    ``wait``: seconds to wait for another program holding SQLite's lock (at least BUSY_TIMEOUT_MS).
    """
    parsed = parse_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if in_memory(parsed):
            raise ConfigError(
                f"--db {url} 是内存数据库：其中的数据在命令结束时全部丢失，写入的一切都不会保存；"
                "请用 --db 给出数据库文件的路径，如 --db creditcli.db"
            )
        path = sqlite_path(url)
        assert path is not None  # a file, not in memory
        check_sqlite_file(path, write=write, create=write if create is None else create)
        if not write and why_not_writable(path) is not None:
            # A reader that may not write the database leaves nothing beside it (db/files.py: readonly_uri).
            uri = readonly_uri(path)
            engine = create_engine(url, creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))
        else:
            engine = create_engine(url)
        _guard_files(engine, companions(path))

        def connect(dbapi_conn: sqlite3.Connection, record: Any) -> None:
            _sqlite_connect(dbapi_conn, record, wait)

        event.listen(engine, "connect", connect)
        event.listen(engine, "checkin", _detach_stages)

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # A writer takes SQLite's write lock at once (BEGIN IMMEDIATE), under the busy timeout: another
            # program's open write transaction is waited for (--wait), not met halfway through (SQLITE_BUSY).
            immediate = conn.get_execution_options().get(IMMEDIATE, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
            # total_changes grows with every row this connection writes: sql.readable_file.
            conn.info[CHANGES_AT_BEGIN] = conn.connection.driver_connection.total_changes

        return engine
    if backend == "postgresql":
        # Another session's lock (a table lock, a row being changed) is waited for as long as --wait asks,
        # at least the default, then answered with exit 75 (SQLSTATE 55P03), never waited for forever.
        connect_args: dict[str, Any] = {}
        if parsed.get_driver_name() in {"psycopg", "psycopg2"}:  # libpq's startup options
            options = f"-c lock_timeout={max(BUSY_TIMEOUT_MS, int(wait * 1000))}"
            given = parsed.query.get("options")
            if isinstance(given, str):  # the administrator's own options in the address come after ours
                options += f" {given}"
            connect_args["options"] = options
        try:
            return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
        except ModuleNotFoundError as exc:
            raise ConfigError(
                "连接 PostgreSQL 需要 psycopg：请安装 creditcli[postgres]，并使用 postgresql+psycopg:// 地址"
            ) from exc
        except NoSuchModuleError as exc:
            raise ConfigError(
                f"数据库地址 {hidden(url)} 中的驱动 {parsed.drivername} 无法使用：请使用 postgresql+psycopg:// 地址"
            ) from exc
    raise ConfigError(f"不支持的数据库类型：{backend}（支持 SQLite 与 PostgreSQL）")


IMMEDIATE = "creditcli_immediate"
"""Execution option of a writer's engine (``writer``): its SQLite transactions begin IMMEDIATE."""


def writer(engine: Engine) -> Engine:
    """The engine as a writer uses it: the same connections, each transaction taking the write lock first."""
    return engine.execution_options(**{IMMEDIATE: True})


def protected_paths(db: str) -> frozenset[Path]:
    """The files no output may be written over while ``db`` is in use (none for a server database)."""
    try:
        path = sqlite_path(to_url(db))
    except ConfigError:
        return frozenset()
    return frozenset() if path is None else companions(path)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error (nothing half-written)."""
    from sqlalchemy.orm import sessionmaker  # the ORM only where a session is used (start-up)

    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session


@contextmanager
def connection_scope(engine: Engine) -> Iterator[Connection]:
    """One transaction on a Core connection, without the ORM (actions/store.py: ``Store.connected``)."""
    with engine.connect() as conn, conn.begin():
        yield conn
