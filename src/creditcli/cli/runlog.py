"""``--log-file``: a plain, appended record of what each run did (for cron jobs and their operators).

One line when the run starts (who, which process, the whole command line), each progress or
warning line the run prints, each error, and one line when it ends (exit code and duration).
"""

from __future__ import annotations

import logging
import os
import shlex
import sys
import time
from pathlib import Path

from creditcli import clock
from creditcli.errors import OutputError

LOG = logging.getLogger("creditcli.run")
LOG.propagate = False
_started = time.monotonic()


def open_log(path: Path) -> None:
    if LOG.handlers:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"无法写入日志文件 {path}：{exc.strerror}") from exc
    handler.setFormatter(logging.Formatter("%(asctime)s [%(process)d] %(message)s"))
    LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    command = shlex.join(["creditcli", *sys.argv[1:]])
    LOG.info(f"开始：用户 {clock.operator()}，目录 {os.getcwd()}，命令 {command}")


def note(message: str) -> None:
    if LOG.handlers:
        LOG.info(message)


def finish(code: int) -> None:
    if not LOG.handlers:
        return
    LOG.info(f"结束：退出码 {code}，用时 {time.monotonic() - _started:.2f} 秒")
    for handler in list(LOG.handlers):
        handler.close()
        LOG.removeHandler(handler)
