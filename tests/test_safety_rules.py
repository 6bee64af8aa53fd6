"""Safety rules never pass silently (issue 16 §3): 所所交叉 without a station, experts by field,
unknown keys in the files people write, public files with empty required columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Cli, uscc, write_csv

SEED = "20261127000000000042"
ENTITY_HEADER = ["统一社会信用代码", "企业名称", "管辖单位", "登记状态", "信用风险分类"]
INSPECTOR_HEADER = ["执法证号", "姓名", "人员类别", "单位", "所属监管所", "资质", "执法证有效期至", "状态"]
ITEM_HEADER = ["事项编码", "抽查事项名称", "所需资质"]
HUASHAN, TANGYE = "华山市场监管所", "唐冶市场监管所"
ENTITIES = [uscc(f"9137011200000{i:04d}") for i in range(10)]


def officer(code: str, unit: str = "", station: str = "", quals: str = "", kind: str = "执法人员") -> list[str]:
    expiry = "2027-12-31" if kind == "执法人员" else ""
    return [code, f"人员{code}", kind, unit, station, quals, expiry, "在岗"]


def drawn_task(cli: Cli, tmp: Path, people: list[list[str]], quals: str = "") -> None:
    """T1 draws ten 华山 entities (and no 唐冶 one); ``people`` is the inspector roster."""
    rows = [[u, f"济南{n}号有限公司", HUASHAN, "存续", "A"] for n, u in enumerate(ENTITIES)]
    rows.append([uscc("91370112000009999"), "唐冶某店", TANGYE, "注销", "A"])
    cli.ok("entities", "import", write_csv(tmp / "e.csv", ENTITY_HEADER, rows))
    cli.ok("inspectors", "import", write_csv(tmp / "i.csv", INSPECTOR_HEADER, people))
    cli.ok("items", "import", write_csv(tmp / "items.csv", ITEM_HEADER, [["SJ07", "特种设备检查", quals]]))
    cli.ok("tasks", "create", "T1", "--name", "特种设备抽查", "--window", "2026-03-01:2026-06-30", "--item", "SJ07",
           "--ratio", "A=1")  # fmt: skip
    cli.ok("tasks", "draw", "T1", "--seed", SEED)


def teams(cli: Cli) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for u, code, role in cli.query("SELECT uscc, inspector_code, role FROM team_members ORDER BY uscc, position"):
        out.setdefault(u, []).append((code, role))
    return out


# ---- 所所交叉: the station from 单位, or a refusal ------------------------------------------------------


def test_cross_station_takes_the_station_from_the_unit(cli: Cli, tmp_path: Path) -> None:
    people = [
        officer("O1", unit=HUASHAN),  # no 所属监管所: 单位 is a station of the roster
        officer("O2", station=TANGYE),
        officer("O3", unit=f"济南市天桥区市场监督管理局{TANGYE}"),  # 单位 contains one station
    ]
    drawn_task(cli, tmp_path, people)
    cli.ok("tasks", "assign", "T1", "--cross-station")
    got = teams(cli)
    assert sorted(got) == sorted(ENTITIES)
    # O1 belongs to 华山 (from 单位) and never inspects a 华山 entity; O3 belongs to 唐冶 and may.
    assert all(sorted(c for c, _ in members) == ["O2", "O3"] for members in got.values())
    report = json.loads(cli.ok("tasks", "verify", "T1", "-f", "json").stdout)
    assert (report["ok"], report["teams_checked"]) == (True, True)


def test_cross_station_refuses_officers_without_a_station(cli: Cli, tmp_path: Path) -> None:
    people = [
        officer("O1", station=TANGYE),
        officer("O2", station=TANGYE),
        officer("O3", unit="信用监管科"),
        officer("O4"),
    ]
    drawn_task(cli, tmp_path, people)
    before = cli.dump()
    refused = cli("tasks", "assign", "T1", "--cross-station")
    assert refused.exit_code == 65
    assert refused.stderr.splitlines() == [
        "错误：任务 T1：所所交叉（--cross-station）要知道每名可派执法人员属于哪个所，2 人不知道，未保存任何匹配结果",
        "  执法人员 O3（人员O3）: “所属监管所”为空，“单位”（信用监管科）不是名录中的监管所",
        "  执法人员 O4（人员O4）: “所属监管所”和“单位”都为空",
        "请在执法检查人员名录的“所属监管所”列填写其所（不属于监管所的填所在科室），用 creditcli inspectors import "
        f"重新导入后再匹配；名录中的监管所：{HUASHAN}、{TANGYE}",
    ]
    assert cli.dump() == before
    # The fix the message names: the section as 所属监管所; then the rule is checked and the team formed.
    people[2][4], people[3][4] = "信用监管科", HUASHAN
    cli.ok("inspectors", "import", write_csv(tmp_path / "i2.csv", INSPECTOR_HEADER, people))
    cli.ok("tasks", "assign", "T1", "--cross-station")
    assert all("O4" not in [c for c, _ in m] for m in teams(cli).values())


def test_without_cross_station_no_station_is_needed(cli: Cli, tmp_path: Path) -> None:
    drawn_task(cli, tmp_path, [officer("O1"), officer("O2"), officer("O3")])
    cli.ok("tasks", "assign", "T1")
    assert len(teams(cli)) == len(ENTITIES)


# ---- experts by field -------------------------------------------------------------------------------------


def test_experts_are_matched_by_field(cli: Cli, tmp_path: Path) -> None:
    people = [officer(f"O{i}", station=TANGYE, quals="特种设备") for i in range(4)]
    people += [
        officer("ZJ1", quals="食品", kind="专家"),
        officer("ZJ2", quals="会计审计", kind="第三方机构人员"),
        officer("ZJ3", quals="特种设备", kind="专家"),
        officer("ZJ4", kind="专家"),  # no field given: not known to fit
    ]
    drawn_task(cli, tmp_path, people, quals="特种设备")
    result = cli("tasks", "assign", "T1", "--experts", "1", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    experts = {u: [c for c, role in m if role == "专家"] for u, m in teams(cli).items()}
    assert experts == {u: ["ZJ3"] for u in ENTITIES}
    assert json.loads(result.stdout)["notes"] == []


def test_no_suitable_expert_forms_the_team_without_and_says_so(cli: Cli, tmp_path: Path) -> None:
    people = [officer(f"O{i}", station=TANGYE, quals="特种设备") for i in range(4)]
    people += [officer("ZJ1", quals="食品", kind="专家"), officer("ZJ2", quals="会计审计", kind="第三方机构人员")]
    drawn_task(cli, tmp_path, people, quals="特种设备")
    result = cli("tasks", "assign", "T1", "--experts", "1", "-f", "json")
    assert result.exit_code == 0, result.stderr
    names = dict(cli.query("SELECT uscc, name FROM entities"))
    said = "需要特种设备领域的专家或第三方人员 1 人，符合条件的 0 人：检查组未配专家"
    assert result.stderr.splitlines() == [
        f"警告：{len(ENTITIES)} 个检查组没有配齐符合领域的专家或第三方人员（检查组照常组成）：",
        *(f"  对象 {u}（{names[u]}）: {said}" for u in ENTITIES),
    ]
    assert len(json.loads(result.stdout)["notes"]) == len(ENTITIES)
    got = teams(cli)
    assert sorted(got) == sorted(ENTITIES)
    assert all([role for _, role in m] == ["组长", "组员"] for m in got.values())
    assert json.loads(cli.ok("tasks", "verify", "T1", "-f", "json").stdout)["ok"] is True


@pytest.mark.parametrize("quals", ["", "特种设备"])
def test_fewer_experts_than_asked_are_shared_out(cli: Cli, tmp_path: Path, quals: str) -> None:
    """Two suitable experts, three asked for per team: each team gets both, and the command says so."""
    people = [officer(f"O{i}", station=TANGYE, quals="特种设备") for i in range(4)]
    people += [officer("ZJ1", quals="特种设备", kind="专家"), officer("ZJ2", quals="特种设备；食品", kind="专家")]
    drawn_task(cli, tmp_path, people, quals=quals)
    result = cli("tasks", "assign", "T1", "--experts", "3")
    assert result.exit_code == 0, result.stderr
    field = "特种设备领域的" if quals else ""
    assert f"需要{field}专家或第三方人员 3 人，符合条件的 2 人：只配了 2 人" in result.stderr
    assert all([c for c, r in m if r == "专家"] in (["ZJ1", "ZJ2"], ["ZJ2", "ZJ1"]) for m in teams(cli).values())
