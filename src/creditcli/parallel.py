"""Parallel work for the million-row paths, in one place: a forked child, threads, a GC pause.

- :func:`in_child` for work that holds the GIL (hashing tickets, packing a pool, formatting CSV):
  a second core is only reachable through a second process. The child inherits the data (nothing
  is sent to it) and sends back one value through one framing: its pickled length, then the pickle.
- :func:`in_threads` for work that lets go of the GIL (hashlib on big buffers, Arrow and numpy
  kernels, SQLite and the ADBC driver): the work starts at once, results come back in order.

Both are used as "compute it beside me, or not at all": a child's value is None when forking is
unavailable or the child failed, and the caller then computes it itself, so an outcome never
depends on whether the child ran. Ground floor: imports nothing from creditcli.
"""

from __future__ import annotations

import gc
import io
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")
A = TypeVar("A")

_LENGTH = 8
"""Bytes of the length that precedes a child's pickle (big-endian)."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic GC rescans millions of fresh tuples during big fetches (3.5× slower at 10M)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def can_fork() -> bool:
    return hasattr(os, "fork") and (os.cpu_count() or 1) >= 2


class Child(Generic[T]):
    """``func()`` computed by a forked child process; :meth:`result` collects its value (or None).

    The child writes its value to a pipe and leaves with ``os._exit`` (no cleanup of the parent's
    open connections or files, no traceback on failure).
    """

    def __init__(self, func: Callable[[], T]) -> None:
        self._pid = 0
        self._read = -1
        if not can_fork():
            return
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            code = 1
            try:
                os.close(read_end)
                data = pickle.dumps(func(), protocol=pickle.HIGHEST_PROTOCOL)
                _write_all(write_end, len(data).to_bytes(_LENGTH, "big"))
                _write_all(write_end, data)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self._pid, self._read = pid, read_end

    def result(self) -> T | None:
        """The child's value; None without a child, or when it failed (then compute it yourself)."""
        if not self._pid:
            return None
        data: bytearray | None = None
        try:
            with open(self._read, "rb", buffering=0, closefd=False) as pipe:
                head = _read_exactly(pipe, _LENGTH)
                if head is not None:
                    data = _read_exactly(pipe, int.from_bytes(head, "big"))
        finally:
            os.close(self._read)
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
        if data is None or os.waitstatus_to_exitcode(status) != 0:
            return None
        value: T = pickle.loads(data)
        return value


def in_child(func: Callable[[], T]) -> Child[T]:
    """Start ``func()`` in a forked child now; ``.result()`` is its value, or None (compute it yourself)."""
    return Child(func)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(pipe: io.FileIO, size: int) -> bytearray | None:
    """``size`` bytes into one buffer (no list of chunks joined afterwards), or None at an early end."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    done = 0
    while done < size:
        got = pipe.readinto(view[done:])
        if not got:
            return None
        done += got
    return buffer


class Threads(Generic[T]):
    """``func`` over ``items`` on ``workers`` threads: all submitted at once (the work starts now),
    results in the order of ``items``.

    As a context manager, leaving the block cancels what has not started and waits for what runs
    (so nothing still writes a file the caller is about to remove). Without one, the threads simply
    finish their work in the background.
    """

    def __init__(self, func: Callable[[A], T], items: Iterable[A], workers: int) -> None:
        self._pool = ThreadPoolExecutor(max(1, workers))
        self._futures = [self._pool.submit(func, item) for item in items]
        self._pool.shutdown(wait=False)  # no more work: the threads end when theirs is done

    def __iter__(self) -> Iterator[T]:
        """Each result as it is ready, in order; an item's exception is raised at its turn."""
        for future in self._futures:
            yield future.result()

    def results(self) -> list[T]:
        return list(self)

    def __enter__(self) -> Threads[T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def in_threads(func: Callable[[A], T], items: Iterable[A], workers: int = 1) -> Threads[T]:
    """Start ``func(item)`` for every item on ``workers`` threads now; iterate for the results."""
    return Threads(func, items, workers)


def thread_count(most: int) -> int:
    """Threads for kernels that let go of the GIL: the machine's cores, at least two and at most ``most``."""
    return max(2, min(most, os.cpu_count() or 1))
