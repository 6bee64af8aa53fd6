"""Where a command may write: never over a database, its own input, or another of its outputs.

Every file a command writes is checked here before anything is read or written (``check_outputs``):

- a path that resolves (after symlinks, or to the same file by another name) to a protected file —
  the open database, its ``-wal``/``-shm``/``-journal`` files, its lock file — or to any other SQLite
  database file (another creditcli database, another program's) is refused with exit 73;
- a path whose directory does not exist, is no directory or cannot be written (no permission, a
  read-only mount), or whose name is too long, is refused with exit 73 naming the reason: an output
  never creates directories, and the user learns it before a long import or a draw has run;
- two outputs of one command that are one file, or an output that is one of the command's inputs,
  with exit 2 naming both.

The database layer tells this module which files it protects (``protect``), so that every writer
of ``io`` refuses them without knowing what a database is; a command (or any Python caller) that
knows its outputs before it opens the database passes them explicitly (``protected=``). The run
itself registers its own files the same way (``claim``): ``--log-file`` is an output of every
command, ``--config`` an input.
"""

from __future__ import annotations

import errno
import itertools
import os
import stat
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from creditcli.errors import OutputError, UsageError, os_error

Named = tuple[str, Path | None]
"""An output or input as the user gave it: what it is (``--output``, 导入文件 …) and its path."""

_protected: dict[int, frozenset[Path]] = {}
_tokens = itertools.count()


def protect(paths: Iterable[Path]) -> Callable[[], None]:
    """Refuse ``paths`` as outputs of every writer in this process until the returned function is called."""
    token = next(_tokens)
    _protected[token] = frozenset(paths)

    def release() -> None:
        _protected.pop(token, None)

    return release


_claimed: dict[int, tuple[tuple[Named, ...], tuple[Named, ...]]] = {}


def claim(outputs: Sequence[Named] = (), inputs: Sequence[Named] = ()) -> Callable[[], None]:
    """Count ``outputs`` and ``inputs`` (the run's ``--log-file``, ``--config``) among those of every
    command checked in this process, until the returned function is called."""
    token = next(_tokens)
    _claimed[token] = (tuple(outputs), tuple(inputs))

    def release() -> None:
        _claimed.pop(token, None)

    return release


def guarded_paths() -> frozenset[Path]:
    """Every path some open database protects (see ``protect``)."""
    return frozenset().union(*_protected.values()) if _protected else frozenset()


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve(strict=False)
    except (OSError, RuntimeError):  # a symlink loop: the path as written, the write will fail on its own
        return path.expanduser().absolute()


def _identity(path: Path) -> tuple[object, ...]:
    """One file, however it is named: its device and inode when it exists (hard links, /dev/stdout
    redirected to it), else the resolved path."""
    resolved = _resolved(path)
    try:
        st = os.stat(resolved)
    except (OSError, ValueError):
        return ("path", str(resolved))
    return ("file", st.st_dev, st.st_ino)


def _keys(path: Path) -> set[tuple[object, ...]]:
    return {("path", str(_resolved(path))), _identity(path)}


SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""


def is_database_file(path: Path) -> bool:
    """``path`` is a regular file holding a SQLite database (looked at without opening anything else:
    a pipe or device is never opened here)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except (OSError, ValueError):
        return False


def check_place(path: Path, what: str) -> None:
    """The directory an output goes into exists and may be written (exit 73 naming the reason)."""
    target = path.expanduser()
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:  # a name too long, a file where a directory should be, a symlink loop
        raise os_error(exc, target) from exc
    except ValueError:  # a NUL in the name
        raise OutputError(f"无法写出 {target}（{what}）：文件名中含有 NUL 字符") from None
    if info is not None and not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        return  # a device or pipe (/dev/stdout, /dev/null) is written in place: its directory is not used
    # A file is written beside its target and renamed onto it; an existing output directory gets files.
    folder = target if info is not None and stat.S_ISDIR(info.st_mode) else target.parent
    try:
        folder_info = os.stat(folder)
    except OSError as exc:
        raise os_error(exc, target) from exc
    if not stat.S_ISDIR(folder_info.st_mode):
        raise os_error(OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)), target)
    if not os.access(folder, os.W_OK | os.X_OK):
        problem = errno.EROFS if _read_only(folder) else errno.EACCES
        raise os_error(OSError(problem, os.strerror(problem)), target)


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def same_file(first: Path, second: Path) -> bool:
    """``first`` and ``second`` name one file (after symlinks, or by device and inode)."""
    return not _keys(first).isdisjoint(_keys(second))


def check_outputs(
    outputs: Sequence[Named],
    *,
    inputs: Sequence[Named] = (),
    protected: Iterable[Path] = (),
    database: bool = False,
    places: bool = True,
) -> None:
    """Refuse, before anything is written, outputs that are a protected file or any database file,
    or that cannot be written where they are to go (exit 73), and outputs that are the same file as
    another output or one of the inputs (exit 2). ``None`` entries (options not given) are skipped.

    The run's own files (``claim``) are checked with every command's: an output may not be the
    ``--log-file`` or the ``--config`` file. ``database``: the outputs are database backups, which may
    replace an earlier backup (any other SQLite file stays refused for every other output).
    ``places=False``: the caller makes the directory itself (``demo --dir``) and answers its faults."""
    guarded: dict[tuple[object, ...], Path] = {}
    for path in (*protected, *guarded_paths()):
        guarded |= dict.fromkeys(_keys(path), path)
    given = [(what, path) for what, path in outputs if path is not None]
    for what, path in given:
        if str(path) == "-":
            raise UsageError(
                f"{what} 不能是 -：creditcli 不把文件写到标准输出，请给出文件名"
                "（要把数据印到标准输出，请用相应的 list 或 show 命令加 --format csv 或 json）"
            )
    for what, path in given:
        hit = next((guarded[k] for k in _keys(path) if k in guarded), None)
        if hit is not None:
            raise OutputError(
                f"拒绝写入 {path}（{what}）：它是正在使用的数据库的文件 {hit}，写入会毁掉数据库；请换一个输出文件名"
            )
        if not database and is_database_file(path):
            raise OutputError(
                f"拒绝写入 {path}（{what}）：它是一个数据库文件（SQLite），输出从不覆盖数据库；请换一个输出文件名"
            )
    for what, path in given if places else ():
        check_place(path, what)
    for claimed_outputs, claimed_inputs in _claimed.values():
        given += [(what, path) for what, path in claimed_outputs if path is not None]
        inputs = [*inputs, *claimed_inputs]
    seen: dict[tuple[object, ...], tuple[str, Path]] = {}
    for what, path in given:
        for key in _keys(path):
            if key in seen and seen[key] != (what, path):
                first, other = seen[key]
                raise UsageError(f"{other}（{first}）与 {path}（{what}）是同一个文件：一条命令的两个输出须是不同的文件")
        for key in _keys(path):
            seen.setdefault(key, (what, path))
    sources = {key: (what, path) for what, path in inputs if path is not None for key in _keys(path)}
    for what, path in given:
        hit_input = next((sources[k] for k in _keys(path) if k in sources), None)
        if hit_input is not None:
            first, other = hit_input
            raise UsageError(
                f"{path}（{what}）与 {other}（{first}）是同一个文件：输出会覆盖命令正在读取的输入，请换一个输出文件名"
            )
