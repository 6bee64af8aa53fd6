"""Risk classification at scale: the default model over 1M entities (issue 7: ≤ 30 s).

    python benchmarks/bench_risk.py

Starts from the results benchmark's database (1M entities, a 50,000-entity task with its results
imported), then adds, seeded: 20,000 penalty decisions (imported), 30,000 经营异常名录 and 2,000
严重违法失信名单 entries, and 200,000 舆情 scores (imported). Times the real commands: the first
`risk classify` (every entity new), an identical re-run (nothing to write), a dry run, a run a month
later (ages and periods move), and `risk report`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys

import numpy as np
import pandas as pd
from bench_results import OUT, setup
from measure import run_creditcli


def prepare() -> list[str]:
    db = setup()
    base = ["--db", str(db), "-q"]
    run_creditcli([*base, "results", "import", str(OUT / "results_filled.csv")])
    rng = np.random.default_rng(11)
    with sqlite3.connect(db) as conn:
        codes = np.array([c for (c,) in conn.execute("SELECT uscc FROM entities ORDER BY id")])
    picked = rng.choice(codes, 20_000, replace=False)
    decided = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 1000, len(picked)), unit="D")
    pd.DataFrame(
        {
            "决定书文号": [f"济市监罚〔{d.year}〕{i}号" for i, d in enumerate(decided)],
            "统一社会信用代码": picked,
            "处罚决定日期": decided.strftime("%Y-%m-%d"),
            "处罚种类": rng.choice(["罚款", "警告;罚款", "没收违法所得;罚款", "责令停产停业"], len(picked)),
            "罚款金额": rng.integers(1000, 300_000, len(picked)).astype(str),
            "公示日期": (decided + pd.Timedelta(days=10)).strftime("%Y-%m-%d"),
        }
    ).to_csv(OUT / "risk_penalties.csv", index=False)
    run_creditcli([*base, "penalties", "import", str(OUT / "risk_penalties.csv")])
    listed = rng.choice(codes, 32_000, replace=False)
    days = (dt.date(2023, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 1400, len(listed)))
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO list_entries (list_kind, uscc, ground, decision_no, listed_on, unit, operator, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, '历城区市场监督管理局', 'bench', '2026-11-27 00:00:00')",
            [
                ("严重违法失信名单" if i < 2000 else "经营异常名录", str(u),
                 "未按规定公示年度报告" if i % 2 else "通过登记的住所或者经营场所无法联系", f"LR{i}", day.isoformat())
                for i, (u, day) in enumerate(zip(listed, days, strict=True))
            ],
        )  # fmt: skip
    scored = rng.choice(codes, 200_000, replace=False)
    pd.DataFrame(
        {"统一社会信用代码": scored, "评分名称": "舆情", "分值": rng.integers(0, 30, len(scored)).astype(str)}
    ).to_csv(OUT / "risk_scores.csv", index=False)
    run_creditcli([*base, "scores", "import", str(OUT / "risk_scores.csv")])
    return base


if __name__ == "__main__":
    if len(sys.argv) > 1:
        raise SystemExit(__doc__)
    base = prepare()
    steps = [
        ("risk classify, first run (1M new)", ["risk", "classify", "--as-of", "2026-11-27"]),
        ("risk classify, identical re-run", ["risk", "classify", "--as-of", "2026-11-27"]),
        ("risk classify --dry-run", ["risk", "classify", "--as-of", "2026-11-27", "--dry-run"]),
        ("risk classify a month later", ["risk", "classify", "--as-of", "2026-12-27"]),
        ("risk report", ["risk", "report"]),
    ]
    for label, args in steps:
        wall, rss = run_creditcli([*base, *args])
        print(f"{label}: {wall:.2f} s, {rss:.0f} MiB")
