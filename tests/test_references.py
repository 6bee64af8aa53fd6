"""Amounts and scores are finite and bounded; penalties, scores and list entries name entities of the roster
unless --allow-unknown (issue 14 §3). Refusals name row, column and value and write nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ENTITY_HEADER, U1, U2, Cli, entity_rows, uscc, write_csv

STRANGER = uscc("91370112MA3C00099")
"""A valid code that is not in the roster."""
PENALTY_HEADER = ["决定书文号", "统一社会信用代码", "处罚决定日期", "处罚种类", "罚款金额"]
SCORE_HEADER = ["统一社会信用代码", "评分名称", "分值"]
AMOUNT = "应为以元计的金额：0 到 1000000000000 元，最多两位小数，如 5000 或 5000.00"
SCORE = "应为 0 到 1000000000 之间的数，如 12 或 12.5"
UNKNOWN = "检查对象名录中没有这个统一社会信用代码：请先导入检查对象名录；确认无误的，可加 --allow-unknown 导入"


pytestmark = pytest.mark.usefixtures("roster")


def penalty(no: str, code: str, amount: str) -> list[str]:
    return [no, code, "2026-03-02", "罚款", amount]


def test_amounts_must_be_finite_and_bounded_and_codes_known(cli: Cli, tmp_path: Path) -> None:
    bad = ["1e309", "1e400", "inf", "nan", "-1", "5000.001", "1000000000000.01", "1e-400"]
    rows = [penalty(f"罚{n}号", U1, a) for n, a in enumerate(bad)] + [penalty("罚9号", STRANGER, "5000")]
    path = write_csv(tmp_path / "p.csv", PENALTY_HEADER, rows)
    lines = [f"  第 {n + 2} 行 “罚款金额”: {a} {AMOUNT}\n" for n, a in enumerate(bad)]
    lines.append(f"  第 {len(bad) + 2} 行 “统一社会信用代码”: {STRANGER} {UNKNOWN}\n")
    message = f"错误：{path}: 发现 {len(lines)} 处问题，未导入任何数据\n" + "".join(lines)
    cli.refused(["penalties", "import", path], 65, message)


def test_a_row_with_a_bad_amount_and_an_unknown_code_reports_both(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", PENALTY_HEADER, [penalty("罚1号", STRANGER, "1e309")])
    message = (
        f"错误：{path}: 发现 2 处问题，未导入任何数据\n"
        f"  第 2 行 “罚款金额”: 1e309 {AMOUNT}\n  第 2 行 “统一社会信用代码”: {STRANGER} {UNKNOWN}\n"
    )
    cli.refused(["penalties", "import", path], 65, message)


def test_amounts_at_the_bounds_are_taken_as_written(cli: Cli, tmp_path: Path) -> None:
    good = ["0", "1000000000000", "5000.00", "1E+5", "1,500.5"]
    rows = [penalty(f"罚{n}号", U1, a) for n, a in enumerate(good)]
    cli.ok("penalties", "import", write_csv(tmp_path / "p.csv", PENALTY_HEADER, rows))
    assert sorted(a for (a,) in cli.query("SELECT amount FROM penalties")) == sorted(good)


def test_unknown_codes_with_allow_unknown_are_counted_and_warned_about(cli: Cli, tmp_path: Path) -> None:
    others = [uscc(f"91370112MA3C001{n:02d}") for n in range(11)]
    rows = [penalty("罚0号", U1, "5000")] + [penalty(f"罚{n + 1}号", c, "5000") for n, c in enumerate(others)]
    path = write_csv(tmp_path / "p.csv", PENALTY_HEADER, rows)
    result = cli.ok("penalties", "import", path, "--allow-unknown", "-f", "json")
    shown = "、".join(f"第 {n + 3} 行 {c}" for n, c in enumerate(others[:10]))
    warning = f"11 行的统一社会信用代码不在检查对象名录中，已按 --allow-unknown 导入：{shown}……"
    assert result.stderr == f"警告：{warning}\n"
    summary = json.loads(result.stdout)
    assert (summary["inserted"], summary["unknown"], summary["warnings"]) == (12, 11, [warning])
    assert cli.count("penalties") == 12
    again = json.loads(cli.ok("penalties", "import", path, "--allow-unknown", "-f", "json").stdout)
    assert (again["unchanged"], again["unknown"]) == (12, 11)
    plain = cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()), "-f", "json")
    assert json.loads(plain.stdout)["unknown"] == 0


def test_scores_must_be_finite_bounded_and_of_known_entities(cli: Cli, tmp_path: Path) -> None:
    bad = ["1e309", "inf", "nan", "-1", "1000000000.5"]
    rows = [[U1, f"评分{n}", v] for n, v in enumerate(bad)] + [[STRANGER, "舆情", "3"]]
    path = write_csv(tmp_path / "s.csv", SCORE_HEADER, rows)
    lines = [f"  第 {n + 2} 行 “分值”: {v} {SCORE}\n" for n, v in enumerate(bad)]
    lines.append(f"  第 {len(bad) + 2} 行 “统一社会信用代码”: {STRANGER} {UNKNOWN}\n")
    cli.refused(
        ["scores", "import", path],
        65,
        f"错误：{path}: 发现 {len(lines)} 处问题，未导入任何数据\n" + "".join(lines),
    )
    allowed = write_csv(tmp_path / "ok.csv", SCORE_HEADER, [[U1, "舆情", "1000000000"], [STRANGER, "舆情", "3"]])
    result = cli.ok("scores", "import", allowed, "--allow-unknown")
    assert (
        f"警告：1 行的统一社会信用代码不在检查对象名录中，已按 --allow-unknown 导入：第 3 行 {STRANGER}"
        in result.stderr
    )
    assert "名录中没有的对象  1" in result.stdout
    cli.ok("risk", "classify", "--as-of", "2026-12-01")
    details = [d for (d,) in cli.query("SELECT details FROM model_classes")]
    assert details and not any("Infinity" in d or "NaN" in d for d in details)
    (general,) = json.loads(cli.ok("risk", "explain", U1, "-f", "json").stdout)["models"][0]["scorings"]
    opinion = next(i for i in general["indicators"] if i["id"] == "public_opinion")
    assert (opinion["value"], opinion["points"], general["band_class"]) == (1000000000, 20, "B")


def test_lists_add_names_an_entity_of_the_roster(cli: Cli) -> None:
    args: list[str | Path] = ["lists", "add", "--list", "abnormal", STRANGER, "--ground", "未按规定公示年度报告",
                              "--decision-no", "1号", "--date", "2026-03-15", "--unit", "历下所"]  # fmt: skip
    cli.refused(
        args,
        66,
        f"错误：检查对象名录中没有统一社会信用代码为 {STRANGER} 的对象，未列入：请先导入检查对象名录；"
        "确认无误的，可加 --allow-unknown 列入\n",
    )
    result = cli.ok(*args, "--allow-unknown")
    assert result.stderr.startswith(f"警告：{STRANGER} 不在检查对象名录中，已按 --allow-unknown 列入经营异常名录\n")
    assert cli.query("SELECT uscc FROM list_entries") == [(STRANGER,)]
    known = cli.ok("lists", "add", "--list", "abnormal", U2, "--ground", "未按规定公示年度报告", "--decision-no", "2号",
                   "--date", "2026-03-15", "--unit", "历下所")  # fmt: skip
    assert "警告" not in known.stderr
