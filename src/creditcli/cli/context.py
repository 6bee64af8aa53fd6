"""Per-invocation state: settings, the database URL, output format, consoles."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from creditcli.settings import Settings, default_db_path

if TYPE_CHECKING:
    from creditcli.audit import Change


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@dataclass
class AppContext:
    settings: Settings
    db: str
    fmt: OutputFormat = OutputFormat.table
    verbosity: int = 0
    wait: float = 0.0
    """``--wait``: seconds a writer waits for another one to finish (0: refuse at once, exit 75)."""
    out: Console = field(default_factory=lambda: Console(highlight=False, soft_wrap=True))
    err: Console = field(default_factory=lambda: Console(stderr=True, highlight=False, soft_wrap=True))
    invocation: tuple[str, dict[str, object]] = ("creditcli", {})
    """The running command's path and parameters (paths as text), for its audit entry."""
    _engine: Engine | None = None
    _change: Change | None = None
    _unchanged: bool = False

    @classmethod
    def from_typer(cls, ctx: typer.Context) -> AppContext:
        root = ctx.find_root()
        obj = root.obj
        if not isinstance(obj, AppContext):  # a command invoked without the root callback (tests)
            from creditcli.settings import load_settings

            obj = AppContext(load_settings(), str(default_db_path()))
            root.obj = obj
        if ctx is not root:
            params = {k: str(v) if isinstance(v, Path) else v for k, v in ctx.params.items()}
            obj.invocation = (ctx.command_path, params)
        return obj

    def format(self, override: OutputFormat | None) -> OutputFormat:
        return override or self.fmt

    def engine(self) -> Engine:
        if self._engine is None:
            from creditcli.db.engine import make_engine, to_url
            from creditcli.db.schema import ensure_schema

            self._engine = make_engine(to_url(self.db))
            ensure_schema(self._engine)
        return self._engine

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """One transaction for the whole command: all of it is written, or none.

        ``write``: the command changes data, so it first takes the writers' lock (db/locks.py).
        """
        from creditcli.db import locks
        from creditcli.db.engine import session_scope

        engine = self.engine()
        with locks.file_lock(engine, self.wait) if write else nullcontext(), session_scope(engine) as session:
            if write:
                locks.advisory_lock(session, self.wait)
            self._change, self._unchanged = None, False
            yield session
            if write and not self._unchanged:  # every change leaves its audit entry, in the same transaction
                from creditcli import audit

                command, arguments = self.invocation
                audit.append(session, command, arguments, self._change or audit.Change())

    def audited(self, change: Change | None) -> None:
        """What the running command changed, for its audit entry (counts, digest, records);
        None: nothing changed after all (a dry run, a draw that was already made), so no entry."""
        self._change, self._unchanged = change, change is None

    def info(self, message: str) -> None:
        """A progress or summary line on stderr (silenced by -q)."""
        if self.verbosity >= 0:
            eprint(message)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def eprint(message: str) -> None:
    """Plain text on stderr: never wrapped or marked up, so that cron logs and grep see whole lines.
    Also into the ``--log-file``, when there is one."""
    from creditcli.cli import runlog

    runlog.note(message)
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
