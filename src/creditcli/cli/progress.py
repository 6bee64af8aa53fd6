"""What a person at a terminal sees while a long command works (imports and exports of big files,
freeze, draw, assign, classify, verify): one rich progress line on stderr, gone when the work ends.

Nothing at all when stderr is no terminal (cron, a pipe, a log file: the logs stay clean) or with
``-q``. The line is drawn once and not animated: an animation needs a refresh thread, and the draw,
the verification and big exports fork worker processes (creditcli/parallel.py), which must not copy
a thread that may hold the console's lock. Messages printed meanwhile appear above the line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from creditcli.cli.context import AppContext


def on_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def working(app: AppContext, what: str) -> Iterator[None]:
    """Show ``what`` (e.g. 正在抽取) with a spinner while the block runs, on a terminal only."""
    if app.verbosity < 0 or not on_terminal():
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    console = Console(stderr=True, force_terminal=True)  # on_terminal() said so
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True, auto_refresh=False
    ) as line:
        line.add_task(f"{what}……（Ctrl+C 中断，不会写入任何数据）", total=None)
        line.refresh()
        yield
