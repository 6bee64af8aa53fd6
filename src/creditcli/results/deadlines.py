"""Results are published within 20 working days after the inspection window ends (domain.md §1, §7).

The one deadline covers both steps: the results are entered (the task reaches 已完成) and published on
the 公示系统 (``publicity mark --what results``, the task reaches 已公示) by the 20th working day. A task
is overdue from the day after, until its results notice is published.

A deadline that falls in a year the holiday calendar does not cover cannot be computed: that task is
marked (``日历缺 2027 年``) and every other task is still listed, so that a missing calendar year never
hides, nor fakes, an overdue task.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Date, text

from creditcli.errors import CalendarGap
from creditcli.io.writers import Table
from creditcli.lifecycle import PENDING, PUBLISHED

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from creditcli.workdays import WorkCalendar

RESULT_WORKDAYS = 20
YES, NO, UNKNOWN = "是", "否", "未知"

COLUMNS = (
    ("code", "任务编号"),
    ("name", "任务名称"),
    ("status", "状态"),
    ("window_end", "检查结束日期"),
    ("due", "公示截止日期"),
    ("published_on", "公示日期"),
    ("days_left", "剩余工作日"),
    ("overdue", "逾期"),
    ("note", "备注"),
)


@dataclass(frozen=True)
class Deadline:
    code: str
    name: str
    status: str
    """The entry state (待抽取 … 已公示, lifecycle.py)."""
    window_end: dt.date
    due: dt.date | None
    """The 20th working day after the window: results entered and published by then. None: not computable."""
    published_on: dt.date | None
    """When the results notice was published (the latest ``publicity mark --what results``)."""
    days_left: int | None
    """Working days after today up to the due date (negative: overdue); None once published, or not computable."""
    overdue: bool | None
    """Not published after the due date; None: unknown (the calendar misses the year the deadline needs)."""
    gap: CalendarGap | None = None
    """Why a date of this task could not be computed (the calendar misses a year)."""

    @property
    def note(self) -> str:
        return "" if self.gap is None else self.gap.note


def deadlines(db: Connection, calendar: WorkCalendar, today: dt.date) -> list[Deadline]:
    """Every drawn task, and every task never drawn whose inspection window has ended (the worst
    overdue case), soonest due first (SQLAlchemy Core: a light command needs no ORM)."""
    tasks = text(
        "SELECT t.code, t.name, t.status, t.window_end, p.published_on FROM tasks t LEFT JOIN "
        "(SELECT task_id, MAX(published_on) AS published_on FROM publications WHERE what = :results "
        "GROUP BY task_id) p ON p.task_id = t.id WHERE t.status != :pending OR t.window_end < :today "
        "ORDER BY t.window_end, t.code"
    ).columns(window_end=Date(), published_on=Date())
    rows = db.execute(tasks, {"pending": PENDING, "results": "results", "today": today})
    return [_deadline(calendar, today, t.code, t.name, t.status, t.window_end, t.published_on) for t in rows]


def _deadline(
    calendar: WorkCalendar, today: dt.date, code: str, name: str, status: str, end: dt.date, published: dt.date | None
) -> Deadline:
    done = status == PUBLISHED
    try:
        due = calendar.add_workdays(end, RESULT_WORKDAYS)
    except CalendarGap as gap:
        # The count reached the first day of the missing year with working days still to go: the
        # deadline lies in that year or later, so a task is surely not overdue before that year begins.
        surely_not = done or gap.surely_after(today)
        return Deadline(code, name, status, end, None, published, None, False if surely_not else None, gap)
    if done:
        return Deadline(code, name, status, end, due, published, None, False)
    try:
        left: int | None = calendar.workdays_left(today, due)
    except CalendarGap as gap:  # today lies in the missing year: the count is not known, the date is
        return Deadline(code, name, status, end, due, published, None, today > due, gap)
    return Deadline(code, name, status, end, due, published, left, today > due)


def _text(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def deadline_table(rows: list[Deadline]) -> Table:
    values = [
        (d.code, d.name, d.status, d.window_end.isoformat(), _text(d.due), _text(d.published_on),
         "" if d.days_left is None else d.days_left, UNKNOWN if d.overdue is None else YES if d.overdue else NO,
         d.note)
        for d in rows
    ]  # fmt: skip
    return Table([k for k, _ in COLUMNS], [v for _, v in COLUMNS], [values], "creditcli.deadlines/2")
