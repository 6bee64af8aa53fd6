"""Reading a file the user names (an import, a mapping, a task, configuration, model, rules or
calendar file): one check for all of them, before a byte is read.

A directory, a device (``/dev/zero`` never ends), a pipe or a socket is no input file: it is refused
with exit 66 naming the path and what it is, as is a file that cannot be read (no permission). A
missing file is answered with the class the caller documents (66 for data, 78 for configuration).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from creditcli.errors import CreditError, InputMissingError, UsageError, os_reason


def check_input(path: Path, what: str, missing: type[CreditError] = InputMissingError) -> None:
    """Refuse ``path`` unless it is a regular file (``what`` names it in the message: 导入文件,
    配置文件 …); ``missing`` is raised when it does not exist."""
    if str(path) == "-":
        raise UsageError(f"{what}不能是 -：creditcli 不从标准输入读取文件；请给出文件的路径")
    try:
        info = path.stat()
    except FileNotFoundError:
        raise missing(f"{what}不存在：{path}") from None
    except OSError as exc:
        raise InputMissingError(f"无法读取{what} {path}：{os_reason(exc, reading=True)}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise InputMissingError(f"{what} {path} 是目录，不是文件：请给出文件的路径")
    if not stat.S_ISREG(info.st_mode):
        raise InputMissingError(f"{what} {path} 不是普通文件（是设备、管道或套接字），不能读取：请给出文件的路径")
    if not os.access(path, os.R_OK):
        raise InputMissingError(f"无法读取{what} {path}：没有读取权限；请联系管理员开放读取权限")


def read_input(path: Path, what: str, missing: type[CreditError] = InputMissingError) -> bytes:
    """The bytes of the input file ``path`` (see :func:`check_input`)."""
    check_input(path, what, missing)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputMissingError(f"无法读取{what} {path}：{os_reason(exc, reading=True)}") from exc
