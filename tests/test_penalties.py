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
