"""deadlines: 20 working days after the window, official holidays and 调休 weekends, a local calendar, cron exit."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import ENTITY_HEADER, Cli, entity_rows, write_csv
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
        ("T3", "2026-05-01:2026-05-31"),
    ):
        cli.ok("tasks", "create", code, "--name", f"任务{code}", "--window", window, "--ratio", "A=1")
    cli.ok("tasks", "draw", "T1", "--seed", "20261127000000000042")
    cli.ok("tasks", "draw", "T2", "--seed", "20261127000000000043")


def test_deadlines_lists_drawn_tasks_and_fails_for_cron(cli: Cli, tmp_path: Path) -> None:
    tasks(cli, tmp_path)
    gap = cli("deadlines", "--today", "2026-10-23")
    assert gap.exit_code == 78 and "2027 年的节假日安排不在日历数据中" in gap.stderr
    calendar = tmp_path / "cal.toml"
    calendar.write_text(LOCAL_2027, encoding="utf-8")
    listed = cli.ok("deadlines", "--today", "2026-10-23", "--calendar", calendar, "-f", "json")
    rows = json.loads(listed.stdout)["rows"]
    assert [(r["code"], r["due"], r["days_left"], r["overdue"]) for r in rows] == [
        ("T1", "2026-10-22", "-1", "是"),
        ("T2", "2027-01-29", "69", "否"),  # Oct 5 + Nov 21 + Dec 23 + Jan 20,
    ]
    late = cli("deadlines", "--today", "2026-10-23", "--calendar", calendar, "--fail-if-overdue", "-f", "csv")
    assert late.exit_code == 1
    assert late.stderr == "错误：1 个任务逾期未录完检查结果：T1\n"
    assert late.stdout.splitlines()[0] == "任务编号,任务名称,状态,检查结束日期,结果录入截止日期,剩余工作日,逾期"
    on_time = cli("deadlines", "--today", "2026-10-22", "--calendar", calendar, "--fail-if-overdue")
    assert on_time.exit_code == 0
