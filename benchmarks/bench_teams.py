"""Team assignment at scale: 20,000 drawn entities, 800 inspectors, qualifications, conflicts, 所所交叉.

    python benchmarks/bench_teams.py

Reuses (or makes) the 1M-entity roster database of bench_rosters.py, adds 800 officers over the
roster's stations (55 % hold 特种设备, so that every team can have one at an even load), an item
that requires 特种设备, a weighted task drawing 20,000 entities, and 2,000 declared conflicts among
them; then times the real `tasks assign --cross-station` command (issue 4: ≤ 10 s and ≤ 1 GB).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from bench_rosters import OUT, roster_copy
from measure import run_creditcli

SEED = "27182818284590452353"


def setup() -> Path:
    db, stations = roster_copy("teams_run.db")
    rng = np.random.default_rng(4)
    officers = pd.DataFrame(
        {
            "执法证号": [f"37{i:08d}" for i in range(800)],
            "姓名": [f"执法人员{i}" for i in range(800)],
            "人员类别": "执法人员",
            "所属监管所": rng.choice(stations, 800),
            "资质": np.where(rng.random(800) < 0.55, "特种设备", ""),
            "执法证有效期至": "2028-12-31",
            "状态": "在岗",
        }
    )
    officers.to_csv(OUT / "teams_inspectors.csv", index=False)
    items = pd.DataFrame(
        [["SJ07", "特种设备生产单位的监督检查", "特种设备安全", "重点检查事项", "特种设备生产单位", "特种设备"]],
        columns=["事项编码", "抽查事项名称", "抽查类别", "事项类别", "检查对象", "所需资质"],
    )
    items.to_csv(OUT / "teams_items.csv", index=False)
    base = ["--db", str(db), "-q"]
    run_creditcli([*base, "inspectors", "import", str(OUT / "teams_inspectors.csv")])
    run_creditcli([*base, "items", "import", str(OUT / "teams_items.csv")])
    weights = ["--weight", "A=1", "--weight", "B=2", "--weight", "C=4", "--weight", "D=8"]
    run_creditcli([*base, "tasks", "create", "TB", "--name", "bench", "--window", "2026-03-01:2026-06-30",
                   "--item", "SJ07", "--mode", "weighted", "--count", "20000", *weights])  # fmt: skip
    run_creditcli([*base, "tasks", "draw", "TB", "--seed", SEED])
    conn = sqlite3.connect(db)
    drawn = [u for (u,) in conn.execute("SELECT uscc FROM draw_selections ORDER BY uscc")]
    conn.close()
    pairs = pd.DataFrame(
        {
            "执法证号": rng.choice(officers["执法证号"].to_numpy(), 2000),
            "统一社会信用代码": rng.choice(np.array(drawn), 2000),
            "回避原因": "利害关系",
        }
    ).drop_duplicates(["执法证号", "统一社会信用代码"])
    pairs.to_csv(OUT / "teams_conflicts.csv", index=False)
    run_creditcli([*base, "conflicts", "import", str(OUT / "teams_conflicts.csv")])
    return db


if __name__ == "__main__":
    if len(sys.argv) > 1:
        raise SystemExit(__doc__)
    path = setup()
    wall, rss = run_creditcli(["--db", str(path), "-q", "tasks", "assign", "TB", "--cross-station"])
    print(f"tasks assign: 20,000 entities × 800 officers, 特种设备, conflicts, 所所交叉: {wall:.2f} s, {rss:.0f} MiB")
