"""publicity export / mark: default column sets, a province's template, nothing internal, formula safety."""

from __future__ import annotations

import json
from pathlib import Path

from python_calamine import CalamineWorkbook

from conftest import PUBLIC_FIELDS, U1, U2, U4, Cli, record_result, write_csv

PLAN_CODE, PLAN_NAME, AUTHORITY = PUBLIC_FIELDS[1::2]

PLAN = ["抽查计划编号", "抽查计划名称", "抽查任务编号", "抽查任务名称", "抽查类型", "抽查事项", "抽查对象范围",
        "检查日期自", "检查日期至"]  # fmt: skip
RESULTS = ["序号", "抽查计划编号", "抽查计划名称", "抽查任务编号", "抽查任务名称", "抽查类型", "检查机关",
           "抽查市场主体名称", "统一社会信用代码/注册号", "检查完成日期", "检查结果", "备注"]  # fmt: skip


def rows(path: Path) -> list[list[str]]:
    return [line.split(",") for line in path.read_text(encoding="utf-8-sig").splitlines()]


def test_plan_and_list_in_the_default_columns(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    cli.ok("publicity", "export", "T1", "--what", "plan", "-o", tmp_path / "plan.csv")
    assert rows(tmp_path / "plan.csv") == [
        PLAN,
        [PLAN_CODE, PLAN_NAME, "T1", "登记事项抽查", "不定向抽查", "登记事项检查", "", "2026-03-01", "2026-06-30"],
    ]
    cli.ok("publicity", "export", "T1", "--what", "list", "-o", tmp_path / "list.xlsx")
    sheet = CalamineWorkbook.from_path(str(tmp_path / "list.xlsx")).get_sheet_by_index(0).to_python()
    assert sheet[0][-6:] == [
        "检查机关",
        "抽查市场主体数量",
        "序号",
        "市场主体名称",
        "统一社会信用代码/注册号",
        "登记机关",
    ]
    assert [(r[-4], r[-3], r[-2]) for r in sheet[1:]] == [
        ("1", "济南甲有限公司", U1),
        ("2", "济南乙有限公司", U2),
        ("3", "济南丁专业合作社", U4),
    ]
    assert {r[-5] for r in sheet[1:]} == {"3"}


def test_results_wait_for_every_entity_unless_partial(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    team = [x for code in assigned[U1] for x in ("--inspector", code)]
    cli.ok("results", "record", "T1", U1, "--result", "E", "--date", "2026-04-03", *team,
           "--findings", "年报未公示", "--remarks", "内部：负责人不配合")  # fmt: skip
    cli.ok("results", "record", "T1", U1, "--result", "A", "--date", "2026-04-09", *team)
    refused = cli("publicity", "export", "T1", "--what", "results", "-o", tmp_path / "r.csv")
    assert refused.exit_code == 65
    assert refused.stderr.splitlines() == [
        "错误：任务 T1 还有 2 个抽中对象没有检查结果，不能导出结果公示（确需先公示已有结果请加 --partial）",
        f"  对象 {U2}（济南乙有限公司）: 没有检查结果",
        f"  对象 {U4}（济南丁专业合作社）: 没有检查结果",
    ]
    assert not (tmp_path / "r.csv").exists()
    cli.ok("publicity", "export", "T1", "--what", "results", "-o", tmp_path / "r.csv", "--partial")
    got = rows(tmp_path / "r.csv")
    assert got[0] == RESULTS
    assert got[1] == ["1", PLAN_CODE, PLAN_NAME, "T1", "登记事项抽查", "不定向抽查", AUTHORITY, "济南甲有限公司", U1,
                      "2026-04-09",
                      "发现问题待后续处理；发现问题已责令改正", ""]  # fmt: skip
    assert len(got) == 2  # only the entity with a result: no row with an empty 检查结果
    text = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    for internal in ("内部", *assigned[U1], "年报未公示"):
        assert internal not in text


def test_nothing_internal_in_any_public_file(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    for uscc in (U1, U2, U4):
        assert record_result(cli, uscc, assigned[uscc], "--remarks", "内部备注").exit_code == 0
    classes = {c for (c,) in cli.query("SELECT risk_class FROM entities")}
    tickets = {t for (t,) in cli.query("SELECT ticket FROM draw_selections")}
    for what in ("plan", "list", "results"):
        out = tmp_path / f"{what}.json"
        cli.ok("publicity", "export", "T1", "--what", what, "-o", out)
        data = json.loads(out.read_text(encoding="utf-8"))
        values = {str(v) for row in data["rows"] for v in row.values()}
        assert data["schema"] == f"creditcli.publicity-{what}/1"
        assert not values & (classes | tickets | {"内部备注"} | {c for team in assigned.values() for c in team})


def test_a_province_template_chooses_the_columns(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    template = write_csv(tmp_path / "模板.csv", ["统一社会信用代码", "企业名称", "抽查任务编号"], [])
    cli.ok("publicity", "export", "T1", "--what", "list", "-o", tmp_path / "l.csv", "--columns", template)
    assert rows(tmp_path / "l.csv")[:2] == [
        ["统一社会信用代码", "企业名称", "抽查任务编号"],  # the province's own headers
        [U1, "济南甲有限公司", "T1"],
    ]
    bad = write_csv(tmp_path / "坏模板.csv", ["统一社会信用代码", "信用风险分类"], [])
    refused = cli("publicity", "export", "T1", "--what", "list", "-o", tmp_path / "x.csv", "--columns", bad)
    assert refused.exit_code == 65
    assert "  文件 “信用风险分类”: 不是可公示的字段（可用：序号、抽查计划编号" in refused.stderr


def test_cells_that_look_like_formulas_are_neutralised(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ["统一社会信用代码", "企业名称", "信用风险分类"],
                                           [[U1, "=HYPERLINK(\"http://x\")", "A"]]))  # fmt: skip
    cli.ok("tasks", "create", "T3", "--name", "@任务", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    cli.ok("tasks", "draw", "T3", "--seed", "20261127000000000042")
    cli.ok("publicity", "export", "T3", "--what", "list", "-o", tmp_path / "l.csv", "--allow-empty")
    text = (tmp_path / "l.csv").read_text(encoding="utf-8-sig")
    assert "'@任务" in text and '"\'=HYPERLINK(""http://x"")"' in text


def test_marking_the_results_published(cli: Cli, assigned: dict[str, list[str]]) -> None:
    early = cli("publicity", "mark", "T1", "--date", "2026-07-10")
    assert (early.exit_code, early.stderr) == (
        1,
        "错误：任务 T1 的状态为 已抽取：检查结果全部录入（已完成）后才能登记结果公示\n",
    )
    cli.ok("publicity", "mark", "T1", "--what", "plan", "--date", "2026-02-20")
    for uscc in (U1, U2, U4):
        assert record_result(cli, uscc, assigned[uscc]).exit_code == 0
    before = cli.dump()
    too_early = cli("publicity", "mark", "T1", "--date", "2026-03-31")  # the results are of 2026-04-01
    assert (too_early.exit_code, too_early.stderr) == (
        2,
        "错误：--date 2026-03-31 早于任务 T1 最后一次检查的日期 2026-04-01："
        "结果公示只能在检查之后，请写实际公示的日期\n",
    )
    assert cli.dump() == before
    done = json.loads(cli.ok("publicity", "mark", "T1", "--date", "2026年7月10日", "-f", "json").stdout)
    assert done == {
        "schema": "creditcli.publicity-mark/1",
        "task": "T1",
        "what": "抽查结果公告",
        "published_on": "2026-07-10",
        "status": "已公示",
    }
    assert cli.query("SELECT what, published_on FROM publications ORDER BY id") == [
        ("plan", cli.query("SELECT published_on FROM publications WHERE what = 'plan'")[0][0]),
        ("results", cli.query("SELECT published_on FROM publications WHERE what = 'results'")[0][0]),
    ]
    # Later corrections are still recorded, and the task stays published.
    assert record_result(cli, U1, assigned[U1], "--findings", "更正").exit_code == 0
    assert cli.query("SELECT status FROM tasks")[0][0] == "已公示"
