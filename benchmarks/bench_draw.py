"""Stratified draws at scale: ticket speed, the third-party oracle, and the whole `tasks draw` command.

    python benchmarks/bench_draw.py [SIZE ...]      (default: 1000000)

A roster database of SIZE entities (valid codes, realistic class and status mix) is generated
under benchmarks/out/ and reused. Reported per size:

- tickets: our vectorised ticket order over the pool ids against a bare hashlib SHA-256 loop
  over the same ids (issue 3: ≤ 1.5×);
- oracle (1M only): `consistent_sampler.sampler` taking the same k per class, against our
  stratified draw on the same pool (issue 3: ours ≥ 5× faster);
- `tasks create` and `tasks draw` (which freezes the pool first) as real subprocesses: wall time
  and peak RSS (issue 3: draw ≤ 5 s and ≤ 1.5 GB at 1M, ≤ 60 s at 10M).

    python benchmarks/bench_draw.py --versions [SIZE] [PAIRS]   (default: 1000000, 3 pairs)

- algorithm version 2 (salted tickets, class trees) against version 1: PAIRS pairs of `tasks draw
  --algorithm 1` and `--algorithm 2` (each freezing its own task's pool first) on one copy of the
  roster, the order alternating within the pairs; the median of the per-pair ratios v2 / v1
  (issue 18: ≤ 1.3×).
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
from measure import run_creditcli, synth

from creditcli import clock
from creditcli.db.engine import make_engine, to_url
from creditcli.db.schema import upgrade
from creditcli.draw import strategies, tickets

OUT = Path(__file__).resolve().parent / "out"
SEED = "31415926535897932384"
RATIOS = {"A": Decimal("0.01"), "B": Decimal("0.03"), "C": Decimal("0.10"), "D": Decimal("0.30")}
CHUNK = 500_000


def build(size: int) -> Path:
    path = OUT / f"draw_{size}.db"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    engine = make_engine(to_url(str(tmp)), write=True)
    upgrade(engine, backup=False)
    engine.dispose()
    rng = np.random.default_rng(size)
    categories = rng.choice(np.array(["1", "2", "3"]), size, p=[0.62, 0.35, 0.03])
    divisions = rng.choice(np.array(["370102", "370103", "370104", "370105", "370112"]), size)
    codes = synth.usccs(rng, categories, divisions)
    classes = rng.choice(np.array(list("ABCD")), size, p=[0.30, 0.55, 0.12, 0.03])
    status = rng.choice(np.array(["存续", "注销", "吊销"]), size, p=[0.93, 0.04, 0.03])
    types = np.where(categories == "2", "个体工商户", np.where(categories == "3", "农民专业合作社", "企业"))
    now = clock.now().isoformat(sep=" ")
    conn = sqlite3.connect(tmp, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("BEGIN")
    sql = (
        "INSERT INTO entities (uscc, name, entity_type, status, risk_class, abnormal, serious_illegal, "
        f"created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, 0, '{now}', '{now}')"
    )
    for start in range(0, size, CHUNK):
        part = np.arange(start, min(start + CHUNK, size))  # generation order: as random as a real roster
        names = [f"济南市测试企业{i}有限公司" for i in part.tolist()]
        columns = (codes[part], types[part], status[part], classes[part])
        rows = zip(*(c.tolist() for c in columns[:1]), names, *(c.tolist() for c in columns[1:]), strict=True)
        conn.executemany(sql, rows)
    conn.execute("COMMIT")
    conn.close()
    tmp.rename(path)
    return path


def pool_ids(path: Path) -> strategies.Pool:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT uscc, risk_class FROM entities WHERE status = '存续'").fetchall()
    conn.close()
    return strategies.Pool.from_pairs([r[0] for r in rows], [r[1] for r in rows])


def timed(func: object, *args: object) -> float:
    start = time.perf_counter()
    func(*args)  # type: ignore[operator]  # any callable
    return time.perf_counter() - start


def bare_loop(ids: list[str]) -> None:
    for uid in ids:
        hashlib.sha256(uid.encode()).digest()


def bench(size: int) -> None:
    path = build(size)
    pool = pool_ids(path)
    ids = pool.uscc.tolist()
    bare = timed(bare_loop, ids)
    ours = timed(tickets.ticket_keys, SEED, ids)
    print(
        f"{size:>10,} | pool {len(pool):,} | bare hashlib loop {bare:.2f} s | tickets {ours:.2f} s ({ours / bare:.2f}×)"
    )
    drawn = timed(strategies.stratified, SEED, pool, RATIOS)
    if size <= 1_000_000:
        from consistent_sampler import sampler

        outcome = strategies.stratified(SEED, pool, RATIOS)

        def oracle() -> None:
            for s in outcome.strata:
                members = pool.uscc[pool.classes == s.risk_class].tolist()
                list(sampler(members, seed=SEED, take=s.k, output="id"))

        slow = timed(oracle)
        print(
            f"{'':>10} | stratified draw {drawn:.2f} s | consistent_sampler {slow:.2f} s ({slow / drawn:.1f}× slower)"
        )
    db = run_copy(path, f"draw_{size}_run.db")
    code = f"B{size}"
    base = ["--db", db, "-q", "tasks"]
    wall, rss = run_creditcli([*base, "create", code, "--name", "bench", "--window", "2026-03-01:2026-06-30"])
    print(f"{'':>10} | tasks create {wall:.2f} s, {rss:.0f} MiB")
    wall, rss = run_creditcli([*base, "draw", code, "--seed", SEED])
    print(f"{'':>10} | tasks draw (freeze + draw + record) {wall:.2f} s, {rss:.0f} MiB", flush=True)


def run_copy(path: Path, name: str) -> str:
    """A fresh copy of the roster database ``path`` to draw in."""
    db = str(OUT / name)
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(path)
    dst = sqlite3.connect(db)
    src.backup(dst)
    src.close()
    dst.close()
    return db


def versions(size: int, pairs: int) -> None:
    """Version 2 against version 1, as whole commands: `tasks draw` freezing the pool itself (freeze +
    draw + record), and the ceremony's two steps, `tasks freeze` then `tasks draw` of the frozen pool."""
    db = run_copy(build(size), f"draw_{size}_versions.db")
    base = ["--db", db, "-q", "tasks"]
    window = ["--window", "2026-03-01:2026-06-30"]
    ratios: dict[str, list[float]] = {"draw (freezing)": [], "freeze": [], "draw (frozen)": []}
    for i in range(pairs):
        walls: dict[tuple[str, int], float] = {}
        for version in (1, 2) if i % 2 == 0 else (2, 1):
            algorithm = ["--algorithm", str(version)]
            for step in ("draw (freezing)", "freeze"):
                code = f"V{i}-{version}-{step[0]}"
                run_creditcli([*base, "create", code, "--name", "bench", *window])
                chosen = algorithm  # the draw freezing its pool chooses the version; a frozen pool has it
                if step == "freeze":
                    walls[step, version], rss = run_creditcli([*base, "freeze", code, *algorithm, "-o", "/dev/null"])
                    step, chosen = "draw (frozen)", []
                seed = f"{SEED}{i}{version}{len(chosen)}"
                walls[step, version], rss = run_creditcli([*base, "draw", code, "--seed", seed, *chosen])
                print(f"{size:>10,} | pair {i + 1} v{version}: {step} {walls[step, version]:.2f} s, {rss:.0f} MiB")
            print(f"{size:>10,} | pair {i + 1} v{version}: freeze {walls['freeze', version]:.2f} s", flush=True)
        for step, found in ratios.items():
            found.append(walls[step, 2] / walls[step, 1])
        print(f"{'':>10} | pair {i + 1}: v2 / v1 " + ", ".join(f"{k} {v[-1]:.2f}" for k, v in ratios.items()))
    medians = ", ".join(f"{k} {float(np.median(v)):.2f}" for k, v in ratios.items())
    print(f"{'':>10} | median v2 / v1 over {pairs} pairs: {medians} (issue 18: draw ≤ 1.3)", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--versions"]:
        rest = [int(a) for a in sys.argv[2:]]
        versions(rest[0] if rest else 1_000_000, rest[1] if len(rest) > 1 else 3)
    else:
        for n in [int(a) for a in sys.argv[1:]] or [1_000_000]:
            bench(n)
