"""tasks assign / replace / export / verify through the real CLI, checking every rule in the database."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import synth

from conftest import Cli, write_csv

SEED = "20261127000000000042"
INSPECTOR_HEADER = ["执法证号", "姓名", "人员类别", "所属监管所", "资质", "执法证有效期至", "状态"]
ITEM_HEADER = ["事项编码", "抽查事项名称", "抽查类别", "事项类别", "检查对象", "所需资质"]
CONFLICT_HEADER = ["执法证号", "统一社会信用代码", "回避原因"]


@pytest.fixture
def drawn(cli: Cli, tmp_path: Path) -> pd.DataFrame:
    """About 60 drawn entities over several stations; 16 officers (8 with 特种设备), experts, conflicts."""
    frame = synth.entities(np.random.default_rng(7), 200)
    frame.to_csv(tmp_path / "e.csv", index=False)
    cli.ok("entities", "import", tmp_path / "e.csv")
    stations = sorted(frame["管辖单位"].unique())[:4]
    people = [
        [
            f"3701{i:04d}",
            f"人员{i}",
            "执法人员",
            stations[i % 4],
            "特种设备" if i % 2 == 0 else "",
            "2027-12-31",
            "在岗",
        ]
        for i in range(16)
    ]
    people += [
        ["37019998", "过期", "执法人员", stations[0], "特种设备", "2026-01-31", "在岗"],
        ["37019999", "离岗", "执法人员", stations[1], "特种设备", "2027-12-31", "离岗"],
        ["ZJ01", "专家甲", "专家", "", "特种设备", "", "在岗"],
        ["ZJ02", "专家乙", "第三方机构人员", "", "", "", "在岗"],
    ]
    cli.ok("inspectors", "import", write_csv(tmp_path / "i.csv", INSPECTOR_HEADER, people))
    items = [["SJ07", "特种设备生产单位的监督检查", "特种设备安全", "重点", "特种设备生产单位", "特种设备"]]
    cli.ok("items", "import", write_csv(tmp_path / "items.csv", ITEM_HEADER, items))
    cli.ok("tasks", "create", "T1", "--name", "特种设备抽查", "--window", "2026-03-01:2026-06-30", "--item", "SJ07",
           "--ratio", "A=0.3", "--ratio", "B=0.3", "--ratio", "C=0.3", "--ratio", "D=0.3")  # fmt: skip
    cli.ok("tasks", "draw", "T1", "--seed", SEED)
    drawn = {u for (u,) in cli.query("SELECT uscc FROM draw_selections")}
    conflicts = [["3701" + f"{i:04d}", u, "近亲属"] for i, u in enumerate(sorted(drawn)[:5])]
    cli.ok(
        "conflicts", "import", write_csv(tmp_path / "c.csv", ["执法证号", "统一社会信用代码", "回避原因"], conflicts)
    )
    return frame


def teams(cli: Cli) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for uscc, code, role in cli.query("SELECT uscc, inspector_code, role FROM team_members ORDER BY uscc, position"):
        out.setdefault(uscc, []).append((code, role))
    return out


def test_assign_keeps_every_rule(cli: Cli, drawn: pd.DataFrame) -> None:
    result = json.loads(cli.ok("tasks", "assign", "T1", "--cross-station", "--experts", "1", "-f", "json").stdout)
    assert result["schema"] == "creditcli.assign/1" and result["spread"] <= 1
    inspectors = {c: (k, s, q or "", st) for c, k, s, q, st in cli.query(
        "SELECT code, kind, station, qualifications, status FROM inspectors")}  # fmt: skip
    stations = dict(cli.query("SELECT uscc, station FROM entities"))
    conflicts = set(cli.query(
        "SELECT i.code, e.uscc FROM conflicts c JOIN inspectors i ON i.id = c.inspector_id "
        "JOIN entities e ON e.id = c.entity_id"))  # fmt: skip
    drawn_usccs = {u for (u,) in cli.query("SELECT uscc FROM draw_selections")}
    assigned = teams(cli)
    assert set(assigned) == drawn_usccs
    loads: dict[str, int] = {}
    for uscc, members in assigned.items():
        officers = [c for c, role in members if role != "专家"]
        assert [role for _, role in members] == ["组长", "组员", "专家"]
        assert len(set(officers)) == 2
        for code in officers:
            kind, station, _, status = inspectors[code]
            assert (kind, status) == ("执法人员", "在岗") and code not in ("37019998", "37019999")
            assert station != stations[uscc]  # 所所交叉
            loads[code] = loads.get(code, 0) + 1
        assert all((code, uscc) not in conflicts for code, _ in members)  # 回避
        assert any("特种设备" in inspectors[c][2] for c in officers)  # 资质
    assert max(loads.values()) - min(loads.values()) == result["spread"] <= 1


def test_assignment_is_reproducible_and_verified(cli: Cli, drawn: pd.DataFrame) -> None:
    cli.ok("tasks", "assign", "T1", "--cross-station")
    first = teams(cli)
    report = json.loads(cli.ok("tasks", "verify", "T1", "-f", "json").stdout)
    assert (report["ok"], report["teams_checked"]) == (True, True)
    # The same inputs and seed give the same teams: recomputation is what verify compares against.
    code, uscc = cli.query("SELECT inspector_code, uscc FROM team_members WHERE role = '组员' ORDER BY uscc LIMIT 1")[0]
    on_team = {c for c, _ in first[uscc]}
    other = next(c for u in first if u != uscc for c, _ in first[u] if c not in on_team)
    from sqlalchemy import create_engine, text

    engine = create_engine(cli.db if "://" in cli.db else f"sqlite:///{cli.db}")
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE team_members SET inspector_code = :o WHERE uscc = :u AND inspector_code = :c"),
            {"o": other, "u": uscc, "c": code},
        )
    engine.dispose()
    result = cli("tasks", "verify", "T1")
    assert result.exit_code == 1
    assert f"对象 {uscc} 的检查组与重新计算不符" in result.stderr


def test_an_assignment_of_another_algorithm_is_not_recomputed(cli: Cli, drawn: pd.DataFrame) -> None:
    from sqlalchemy import create_engine, text

    cli.ok("tasks", "assign", "T1")
    engine = create_engine(cli.db if "://" in cli.db else f"sqlite:///{cli.db}")
    with engine.begin() as conn:
        stored = conn.execute(text("SELECT parameters FROM assignments")).scalar_one()
        old = stored.replace('"creditcli-teams/2"', '"creditcli-teams/1"')
        conn.execute(text("UPDATE assignments SET parameters = :p"), {"p": old})
    engine.dispose()
    result = cli("tasks", "verify", "T1")
    assert result.exit_code == 1
    assert "匹配记录使用的算法 creditcli-teams/1 与本程序的 creditcli-teams/2 不同，无法重新计算" in result.stderr


def test_assigning_twice_or_before_the_draw_is_refused(cli: Cli, drawn: pd.DataFrame) -> None:
    cli.ok("tasks", "assign", "T1")
    again = cli("tasks", "assign", "T1")
    assert again.exit_code == 1 and "已匹配检查组" in again.stderr
    cli.ok("tasks", "create", "T2", "--name", "x", "--window", "2026-03-01:2026-06-30")
    early = cli("tasks", "assign", "T2")
    assert early.exit_code == 1
    assert early.stderr == "错误：任务 T2 尚未抽取，不能匹配检查组（先用 creditcli tasks draw 抽取）\n"


def test_no_valid_assignment_names_every_entity_and_writes_nothing(
    cli: Cli, drawn: pd.DataFrame, tmp_path: Path
) -> None:
    first, second = (u for (u,) in cli.query("SELECT uscc FROM draw_selections ORDER BY uscc LIMIT 2"))
    officers = [
        (c, q or "") for c, q in cli.query("SELECT code, qualifications FROM inspectors WHERE kind = '执法人员'")
    ]
    # The first entity conflicts with every holder of 特种设备, the second with every officer.
    rows = [[c, first, "利害关系"] for c, q in officers if "特种设备" in q]
    rows += [[c, second, "利害关系"] for c, _ in officers]
    cli.ok("conflicts", "import", write_csv(tmp_path / "c2.csv", CONFLICT_HEADER, rows))
    result = cli("tasks", "assign", "T1")
    assert result.exit_code == 65
    assert result.stderr.startswith("错误：任务 T1 有 2 个检查对象无法组成检查组，未保存任何匹配结果\n")
    names = dict(cli.query("SELECT uscc, name FROM entities"))
    assert f"对象 {first}（{names[first]}）: 需要特种设备资质，可用 0 人" in result.stderr
    assert (
        f"对象 {second}（{names[second]}）: 可用执法人员 0 人，少于检查组人数 2；需要特种设备资质，可用 0 人"
        in result.stderr
    )
    assert cli.count("assignments") == 0 and cli.count("team_members") == 0


def test_replacement_is_recorded_and_verified(cli: Cli, drawn: pd.DataFrame) -> None:
    cli.ok("tasks", "assign", "T1")
    before = teams(cli)
    leaver = before[sorted(before)[0]][0][0]
    on = sorted(u for u, members in before.items() if any(c == leaver for c, _ in members))
    out = cli.ok("tasks", "replace", "T1", "--inspector", leaver, "--reason", "因病请假", "-f", "json").stdout
    rows = cli.query("SELECT uscc, old_code, new_code, reason FROM replacements ORDER BY id")
    assert json.loads(out)["rows"] == [{"uscc": u, "old": o, "new": n} for u, o, n, _ in rows]
    assert [r[0] for r in rows] == on and {r[1] for r in rows} == {leaver} and {r[3] for r in rows} == {"因病请假"}
    assert all(new != leaver for _, _, new, _ in rows)
    report = json.loads(cli.ok("tasks", "verify", "T1", "-f", "json").stdout)
    assert (report["ok"], report["team_replacements"]) == (True, len(on))
    missing = cli("tasks", "replace", "T1", "--inspector", leaver, "--reason", "再次")
    assert missing.exit_code == 66
    assert missing.stderr == f"错误：执法检查人员 {leaver} 不在任务 T1 的任何检查组中\n"


def test_exports_plan_and_schedule(cli: Cli, drawn: pd.DataFrame, tmp_path: Path) -> None:
    cli.ok("tasks", "assign", "T1", "--experts", "1")
    cli.ok("tasks", "export", "T1", "--what", "plan", "-o", tmp_path / "plan.csv")
    with (tmp_path / "plan.csv").open(encoding="utf-8-sig", newline="") as fh:
        plan = list(csv.DictReader(fh))
    assigned = teams(cli)
    assert len(plan) == len(assigned)
    row = plan[0]
    leader = assigned[row["统一社会信用代码"]][0][0]
    assert row["检查组（组长在前）"].startswith(f"人员{int(leader[4:])}（组长，{leader}）")
    assert row["抽查事项"] == "特种设备生产单位的监督检查" and row["检查日期至"] == "2026-06-30"
    cli.ok("tasks", "export", "T1", "--what", "schedule", "-o", tmp_path / "s.json")
    schedule = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert schedule["schema"] == "creditcli.inspector-schedule/1"
    assert schedule["count"] == sum(len(m) for m in assigned.values())
