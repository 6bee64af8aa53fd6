"""`tasks verify` at scale (issue 15 item 8): the whole command on the 1M-entity draw, agreeing and tampered.

    python benchmarks/bench_verify.py [--runs N] [--size SIZE] [--before SRC]

Reuses (or makes) the roster database of bench_draw.py, copies it, creates and draws the task there
(stratified, the default ratios: ~37,700 of ~930,000 drawn), and a second copy in which 1,000 stored
selection rows are altered with raw SQL, as an intruder would: a third get another ticket, a third
another rank, a third another USCC. Then, round after round, it times whole processes: a fixed
pure-Python loop (the machine's speed right now: the host throttles it at times), `tasks verify` on
the agreeing copy (exit 0) and on the tampered one (exit 1, its message checked once). With
``--before SRC`` (the ``src`` directory of another checkout, e.g. an extract of main) the same two
commands also run from that source in every round, so before and after meet the same machine.
Medians over the rounds; target: ≤ 5 s for each verify.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_draw import OUT, SEED, build
from measure import loop_seconds

TASK = "V1"
TAMPERED = 1_000
LISTED = 10


def _copy(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()


def _env(src: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if src is not None:  # ahead of the installed package on sys.path
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(src), env.get("PYTHONPATH", "")) if p)
    return env


def _creditcli(args: list[str], src: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "creditcli", *args], capture_output=True, text=True, env=_env(src))


def _timed(args: list[str], expect: int, src: Path | None = None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, with the child processes it waited for)."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "creditcli", *args]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(src))
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != expect:
        raise SystemExit(f"creditcli {' '.join(args)}: exit {os.waitstatus_to_exitcode(status)}, expected {expect}")
    return wall, usage.ru_utime + usage.ru_stime


def setup(size: int) -> tuple[Path, Path]:
    """The drawn copy and the tampered copy (made once, then reused)."""
    drawn = OUT / f"verify_{size}.db"
    tampered = OUT / f"verify_{size}_tampered.db"
    if drawn.exists() and tampered.exists():
        return drawn, tampered
    _copy(build(size), drawn)
    base = ["--db", str(drawn), "-q", "tasks"]
    _timed([*base, "create", TASK, "--name", "bench", "--window", "2026-03-01:2026-06-30"], 0)
    _timed([*base, "draw", TASK, "--seed", SEED], 0)
    _copy(drawn, tampered)
    conn = sqlite3.connect(tampered, isolation_level=None)
    ids = [i for (i,) in conn.execute("SELECT id FROM draw_selections ORDER BY id")]
    chosen = ids[:: len(ids) // TAMPERED][:TAMPERED]
    third = TAMPERED // 3
    conn.execute("BEGIN")
    for n, row_id in enumerate(chosen):
        if n < third:
            conn.execute("UPDATE draw_selections SET ticket = ticket || '1' WHERE id = ?", (row_id,))
        elif n < 2 * third:
            conn.execute("UPDATE draw_selections SET rank = rank + 1000000 WHERE id = ?", (row_id,))
        else:
            conn.execute("UPDATE draw_selections SET uscc = printf('9137%014d', id) WHERE id = ?", (row_id,))
    conn.execute("COMMIT")
    conn.close()
    return drawn, tampered


def check_message(tampered: Path) -> None:
    """The tampered copy is reported as it must be: every altered row missing once and extra once."""
    done = _creditcli(["--db", str(tampered), "tasks", "verify", TASK])
    head = f"数据库中的抽取结果与重新计算不符：缺少 {TAMPERED} 条，多出 {TAMPERED} 条"
    lines = done.stderr.splitlines()
    named = [line for line in lines if line.startswith(("  应有：", "  多出："))]
    if done.returncode != 1 or head not in lines or len(named) != 2 * LISTED:
        raise SystemExit(f"unexpected report of the tampered copy (exit {done.returncode}):\n{done.stderr}")
    print(f"tampered copy: exit 1, “{head}”, {len(named)} rows named")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--before", type=Path, help="the src directory of the code to compare with")
    options = parser.parse_args()
    drawn, tampered = setup(options.size)
    check_message(tampered)
    commands = {
        "verify, agreeing": (["--db", str(drawn), "-q", "tasks", "verify", TASK], 0),
        "verify, 1,000 rows tampered": (["--db", str(tampered), "-q", "tasks", "verify", TASK], 1),
    }
    sources: dict[str, Path | None] = {"after": None}
    if options.before is not None:
        sources = {"before": options.before.resolve(), **sources}
    for args, expect in commands.values():  # warm the page cache
        _timed(args, expect)
    times: dict[str, list[float]] = {"loop": []}
    cpu: dict[str, list[float]] = {}
    for r in range(options.runs):
        times["loop"].append(loop_seconds())
        for label, src in sources.items():
            for name, (args, expect) in commands.items():
                wall, seconds = _timed(args, expect, src)
                times.setdefault(f"{name} ({label})", []).append(wall)
                cpu.setdefault(f"{name} ({label})", []).append(seconds)
        print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f}" for k, v in times.items()), flush=True)
    print(f"\nmedians of {options.runs} rounds ({options.size:,} entities):")
    loop = statistics.median(times["loop"])
    print(f"  {'loop':<36} {loop:6.2f} s")
    for name, values in times.items():
        if name != "loop":
            median = statistics.median(values)
            used = statistics.median(cpu[name])
            print(f"  {name:<36} {median:6.2f} s wall ({median / loop:4.1f} × the loop), {used:5.2f} s CPU")
    if options.before is not None:
        for name in commands:
            pairs = zip(times[f"{name} (after)"], times[f"{name} (before)"], strict=True)
            print(f"  {name}: after / before, median of the rounds: {statistics.median(a / b for a, b in pairs):.2f}")


if __name__ == "__main__":
    main()
