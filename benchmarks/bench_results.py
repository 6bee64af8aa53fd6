"""Results at scale: import 50,000 filled-in results, then export the results publicity list.

    python benchmarks/bench_results.py

Reuses (or makes) the 1M-entity roster database of bench_rosters.py, adds 800 officers and an item,
draws 50,000 entities (weighted), assigns teams, exports the result template, fills in every row
(seeded: codes, methods, dates inside the window, the team's first two officers), and times the real
`results import` and `publicity export --what results` commands (issue 5: ≤ 10 s and ≤ 5 s).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from bench_rosters import OUT, roster_copy
from measure import run_creditcli

SEED = "31415926535897932384"
COUNT = 50_000


def setup() -> Path:
    db, stations = roster_copy("results_run.db")
    rng = np.random.default_rng(5)
    officers = pd.DataFrame(
        {
            "执法证号": [f"37{i:08d}" for i in range(800)],
            "姓名": [f"执法人员{i}" for i in range(800)],
            "人员类别": "执法人员",
            "所属监管所": rng.choice(stations, 800),
            "执法证有效期至": "2028-12-31",
            "状态": "在岗",
        }
    )
    officers.to_csv(OUT / "results_inspectors.csv", index=False)
    items = pd.DataFrame([["SJ01", "企业公示信息的检查"]], columns=["事项编码", "抽查事项名称"])
    items.to_csv(OUT / "results_items.csv", index=False)
    base = ["--db", str(db), "-q"]
    run_creditcli([*base, "inspectors", "import", str(OUT / "results_inspectors.csv")])
    run_creditcli([*base, "items", "import", str(OUT / "results_items.csv")])
    weights = ["--weight", "A=1", "--weight", "B=2", "--weight", "C=4", "--weight", "D=8"]
    run_creditcli([*base, "tasks", "create", "TR", "--name", "bench", "--window", "2026-03-01:2026-06-30",
                   "--item", "SJ01", "--mode", "weighted", "--count", str(COUNT), *weights])  # fmt: skip
    run_creditcli([*base, "tasks", "draw", "TR", "--seed", SEED])
    run_creditcli([*base, "tasks", "assign", "TR"])
    template = OUT / "results_template.csv"
    run_creditcli([*base, "tasks", "export", "TR", "--what", "result-template", "-o", str(template)])
    sheet = pd.read_csv(template, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    sheet["检查结果代码"] = rng.choice(["1", "1", "1", "E", "A", "6"], len(sheet))
    sheet["核查方式"] = rng.choice(["实地检查", "书面检查"], len(sheet))
    days = pd.to_datetime("2026-03-01") + pd.to_timedelta(rng.integers(0, 120, len(sheet)), unit="D")
    sheet["检查日期"] = days.strftime("%Y-%m-%d")
    sheet["检查人员执法证号"] = sheet["检查人员执法证号"].str.split(";").str[:2].str.join(";")  # two officers (§42)
    sheet["发现问题情况"] = np.where(sheet["检查结果代码"] == "1", "", "发现问题")
    sheet.to_csv(OUT / "results_filled.csv", index=False, encoding="utf-8-sig")
    return db


if __name__ == "__main__":
    if len(sys.argv) > 1:
        raise SystemExit(__doc__)
    path = setup()
    base = ["--db", str(path), "-q"]
    wall, rss = run_creditcli([*base, "results", "import", str(OUT / "results_filled.csv")])
    print(f"results import: {COUNT:,} rows: {wall:.2f} s, {rss:.0f} MiB")
    wall, rss = run_creditcli([*base, "results", "import", str(OUT / "results_filled.csv")])
    print(f"results import again (unchanged, no audit entry): {wall:.2f} s, {rss:.0f} MiB")
    wall, rss = run_creditcli([*base, "audit", "verify"])
    print(f"audit verify (recomputes the results digest): {wall:.2f} s, {rss:.0f} MiB")
    wall, rss = run_creditcli([*base, "tasks", "verify", "TR"])
    print(f"tasks verify TR (draw, teams, results history and digest): {wall:.2f} s, {rss:.0f} MiB")
    out = OUT / "results_publicity.csv"
    wall, rss = run_creditcli([*base, "publicity", "export", "TR", "--what", "results", "-o", str(out)])
    print(f"publicity export --what results: {COUNT:,} entities: {wall:.2f} s, {rss:.0f} MiB")
