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


def test_an_entity_without_a_station_is_named_under_cross_station(cli: Cli, tmp_path: Path) -> None:
    drawn_task(
        cli, tmp_path, [officer("O1", station=TANGYE), officer("O2", station=HUASHAN), officer("O3", unit=TANGYE)]
    )
    cli.execute("UPDATE entities SET station = NULL WHERE uscc = :u", u=ENTITIES[0])
    result = cli("tasks", "assign", "T1", "--cross-station", "-f", "json")
    assert result.exit_code == 0, result.stderr
    said = f"警告：对象 {ENTITIES[0]}（济南0号有限公司）: 没有管辖单位，所所交叉对它不起作用（任何所的人员都可派）"
    assert [line for line in result.stderr.splitlines() if line.startswith("警告")] == [said]
    assert json.loads(result.stdout)["notes"] == [said.removeprefix("警告：")]


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
    assert result.stderr.splitlines() == [f"警告：对象 {u}（{names[u]}）: {said}" for u in ENTITIES]
    assert len(json.loads(result.stdout)["notes"]) == len(ENTITIES)
    got = teams(cli)
    assert sorted(got) == sorted(ENTITIES)
    assert all([role for _, role in m] == ["组长", "组员"] for m in got.values())
    assert json.loads(cli.ok("tasks", "verify", "T1", "-f", "json").stdout)["ok"] is True


def test_an_assignment_recorded_before_expert_fields_still_verifies(cli: Cli, tmp_path: Path) -> None:
    """Assignments stored experts as bare codes: they replay as before (every expert suitable)."""
    import gzip

    people = [officer(f"O{i}", station=TANGYE) for i in range(4)]
    people += [officer("ZJ1", quals="食品", kind="专家"), officer("ZJ2", kind="专家")]
    drawn_task(cli, tmp_path, people)
    cli.ok("tasks", "assign", "T1", "--experts", "1")
    (blob,) = cli.query("SELECT inputs FROM assignments")[0]
    inputs = json.loads(gzip.decompress(blob))
    assert inputs["support"] == [["ZJ1", ["食品"]], ["ZJ2", []]]
    inputs["support"] = ["ZJ1", "ZJ2"]
    old = gzip.compress(json.dumps(inputs, ensure_ascii=False).encode(), mtime=0)
    cli.execute("UPDATE assignments SET inputs = :b", b=old)
    assert json.loads(cli.ok("tasks", "verify", "T1", "-f", "json").stdout)["ok"] is True
    cli.ok("tasks", "replace", "T1", "--inspector", "O0", "--reason", "因病请假")
    refused = cli("tasks", "replace", "T1", "--inspector", "ZJ1", "--reason", "出差")
    assert refused.exit_code == 65 and "专家或第三方人员退出无需递补" in refused.stderr


@pytest.mark.parametrize("quals", ["", "特种设备"])
def test_fewer_experts_than_asked_are_shared_out(cli: Cli, tmp_path: Path, quals: str) -> None:
    """Two suitable experts, three asked for per team: each team gets both, and the command says so."""
    people = [officer(f"O{i}", station=TANGYE, quals="特种设备") for i in range(4)]
    people += [officer("ZJ1", quals="特种设备", kind="专家"), officer("ZJ2", quals="特种设备；食品", kind="专家")]
    drawn_task(cli, tmp_path, people, quals=quals)
    result = cli("tasks", "assign", "T1", "--experts", "3")
    assert result.exit_code == 0, result.stderr
    field = "特种设备领域的" if quals else ""
    assert f"需要{field}专家或第三方人员 3 人，符合条件的 2 人：检查组只配了 2 人\n" in result.stderr
    assert all([c for c, r in m if r == "专家"] in (["ZJ1", "ZJ2"], ["ZJ2", "ZJ1"]) for m in teams(cli).values())


# ---- public files: required columns and 检查机关 --------------------------------------------------------

AUTHORITY = "济南市天桥区市场监督管理局"


def listed_task(cli: Cli, tmp: Path, code: str, *options: str) -> None:
    """A drawn task over the small roster of conftest (no teams needed for the public list)."""
    from conftest import ENTITY_HEADER as HEADER
    from conftest import entity_rows

    if not (tmp / "e.csv").exists():
        cli.ok("entities", "import", write_csv(tmp / "e.csv", HEADER, entity_rows()))
        cli.ok(
            "items", "import", write_csv(tmp / "items.csv", ["事项编码", "抽查事项名称"], [["SJ01", "登记事项检查"]])
        )
    cli.ok("tasks", "create", code, "--name", "登记事项抽查", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1",
           *options)  # fmt: skip
    cli.ok("tasks", "draw", code, "--seed", SEED[:-2] + str(10 + cli.count("tasks")))


def public_rows(path: Path) -> list[list[str]]:
    return [line.split(",") for line in path.read_text(encoding="utf-8-sig").splitlines()]


