"""deadlines: 20 working days after the window, official holidays and 调休 weekends, a local calendar, cron exit."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import ENTITY_HEADER, Cli, entity_rows, record_result, write_csv
from creditcli.errors import CalendarGap, ConfigError
from creditcli.workdays import WorkCalendar, load_calendar

LOCAL_2027 = """
# 国务院办公厅关于2027年部分节假日安排的通知（示例）
[2027]
holidays = ["2027-01-01"]
workdays = []
"""


def test_twenty_working_days_skip_the_national_day_week_and_count_its_working_weekends() -> None:
    # 2026: 中秋 9/25–27 off, 国庆 10/1–7 off, Sunday 9/20 and Saturday 10/10 are working days.
    work = WorkCalendar()
    assert work.add_workdays(dt.date(2026, 9, 18), 20) == dt.date(2026, 10, 22)
    assert work.add_workdays(dt.date(2026, 6, 30), 20) == dt.date(2026, 7, 28)
    assert work.workdays_left(dt.date(2026, 10, 21), dt.date(2026, 10, 22)) == 1
    assert work.workdays_left(dt.date(2026, 10, 26), dt.date(2026, 10, 22)) == -2  # 10/23 and 10/26


def test_a_year_beyond_the_package_needs_the_local_calendar(tmp_path: Path) -> None:
    with pytest.raises(CalendarGap, match="2027 年的节假日安排不在日历数据中"):
        WorkCalendar().add_workdays(dt.date(2026, 12, 31), 20)
    path = tmp_path / "cal.toml"
    path.write_text(LOCAL_2027, encoding="utf-8")
    assert load_calendar(path).add_workdays(dt.date(2026, 12, 31), 20) == dt.date(2027, 1, 29)
    path.write_text('[2027]\nholidays = ["2027-13-01"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[2027\] holidays 中的 2027-13-01 不是日期"):
        load_calendar(path)


def tasks(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    for code, window in (
        ("T1", "2026-03-01:2026-09-18"),
        ("T2", "2026-11-01:2026-12-31"),
        ("T3", "2027-05-01:2027-05-31"),  # never drawn, its window still ahead: not listed
    ):
        cli.ok("tasks", "create", code, "--name", f"任务{code}", "--window", window, "--ratio", "A=1")
    cli.ok("tasks", "draw", "T1", "--seed", "20261127000000000042")
    cli.ok("tasks", "draw", "T2", "--seed", "20261127000000000043")


def test_deadlines_lists_drawn_tasks_and_fails_for_cron(cli: Cli, tmp_path: Path) -> None:
    tasks(cli, tmp_path)
    calendar = tmp_path / "cal.toml"
    calendar.write_text(LOCAL_2027, encoding="utf-8")
    listed = cli.ok("deadlines", "--today", "2026-10-23", "--calendar", calendar, "-f", "json")
    assert json.loads(listed.stdout)["schema"] == "creditcli.deadlines/2"
    rows = json.loads(listed.stdout)["rows"]
    assert [(r["code"], r["status"], r["due"], r["published_on"], r["days_left"], r["overdue"], r["note"])
            for r in rows] == [
        ("T1", "已抽取", "2026-10-22", "", "-1", "是", ""),
        ("T2", "已抽取", "2027-01-29", "", "69", "否", ""),  # Oct 5 + Nov 21 + Dec 23 + Jan 20,
    ]  # fmt: skip
    late = cli("deadlines", "--today", "2026-10-23", "--calendar", calendar, "--fail-if-overdue", "-f", "csv")
    assert late.exit_code == 1
    assert late.stderr == "错误：1 个任务逾期未公示检查结果：T1\n"
    header = "任务编号,任务名称,状态,检查结束日期,公示截止日期,公示日期,剩余工作日,逾期,备注"
    assert late.stdout.splitlines()[0] == header
    on_time = cli("deadlines", "--today", "2026-10-22", "--calendar", calendar, "--fail-if-overdue")
    assert on_time.exit_code == 0


GAP_HINT = (
    "注意：2027 年的节假日安排不在日历数据中：请在本地日历文件中补充该年（配置项 calendar_file 或 --calendar，"
    "格式见 docs/results.md）。标为“日历缺 2027 年”的任务：T2\n"
)


def test_a_missing_calendar_year_marks_only_the_task_that_needs_it(cli: Cli, tmp_path: Path) -> None:
    """One Q4 task whose deadline lies in a year the holiday data lacks: the others are still listed and
    checked, and cron hears of an overdue task, not of the missing year (unless it asks to)."""
    tasks(cli, tmp_path)
    before = cli.dump()
    gap = cli("deadlines", "--today", "2026-10-23", "-f", "json")
    assert (gap.exit_code, gap.stderr) == (0, GAP_HINT)
    rows = json.loads(gap.stdout)["rows"]
    assert [(r["code"], r["due"], r["days_left"], r["overdue"], r["note"]) for r in rows] == [
        ("T1", "2026-10-22", "-1", "是", ""),
        ("T2", "", "", "否", "日历缺 2027 年"),  # due in 2027 at the earliest: not overdue in 2026
    ]
    late = cli("-q", "deadlines", "--today", "2026-10-23", "--fail-if-overdue")
    assert (late.exit_code, late.stderr) == (1, "错误：1 个任务逾期未公示检查结果：T1\n")  # -q: no hint
    on_time = cli("-q", "deadlines", "--today", "2026-10-22", "--fail-if-overdue")
    assert (on_time.exit_code, on_time.stderr) == (0, "")  # the missing year alone is no alarm
    unknown = cli("-q", "deadlines", "--today", "2026-10-22", "--fail-if-unknown")
    assert (unknown.exit_code, unknown.stderr) == (
        78,
        "错误：1 个任务的期限无法计算（日历缺 2027 年）：T2；请在本地日历文件中补充该年（配置项 calendar_file 或 "
        "--calendar，格式见 docs/results.md）\n",
    )
    both = cli("-q", "deadlines", "--today", "2026-10-23", "--fail-if-overdue", "--fail-if-unknown")
    assert both.exit_code == 1  # the overdue task first: it is what the law asks about
    in_2027 = cli("-q", "deadlines", "--today", "2027-02-01", "-f", "json")  # today itself lies in the gap
    assert in_2027.exit_code == 0, in_2027.stderr
    assert [(r["code"], r["due"], r["days_left"], r["overdue"], r["note"])
            for r in json.loads(in_2027.stdout)["rows"]] == [
        ("T1", "2026-10-22", "", "是", "日历缺 2027 年"),
        ("T2", "", "", "未知", "日历缺 2027 年"),
    ]  # fmt: skip
    assert cli.dump() == before


def results_complete(cli: Cli, assigned: dict[str, list[str]]) -> None:
    for uscc, team in assigned.items():
        assert record_result(cli, uscc, team).exit_code == 0


def test_completed_but_unpublished_results_are_overdue_after_the_deadline(
    cli: Cli, assigned: dict[str, list[str]]
) -> None:
    """Domain.md §1: results are published within 20 working days; entered is not enough."""
    results_complete(cli, assigned)  # T1: window ends 2026-06-30, due 2026-07-28
    listed = json.loads(cli.ok("deadlines", "--today", "2026-07-29", "-f", "json").stdout)["rows"]
    assert [(r["status"], r["due"], r["published_on"], r["days_left"], r["overdue"]) for r in listed] == [
        ("已完成", "2026-07-28", "", "-1", "是")
    ]
    late = cli("deadlines", "--today", "2026-07-29", "--fail-if-overdue", "--wide")
    assert (late.exit_code, late.stderr) == (1, "错误：1 个任务逾期未公示检查结果：T1\n")
    assert cli("deadlines", "--today", "2026-07-28", "--fail-if-overdue").exit_code == 0
    cli.ok("publicity", "mark", "T1", "--what", "results", "--date", "2026-07-30")
    published = json.loads(cli.ok("deadlines", "--today", "2026-08-03", "-f", "json").stdout)["rows"]
    assert [(r["status"], r["published_on"], r["days_left"], r["overdue"]) for r in published] == [
        ("已公示", "2026-07-30", "", "否")
    ]
    assert cli("deadlines", "--today", "2026-08-03", "--fail-if-overdue").exit_code == 0
    assert cli.query("SELECT status FROM tasks WHERE code = 'T1'") == [("已公示",)]


def test_a_task_never_drawn_after_its_window_is_overdue(cli: Cli, tmp_path: Path) -> None:
    """Found by a hostile trial: a task whose inspection window passed without a draw was not listed at
    all, so cron's alarm stayed silent for the worst case."""
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    cli.ok("tasks", "create", "OLD", "--name", "忘了抽取", "--window", "2026-03-01:2026-04-30", "--ratio", "A=1")
    rows = json.loads(cli.ok("deadlines", "--today", "2026-11-02", "-f", "json").stdout)["rows"]
    assert [(r["code"], r["status"], r["overdue"]) for r in rows] == [("OLD", "待抽取", "是")]
    late = cli("-q", "deadlines", "--today", "2026-11-02", "--fail-if-overdue")
    assert (late.exit_code, late.stderr) == (1, "错误：1 个任务逾期未公示检查结果：OLD\n")
