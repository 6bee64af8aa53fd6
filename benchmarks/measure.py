"""Run one creditcli command as a subprocess: wall time and peak RSS, as a user would see them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

# tools/synth.py makes the seeded benchmark rosters; it is not part of the installed package.
sys.path.append(str(Path(__file__).resolve().parents[1] / "tools"))
import synth

__all__ = ["loop_seconds", "run_creditcli", "synth"]


def run_creditcli(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of ``python -m creditcli ARGS`` (start-up included)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "creditcli", *args], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: creditcli {' '.join(args)}")
    return wall, usage.ru_maxrss / 1024


def loop_seconds() -> float:
    """The machine's speed right now: a fixed pure-Python loop (20M additions; 1.0 s here unthrottled).

    The host throttles this machine at times (the loop then takes 2–6 s); figures are only
    comparable at similar loop times, so every step prints the loop time measured just before it.
    """
    start = time.perf_counter()
    i = 0
    while i < 20_000_000:
        i += 1
    return time.perf_counter() - start
