"""The console script (and ``python -m creditcli``): the process itself, before and around the commands.

Kept to the standard library, and the only module loaded before its ``try``: whatever happens
while the rest of creditcli loads (Ctrl-C during the imports, a closed stdout or stderr) gets its
documented answer, never a traceback.

- Ctrl-C at any moment outside a command (while the modules load, while the options are parsed):
  one Chinese line, exit 130 (inside a command, cli/guard.py says the same).
- A standard stream the caller closed (``>&-``, ``2>&-``): its file descriptor is pointed at
  /dev/null first, so that no file creditcli opens (the database!) can get descriptor 1 or 2 and
  receive what is printed. A command that then has something to print on a closed stdout exits 73
  saying so; a closed or unwritable stderr only loses the messages: the exit code is the documented one.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys

INTERRUPTED = "已中断：本次操作未写入任何数据"
EXIT_INTERRUPTED = 130  # errors.EXIT_INTERRUPTED (not imported: errors is not loaded yet)
STDOUT_CLOSED = "无法写出输出：标准输出已关闭（如命令行中的 >&-）；请把输出重定向到文件或 /dev/null"


class ClosedStdout(io.TextIOBase):
    """Stands for a stdout the caller closed: printing to it is exit 73 (as writing to a full disk)."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not text:
            return 0
        from creditcli.errors import OutputError

        raise OutputError(STDOUT_CLOSED)

    def fileno(self) -> int:
        return 1


def _reopen_closed_streams() -> None:
    closed = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.append(fd)
    for fd in closed:  # the lowest free descriptor first: os.open returns exactly ``fd``
        new = os.open(os.devnull, os.O_RDWR)
        if new != fd:
            os.dup2(new, fd)
            os.close(new)
    if 0 in closed:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (the process's stdin, never closed)
    if 1 in closed:
        sys.stdout = ClosedStdout()
    if 2 in closed:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (the process's stderr)


def say(message: str) -> None:
    """One line on stderr; nothing when stderr cannot take it."""
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        quiet_stderr()


def quiet_stderr() -> None:
    """stderr cannot be written (a full disk, a closed pipe): its messages are dropped from now on,
    and the interpreter's last flush at exit cannot fail on them either."""
    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (the process's stderr)


def main() -> None:
    try:
        _reopen_closed_streams()
        from creditcli.cli.app import main as run

        run()
    except KeyboardInterrupt:
        say(INTERRUPTED)
        code = EXIT_INTERRUPTED
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    else:
        code = 0
    try:
        sys.stdout.flush()
    except (OSError, ValueError):  # a stdout that went away: the answer was given on stderr
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    raise SystemExit(code)
