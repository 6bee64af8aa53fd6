"""Per-invocation state: settings, the database URL, output format, consoles."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Sequence
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

    def engine(self, write: bool = False, create: bool | None = None) -> Engine:
        """The database, opened on first use: a writer may create it (and says so), a reader never
        (a missing database is exit 66); see db/database.py."""
        if self._engine is None:
            from creditcli.db.database import open_database

            opened = open_database(self.db, write=write, create=create, wait=self.wait)
            self._engine = opened.engine
            if opened.created is not None:
                eprint(f"新建数据库：{opened.created}")
        return self._engine

    @contextmanager
    def session(self, write: bool = False, create: bool | None = None) -> Iterator[Session]:
        """One transaction for the whole command: all of it is written, or none.

        ``write``: the command changes data, so it first takes the writers' lock (db/locks.py).
        ``create``: it may create a database where there is none (default: when it writes; a dry run
        writes nothing, so it creates nothing either).
        """
        from creditcli.db import locks
        from creditcli.db.engine import session_scope

        engine = self.engine(write, create)
        with locks.file_lock(engine, self.wait) if write else nullcontext(), session_scope(engine) as session:
            if write:
                locks.advisory_lock(session, self.wait)
            self._change, self._unchanged = None, False
            yield session
            if write and not self._unchanged:  # every change leaves its audit entry, in the same transaction
                from creditcli import audit

                command, arguments = self.invocation
                audit.append(session, command, arguments, self._change or audit.Change())

    def check_outputs(self, *outputs: tuple[str, Path | None], inputs: Sequence[tuple[str, Path | None]] = ()) -> None:
        """Before the command reads or writes anything: its output files are none of the database's
        files (exit 73), not one another and not its inputs (exit 2). See io/outputs.py."""
        from creditcli.db.engine import protected_paths
        from creditcli.io.outputs import check_outputs

        check_outputs(outputs, inputs=inputs, protected=protected_paths(self.db))

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
    Also into the ``--log-file``, when there is one. Control characters from user data are shown
    escaped (``\\x1b``), never sent to the terminal."""
    from creditcli.cli import runlog

    message = printable(message)
    runlog.note(message)
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def printable(text: str) -> str:
    """``text`` with every control character from user data written out as an escape (ESC as
    ``\\x1b``), its own line breaks kept (io/text.py: the one escaping there is)."""
    from creditcli.io.text import escape_controls

    return escape_controls(text, lines=True)


def configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
