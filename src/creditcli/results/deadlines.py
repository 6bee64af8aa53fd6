"""Results are due 20 working days after the inspection window ends (domain.md §7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Date, text

from creditcli.io.writers import Table
from creditcli.lifecycle import PENDING, RESULTS_COMPLETE

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from creditcli.workdays import WorkCalendar

RESULT_WORKDAYS = 20

COLUMNS = (
    ("code", "任务编号"),
    ("name", "任务名称"),
    ("status", "状态"),
    ("window_end", "检查结束日期"),
    ("due", "结果录入截止日期"),
    ("days_left", "剩余工作日"),
    ("overdue", "逾期"),
)


@dataclass(frozen=True)
class Deadline:
    code: str
    name: str
    status: str
    window_end: dt.date
    due: dt.date
    days_left: int | None
    """Working days after today up to the due date (negative: overdue); None once results are complete."""
    overdue: bool


def deadlines(db: Connection, calendar: WorkCalendar, today: dt.date) -> list[Deadline]:
    """Every drawn task, soonest due first (SQLAlchemy Core: a light command needs no ORM)."""
    out = []
    tasks = text(
        "SELECT code, name, status, window_end FROM tasks WHERE status != :pending ORDER BY window_end, code"
    ).columns(window_end=Date())
    for task in db.execute(tasks, {"pending": PENDING}):
        due = calendar.add_workdays(task.window_end, RESULT_WORKDAYS)
        done = task.status in RESULTS_COMPLETE
        left = None if done else calendar.workdays_left(today, due)
        out.append(Deadline(task.code, task.name, task.status, task.window_end, due, left, not done and today > due))
    return out


def deadline_table(rows: list[Deadline]) -> Table:
    values = [
        (d.code, d.name, d.status, d.window_end.isoformat(), d.due.isoformat(), d.days_left, d.overdue) for d in rows
    ]
    return Table(
        [k for k, _ in COLUMNS], [v for _, v in COLUMNS], [values], "creditcli.deadlines/1", frozenset({"overdue"})
    )
