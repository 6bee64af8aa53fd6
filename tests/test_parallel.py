"""The one helper for parallel work: a forked child's value comes back whole, or None when it failed."""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

from creditcli import parallel


def test_a_child_returns_any_picklable_value() -> None:
    big = b"x" * 3_000_000  # larger than a pipe buffer
    assert parallel.in_child(lambda: big).result() == big
    keys = np.arange(200_000, dtype=np.uint64).reshape(100_000, 2)
    got = parallel.in_child(lambda: keys * 3).result()
    assert got is not None and got.dtype == np.uint64 and (got == keys * 3).all()
    assert parallel.in_child(lambda: (7, "甲\x00乙", None)).result() == (7, "甲\x00乙", None)
    assert parallel.in_child(lambda: os.getpid()).result() != os.getpid()  # it really ran elsewhere


def test_a_failed_child_gives_none() -> None:
    def fail() -> bytes:
        raise RuntimeError("child failed")

    assert parallel.in_child(fail).result() is None
    assert parallel.in_child(lambda: threading.Lock()).result() is None  # its value cannot be pickled
    assert parallel.in_child(lambda: os._exit(0)).result() is None  # gone before writing anything


def test_without_fork_there_is_no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 1)
    ran: list[int] = []
    assert parallel.in_child(lambda: ran.append(1)).result() is None
    assert ran == []


def test_threads_give_results_in_order_and_raise_at_the_failing_item() -> None:
    def slow_square(n: int) -> int:
        time.sleep(0.01 * (5 - n))  # the later items finish first
        if n == 3:
            raise OSError(28, "No space left on device")
        return n * n

    with parallel.in_threads(slow_square, range(3), workers=3) as work:
        assert work.results() == [0, 1, 4]
    got = []
    with pytest.raises(OSError), parallel.in_threads(slow_square, range(5), workers=2) as work:
        for value in work:
            got.append(value)
    assert got == [0, 1, 4]


def test_leaving_the_block_cancels_what_has_not_started() -> None:
    started: list[int] = []

    def job(n: int) -> int:
        started.append(n)
        time.sleep(0.05)
        return n

    with pytest.raises(RuntimeError), parallel.in_threads(job, range(20), workers=1):
        raise RuntimeError("the copy failed")
    count = len(started)
    time.sleep(0.15)
    assert count < 20 and len(started) == count  # nothing ran after the block was left


def test_gc_paused_restores_the_collector() -> None:
    with parallel.gc_paused():
        assert not parallel.gc.isenabled()
    assert parallel.gc.isenabled()
