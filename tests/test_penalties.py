"""行政处罚信息公示 by the rules file: table-driven boundaries, the 调休 calendar, and the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import ENTITY_HEADER, U1, U2, Cli, entity_rows, write_csv
from creditcli.credit.penalties import add_months, publicity
from creditcli.credit.rules import load_rules
from creditcli.db.models import Penalty
from creditcli.errors import ConfigError
from creditcli.workdays import WorkCalendar

RULES = load_rules().penalty_publicity
WORK = WorkCalendar()
D = dt.date


def penalty(**fields: object) -> Penalty:
    base: dict[str, object] = {
        "decision_no": "济历市监罚〔2026〕1号",
        "uscc": U1,
        "party_kind": "法人及其他组织",
        "decided_on": D(2026, 3, 2),
        "kinds": "罚款",
        "amount": "200000",
        "procedure": "普通程序",
        "restriction_until": None,
        "published_on": None,
    }
    return Penalty(**{**base, **fields})


@pytest.mark.parametrize(
    ("day", "months", "want"),
    [(D(2026, 1, 31), 3, D(2026, 4, 30)), (D(2026, 11, 30), 3, D(2027, 2, 28)), (D(2024, 2, 29), 36, D(2027, 2, 28))],
)
def test_months_end_on_the_same_day_or_the_months_last(day: dt.date, months: int, want: dt.date) -> None:
    assert add_months(day, months) == want


@pytest.mark.parametrize(
    ("decided", "publish_by"),
    [
        (D(2026, 9, 17), D(2026, 10, 21)),  # the day before
        (D(2026, 9, 18), D(2026, 10, 22)),  # across 中秋/国庆 and the working Sunday 9/20 and Saturday 10/10
        (D(2026, 9, 19), D(2026, 10, 22)),  # a Saturday: the count starts from the next working day as well
        (D(2026, 9, 21), D(2026, 10, 26)),  # the day after the Sunday worked: Friday 10/23 is only the 19th
    ],
)
def test_publication_is_due_on_the_twentieth_working_day(decided: dt.date, publish_by: dt.date) -> None:
    assert publicity(penalty(decided_on=decided), RULES, WORK).publish_by == publish_by


@pytest.mark.parametrize(
    ("party", "amount", "months"),
    [
        ("法人及其他组织", "99999.99", 3),
        ("法人及其他组织", "100000", 36),  # the threshold itself is no longer "较低数额"
        ("自然人", "9999", 3),
        ("自然人", "10000", 36),
    ],
)
def test_a_low_fine_is_published_three_months_others_three_years(party: str, amount: str, months: int) -> None:
    got = publicity(penalty(party_kind=party, amount=amount, published_on=D(2026, 3, 31)), RULES, WORK)
    assert got.end == add_months(D(2026, 3, 31), months)


def test_restrictions_early_stop_and_what_is_never_published() -> None:
    long = publicity(penalty(published_on=D(2026, 3, 10)), RULES, WORK)
    assert (long.end, long.early_stop_from) == (D(2029, 3, 10), D(2027, 3, 10))
    restricted = penalty(kinds="罚款;限制从业", published_on=D(2026, 3, 10), restriction_until=D(2031, 6, 30))
    assert (publicity(restricted, RULES, WORK).end, publicity(restricted, RULES, WORK).early_stop_from) == (
        D(2031, 6, 30),
        None,
    )
    revoked = publicity(penalty(kinds="吊销营业执照", published_on=D(2026, 3, 10)), RULES, WORK)
    assert revoked.early_stop_from is None
    short = publicity(penalty(kinds="通报批评", amount=None, published_on=D(2026, 3, 10)), RULES, WORK)
    assert (short.end, short.early_stop_from) == (D(2026, 6, 10), None)
    assert publicity(penalty(procedure="简易程序"), RULES, WORK).published is False
    warning = publicity(penalty(kinds="警告", amount=None), RULES, WORK)
    assert (warning.published, warning.reason) == (False, "仅受警告的处罚不公示")


def test_a_bureau_overrides_one_threshold(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text("[penalty_publicity]\nfine_threshold_organisation = 50000\n", encoding="utf-8")
    rules = load_rules(path)
    assert rules.penalty_publicity.fine_threshold_organisation == 50000
    assert rules.penalty_publicity.long_years == 3  # everything else as shipped
    path.write_text("[penalty_publicity]\nlong_years = '三'\n", encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_rules(path)
    reason = '应为 0 到 100 之间的整数（年），而不是 "三"'
    assert refused.value.message == f"规则文件 {path} 有误：penalty_publicity.long_years: {reason}"


HEADER = ["决定书文号", "统一社会信用代码", "处罚决定日期", "处罚种类", "罚款金额", "处罚程序", "公示日期"]


def test_import_list_show_and_due(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "roster.csv", ENTITY_HEADER, entity_rows()))
    rows = [
        ["济历市监罚〔2026〕1号", U1, "2026-09-18", "罚款", "200000", "普通程序", ""],
        ["济历市监罚〔2026〕2号", U2, "2026-01-05", "罚款、没收违法所得", "5000", "普通", "2026-01-31"],
        ["济历市监罚〔2026〕3号", U2, "2026-02-01", "警告", "", "简易", ""],
    ]
    cli.ok("penalties", "import", write_csv(tmp_path / "p.csv", HEADER, rows))
    listed = json.loads(cli.ok("penalties", "list", "-f", "json").stdout)["rows"]
    assert [(r["decision_no"][-3:], r["published"], r["publish_by"], r["end"]) for r in listed] == [
        ("〕2号", "是", "2026-02-02", "2029-01-31"),  # 没收违法所得 too: not only a low fine
        ("〕3号", "否", "", ""),
        ("〕1号", "是", "2026-10-22", ""),
    ]
    shown = json.loads(cli.ok("penalties", "show", "济历市监罚〔2026〕2号", "-f", "json").stdout)
    assert (shown["early_stop_from"], shown["reason"]) == ("2027-01-31", "公示 3 年（限制期更长的到限制期满）")

    def due(today: str) -> list[tuple[str, str, str]]:
        out = json.loads(cli.ok("penalties", "due", "--today", today, "-f", "json").stdout)["rows"]
        return [(r["action"], r["date"], r["overdue"]) for r in out]

    assert due("2026-10-21") == [("应公示", "2026-10-22", "否")]
    assert due("2026-10-22") == [("应公示", "2026-10-22", "否")]
    assert due("2026-10-23") == [("应公示", "2026-10-22", "是")]
    assert due("2029-01-30") == [("应公示", "2026-10-22", "是")]
    assert due("2029-01-31") == [("应撤下", "2029-01-31", "否"), ("应公示", "2026-10-22", "是")]
    bad = cli(
        "penalties",
        "import",
        write_csv(tmp_path / "bad.csv", HEADER, [["x号", U1, "2026-01-05", "罚款", "五千", "", ""]]),
    )
    assert bad.exit_code == 65
    assert "第 2 行 “罚款金额”: 五千 应为以元计的金额：0 到 1000000000000 元，最多两位小数" in bad.stderr
    missing = cli("penalties", "show", "没有这个")
    assert (missing.exit_code, missing.stderr) == (66, "错误：没有决定书文号为 没有这个 的行政处罚\n")


GAP_HINT = (
    "注意：2027 年的节假日安排不在日历数据中：请在本地日历文件中补充该年（配置项 calendar_file 或 --calendar，"
    "格式见 docs/results.md）。标为“日历缺 2027 年”的处罚暂缺应公示日期，其余照常列出\n"
)


def test_a_missing_calendar_year_marks_one_decision_and_lists_the_rest(cli: Cli, tmp_path: Path) -> None:
    """A decision of late December needs next year's holidays for its deadline: that one is marked, the others
    are listed and due as ever (before, one such decision made penalties list exit 78 for every decision)."""
    cli.ok("entities", "import", write_csv(tmp_path / "roster.csv", ENTITY_HEADER, entity_rows()))
    rows = [
        ["罚1号", U1, "2026-09-18", "罚款", "200000", "普通程序", ""],
        ["罚2号", U2, "2026-01-05", "罚款", "200000", "普通程序", "2026-01-31"],
        ["罚9号", U1, "2026-12-20", "罚款", "200000", "普通程序", ""],
    ]
    cli.ok("penalties", "import", write_csv(tmp_path / "p.csv", HEADER, rows))
    before = cli.dump()
    listed = cli("penalties", "list", "-f", "json")
    assert (listed.exit_code, listed.stderr) == (0, GAP_HINT)
    got = [(r["decision_no"], r["publish_by"], r["end"], r["note"]) for r in json.loads(listed.stdout)["rows"]]
    assert got == [
        ("罚2号", "2026-02-02", "2029-01-31", ""),
        ("罚1号", "2026-10-22", "", ""),
        ("罚9号", "", "", "日历缺 2027 年"),
    ]

    def due(today: str) -> list[tuple[str, str, str, str, str]]:
        result = cli("-q", "penalties", "due", "--today", today, "-f", "json")
        assert (result.exit_code, result.stderr) == (0, "")
        out = json.loads(result.stdout)["rows"]
        return [(r["action"], r["decision_no"], r["date"], r["overdue"], r["note"]) for r in out]

    assert due("2026-12-28") == [
        ("应公示", "罚1号", "2026-10-22", "是", ""),
        ("应公示", "罚9号", "", "否", "日历缺 2027 年"),
    ]
    assert due("2027-02-01")[1] == ("应公示", "罚9号", "", "未知", "日历缺 2027 年")  # it may have passed
    shown = cli("penalties", "show", "罚9号", "-f", "json")
    assert (shown.exit_code, shown.stderr) == (0, GAP_HINT)
    assert (json.loads(shown.stdout)["publish_by"], json.loads(shown.stdout)["note"]) == (None, "日历缺 2027 年")
    calendar = tmp_path / "cal.toml"
    calendar.write_text('[2027]\nholidays = ["2027-01-01"]\n', encoding="utf-8")
    counted = json.loads(cli.ok("penalties", "list", "--calendar", calendar, "-f", "json").stdout)["rows"]
    assert (counted[2]["publish_by"], counted[2]["note"]) == ("2027-01-18", "")
    assert cli.dump() == before


REPAIR_HEADER = ["决定书文号", "统一社会信用代码", "处罚决定日期", "处罚种类", "罚款金额", "公示日期", "履行日期"]
UNIT = "济南市历下区市场监督管理局"


def test_penalties_and_repair_check_agree_and_an_early_end_is_shown(cli: Cli, tmp_path: Path) -> None:
    """One computation of the publicity dates: penalties list/show and repair check give the same end and the
    same first day an early stop (信用修复) may be applied for; once repaired, penalties show who ended it."""
    cli.ok("entities", "import", write_csv(tmp_path / "roster.csv", ENTITY_HEADER, entity_rows()))
    rows = [
        ["罚1号", U1, "2025-09-01", "罚款", "200000", "2025-09-20", "2025-10-01"],
        ["罚2号", U1, "2025-09-01", "通报批评", "", "2025-09-20", ""],
        ["罚3号", U1, "2025-09-01", "吊销营业执照", "", "2025-09-20", "2025-09-20"],
        ["罚4号", U1, "2026-03-02", "罚款", "200000", "", ""],  # not yet published
    ]
    cli.ok("penalties", "import", write_csv(tmp_path / "p.csv", REPAIR_HEADER, rows))
    listed = {r["decision_no"]: r for r in json.loads(cli.ok("penalties", "list", "-f", "json").stdout)["rows"]}
    checked = {r["ref"]: r for r in json.loads(cli.ok("repair", "check", U1, "-f", "json").stdout)["rows"]}
    for no in ("罚1号", "罚2号", "罚3号"):
        assert (checked[no]["automatic"], checked[no]["apply_from"]) == (
            listed[no]["end"],
            listed[no]["early_stop_from"],
        )
    assert [(listed[n]["end"], listed[n]["early_stop_from"]) for n in ("罚1号", "罚2号", "罚3号")] == [
        ("2028-09-20", "2026-09-20"),
        ("2025-12-20", ""),
        ("2028-09-20", ""),
    ]
    assert (checked["罚4号"]["since"], checked["罚4号"]["automatic"]) == ("2026-03-02", "2029-03-02")
    refused = cli("repair", "record", U1, "--kind", "penalty", "--ref", "罚3号", "--date", "2026-10-01",
                  "--decision-no", "修复3号", "--unit", UNIT)  # fmt: skip
    assert (refused.exit_code, refused.stderr) == (
        1,
        "错误：行政处罚 罚3号（吊销营业执照） 的公示不得提前停止（总局令第45号第十五条），"
        "公示满期（2028-09-20）自动停止\n",
    )
    assert cli.count("repairs") == 0
    cli.ok("repair", "record", U1, "--kind", "penalty", "--ref", "罚1号", "--date", "2026-10-01",
           "--decision-no", "修复1号", "--unit", UNIT)  # fmt: skip
    listed = {r["decision_no"]: r for r in json.loads(cli.ok("penalties", "list", "-f", "json").stdout)["rows"]}
    assert (listed["罚1号"]["withdrawn_on"], listed["罚1号"]["repair"]) == (
        "2026-10-01",
        f"修复1号（2026-10-01，{UNIT}）",
    )
    assert (listed["罚2号"]["withdrawn_on"], listed["罚2号"]["repair"]) == ("", "")
    shown = json.loads(cli.ok("penalties", "show", "罚1号", "-f", "json").stdout)
    assert (shown["withdrawn_on"], shown["repair"], shown["end"]) == (
        "2026-10-01",
        f"修复1号（2026-10-01，{UNIT}）",
        "2028-09-20",
    )
    table = cli.ok("penalties", "show", "罚1号").stdout
    assert "撤下日期" in table and "修复决定" in table and "修复1号（2026-10-01" in table
    assert checked != {r["ref"]: r for r in json.loads(cli.ok("repair", "check", U1, "-f", "json").stdout)["rows"]}
    stored = cli.query(
        "SELECT p.withdrawn_on, r.decision_no FROM penalties p JOIN repairs r ON r.record_ref = p.decision_no"
    )
    assert [(str(day), no) for day, no in stored] == [("2026-10-01", "修复1号")]