def test_a_public_list_with_empty_required_columns_is_refused(cli: Cli, tmp_path: Path) -> None:
    # The implementing 科室 is internal: it never stands in for 检查机关.
    listed_task(cli, tmp_path, "T1", "--implementer", "信用监管科", "--item", "SJ01")
    before = cli.dump()
    out = tmp_path / "名单.csv"
    refused = cli("publicity", "export", "T1", "--what", "list", "-o", out)
    assert refused.exit_code == 65
    assert refused.stderr.splitlines() == [
        "错误：任务 T1 的抽查任务公告及抽查名单有 3 个必填列为空，未写出文件",
        "  “抽查计划编号”: 为空：创建任务时用 --plan-code 写明年度抽查计划编号（任务文件中 plan_code = …）",
        "  “抽查计划名称”: 为空：创建任务时用 --plan-name 写明年度抽查计划名称（任务文件中 plan_name = …）",
        '  “检查机关”: 为空：在配置文件中写 authority = "济南市天桥区市场监督管理局"（各任务通用），'
        "或创建任务时用 --authority 写明（任务文件中 authority = …）",
        "已创建的任务不能修改这些项；确需先导出（在公示系统中补填）请加 --allow-empty",
    ]
    assert not out.exists()
    assert cli.dump() == before
    # The plan notice has no 检查机关 column: only the plan's own columns are named.
    plan = cli("publicity", "export", "T1", "--what", "plan", "-o", tmp_path / "计划.csv")
    assert plan.exit_code == 65 and "2 个必填列为空" in plan.stderr and "检查机关" not in plan.stderr
    # --allow-empty writes it as it is.
    cli.ok("publicity", "export", "T1", "--what", "list", "-o", out, "--allow-empty")
    header, first = public_rows(out)[:2]
    assert first[header.index("检查机关")] == "" and first[header.index("抽查计划编号")] == ""
    assert "信用监管科" not in out.read_text(encoding="utf-8-sig")


def test_a_province_template_is_checked_on_its_own_columns(cli: Cli, tmp_path: Path) -> None:
    listed_task(cli, tmp_path, "T1")
    template = write_csv(tmp_path / "模板.csv", ["统一社会信用代码", "企业名称", "抽查任务编号"], [])
    cli.ok("publicity", "export", "T1", "--what", "list", "-o", tmp_path / "l.csv", "--columns", template)
    template = write_csv(tmp_path / "模板2.csv", ["统一社会信用代码", "实施机关", "抽查事项"], [])
    refused = cli("publicity", "export", "T1", "--what", "list", "-o", tmp_path / "l2.csv", "--columns", template)
    assert refused.exit_code == 65
    assert refused.stderr.splitlines()[:3] == [
        "错误：任务 T1 的抽查任务公告及抽查名单有 2 个必填列为空，未写出文件",
        '  “实施机关”: 为空：在配置文件中写 authority = "济南市天桥区市场监督管理局"（各任务通用），'
        "或创建任务时用 --authority 写明（任务文件中 authority = …）",
        "  “抽查事项”: 为空：创建任务时用 --item 写明抽查事项（任务文件中 items = […]）",
    ]


def test_authority_comes_from_the_task_or_the_config(cli: Cli, tmp_path: Path) -> None:
    full = ("--plan-code", "2026-JH-01", "--plan-name", "年度计划", "--item", "SJ01", "--implementer", "信用监管科")
    listed_task(cli, tmp_path, "T1", *full)
    listed_task(cli, tmp_path, "T2", *full, "--authority", "济南市历城区市场监督管理局")
    config = tmp_path / "config.toml"
    config.write_text(f'authority = "{AUTHORITY}"\n', encoding="utf-8")
    for code, expected in (("T1", AUTHORITY), ("T2", "济南市历城区市场监督管理局")):
        out = tmp_path / f"{code}.csv"
        cli.ok("--config", config, "publicity", "export", code, "--what", "list", "-o", out)
        header, *rows = public_rows(out)
        assert {r[header.index("检查机关")] for r in rows} == {expected}
    shown = json.loads(cli.ok("tasks", "show", "T2", "-f", "json").stdout)
    assert (shown["authority"], shown["implementer"]) == ("济南市历城区市场监督管理局", "信用监管科")
    # Without the config, T1 names no authority and is refused; T2 names its own.
    assert cli("publicity", "export", "T1", "--what", "list", "-o", tmp_path / "x.csv").exit_code == 65
    cli.ok("publicity", "export", "T2", "--what", "list", "-o", tmp_path / "y.csv")


