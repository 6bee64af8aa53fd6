"""Roster import/export at scale: whole commands, wall time and peak memory of the process.

    python benchmarks/bench_rosters.py [SIZE ...]      (default: 100000 1000000)

Rosters are generated (seeded) under benchmarks/out/ and reused; each step runs the real
`creditcli` command in a subprocess, so start-up, reading, validation and SQLite writes all count.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import numpy as np
from measure import loop_seconds, run_creditcli, synth

OUT = Path(__file__).resolve().parent / "out"


def roster(size: int) -> Path:
    path = OUT / f"entities_{size}.csv"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(size)
        chunk = 1_000_000
        with path.open("w", encoding="utf-8", newline="") as fh:
            for start in range(0, size, chunk):
                frame = synth.entities(rng, min(chunk, size - start))
                frame.to_csv(fh, index=False, header=start == 0, lineterminator="\n")
    return path


def roster_copy(name: str) -> tuple[Path, list[str]]:
    """A fresh copy (``out/NAME``) of the 1M-entity roster database, made once by the import
    benchmark, and the roster's stations: the starting point of the team and results benchmarks."""
    db = OUT / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    source = OUT / "bench_1000000.db"
    if not source.exists():
        run_creditcli(["--db", str(source), "-q", "entities", "import", str(roster(1_000_000))])
    src, dst = sqlite3.connect(source), sqlite3.connect(db)
    src.backup(dst)
    stations = [s for (s,) in dst.execute("SELECT DISTINCT station FROM entities WHERE station IS NOT NULL ORDER BY 1")]
    src.close()
    dst.close()
    return db, stations


def bench(size: int) -> None:
    csv = roster(size)
    db = OUT / f"bench_{size}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    steps = [
        ("import into an empty database", ["--db", str(db), "-q", "entities", "import", str(csv)]),
        ("re-import, all unchanged", ["--db", str(db), "-q", "entities", "import", str(csv)]),
        ("export to CSV", ["--db", str(db), "-q", "entities", "export", str(OUT / f"export_{size}.csv")]),
    ]
    for label, args in steps:
        loop = loop_seconds()
        wall, rss = run_creditcli(args)
        print(f"{size:>10,} | {label:<30} | {wall:7.2f} s | {rss:7.0f} MiB | {loop:5.2f} s", flush=True)


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]
    print(f"{'entities':>10} | {'step':<30} | {'wall':>9} | {'peak RSS':>11} | {'loop':>7}")
    for n in sizes:
        bench(n)
