"""Per-invocation state: settings, the database (as a use-case ``Store``), output format, consoles.

Kept light: ``--help`` imports this module, so SQLAlchemy, rich and pydantic are imported only when a
command runs. The root command only records its options (``Deferred``); they are acted on — the
configuration loaded, the log file opened — when a command runs, never for a help screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer
    from rich.console import Console

    from creditcli.actions.store import Store
    from creditcli.settings import Settings


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
    wide: bool = False
    """``--wide``: terminal tables show every column, however narrow the terminal (cli/render.py)."""
    _store: Store | None = field(default=None, repr=False)
    releases: list[Callable[[], None]] = field(default_factory=list, repr=False)
    """Undone when the command ends (the run's files claimed in io/outputs.py)."""

    @classmethod
    def from_typer(cls, ctx: typer.Context | Any) -> AppContext:
        root = ctx.find_root()
        obj = started(root)
        if obj is None:  # a command invoked without the root callback (tests)
            from creditcli.settings import default_db_path, load_settings

            obj = AppContext(load_settings(), str(default_db_path()))
            root.obj = obj
        return obj

    @property
    def store(self) -> Store:
        """The database the command's use cases work on (opened on first use)."""
        if self._store is None:
            from creditcli.actions.store import Store

            self._store = Store(self.db, self.settings, self.wait, "creditcli", notify=eprint)
        return self._store

    def format(self, override: OutputFormat | None) -> OutputFormat:
        return override or self.fmt

    @cached_property
    def out(self) -> Console:
        from rich.console import Console

        return Console(highlight=False, soft_wrap=True)

    def info(self, message: str) -> None:
        """A progress or summary line on stderr (silenced by -q)."""
        if self.verbosity >= 0:
            eprint(message)

    def close(self) -> None:
        while self.releases:
            self.releases.pop()()
        if self._store is not None:
            self._store.close()


@dataclass(frozen=True)
class Deferred:
    """The root command's options, not yet acted on (``start`` loads the configuration and opens the log)."""

    start: Callable[[Sequence[Path]], AppContext]
    """Called with the files the command names (its path arguments and options)."""


def started(root: Any, paths: Sequence[Path] = ()) -> AppContext | None:
    """The context of the running command (``root``: the root Click context), started on first use;
    ``paths``: the files the command names (no ``--log-file`` may be one of them)."""
    if isinstance(root.obj, Deferred):
        root.obj = root.obj.start(paths)
    return root.obj if isinstance(root.obj, AppContext) else None


def eprint(message: str) -> None:
    """Plain text on stderr: never wrapped or marked up, so that cron logs and grep see whole lines.
    Also into the ``--log-file``, when there is one. Control characters from user data are shown
    escaped (``\\x1b``), never sent to the terminal."""
    from creditcli.cli import runlog
    from creditcli.cli.entry import say

    message = printable(message)
    runlog.note(message)
    say(message)


def printable(text: str) -> str:
    """``text`` with every control character from user data written out as an escape (ESC as
    ``\\x1b``), its own line breaks kept (io/text.py: the one escaping there is)."""
    from creditcli.io.text import escape_controls

    return escape_controls(text, lines=True)


def configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
