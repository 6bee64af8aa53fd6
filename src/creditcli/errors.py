"""One exception tree; each class carries the exit code that cron and scripts see.

Codes follow BSD sysexits where one fits (documented in README.md, "退出码").
"""

from __future__ import annotations

import datetime as dt
import errno
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_DATA = 65
EXIT_NO_INPUT = 66
EXIT_CANT_WRITE = 73
EXIT_BUSY = 75
EXIT_CONFIG = 78
EXIT_INTERRUPTED = 130
"""Ctrl-C (128 + SIGINT, as shells report it); nothing was written."""


class CreditError(Exception):
    """Base of every error the tool reports to the user (message in Chinese)."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RecordError(CreditError):
    """A stored record cannot be read back: damaged on disk or altered behind the tool's back."""


class StateError(CreditError):
    """The record is not in a state that allows the command (drawing a drawn task, removing an entry
    from a list before its time, recording results before the teams are assigned …)."""


class VerifyError(CreditError):
    """Recomputing a record (a draw, its teams, the audit chain) did not give what was recorded."""


class AlarmError(CreditError):
    """A check found what cron must hear about (``deadlines --fail-if-overdue``): exit 1, for a mail."""


class UsageError(CreditError):
    """Bad parameters given on the command line or in a task file."""

    exit_code = EXIT_USAGE


class InputMissingError(CreditError):
    """An input file, or a record the command names, does not exist."""

    exit_code = EXIT_NO_INPUT


class OutputError(CreditError):
    """An output file cannot be written."""

    exit_code = EXIT_CANT_WRITE


class BusyError(CreditError):
    """Another process holds the database lock."""

    exit_code = EXIT_BUSY


class ConfigError(CreditError):
    """Configuration or database schema is not usable as it is."""

    exit_code = EXIT_CONFIG


