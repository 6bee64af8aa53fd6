"""What a SQLite path holds, looked at before any connection may change it.

creditcli's connection settings change a file as soon as they run (``journal_mode=WAL`` rewrites
its header), so a path is examined first with a read-only connection of its own:

- missing or empty: a database is created only by a command that writes (``create``); a read
  command answers exit 66, naming the path and how to create one (cron's misspelt ``--db`` must
  not turn into a new, empty database and a silent "nothing overdue");
- a directory, a device, a file that is no SQLite database, a damaged one: exit 78;
- a SQLite database of another program (tables, but no creditcli schema version): exit 78, and the
  file is left exactly as it was — creditcli never adds its tables to someone else's database;
- a writer on a read-only file, directory or mount: exit 73 with the reason (readers go on reading).
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import urllib.parse
from pathlib import Path

from creditcli.errors import ConfigError, InputMissingError, OutputError, database_error, os_reason

COMPANIONS = ("-wal", "-shm", "-journal", ".lock")
"""Files SQLite (journal, WAL index) and creditcli (the writers' lock) keep beside a database."""

CORE_TABLES = frozenset({"entities", "inspectors", "items", "conflicts", "import_runs"})
"""Tables creditcli's first schema revision created: every creditcli database has them."""

_REVISION = re.compile(r"\d{4}")
"""creditcli's revision ids (0001, 0002 …); other programs' Alembic revisions are hex strings."""


def companions(path: Path) -> frozenset[Path]:
    """The database file and the files kept beside it: no output may ever be written over one of them."""
    return frozenset({path, *(path.with_name(path.name + suffix) for suffix in COMPANIONS)})


def readonly_mount(path: Path) -> bool:
    """The file (or, when it does not exist, its directory) lies on a file system mounted read-only."""
    for place in (path, path.parent):
        try:
            return bool(os.statvfs(place).f_flag & os.ST_RDONLY)
        except OSError:
            continue
    return False


def why_not_writable(path: Path) -> str | None:
    """Why this process may not change the database ``path`` (None: it may): a read-only mount, a
    file or a directory without write permission (SQLite writes its -wal and -shm files there)."""
    exists = path.exists()
    readers = "查询命令仍可使用" if exists else "无法新建数据库"
    if readonly_mount(path):
        return f"数据库 {path} 所在的文件系统是只读的：不能修改数据（{readers}）"
    if exists and not os.access(path, os.W_OK):
        return f"数据库文件 {path} 没有写权限：不能修改数据（{readers}）；请联系管理员开放写权限"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return (
            f"数据库所在的目录 {path.parent} 没有写权限（SQLite 要在其中写 -wal、-shm 和锁文件）："
            f"不能修改数据（{readers}）；请联系管理员开放写权限"
        )
    return None


def readonly_uri(path: Path) -> str:
    """A SQLite URI that reads ``path`` and changes nothing in it (any character of the path quoted).

    Where this process may not write (``why_not_writable``: a read-only mount, a file or folder
    without write permission) it writes nothing beside the file either. A WAL database is then read
    with its -wal and -shm files when both are there (a writer has it open, or one was killed):
    SQLite reads the -wal's committed pages through the existing index without changing either
    file. Without them it is opened as immutable: no -wal holds data and no writer is at work, and
    SQLite creates no -shm (which, made by a reader that may not write the database, would keep its
    read-only mode and stop later writers). A -wal with data but no -shm (a writer killed, its index
    removed) cannot be read without writing a new index: refused (exit 78) rather than read as it
    was before the -wal's commits."""
    wal, shm = (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro"
    if (wal.exists() and shm.exists()) or why_not_writable(path) is None:
        return uri
    if wal.exists() and wal.stat().st_size > 0:
        raise ConfigError(
            f"数据库 {path} 旁有尚未并入的 -wal 文件（{wal}，修改它的程序可能被中断过），却没有 -shm 索引；"
            "这里不能写入，无法读到其中已提交的修改，为免给出过时的数据而不读取："
            f"请由有写权限的用户在可写的位置运行一次 creditcli --db {path} db status（会并入 -wal），"
            "或把数据库连同 -wal 文件复制到可写的位置后使用"
        )
    return uri + "&immutable=1"


def reader_uri(path: Path) -> str:
    """How a reader of its own (``db backup``'s copy) opens ``path``: where this process may write, as
    any connection does (the -wal and -shm files it makes are removed when it closes); elsewhere
    read-only, writing nothing (``readonly_uri``)."""
    if why_not_writable(path) is None:
        return f"file:{urllib.parse.quote(str(path.resolve()))}?mode=rw"
    return readonly_uri(path)


def how_to_create(path: Path) -> str:
    return f"新建数据库请运行 creditcli --db {path} db upgrade（导入等修改数据的命令也会新建）"


def check_sqlite_file(path: Path, *, write: bool, create: bool) -> None:
    """Refuse a path that creditcli must not open as asked (see the module's docstring).

    ``write``: the caller will change the database; ``create``: it may create one where there is none.
    """
    _not_a_companion(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise ConfigError(f"--db {path} 无法使用：{os_reason(exc, reading=True)}；请检查 --db 的路径") from exc
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise ConfigError(f"--db {path} 是目录，不是数据库文件：请给出文件名，如 {path / 'creditcli.db'}")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"--db {path} 不是普通文件（是设备或管道），不能用作数据库：请给出数据库文件的路径")
    empty = info is None or info.st_size == 0 or _revision(path) is None
    if empty and not create:
        state = "不存在" if info is None else "是空的，还没有建库"
        raise InputMissingError(f"数据库文件{state}：{path}。请检查 --db 是否写对；{how_to_create(path)}")
    if info is None:
        _make_directory(path.parent)
    if write:
        _check_writable(path)


def _not_a_companion(path: Path) -> None:
    """``--db X.db-wal`` (or -shm, -journal, .lock) beside an existing X.db names a file SQLite or
    creditcli keeps for X.db: opened as a database of its own, it would be turned into one and X.db's
    uncommitted pages or its writers' lock lost (exit 78, naming X.db)."""
    for suffix in COMPANIONS:
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            base = path.with_name(path.name[: -len(suffix)])
            if base.is_file():
                raise ConfigError(
                    f"--db {path} 是数据库 {base} 旁的 {suffix} 文件（{_COMPANION_ROLES[suffix]}），不是数据库："
                    f"把它当作数据库打开会毁掉 {base} 的数据；请用 --db {base}"
                )


_COMPANION_ROLES = {
    "-wal": "SQLite 的预写日志，存放尚未并入数据库的修改",
    "-shm": "SQLite 的预写日志索引",
    "-journal": "SQLite 的回滚日志",
    ".lock": "creditcli 的写入锁",
}


def _revision(path: Path) -> str | None:
    """creditcli's schema revision in a database file (None: no schema yet), read without changing
    the file; another program's database is refused here."""
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True)
        try:
            names = [
                str(name)
                for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                if not str(name).startswith("sqlite_")
            ]
            revisions = []
            if "alembic_version" in names:
                revisions = [str(r) for (r,) in conn.execute("SELECT version_num FROM alembic_version")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        answer = database_error(exc, str(path))
        raise answer or ConfigError(f"数据库 {path} 无法打开：{exc}") from exc
    check_ours(str(path), names, revisions)
    return revisions[0] if revisions else None


def check_ours(database: str, names: list[str], revisions: list[str]) -> None:
    """Refuse another program's database (SQLite file or PostgreSQL database): ``names`` are its tables,
    ``revisions`` the rows of its ``alembic_version`` (exit 78; nothing is created in it)."""
    if names and not _ours(names, revisions):
        shown = "、".join(sorted(names)[:5]) + (" 等" if len(names) > 5 else "")
        raise ConfigError(
            f"{database} 不是 creditcli 的数据库：其中有 {len(names)} 张别的程序的表（{shown}），"
            "没有 creditcli 的结构版本。为免改动别的程序的数据，creditcli 不会使用它；"
            "请用 --db 指定 creditcli 的数据库文件，或一个新的文件名"
        )


def _ours(names: list[str], revisions: list[str]) -> bool:
    """creditcli's schema version table, holding one of creditcli's revisions (or none yet, in an
    otherwise empty file), and creditcli's first tables."""
    if "alembic_version" not in names:
        return False
    if not revisions:
        return names == ["alembic_version"]
    return len(revisions) == 1 and bool(_REVISION.fullmatch(revisions[0])) and set(names) >= CORE_TABLES


def _make_directory(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法新建数据库目录 {folder}：{os_reason(exc)}") from exc


def _check_writable(path: Path) -> None:
    """A writer needs the file and its directory (the -wal, -shm and lock files live there)."""
    reason = why_not_writable(path)
    if reason is not None:
        raise OutputError(reason)
