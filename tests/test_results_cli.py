"""results vocabulary / codes / record through the real CLI: checks, history, task states, database state."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from python_calamine import CalamineWorkbook

from conftest import ENTITY_HEADER, U1, U2, U3, U4, Cli, entity_rows, record_result, write_csv, write_xlsx


def status(cli: Cli) -> str:
    return str(cli.query("SELECT status FROM tasks WHERE code = 'T1'")[0][0])


def test_recording_results_moves_the_task_to_inspecting_then_completed(
    cli: Cli, assigned: dict[str, list[str]]
) -> None:
    assert status(cli) == "已抽取"
    first = record_result(cli, U1, assigned[U1], "--findings", "无", "--item", "SJ01")
    assert first.exit_code == 0, first.stderr
    data = json.loads(first.stdout)
    assert data == {
        "schema": "creditcli.record/1",
        "task": "T1",
        "status": "检查中",
        "inserted": 1,
        "updated": 0,
        "unchanged": 0,
        "drawn": 3,
        "with_results": 1,
        "withdrawn": 0,
    }
    row = cli.query("SELECT uscc, item_code, result_code, method, checked_on, inspectors, findings FROM results")
    assert [tuple(map(str, r)) for r in row] == [
        (U1, "SJ01", "1", "实地检查", "2026-04-01", ";".join(assigned[U1]), "无")
    ]
    assert status(cli) == "检查中"
    listed = json.loads(cli.ok("tasks", "list", "-f", "json").stdout)["rows"]
    assert [(r["code"], r["status"]) for r in listed] == [("T1", "检查中")]
    for uscc in (U2, U4):
        assert record_result(cli, uscc, assigned[uscc]).exit_code == 0
    assert status(cli) == "已完成"


def test_every_problem_is_named_and_nothing_is_written(cli: Cli, assigned: dict[str, list[str]]) -> None:
    outsider = next(c for c in ("37010000", "37010001", "37010002", "37010003") if c not in assigned[U1])
    result = cli(
        "results", "record", "T1", U1, "--result", "Z", "--date", "2026-07-01", "--method", "电话询问",
        "--inspector", outsider, "--item", "SJ99",
    )  # fmt: skip
    assert result.exit_code == 65
    assert result.stderr.splitlines()[0] == "错误：命令行录入: 发现 5 处问题，未录入任何检查结果"
    for text in (
        "--result Z: 不是在用的检查结果代码（可选：1 未发现问题、A 发现问题待后续处理、B 未按规定公示应当公示的信息、"
        "C 公示信息隐瞒真实情况弄虚作假、6 通过登记的住所（经营场所）无法联系、E 发现问题已责令改正、"
        "F 未发现开展本次抽查涉及的经营活动、7 已关闭停业或正在组织清算、8 不配合检查情节严重、9 注销、10 被吊销、"
        "11 被撤销、12 迁出）",
        "--method 电话询问: 应为：实地检查、书面检查、行政部门检查结果或专业意见、检验检测、网络监测、委托专业机构辅助",
        "--date 2026-07-01: 不在检查时间 2026-03-01 至 2026-06-30 之内",
        "--item SJ99: 不是任务 T1 的抽查事项（SJ01）",
        f"--inspector {outsider}: 不在对象 {U1} 的检查组中",
    ):
        assert text in result.stderr, result.stderr
    not_drawn = cli("results", "record", "T1", U3, "--result", "1", "--date", "2026-04-01", "--inspector", "37010000")
    assert not_drawn.exit_code == 65
    assert f"统一社会信用代码 {U3}: 不是任务 T1 的抽中对象" in not_drawn.stderr
    assert cli.count("results") == 0
    assert status(cli) == "已抽取"


def test_recording_again_updates_and_keeps_the_old_values(cli: Cli, assigned: dict[str, list[str]]) -> None:
    assert record_result(cli, U1, assigned[U1]).exit_code == 0
    again = record_result(cli, U1, assigned[U1][::-1], "--findings", "账目不全", "--action", "责令改正", "--done")
    assert json.loads(again.stdout)["updated"] == 1
    same = record_result(cli, U1, assigned[U1][::-1], "--findings", "账目不全", "--action", "责令改正", "--done")
    assert json.loads(same.stdout)["unchanged"] == 1
    changes = cli.query("SELECT field, old_value, new_value, source FROM result_changes ORDER BY id")
    assert changes == [
        ("inspectors", ";".join(assigned[U1]), ";".join(assigned[U1][::-1]), "命令行录入"),
        ("findings", "", "账目不全", "命令行录入"),
        ("action", "", "责令改正", "命令行录入"),
        ("action_done", "否", "是", "命令行录入"),
    ]
    assert cli.count("results") == 1


def test_a_task_with_results_cannot_be_drawn_again(cli: Cli, assigned: dict[str, list[str]]) -> None:
    assert record_result(cli, U1, assigned[U1]).exit_code == 0
    again = cli("tasks", "draw", "T1", "--seed", "20261127000000000043", "--redraw", "--reason", "重抽")
    assert (again.exit_code, again.stderr) == (
        1,
        "错误：任务 T1 已录入检查结果，不能重新抽取（结果对应的是本次抽取的对象）\n",
    )
    assert cli.count("draws") == 1


def test_results_need_the_teams(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    cli.ok("tasks", "create", "T2", "--name", "x", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    early = cli("results", "record", "T2", U1, "--result", "1", "--date", "2026-04-01", "--inspector", "1")
    assert (early.exit_code, early.stderr) == (1, "错误：任务 T2 尚未抽取，不能录入检查结果\n")
    cli.ok("tasks", "draw", "T2", "--seed", "20261127000000000042")
    unassigned = cli("results", "record", "T2", U1, "--result", "1", "--date", "2026-04-01", "--inspector", "1")
    assert (unassigned.exit_code, unassigned.stderr) == (
        1,
        "错误：任务 T2 尚未匹配检查组，不能录入检查结果（先用 creditcli tasks assign）\n",
    )
    bad_date = cli("results", "record", "T2", U1, "--result", "1", "--date", "四月", "--inspector", "1")
    assert bad_date.exit_code == 2 and "--date 四月 无法识别" in bad_date.stderr


def test_a_provincial_vocabulary_replaces_the_default_list(cli: Cli, tmp_path: Path) -> None:
    header = ["代码", "检查结果", "上级代码", "负面结果", "需后续处置", "必须公示"]
    rows = [
        ["1", "未发现问题", "", "否", "否", "否"],
        ["2", "发现问题", "", "是", "是", "否"],
        ["2.1", "发现问题已责令改正", "2", "是", "否", "否"],
    ]
    cli.ok("results", "vocabulary", write_csv(tmp_path / "codes.csv", header, rows))
    listed = {r["code"]: r for r in json.loads(cli.ok("results", "codes", "-f", "json").stdout)["rows"]}
    assert listed["2.1"]["parent"] == "2" and listed["2.1"]["negative"] == "是"
    assert listed["1"]["active"] == "是" and listed["8"]["active"] == "否"  # kept, no longer offered
    bad = cli(
        "results", "vocabulary", write_csv(tmp_path / "bad.csv", header, [["3", "其他", "9.9", "否", "否", "否"]])
    )
    assert bad.exit_code == 65
    assert "  第 2 行 “上级代码”: 9.9 不是已有的检查结果代码\n" in bad.stderr
    assert cli.count("result_codes") == 15


TEMPLATE_HEADER = [
    "抽查任务编号", "统一社会信用代码", "市场主体名称", "抽查事项编码", "抽查事项名称", "检查结果代码", "核查方式",
    "检查日期", "检查人员执法证号", "发现问题情况", "后续处置措施", "后续处置是否完成", "备注", "撤回", "撤回原因",
    "替代结果代码",
]  # fmt: skip


def test_the_result_template_comes_back_filled_in(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    cli.ok("tasks", "export", "T1", "--what", "result-template", "-o", tmp_path / "t.xlsx")
    sheet = CalamineWorkbook.from_path(str(tmp_path / "t.xlsx")).get_sheet_by_index(0).to_python()
    assert sheet[0] == TEMPLATE_HEADER
    assert [(r[0], r[1], r[3], r[4], r[8]) for r in sheet[1:]] == [
        ("T1", u, "SJ01", "登记事项检查", ";".join(assigned[u])) for u in sorted([U1, U2, U4])
    ]
    filled = [list(r) for r in sheet[1:]]
    filled[0][5:8] = ["1", "实地检查", dt.datetime(2026, 4, 2)]  # an Excel date cell
    filled[1][5:8] = ["E", "书面检查", "2026年4月3日"]
    filled[1][9:12] = ["未按时年报", "责令改正", "是"]
    result = cli.ok("results", "import", write_xlsx(tmp_path / "f.xlsx", TEMPLATE_HEADER, filled), "-f", "json")
    summary = json.loads(result.stdout)
    assert {k: summary[k] for k in ("rows", "skipped", "inserted", "updated", "tasks")} == {
        "rows": 3,
        "skipped": 1,
        "inserted": 2,
        "updated": 0,
        "tasks": {"T1": "检查中"},
    }
    stored = cli.query("SELECT uscc, result_code, method, checked_on, action, action_done FROM results ORDER BY uscc")
    assert [tuple(map(str, r)) for r in stored] == [
        (filled[0][1], "1", "实地检查", "2026-04-02", "", "False" if "://" in cli.db else "0"),
        (filled[1][1], "E", "书面检查", "2026-04-03", "责令改正", "True" if "://" in cli.db else "1"),
    ]
    filled[2][5:8] = ["1", "实地检查", "2026-04-05"]
    filled[1][9] = "未按时报送年度报告"
    again = json.loads(
        cli.ok("results", "import", write_xlsx(tmp_path / "g.xlsx", TEMPLATE_HEADER, filled), "-f", "json").stdout
    )
    assert (again["inserted"], again["updated"], again["unchanged"], again["tasks"]) == (1, 1, 1, {"T1": "已完成"})
    assert cli.query("SELECT field, old_value, new_value, source FROM result_changes") == [
        ("findings", "未按时年报", "未按时报送年度报告", "导入 g.xlsx")
    ]


def test_a_results_file_with_any_bad_row_is_refused_whole(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    outsider = next(c for c in ("37010000", "37010001", "37010002", "37010003") if c not in assigned[U2])
    rows = [
        ["T1", U1, "", "SJ01", "", "1", "实地检查", "2026-04-01", ";".join(assigned[U1]), "", "", "", ""],
        ["T9", U1, "", "SJ01", "", "1", "实地检查", "2026-04-01", assigned[U1][0], "", "", "", ""],
        ["T1", U3, "", "SJ01", "", "1", "实地检查", "2026-04-01", assigned[U1][0], "", "", "", ""],
        ["T1", U2, "", "SJ01", "", "1", "实地检查", "2026-08-01", outsider, "", "", "", ""],
        ["T1", U1, "", "SJ01", "", "1", "实地检查", "2026-04-02", ";".join(assigned[U1]), "", "", "", ""],
        ["T1", U4, "", "", "", "1", "", "2026-04-01", assigned[U4][0], "", "", "", ""],
    ]
    path = write_csv(tmp_path / "r.csv", TEMPLATE_HEADER, [[*r, "", "", ""] for r in rows])
    result = cli("results", "import", path, "--rejects", tmp_path / "问题.csv")
    assert result.exit_code == 65
    assert result.stderr.splitlines()[:8] == [
        f"错误：{path}: 发现 6 处问题，未录入任何检查结果",
        "  第 3 行 “抽查任务编号”: T9 没有这个抽查任务",
        f"  第 4 行 “统一社会信用代码”: {U3} 不是任务 T1 的抽中对象",
        "  第 5 行 “检查日期”: 2026-08-01 不在检查时间 2026-03-01 至 2026-06-30 之内",
        f"  第 5 行 “检查人员执法证号”: {outsider} 不在对象 {U2} 的检查组中",
        "  第 6 行 “检查结果代码”: 1 与第 2 行重复（同一对象、事项、结果只能有一条）",
        "  第 7 行 “核查方式”: 填写了检查结果时不能为空",
        f"问题清单已写入 {tmp_path / '问题.csv'}",
    ]
    assert cli.count("results") == 0
    assert (tmp_path / "问题.csv").read_text(encoding="utf-8-sig").count("\n") == 7


def test_a_result_is_accepted_by_its_label_and_the_template_offers_drop_downs(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    """Issue 17 §2: the template's drop-downs show ``代码 名称``; import takes the code, its label or both,
    and the common variants of 核查方式."""
    import openpyxl

    cli.ok("tasks", "export", "T1", "--what", "result-template", "-o", tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["检查结果录入", "代码表"]
    codes = [row[0].value for row in book["代码表"].iter_rows(min_row=2) if row[0].value]
    assert codes[:3] == ["1 未发现问题", "A 发现问题待后续处理", "B 未按规定公示应当公示的信息"]
    sheet = book["检查结果录入"]
    assert sheet.protection.sheet and sheet["B2"].protection.locked  # the entity's code cannot be changed
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    assert validated == {"F2", "G2", "L2"}  # 检查结果代码, 核查方式, 后续处置是否完成
    sheet_rows = CalamineWorkbook.from_path(str(tmp_path / "t.xlsx")).get_sheet_by_index(0).to_python()
    filled = [list(r) for r in sheet_rows[1:]]
    filled[0][5:8] = ["1 未发现问题", "实地核查", "2026-04-02"]
    filled[1][5:8] = ["发现问题已责令改正", "书面检查", "2026-04-03"]
    filled[2][5:8] = ["Ｆ", "现场检查", "2026-04-04"]
    cli.ok("results", "import", write_xlsx(tmp_path / "f.xlsx", TEMPLATE_HEADER, filled))
    stored = cli.query("SELECT result_code, method FROM results ORDER BY uscc")
    assert stored == [("1", "实地检查"), ("E", "书面检查"), ("F", "实地检查")]