def test_authority_in_a_task_file(cli: Cli, tmp_path: Path) -> None:
    listed_task(cli, tmp_path, "T0")
    task = tmp_path / "任务.toml"
    task.write_text(
        'code = "T1"\nname = "登记事项抽查"\nplan_code = "P1"\nplan_name = "计划"\nitems = ["SJ01"]\n'
        f'authority = "{AUTHORITY}"\nwindow = "2026-03-01:2026-06-30"\n[draw]\nratios = {{ A = "1" }}\n',
        encoding="utf-8",
    )
    cli.ok("tasks", "create", "--from", task)
    cli.ok("tasks", "draw", "T1", "--seed", SEED[:-2] + "99")
    cli.ok("publicity", "export", "T1", "--what", "list", "-o", tmp_path / "l.csv")
    header, first = public_rows(tmp_path / "l.csv")[:2]
    assert first[header.index("检查机关")] == AUTHORITY


# ---- unknown keys in the files people write, every problem at once, in Chinese ---------------------------


def test_a_task_file_lists_unknown_keys_with_the_parameters_problems(cli: Cli, tmp_path: Path) -> None:
    listed_task(cli, tmp_path, "T0")
    path = tmp_path / "任务.toml"
    path.write_text(
        'code = "T1"\nname = "x"\nplan_code = 5\nwindow = "2026-03-01:2026-06-30"\nteamsize = 3\nstations = ["a"]\n'
        '[draw]\nratio = { A = "0.5" }\nratios = { A = "5" }\nscope = "全部"\n',
        encoding="utf-8",
    )
    before = cli.dump()
    refused = cli("tasks", "create", "--from", path)
    assert refused.exit_code == 2
    assert refused.stderr.splitlines() == [
        f"错误：任务文件 {path} 有误，未创建任务：",
        "  - 未知的键 teamsize（是否应为 team_size？）、stations（应写在 [pool] 中）（可用：code、name、plan_code、"
        "plan_name、task_type、items、organiser、implementer、authority、window、team_size、scope、pool、exclusions、draw）",
        "  - [draw] 中未知的键 ratio（是否应为 ratios？）、scope（应写在第一节之前）（可用：mode、count、class_source、"
        "ratios、weights、min、max）",
        "  - --ratio A=5：比例应在 0 到 1 之间",
        "  - plan_code: 应为文字（加引号）",
    ]
    assert cli.dump() == before


def test_a_config_file_with_unknown_keys_is_refused(cli: Cli, tmp_path: Path) -> None:
    listed_task(cli, tmp_path, "T1")
    config = tmp_path / "config.toml"
    config.write_text('risk_class = ["A"]\nauthorty = "x"\n[draw]\nratio = "0.5"\n', encoding="utf-8")
    before = cli.dump()
    refused = cli("--config", config, "tasks", "create", "T2", "--name", "x", "--window", "2026-03-01:2026-06-30")
    keys = "db、risk_classes、default_ratios、calendar_file、rules_file、authority、operator、draw_algorithm"
    assert (refused.exit_code, refused.stderr) == (
        78,
        f"错误：配置文件 {config} 有误：risk_class: 未知的键（是否应为 risk_classes？可用：{keys}）；"
        f"authorty: 未知的键（是否应为 authority？可用：{keys}）；draw: 未知的键（可用：{keys}）\n",
    )
    assert cli.dump() == before


def test_a_model_file_with_unknown_keys_is_refused(cli: Cli, tmp_path: Path) -> None:
    from creditcli.credit.riskmodel import default_model_path

    text = default_model_path().read_text(encoding="utf-8")
    text = text.replace('label = "本局通用型信用风险分类模型（默认）"', 'lable = "x"', 1)
    text = text.replace("points = 15                       # 每件 15 分", "pionts = 15", 1)
    model = tmp_path / "模型.toml"
    model.write_text(text, encoding="utf-8")
    listed_task(cli, tmp_path, "T1")
    before = cli.dump()
    refused = cli("risk", "classify", "--model", model)
    assert refused.exit_code == 78
    assert refused.stderr == (
        f"错误：模型文件 {model} 有误：model.lable: 未知的键（是否应为 label？可用：name、version、label、classes）；"
        "general.indicators.0.pionts: 未知的键（是否应为 points？可用：id、label、"
        "source、points、max_points、steps、missing_points、months、codes、kinds、grounds、values、tag、score）\n"
    )
    assert cli.dump() == before


def test_a_rules_file_with_unknown_keys_is_refused(cli: Cli, tmp_path: Path) -> None:
    rules = tmp_path / "规则.toml"
    rules.write_text("[penalty_publicity]\nshort_month = 3\n[repairs]\nx = 1\n", encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'rules_file = "{rules}"\n', encoding="utf-8")
    listed_task(cli, tmp_path, "T1")
    before = cli.dump()
    refused = cli("--config", config, "penalties", "due", "--today", "2026-07-01")
    assert refused.exit_code == 78
    assert refused.stderr.startswith(
        f"错误：规则文件 {rules} 有误：penalty_publicity.short_month: 未知的键（是否应为 short_months？可用："
    )
    assert "；repairs: 未知的键（是否应为 repair？可用：" in refused.stderr
    assert cli.dump() == before
