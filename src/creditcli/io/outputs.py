"""Where a command may write: never over an open database, its own input, or another of its outputs.

Every file a command writes is checked here before anything is written (``check_outputs``): a path
that resolves (after symlinks, or to the same file by another name) to a protected file — the open
database, its ``-wal``/``-shm``/``-journal`` files, its lock file — is refused with exit 73; two
outputs of one command that are one file, or an output that is one of the command's inputs, with
exit 2 naming both.

The database layer tells this module which files it protects (``protect``), so that every writer
of ``io`` refuses them without knowing what a database is; a command (or any Python caller) that
knows its outputs before it opens the database passes them explicitly (``protected=``).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from creditcli.errors import OutputError, UsageError

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


def check_outputs(outputs: Sequence[Named], *, inputs: Sequence[Named] = (), protected: Iterable[Path] = ()) -> None:
    """Refuse, before anything is written, outputs that are a protected file (exit 73), the same file
    as another output, or one of the inputs (exit 2). ``None`` entries (options not given) are skipped."""
    guarded: dict[tuple[object, ...], Path] = {}
    for path in (*protected, *guarded_paths()):
        guarded |= dict.fromkeys(_keys(path), path)
    given = [(what, path) for what, path in outputs if path is not None]
    for what, path in given:
        hit = next((guarded[k] for k in _keys(path) if k in guarded), None)
        if hit is not None:
            raise OutputError(
                f"拒绝写入 {path}（{what}）：它是正在使用的数据库的文件 {hit}，写入会毁掉数据库；请换一个输出文件名"
            )
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