class CalendarGap(ConfigError):
    """A year that neither the holiday package nor the local calendar file covers."""

    def __init__(self, message: str, year: int | None = None) -> None:
        super().__init__(message)
        self.year = year
        """The missing year (None: beyond the last date there is)."""

    @property
    def note(self) -> str:
        """How a listing marks the one record whose date needs the missing year."""
        return f"日历缺 {self.year} 年" if self.year is not None else "超出可计算的日期"

    def surely_after(self, today: dt.date) -> bool:
        """A date counted into the missing year lies in it or later: after ``today`` if that year has not begun."""
        return self.year is not None and today < dt.date(self.year, 1, 1)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or row) of an input file.

    ``row`` is the row number as Excel shows it (1-based, title rows included);
    ``column`` is the header as written in the file.
    """

    row: int | None
    column: str
    value: str
    reason: str
    place: str | None = None
    """Names what is wrong when it is no file cell (e.g. "对象 9137…（名称）")."""

    def __str__(self) -> str:
        if self.place is not None:
            return f"{self.place}: {self.reason}"
        where = f"第 {self.row} 行" if self.row is not None else "文件"
        col = f" “{self.column}”" if self.column else ""
        val = f"{self.value} " if self.value else ""
        return f"{where}{col}: {val}{self.reason}"


class DataError(CreditError):
    """Input data is invalid; nothing was written. Carries every problem found."""

    exit_code = EXIT_DATA

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)
        self.hints: list[str] = []
        """Lines printed after the problems (e.g. where the full list was saved)."""


# Faults of the machine: an OSError or a database driver's error, answered once, here, with the
# documented exit code and a Chinese reason (README "退出码"; docs/faults.md lists every case).

_OS_REASONS = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "已超出磁盘配额",
    errno.EFBIG: "文件超过了文件系统允许的大小",
    errno.EROFS: "所在的文件系统是只读的",
    errno.EACCES: "没有权限",
    errno.EPERM: "操作不被允许（没有权限）",
    errno.ENOTDIR: "路径中有一级不是目录",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.ENAMETOOLONG: "文件名或路径太长（超过文件系统的上限）",
    errno.EIO: "磁盘读写出错",
    errno.EMFILE: "打开的文件太多",
    errno.ENFILE: "系统打开的文件太多",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.ELOOP: "符号链接形成了循环",
    errno.EINVAL: "此处不能写入",
    errno.ENXIO: "设备不存在",
}
_OS_HINTS = {
    errno.ENOSPC: "请释放磁盘空间后重试，或写到其他磁盘",
    errno.EDQUOT: "请清理文件后重试，或写到其他位置",
    errno.EROFS: "请写到其他位置",
    errno.EACCES: "请写到有权限的位置，或联系管理员",
    errno.ENAMETOOLONG: "请用短一些的文件名",
    errno.ENOENT: "请先创建该目录，或检查路径拼写",
}


def os_reason(exc: OSError, *, reading: bool = False) -> str:
    """The Chinese reason for a failed file operation (the system's own words for the rare rest)."""
    if exc.errno == errno.ENOENT:
        return "文件不存在" if reading else "目录不存在"
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    name = errno.errorcode.get(exc.errno or 0, "")
    return f"系统错误 {name}（{exc.strerror or exc}）".replace(" （", "（")


def os_error(exc: OSError, path: object | None = None, *, reading: bool = False) -> CreditError:
    """A failed read (exit 66: the input cannot be read) or write (exit 73: the output cannot be written)
    of ``path`` (default: the file the error names)."""
    where = path if path is not None else (exc.filename if exc.filename is not None else None)
    if reading:
        return InputMissingError(f"无法读取 {where}：{os_reason(exc, reading=True)}")
    place = f" {where}" if where is not None else "输出"
    hint = _OS_HINTS.get(exc.errno or 0)
    return OutputError(f"无法写出{place}：{os_reason(exc)}" + (f"；{hint}" if hint else ""))


# SQLite's primary result codes as Python names them (sqlite3.Error.sqlite_errorname, extended
# codes such as SQLITE_IOERR_WRITE share the prefix).
_SQLITE = (
    ("SQLITE_FULL", OutputError, "数据库所在的磁盘已满：本次操作未写入任何数据；请释放磁盘空间后重试"),
    ("SQLITE_IOERR", OutputError, "数据库读写出错（磁盘或文件系统故障）：本次操作未写入任何数据；请检查磁盘后重试"),
    ("SQLITE_READONLY", OutputError, "数据库是只读的，不能修改数据（查询命令仍可使用）；请联系管理员开放写权限"),
    ("SQLITE_PERM", OutputError, "没有修改数据库的权限（查询命令仍可使用）"),
    (
        "SQLITE_BUSY",
        BusyError,
        "数据库正被另一个程序锁定：本次操作未写入任何数据；请关闭正在使用该数据库的其他程序后重试，"
        "或加 --wait 秒数 等待",
    ),
    (
        "SQLITE_LOCKED",
        BusyError,
        "数据库正被另一个程序锁定：本次操作未写入任何数据；请关闭正在使用该数据库的其他程序后重试，"
        "或加 --wait 秒数 等待",
    ),
    ("SQLITE_NOTADB", ConfigError, "它不是 SQLite 数据库文件：请检查 --db 是否指向了数据库文件"),
    ("SQLITE_CORRUPT", ConfigError, "数据库文件已损坏：请用 creditcli db backup 所做的备份恢复"),
    ("SQLITE_CANTOPEN", ConfigError, "无法打开数据库文件：请检查 --db 的路径及其目录的权限"),
)
# The same errors as words, for drivers that give no code (the ADBC staging driver).
_SQLITE_WORDS = (
    ("disk is full", "SQLITE_FULL"),
    ("disk I/O error", "SQLITE_IOERR"),
    ("readonly database", "SQLITE_READONLY"),
    ("database is locked", "SQLITE_BUSY"),
    ("file is not a database", "SQLITE_NOTADB"),
    ("malformed", "SQLITE_CORRUPT"),
    ("unable to open database file", "SQLITE_CANTOPEN"),
)
# PostgreSQL SQLSTATE codes (appendix A of its manual), by prefix.
_POSTGRES = (
    ("53100", OutputError, "数据库服务器的磁盘已满：本次操作未写入任何数据；请管理员释放空间后重试"),
    ("53", OutputError, "数据库服务器资源不足：本次操作未写入任何数据；请管理员检查服务器后重试"),
    ("25006", OutputError, "数据库是只读的（只读副本或只读事务），不能修改数据"),
    ("55P03", BusyError, "数据库中的记录正被另一个程序锁定：本次操作未写入任何数据；请稍后再试，或加 --wait 秒数 等待"),
    ("40P01", BusyError, "与另一个程序的修改相互等待（死锁）：本次操作未写入任何数据；请稍后再试"),
    ("40001", BusyError, "与另一个程序的修改冲突：本次操作未写入任何数据；请稍后再试"),
    ("08", ConfigError, "与数据库的连接失败或中断：请检查 --db 地址以及数据库服务器是否在运行"),
    ("57P", ConfigError, "数据库服务器正在关闭或重启：请稍后再试"),
    ("3D000", ConfigError, "数据库不存在：请检查 --db 地址中的数据库名"),
    ("28", ConfigError, "数据库拒绝登录（用户名或密码不对）：请检查 --db 地址"),
)


FULL_BELOW = 1 << 20
"""Free space under which a write error on a file system is taken for a full disk (1 MiB)."""


def nearly_full(path: Path) -> bool:
    """The file system holding ``path`` (a file or directory that exists) has (almost) no space left."""
    try:
        st = os.statvfs(path)
    except (OSError, ValueError):
        return False
    return st.f_bavail * st.f_frsize < FULL_BELOW


def database_error(exc: BaseException, database: str | None = None) -> CreditError | None:
    """The answer to an error raised by the database driver (SQLite, PostgreSQL), or None when it is no
    fault of the machine but of the program (a constraint a bug broke): that stays an internal error.

    ``database``: the database as the user named it (without password), for the message.
    """
    orig = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's exception
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    where = f"数据库 {database}" if database else "数据库"
    name = getattr(orig, "sqlite_errorname", None)
    if name is None and type(orig).__module__.split(".")[0] in {"sqlite3", "adbc_driver_manager"}:
        name = next((code for words, code in _SQLITE_WORDS if words in text), None)
    if isinstance(name, str):
        if name.startswith("SQLITE_IOERR") and database is not None and nearly_full(Path(database)):
            name = "SQLITE_FULL"  # SQLite could not grow its -shm index or journal: the disk is full
        for prefix, cls, reason in _SQLITE:
            if name.startswith(prefix):
                return cls(f"{where}：{reason}（{text}）")
        return None
    if type(orig).__module__.split(".")[0] == "psycopg":
        state = getattr(orig, "sqlstate", None) or ""
        for prefix, cls, reason in _POSTGRES:
            if state.startswith(prefix):
                return cls(f"{where}：{reason}（{text}）")
        if not state and type(orig).__name__ == "OperationalError":  # libpq could not connect at all
            return ConfigError(f"无法连接{where}：请检查 --db 地址以及数据库服务器是否在运行（{text}）")
    return None


def fault(exc: BaseException, database: str | None = None) -> CreditError | None:
    """Any error that escaped a command, as the documented answer; None for a real bug."""
    if isinstance(exc, CreditError):
        return exc
    if isinstance(exc, OSError):
        return os_error(exc)
    if type(exc).__module__.split(".")[0] == "xlsxwriter" and exc.args and isinstance(exc.args[0], OSError):
        return os_error(exc.args[0])  # FileCreateError wraps the OSError of writing the workbook
    return database_error(exc, database)


def output_fault(exc: BaseException, path: Path) -> CreditError | None:
    """A writer's failure on ``path`` (an OSError, or xlsxwriter's error around one) as exit 73."""
    if isinstance(exc, OSError):
        return os_error(exc, path)
    if type(exc).__module__.split(".")[0] == "xlsxwriter":
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
        if inner is not None:
            return os_error(inner, path)
        return OutputError(f"无法写出 {path}：{exc}")
    return None
