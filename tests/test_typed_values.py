"""Values typed on the command line follow the rule of their column kind, as a file's cells do (findings
29, 30): decision numbers are normalised like imported ones, free text is refused with a control
character or beyond its documented length (exit 2, every value listed, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ENTITY_HEADER, U1, Cli, entity_rows, record_result, write_csv

HEADER = ["决定书文号", "统一社会信用代码", "处罚决定日期", "处罚种类", "罚款金额", "公示日期", "履行日期"]
UNIT = "济南市历下区市场监督管理局"
CONTROL = "含有控制字符（以 \\xNN 显示），请删去后重试"
HEAD = "错误：命令行给出的值有误，未写入任何数据：\n"


def refused(cli: Cli, *args: str) -> str:
    before = cli.dump()
    result = cli(*args)
    assert result.exit_code == 2, result.stderr
    assert cli.dump() == before
    return result.stderr


@pytest.fixture
def penalty(cli: Cli, tmp_path: Path) -> None:
    """One decision of the 一般 tier, imported with a full-width number and a space in its 文号."""
    cli.ok("entities", "import", write_csv(tmp_path / "roster.csv", ENTITY_HEADER, entity_rows()))
    rows = [["济市监罚〔２０２６〕 １号", U1, "2026-03-02", "罚款", "200000", "2026-03-10", "2026-03-20"]]
    cli.ok("penalties", "import", write_csv(tmp_path / "p.csv", HEADER, rows))
    assert cli.query("SELECT decision_no FROM penalties") == [("济市监罚〔2026〕1号",)]


def test_a_decision_number_typed_as_imported_finds_the_decision(cli: Cli, penalty: None) -> None:
    """Findings 30: `repair record --ref` compared the typed text with the stored number; a full-width or
    spaced spelling missed the decision (exit 66)."""
    shown = json.loads(cli.ok("penalties", "show", "济市监罚〔２０２６〕 １号", "-f", "json").stdout)
    assert shown["decision_no"] == "济市监罚〔2026〕1号"
    cli.ok("repair", "record", U1, "--kind", "penalty", "--ref", "济市监罚〔２０２６〕 １号", "--date", "2026-06-10",
           "--decision-no", "济市监修〔２０２６〕 ３号", "--unit", UNIT)  # fmt: skip
    assert cli.query("SELECT record_ref, decision_no FROM repairs") == [("济市监罚〔2026〕1号", "济市监修〔2026〕3号")]
    assert cli.query("SELECT CAST(withdrawn_on AS TEXT) FROM penalties") == [("2026-06-10",)]


def test_list_decision_numbers_are_normalised_and_found_by_repair(cli: Cli, penalty: None) -> None:
    typed = "历下市监 列〔２０２６〕１号"
    cli.ok("lists", "add", "--list", "serious", U1, "--ground", "严重违法", "--decision-no", typed,
           "--date", "2026-03-02", "--unit", UNIT)  # fmt: skip
    assert cli.query("SELECT decision_no FROM list_entries") == [("历下市监列〔2026〕1号",)]
    refs = [r["ref"] for r in json.loads(cli.ok("repair", "check", U1, "-f", "json").stdout)["rows"]]
    assert "历下市监列〔2026〕1号" in refs


def test_free_text_options_are_checked_like_file_cells(cli: Cli, penalty: None) -> None:
    """Findings 29: control characters and text beyond the documented maximum were stored from options."""
    stderr = refused(cli, "lists", "add", "--list", "serious", U1, "--ground", "严重\x1b[2J违法", "--decision-no",
                     "列" * 129, "--date", "2026-03-02", "--unit", "局" * 201)  # fmt: skip
    assert stderr == (
        HEAD + f"  - --ground 严重\\x1b[2J违法：{CONTROL}\n"
        f"  - --decision-no {'列' * 20}…：有 129 个字符，超过上限 128 个字符\n"
        f"  - --unit {'局' * 20}…：有 201 个字符，超过上限 200 个字符\n"
    )
    stderr = refused(cli, "repair", "record", U1, "--kind", "penalty", "--ref", "济市监罚〔2026〕1号", "--date",
                     "2026-06-10", "--decision-no", "修\x00复", "--unit", UNIT)  # fmt: skip
    assert stderr == HEAD + f"  - --decision-no 修\\x00复：{CONTROL}\n"


def test_result_options_are_checked_like_the_results_sheet(cli: Cli, assigned: dict[str, list[str]]) -> None:
    before = cli.dump()
    result = record_result(
        cli, U1, assigned[U1], "--findings", "问" * 2001, "--remarks", "备\x07注", "--method", "实地检查" * 9
    )
    assert result.exit_code == 2
    assert result.stderr == (
        HEAD + f"  - --method {'实地检查' * 5}…：有 36 个字符，超过上限 32 个字符\n"
        f"  - --findings {'问' * 20}…：有 2001 个字符，超过上限 2000 个字符\n"
        f"  - --remarks 备\\x07注：{CONTROL}\n"
    )
    assert cli.dump() == before


def test_task_text_is_checked_from_options_and_task_files(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    stderr = refused(cli, "tasks", "create", "T1", "--name", "名" * 201, "--scope", "范围\x1b[31m",
                     "--station", "华山\x00所", "--item", "SJ\x1b", "--window", "2026-03-01:2026-06-30")  # fmt: skip
    assert stderr == (
        "错误：任务参数有误，未创建任务：\n"
        "  - 未知的抽查事项：SJ\\x1b（先用 creditcli items import 导入抽查事项清单）\n"
        f"  - --name（任务文件中 name） {'名' * 20}…：有 201 个字符，超过上限 200 个字符\n"
        f"  - --scope（任务文件中 scope） 范围\\x1b[31m：{CONTROL}\n"
        f"  - --station（任务文件 [pool] 中 stations） 华山\\x00所：{CONTROL}\n"
    )
    path = tmp_path / "task.toml"
    authority = "局" * 201
    text = f'code = "T1"\nname = "x"\norganiser = "处\\u0000室"\nauthority = "{authority}"\n'
    path.write_text(text + 'window = "2026-03-01:2026-06-30"\n')
    assert refused(cli, "tasks", "create", "--from", str(path)) == (
        "错误：任务参数有误，未创建任务：\n"
        f"  - --organiser（任务文件中 organiser） 处\\x00室：{CONTROL}\n"
        f"  - --authority（任务文件中 authority） {'局' * 20}…：有 201 个字符，超过上限 200 个字符\n"
    )


def test_reasons_are_checked_too(cli: Cli, assigned: dict[str, list[str]]) -> None:
    stderr = refused(cli, "tasks", "draw", "T1", "--redraw", "--reason", "因\x1b故")
    assert stderr == HEAD + f"  - --reason 因\\x1b故：{CONTROL}\n"
    member = assigned[U1][0]
    stderr = refused(cli, "tasks", "replace", "T1", "--inspector", member, "--reason", "病" * 2001)
    assert stderr == HEAD + f"  - --reason {'病' * 20}…：有 2001 个字符，超过上限 2000 个字符\n"
