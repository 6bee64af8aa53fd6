"""Schema versions: Alembic migrations shipped inside the package.

A SQLite file is upgraded automatically (after a backup copy); a shared PostgreSQL database
is never changed behind the administrator's back: commands refuse until ``creditcli db upgrade``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from creditcli import clock
from creditcli.db.engine import sqlite_path, writer
from creditcli.errors import ConfigError

# The newest revision in db/migrations/versions; tests assert this equals Alembic's head,
# so the everyday start-up check can skip importing Alembic.
HEAD_REVISION = "0011"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None
    after: str
    backup: Path | None


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return None if row is None else str(row[0])


def _backup_sqlite(path: Path, revision: str | None) -> Path | None:
    """Copy the file before a migration touches it."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    stamp = clock.now().strftime("%Y%m%d%H%M%S")
    target = path.with_name(f"{path.name}.bak-{revision or 'empty'}-{stamp}")
    copy_sqlite(path, target, "升级前的备份")
    return target


def copy_sqlite(path: Path, target: Path, what: str = "备份文件") -> None:
    """A consistent copy of the database ``path`` in ``target``, whole or not at all.

    SQLite's online backup API (others may keep reading and writing) reads the database as a reader
    does (db/files.py ``reader_uri``: also on a read-only mount, no file left beside it); the
    copy is checked (``PRAGMA quick_check``) before it takes the target's name, so that a damaged
    database is never passed off as a backup (exit 78). A copy that cannot be written (a full disk)
    leaves no file behind (exit 73).
    """
    from creditcli.db.files import reader_uri
    from creditcli.errors import ConfigError, OutputError, database_error, nearly_full
    from creditcli.io.writers import atomic_path

    source = reader_uri(path)
    # An empty temporary file: SQLite takes it as an empty database.
    with atomic_path(target, what, database=True) as tmp:
        try:
            src = sqlite3.connect(source, uri=True)
            try:
                dst = sqlite3.connect(tmp)
                try:
                    src.backup(dst)
                    damage = [str(r) for (r,) in dst.execute("PRAGMA quick_check(5)")]
                finally:
                    dst.close()
            finally:
                src.close()
        except sqlite3.Error as exc:
            if nearly_full(tmp):  # the copy could not be written
                raise OutputError(
                    f"无法写出{what} {target}：磁盘空间已满；请释放磁盘空间后重试，或写到其他磁盘"
                ) from exc
            answer = database_error(exc, str(path))
            if answer is None:
                raise
            raise answer from exc
        if damage != ["ok"]:
            raise ConfigError(
                f"数据库 {path}：数据库文件已损坏，没有写出{what}（完整性检查：{'；'.join(damage)}）："
                "请用以前 creditcli db backup 所做的备份恢复"
            )


def backup(url: str, target: Path) -> Path:
    """``db backup``: a SQLite file copied atomically to ``target``; PostgreSQL is pg_dump's job.

    The target may be none of the database's own files (exit 73 before anything is written); the
    database is examined as any read examines it (db/files.py: missing 66, not creditcli's 78).
    """
    from creditcli.db.engine import protected_paths
    from creditcli.db.files import check_sqlite_file
    from creditcli.errors import OutputError, UsageError
    from creditcli.io.outputs import check_outputs

    path = sqlite_path(url)
    if path is None:
        raise UsageError(
            "PostgreSQL 数据库请用 pg_dump 备份，例如：pg_dump -Fc -f creditcli-$(date +%F).dump 'postgresql://…'"
        )
    check_outputs([("备份文件", target)], protected=protected_paths(url), database=True)
    check_sqlite_file(path, write=False, create=False)
    if target.exists() and not target.is_file():
        raise OutputError(f"{target} 不是普通文件：备份须写入一个文件")
    copy_sqlite(path, target)
    return target


def upgrade(engine: Engine, *, backup: bool = True) -> UpgradeResult:
    """Bring the schema to HEAD_REVISION (a no-op when it is already there)."""
    from alembic import command
    from alembic.config import Config

    before = current_revision(engine)
    if before == HEAD_REVISION:
        return UpgradeResult(before, HEAD_REVISION, None)
    path = sqlite_path(str(engine.url))
    copy = _backup_sqlite(path, before) if (backup and path is not None and before is not None) else None
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with writer(engine).begin() as conn:  # another program's write lock is waited for (engine.writer)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return UpgradeResult(before, HEAD_REVISION, copy)


def ensure_schema(engine: Engine, *, write: bool = True, name: str | None = None) -> UpgradeResult | None:
    """Called before every command that touches the database; the upgrade it ran on SQLite, if any.

    Only a writer (``write``) upgrades a SQLite file; a read never changes the database, so an older
    schema is refused (exit 78) with the command that upgrades it. ``name``: the database in messages.
    """
    rev = current_revision(engine)
    if rev == HEAD_REVISION:
        return None
    known = {p.stem.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py")}
    if rev is not None and rev not in known:
        raise ConfigError(f"数据库结构版本 {rev} 比本程序（{HEAD_REVISION}）更新：请升级 creditcli 后再使用该数据库")
    if engine.dialect.name == "sqlite" and write:
        return upgrade(engine)
    state = "尚未初始化" if rev is None else f"版本 {rev} 落后于本程序（{HEAD_REVISION}）"
    if engine.dialect.name == "sqlite":
        where = f" {name} " if name else ""
        raise ConfigError(
            f"数据库{where}的结构{state}：查询命令不修改数据库；请先运行 creditcli --db {name or '数据库'} db upgrade"
            "（升级前自动备份），或运行任一修改数据的命令（同样先备份再升级）"
        )
    raise ConfigError(f"数据库结构{state}：请由管理员先运行 creditcli db upgrade（升级前请先备份数据库）")
