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
from creditcli.db.engine import sqlite_path
from creditcli.errors import ConfigError

# The newest revision in db/migrations/versions; tests assert this equals Alembic's head,
# so the everyday start-up check can skip importing Alembic.
HEAD_REVISION = "0010"
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
    copy_sqlite(path, target)
    return target


def copy_sqlite(path: Path, target: Path) -> None:
    """A consistent copy with SQLite's online backup API (others may keep reading and writing)."""
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def backup(url: str, target: Path) -> Path:
    """``db backup``: a SQLite file copied atomically to ``target``; PostgreSQL is pg_dump's job.

    The target may be none of the database's own files (exit 73 before anything is written).
    """
    from creditcli.db.engine import protected_paths
    from creditcli.errors import InputMissingError, OutputError, UsageError, database_error, nearly_full
    from creditcli.io.outputs import check_outputs
    from creditcli.io.writers import atomic_path

    path = sqlite_path(url)
    if path is None:
        raise UsageError(
            "PostgreSQL 数据库请用 pg_dump 备份，例如：pg_dump -Fc -f creditcli-$(date +%F).dump 'postgresql://…'"
        )
    check_outputs([("备份文件", target)], protected=protected_paths(url))
    if not path.exists():
        raise InputMissingError(f"数据库文件不存在：{path}")
    if target.exists() and not target.is_file():
        raise OutputError(f"{target} 不是普通文件：备份须写入一个文件")
    with atomic_path(target, "备份文件") as tmp:  # an empty temporary file: SQLite takes it as an empty database
        try:
            copy_sqlite(path, tmp)
        except sqlite3.Error as exc:
            if nearly_full(tmp):  # the copy could not be written
                raise OutputError(f"无法写出备份 {target}：磁盘空间已满；请释放磁盘空间后重试，或写到其他磁盘") from exc
            answer = database_error(exc, str(path))
            if answer is None:
                raise
            raise answer from exc
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
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return UpgradeResult(before, HEAD_REVISION, copy)


def ensure_schema(engine: Engine) -> UpgradeResult | None:
    """Called before every command that touches the database; the upgrade it ran on SQLite, if any."""
    rev = current_revision(engine)
    if rev == HEAD_REVISION:
        return None
    known = {p.stem.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py")}
    if rev is not None and rev not in known:
        raise ConfigError(f"数据库结构版本 {rev} 比本程序（{HEAD_REVISION}）更新：请升级 creditcli 后再使用该数据库")
    if engine.dialect.name == "sqlite":
        return upgrade(engine)
    state = "尚未初始化" if rev is None else f"版本 {rev} 落后于 {HEAD_REVISION}"
    raise ConfigError(f"数据库结构{state}：请由管理员先运行 creditcli db upgrade（升级前请先备份数据库）")
