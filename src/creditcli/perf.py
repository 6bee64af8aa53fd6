"""Helpers for the million-row paths."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager


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


class Forked:
    """Run ``func`` in a forked child process and collect the bytes it returns.

    The hashing and packing of a million-entity draw hold the GIL, so a second core is only
    reachable through a second process. The child inherits the data (no pickling), writes its
    result to a pipe and leaves with ``os._exit`` (no cleanup of the parent's open connections).
    ``result()`` is None when forking is unavailable or the child failed: callers then compute
    the value themselves, so the outcome never depends on whether the child ran.
    """

    def __init__(self, func: Callable[[], bytes]) -> None:
        self._pid = 0
        self._read = -1
        if not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
            return
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            code = 1
            try:
                os.close(read_end)
                view = memoryview(func())
                while view:
                    view = view[os.write(write_end, view) :]
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self._pid, self._read = pid, read_end

    def result(self) -> bytes | None:
        if not self._pid:
            return None
        chunks = []
        try:
            while chunk := os.read(self._read, 1 << 20):
                chunks.append(chunk)
        finally:
            os.close(self._read)
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
        return b"".join(chunks) if os.waitstatus_to_exitcode(status) == 0 else None
