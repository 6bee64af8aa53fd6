"""Use cases of the database itself: create or upgrade its schema, back it up, its status, its audit log."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from creditcli.actions.store import Store

if TYPE_CHECKING:
    from creditcli.audit import Head
    from creditcli.db.schema import UpgradeResult
    from creditcli.io.writers import Table


@dataclass(frozen=True)
class Upgraded:
    result: UpgradeResult
    created: Path | None
    """The SQLite file this upgrade created (a new database)."""


def upgrade(store: Store) -> Upgraded:
    """Create the database or bring its schema to this program's version (a SQLite file is copied first),
    holding the writers' lock: no command writes while the schema changes. A schema change is no
    change of data, so it leaves no audit entry (the backup copy is its record)."""
    from creditcli.db import locks
    from creditcli.db.database import open_database
    from creditcli.db.engine import sqlite_path, to_url
    from creditcli.db.schema import HEAD_REVISION, UpgradeResult, current_revision
    from creditcli.db.schema import upgrade as run_upgrade

    path = sqlite_path(to_url(store.db))
    if path is None or (path.is_file() and path.stat().st_size > 0):
        # Already up to date: nothing to write, so nothing is refused (a read-only mount, a file without
        # write permission); only an upgrade needs to write.
        probe = open_database(store.db, create=True, migrate=False).engine
        try:
            current = current_revision(probe)
        finally:
            probe.dispose()
        if current == HEAD_REVISION:
            return Upgraded(UpgradeResult(current, current, None), None)
    engine = open_database(store.db, write=True, wait=store.wait, migrate=False).engine
    try:
        with locks.file_lock(engine, store.wait):
            result = run_upgrade(engine)
    finally:
        engine.dispose()
    path = sqlite_path(to_url(store.db))
    return Upgraded(result, path if result.before is None else None)


def backup(store: Store, target: Path) -> Path:
    """A consistent copy of a SQLite database (others may go on working); PostgreSQL is pg_dump's job."""
    from creditcli.db.engine import to_url
    from creditcli.db.schema import backup as run_backup

    return run_backup(to_url(store.db), target)


@dataclass(frozen=True)
class Status:
    db: str
    revision: str | None
    required: str
    counts: dict[str, int]


STATUS_TABLES = {"entities": "检查对象", "inspectors": "执法检查人员", "items": "抽查事项", "conflicts": "回避"}


def status(store: Store) -> Status:
    from creditcli.db.schema import HEAD_REVISION, current_revision
    from creditcli.rosters.query import Filter, count

    with store.reading() as session:
        counts = {table: count(session, table, Filter()) for table in STATUS_TABLES}
    return Status(store.db, current_revision(store.engine()), HEAD_REVISION, counts)


@contextmanager
def audit_entries(store: Store, limit: int | None = None) -> Iterator[Table]:
    """The audit log, newest ``limit`` entries (None: all) in order."""
    from creditcli.audit import entries_table

    with store.reading() as session:
        yield entries_table(session, limit)


@dataclass(frozen=True)
class AuditCheck:
    entries: int
    problems: list[str]
    """Every break of the chain or of a record it vouches for, the first one first, then every given
    head the chain no longer holds; empty: intact."""
    heads: list[tuple[Head, bool]] = field(default_factory=list)
    """Each head given (``--head``) and whether the chain still holds it."""


def audit_verify(store: Store, heads: Sequence[str] = ()) -> AuditCheck:
    """The chain and what it vouches for, and each head noted outside the database (``SEQ:HASH`` as
    ``audit head`` prints it; a malformed one is a usage error before the database is opened)."""
    from creditcli.audit import check_head, entry_count, parse_head, verify

    given_heads = [parse_head(text) for text in heads]
    with store.reading() as session:
        problems = verify(session)
        checked = []
        for given in given_heads:
            missing = check_head(session, given)
            problems += missing
            checked.append((given, not missing))
        return AuditCheck(entry_count(session), problems, checked)


def audit_head(store: Store) -> Head:
    """The newest entry of the audit log (66 while the log is empty)."""
    from creditcli.audit import head
    from creditcli.errors import InputMissingError

    with store.reading() as session:
        newest = head(session)
    if newest is None:
        raise InputMissingError("审计日志还没有任何记录，没有链头可打印：任何修改数据的命令都会追加一条记录")
    return newest
