"""repair check / record: tiers, the day repair may be applied for, unmet conditions, publicity ended early."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import U1, U2, Cli, record_result, write_csv

HEADER = ["决定书文号", "统一社会信用代码", "处罚决定日期", "处罚种类", "罚款金额", "公示日期", "履行日期"]
UNIT = "济南市历下区市场监督管理局"


pytestmark = pytest.mark.usefixtures("roster")


def penalties(cli: Cli, tmp_path: Path, fulfilled: str = "2026-03-20") -> None:
    rows = [
        ["罚1号", U1, "2026-03-02", "罚款", "200000", "2026-03-10", fulfilled],  # 一般: may apply after 3 months
        ["罚2号", U1, "2026-03-02", "通报批评", "", "2026-03-10", ""],  # 轻微: ends by itself
        ["罚3号", U1, "2026-03-02", "吊销营业执照", "", "2026-03-10", "2026-03-10"],  # 严重
    ]
    cli.ok("penalties", "import", write_csv(tmp_path / "p.csv", HEADER, rows))


def check(cli: Cli, uscc: str = U1) -> dict[str, dict[str, str]]:
    rows = json.loads(cli.ok("repair", "check", uscc, "-f", "json").stdout)["rows"]
    return {r["ref"]: r for r in rows}


def test_each_negative_record_with_its_tier_and_dates(cli: Cli, tmp_path: Path) -> None:
    penalties(cli, tmp_path)
    got = check(cli)
    assert {ref: (r["tier"], r["apply_from"], r["automatic"]) for ref, r in got.items()} == {
        "罚1号": ("一般", "2027-03-10", "2029-03-10"),  # 总局令第45号: 3 years, early stop after 1
        "罚2号": ("轻微", "", "2026-06-10"),
        "罚3号": ("严重", "", "2029-03-10"),  # 吊销营业执照: never stopped early (第十五条)
    }


@pytest.mark.parametrize(("day", "ok"), [("2027-03-09", False), ("2027-03-10", True), ("2027-03-11", True)])
def test_repair_from_the_day_the_rules_allow(cli: Cli, tmp_path: Path, day: str, ok: bool) -> None:
    penalties(cli, tmp_path)
    args = ["repair", "record", U1, "--kind", "penalty", "--ref", "罚1号", "--date", day,
            "--decision-no", "修复1号", "--unit", UNIT]  # fmt: skip
    result = cli(*args)
    if ok:
        assert result.exit_code == 0, result.stderr
        assert cli.query("SELECT withdrawn_on FROM penalties WHERE decision_no = '罚1号'")[0][0] is not None
        assert check(cli)["罚1号"]["repaired"] == day
        assert cli(*args).exit_code == 1  # once only
    else:
        assert (result.exit_code, result.stderr) == (
            1,
            "错误：行政处罚 罚1号（罚款） 自 2026-03-10 起公示，2027-03-10 起才可申请信用修复\n",
        )
        assert cli.count("repairs") == 0


def test_unmet_conditions_and_minor_records_are_refused(cli: Cli, tmp_path: Path) -> None:
    penalties(cli, tmp_path, fulfilled="")
    cli.ok("lists", "add", "--list", "abnormal", U1, "--ground", "未按规定公示年度报告", "--decision-no", "异1号",
           "--date", "2026-07-01", "--unit", UNIT)  # fmt: skip
    assert check(cli)["罚1号"]["unmet"] == "处罚决定尚未履行完毕（无履行日期）；仍在经营异常名录中"
    refused = cli("repair", "record", U1, "--kind", "penalty", "--ref", "罚1号", "--date", "2027-03-10",
                  "--decision-no", "修复1号", "--unit", UNIT)  # fmt: skip
    assert refused.exit_code == 1
    assert "尚不符合修复条件：处罚决定尚未履行完毕（无履行日期）；仍在经营异常名录中" in refused.stderr
    minor = cli("repair", "record", U1, "--kind", "penalty", "--ref", "罚2号", "--date", "2026-08-01",
                "--decision-no", "修复2号", "--unit", UNIT)  # fmt: skip
    assert minor.exit_code == 1 and "属轻微档次，公示满期（2026-06-10）自动停止" in minor.stderr
    assert cli.count("repairs") == 0


def test_serious_list_and_negative_results(cli: Cli, assigned: dict[str, list[str]]) -> None:
    cli.ok("lists", "add", "--list", "serious", U2, "--ground", "从重罚款", "--decision-no", "严1号",
           "--date", "2026-01-15", "--unit", UNIT)  # fmt: skip
    assert record_result(cli, U2, assigned[U2], "--findings", "x").exit_code == 0  # result 1: not negative
    cli.ok("results", "record", "T1", U2, "--result", "8", "--date", "2026-04-02", "--inspector", assigned[U2][0],
           "--inspector", assigned[U2][1], "--replaces", "1", "--reason", "实为不配合检查")  # fmt: skip
    got = check(cli, U2)
    assert {ref: (r["kind"], r["tier"], r["apply_from"]) for ref, r in got.items()} == {
        "严1号": ("list", "严重", "2027-01-15"),
        "T1/SJ01/8": ("result", "严重", "2027-04-02"),  # code 8 is serious in the shipped rules
    }
    assert got["T1/SJ01/8"]["unmet"] == "仍在严重违法失信名单中"
    cli.ok("repair", "record", U2, "--kind", "list", "--ref", "严1号", "--date", "2027-01-15",
           "--decision-no", "修复9号", "--unit", UNIT)  # fmt: skip
    assert cli.query("SELECT removal_reason FROM list_entries")[0][0] == "信用修复（修复9号）"
    assert check(cli, U2)["T1/SJ01/8"]["unmet"] == ""
