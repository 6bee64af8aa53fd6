"""lists add / remove / list: 谁列入、谁移出, refusals with the date a removal becomes possible."""

from __future__ import annotations

import json

import pytest

from conftest import U1, U2, Cli

UNIT = "济南市历下区市场监督管理局"


pytestmark = pytest.mark.usefixtures("roster")


def add(cli: Cli, which: str, uscc: str, date: str, ground: str = "未按规定公示年度报告") -> None:
    cli.ok("lists", "add", "--list", which, uscc, "--ground", ground, "--decision-no", f"历下市监〔{date}〕号",
           "--date", date, "--unit", UNIT)  # fmt: skip


@pytest.mark.parametrize(
    ("removed", "allowed"),
    [("2027-03-14", False), ("2027-03-15", True), ("2027-03-16", True)],  # the day before, of and after one year
)
def test_early_removal_from_the_serious_list_after_one_year(cli: Cli, removed: str, allowed: bool) -> None:
    add(cli, "serious", U1, "2026-03-15", "因从重罚款被列入")
    result = cli("lists", "remove", "--list", "serious", U1, "--reason", "已整改", "--date", removed, "--unit", UNIT)
    if allowed:
        assert result.exit_code == 0, result.stderr
        assert cli.query("SELECT removed_on, removal_reason FROM list_entries")[0][1] == "已整改"
    else:
        assert (result.exit_code, result.stderr) == (
            1,
            f"错误：{U1} 于 2026-03-15 列入严重违法失信名单，2027-03-15 起才可移出\n",
        )
        assert cli.query("SELECT removed_on FROM list_entries") == [(None,)]


def test_who_lists_removes_and_the_dates_are_shown(cli: Cli) -> None:
    add(cli, "serious", U1, "2024-02-29", "因从重罚款被列入")
    add(cli, "abnormal", U2, "2026-07-10")
    rows = json.loads(cli.ok("lists", "list", "--active", "-f", "json").stdout)["rows"]
    assert [(r["list_kind"], r["uscc"], r["removal_from"], r["automatic"]) for r in rows] == [
        ("严重违法失信名单", U1, "2025-02-28", "2027-02-28"),
        ("经营异常名录", U2, "2026-07-10", ""),
    ]
    other = cli("lists", "remove", "--list", "abnormal", U2, "--reason", "已补报", "--date", "2026-08-01",
                "--unit", "济南市市场监督管理局")  # fmt: skip
    assert (other.exit_code, other.stderr) == (
        1,
        f"错误：{U2} 由{UNIT}列入经营异常名录，应由{UNIT}移出（谁列入、谁移出）\n",
    )
    cli.ok("lists", "remove", "--list", "abnormal", U2, "--reason", "已补报", "--date", "2026-08-01", "--unit", UNIT)
    assert [r["uscc"] for r in json.loads(cli.ok("lists", "list", "--active", "-f", "json").stdout)["rows"]] == [U1]
    again = cli("lists", "remove", "--list", "abnormal", U2, "--reason", "x", "--date", "2026-08-02", "--unit", UNIT)
    assert (again.exit_code, again.stderr) == (66, f"错误：{U2} 不在经营异常名录中\n")


def test_listing_twice_or_on_an_unknown_ground_is_refused(cli: Cli) -> None:
    add(cli, "abnormal", U1, "2026-07-10")
    twice = cli("lists", "add", "--list", "abnormal", U1, "--ground", "未按规定公示年度报告", "--decision-no", "2号",
                "--date", "2026-07-11", "--unit", UNIT)  # fmt: skip
    assert twice.exit_code == 1 and "已于 2026-07-10 由" in twice.stderr and "尚未移出" in twice.stderr
    odd = cli("lists", "add", "--list", "abnormal", U2, "--ground", "其他", "--decision-no", "3号",
              "--date", "2026-07-11", "--unit", UNIT)  # fmt: skip
    assert odd.exit_code == 2 and "列入经营异常名录的事由应为：未按规定公示年度报告、" in odd.stderr
    typo = cli("lists", "add", "--list", "abnormal", U2[:-1] + "0", "--ground", "未按规定公示年度报告",
               "--decision-no", "4号", "--date", "2026-07-11", "--unit", UNIT)  # fmt: skip
    assert (typo.exit_code, typo.stderr) == (2, f"错误：统一社会信用代码 {U2[:-1]}0 无效（长度、字符或校验位不符）\n")
    assert cli.count("list_entries") == 1
