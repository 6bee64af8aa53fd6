"""One writer at a time: two processes that change the same database never interleave.

SQLite: a lock file beside the database (``creditcli.db.lock``), taken before the transaction
begins, so the writer that waited sees what the first one committed; the operating system drops
it if the process dies. PostgreSQL (one database shared by many staff): a transaction-level
advisory lock, released by the commit or rollback. Readers never wait.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from creditcli.db.engine import sqlite_path
from creditcli.errors import BusyError, os_error

ADVISORY_KEY = 0x63726564_6C690001
"""The advisory lock of creditcli's writers (any 64-bit number other tools do not use)."""


def _busy(where: str, wait: float) -> BusyError:
    waited = f"等待 {wait:g} 秒后仍" if wait > 0 else ""
    return BusyError(f"数据库{waited}正被另一个 creditcli 进程修改（{where}）：请稍后再试，或加 --wait 秒数 等待")


@contextmanager
def file_lock(engine: Engine, wait: float) -> Iterator[None]:
    """The SQLite lock file (nothing to do for other databases)."""
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None:
        yield
        return
    with path_lock(path, wait):
        yield


_locks: dict[str, Any] = {}
"""One lock object per lock file in this process, so that taking it again where it is held (the demo
holds its database's lock for its whole run; each of its steps takes it too) counts up, not waits."""


@contextmanager
def path_lock(path: Path, wait: float) -> Iterator[None]:
    """The writers' lock of the SQLite file ``path`` (``<path>.lock``), whether or not it exists yet."""
    from filelock import FileLock, Timeout

    name = f"{path.resolve()}.lock"
    lock = _locks.get(name)
    if lock is None:
        lock = _locks[name] = FileLock(name)
    lock.timeout = max(wait, 0)
    try:
        lock.acquire()
    except Timeout:
        raise _busy(f"锁文件 {path}.lock", wait) from None
    except OSError as exc:
        raise os_error(exc, f"{path}.lock") from exc
    try:
        from creditcli.db.adbc import remove_leftover_stages

        remove_leftover_stages(path.resolve().parent)  # a killed writer's staging files
        yield
    finally:
        lock.release()


def advisory_lock(session: Session, wait: float) -> None:
    """Inside the session's transaction on PostgreSQL; released when it ends."""
    if session.get_bind().dialect.name != "postgresql":
        return
    if wait <= 0:
        if not session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY}).scalar():
            raise _busy("PostgreSQL 咨询锁", wait)
        return
    # SET LOCAL takes no parameters; set_config(…, true) is the same setting, local to the transaction.
    session.execute(text("SELECT set_config('lock_timeout', :ms, true)"), {"ms": f"{int(wait * 1000)}ms"})
    try:
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY})
    except OperationalError as exc:
        raise _busy("PostgreSQL 咨询锁", wait) from exc
    session.execute(text("SET LOCAL lock_timeout = DEFAULT"))
