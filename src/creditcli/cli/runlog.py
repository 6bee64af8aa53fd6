"""``--log-file``: a plain, appended record of what each run did (for cron jobs and their operators).

One line when the run starts (who, which process, the whole command line), each progress or
warning line the run prints, each error, and one line when it ends (exit code and duration).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shlex
import sys
import time
from pathlib import Path

from creditcli import clock
from creditcli.errors import os_error

LOG = logging.getLogger("creditcli.run")
LOG.propagate = False
_started = time.monotonic()


class _QuietHandler(logging.FileHandler):
    """A log file that stops being written when writing fails (the disk filled up during the run):
    the command's own answer matters more than its log, and no traceback reaches the terminal."""

    def handleError(self, record: logging.LogRecord) -> None:
        LOG.removeHandler(self)
        with contextlib.suppress(OSError, ValueError):
            self.close()


def open_log(path: Path) -> None:
    """Open ``--log-file`` for appending and write the run's first line, or exit 73 naming the
    reason (a missing directory is not created, as for every other output)."""
    for earlier in _ours():  # one run, one log file (an earlier run in this process: its log is done)
        if earlier.baseFilename == os.path.abspath(path):
            return
        LOG.removeHandler(earlier)
        with contextlib.suppress(OSError, ValueError):
            earlier.close()
    line = f"开始：用户 {clock.operator()}，目录 {os.getcwd()}，命令 {shlex.join(['creditcli', *sys.argv[1:]])}"
    handler: _QuietHandler | None = None
    try:
        handler = _QuietHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s [%(process)d] %(message)s"))
        # The first line is written here, not through logging, so that a log that cannot be
        # written (/dev/full, a full disk) is an error now.
        record = LOG.makeRecord(LOG.name, logging.INFO, __file__, 0, line, (), None)
        stream = handler.stream  # opened by the handler (delay=False)
        if stream is not None:
            stream.write(handler.format(record) + handler.terminator)
            stream.flush()
    except OSError as exc:
        if handler is not None:
            with contextlib.suppress(OSError, ValueError):
                handler.close()
        raise os_error(exc, f"日志文件 {path}") from exc
    LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)


def _ours() -> list[_QuietHandler]:
    """The log file's handler, when one is open (a test runner may add handlers of its own)."""
    return [h for h in LOG.handlers if isinstance(h, _QuietHandler)]


def note(message: str) -> None:
    if _ours():
        LOG.info(message)


def finish(code: int) -> None:
    if not _ours():
        return
    LOG.info(f"结束：退出码 {code}，用时 {time.monotonic() - _started:.2f} 秒")
    for handler in _ours():
        LOG.removeHandler(handler)
        with contextlib.suppress(OSError, ValueError):
            handler.close()
