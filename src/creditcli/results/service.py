"""Recording inspection results: checked against the task, its draw and its teams, kept with history.

An entry is refused whole (exit 65, every problem listed, nothing written) when its entity was
not drawn in the task, its code is not an active result code, its date lies outside the
inspection window, an inspector is not on the entity's team, or its item is not one of the
task's. Recording the same (entity, item, code) again updates the result, and every field
that changes is kept in ``result_changes`` with the old value, who and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy.orm import Session

from creditcli import clock, lifecycle
from creditcli.db import bulk
from creditcli.db.models import Task
from creditcli.db.sql import idents
from creditcli.draw.service import drawn_codes
from creditcli.draw.tasks import spec_of
from creditcli.errors import DataError, Problem, StateError
from creditcli.lifecycle import standing_draw
from creditcli.results.vocabulary import active_codes
from creditcli.rosters.codes import normalise
from creditcli.teams.service import current_assignment, teams_now

METHODS = ("实地检查", "书面检查", "行政部门检查结果或专业意见", "检验检测", "网络监测", "委托专业机构辅助")
"""核查方式 (domain.md §6)."""
LABELS = {
    "uscc": "统一社会信用代码",
    "result_code": "检查结果代码",
    "method": "核查方式",
    "checked_on": "检查日期",
    "item_code": "抽查事项编码",
    "inspectors": "检查人员执法证号",
}
"""Default names of the checked fields in messages about a file row."""
OPTIONS = {
    "uscc": "统一社会信用代码",
    "result_code": "--result",
    "method": "--method",
    "checked_on": "--date",
    "item_code": "--item",
    "inspectors": "--inspector",
}
"""The terminal's name of each field, for messages about ``results record``."""
FIELDS = ("method", "checked_on", "inspectors", "findings", "action", "action_done", "remarks")
"""The fields of a result that may change on a later record (the key fields never do)."""


class ResultEntry(BaseModel):
    """One result as a user gives it (terminal options or one file row), text already trimmed."""

    model_config = ConfigDict(frozen=True)

    uscc: str
    result_code: str
    checked_on: dt.date
    method: str
    inspectors: tuple[str, ...]
    item_code: str = ""
    findings: str = ""
    action: str = ""
    action_done: bool = False
    remarks: str = ""

    @field_validator("uscc", "method", "findings", "action", "remarks")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("result_code", "item_code")
    @classmethod
    def _code(cls, value: str) -> str:
        return normalise(value)

    @field_validator("inspectors")
    @classmethod
    def _codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(normalise(c) for c in value if normalise(c))


@dataclass(frozen=True)
class Placed:
    """An entry and where it came from, for messages: a file row, or None from the terminal."""

    entry: ResultEntry
    row: int | None = None


@dataclass(frozen=True)
class RecordResult:
    task: str
    status: str
    inserted: int
    updated: int
    unchanged: int
    drawn: int
    with_results: int


def check(
    session: Session, task: Task, entries: Sequence[Placed], headers: Mapping[str, str] | None = None
) -> list[Problem]:
    """Every problem of the entries against the task (StateError if the task has no draw or teams yet).

    ``headers`` names the fields as the file's header row does (default: ``LABELS``).
    """
    names = {**LABELS, **(headers or {})}
    draw = standing_draw(session, task)
    if draw is None:
        raise StateError(f"任务 {task.code} 尚未抽取，不能录入检查结果")
    _, assignment = current_assignment(session, task)
    if assignment is None:
        raise StateError(f"任务 {task.code} 尚未匹配检查组，不能录入检查结果（先用 creditcli tasks assign）")
    drawn = drawn_codes(session, draw)
    teams = teams_now(session, assignment)
    codes = active_codes(session)
    items = set(spec_of(task).items)
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str], int | None] = {}

    def add(p: Placed, field: str, value: str, reason: str) -> None:
        # From the terminal the option is named instead of a file cell.
        place = None if p.row is not None else f"{OPTIONS[field]} {value}".rstrip()
        problems.append(Problem(p.row, names[field], value, reason, place=place))

    for p in entries:
        e = p.entry
        if e.uscc not in drawn:
            add(p, "uscc", e.uscc, f"不是任务 {task.code} 的抽中对象")
        if e.result_code not in codes:
            add(p, "result_code", e.result_code, f"不是在用的检查结果代码（可选：{'、'.join(sorted(codes))}）")
        if e.method not in METHODS:
            add(p, "method", e.method, f"应为：{'、'.join(METHODS)}")
        if not task.window_start <= e.checked_on <= task.window_end:
            reason = f"不在检查时间 {task.window_start} 至 {task.window_end} 之内"
            add(p, "checked_on", e.checked_on.isoformat(), reason)
        if e.item_code and e.item_code not in items:
            add(p, "item_code", e.item_code, f"不是任务 {task.code} 的抽查事项（{'、'.join(sorted(items)) or '无'}）")
        if not e.inspectors:
            add(p, "inspectors", "", "至少填写一名检查组成员的执法证号")
        team = {code for code, _, _ in teams.get(e.uscc, [])}
        for code in e.inspectors:
            if e.uscc in drawn and code not in team:
                add(p, "inspectors", code, f"不在对象 {e.uscc} 的检查组中")
        key = (e.uscc, e.item_code, e.result_code)
        if key in seen:
            where = "同一文件" if seen[key] is None else f"第 {seen[key]} 行"
            add(p, "result_code", e.result_code, f"与{where}重复（同一对象、事项、结果只能有一条）")
        seen[key] = p.row
    return problems


def record(
    session: Session, task: Task, entries: Sequence[Placed], source: str, now: dt.datetime | None = None
) -> RecordResult:
    """Check every entry, then insert or update them all (or nothing: DataError, exit 65)."""
    problems = check(session, task, entries)
    if problems:
        raise DataError(f"{source}: 发现 {len(problems)} 处问题，未录入任何检查结果", problems)
    return write(session, task, entries, source, now)


def write(
    session: Session, task: Task, entries: Sequence[Placed], source: str, now: dt.datetime | None = None
) -> RecordResult:
    """Insert or update checked entries, keeping every change; then move the task's state.

    Through the driver (bulk): 50,000 results as ORM objects took 17 s to write.
    """
    now = now or clock.now()
    stamp = bulk.timestamp(session, now)
    operator = clock.operator()
    columns = idents(("id", "uscc", "item_code", "result_code", *FIELDS))
    stored = {
        (r[1], r[2], r[3]): (r[0], _stored_text(r[4:]))
        for r in bulk.fetch_all(session, f"SELECT {columns} FROM results WHERE task_id = ?", (task.id,))
    }
    new_rows: list[tuple[object, ...]] = []
    updates: list[tuple[object, ...]] = []
    changes: list[tuple[object, ...]] = []
    for p in entries:
        e = p.entry
        values = _values(e)
        old = stored.get((e.uscc, e.item_code, e.result_code))
        if old is None:
            new_rows.append((e.uscc, e.item_code, e.result_code, *values.values()))
            continue
        result_id, before = old
        changed = [(f, before[f], _text(v)) for f, v in values.items() if before[f] != _text(v)]
        changes += [(result_id, f, was, now_) for f, was, now_ in changed]
        if changed:
            updates.append((*values.values(), stamp, result_id))
    constants = {"task_id": task.id, "operator": operator, "recorded_at": stamp, "updated_at": stamp}
    bulk.insert_rows(session, "results", ["uscc", "item_code", "result_code", *FIELDS], new_rows, constants)
    bulk.update_rows(session, "results", [*FIELDS, "updated_at"], updates)
    change_columns = ["result_id", "field", "old_value", "new_value"]
    trail = {"source": source, "operator": operator, "changed_at": stamp}
    bulk.insert_rows(session, "result_changes", change_columns, changes, trail)
    drawn, done = lifecycle.results_recorded(session, task)
    inserted, updated = len(new_rows), len(updates)
    return RecordResult(task.code, task.status, inserted, updated, len(entries) - inserted - updated, drawn, done)


def _stored_text(values: Sequence[object]) -> dict[str, str]:
    """Stored fields as history text (SQLite keeps the flag as 0/1)."""
    return {f: _text(bool(v) if f == "action_done" else v) for f, v in zip(FIELDS, values, strict=True)}


def _values(e: ResultEntry) -> dict[str, object]:
    """The changeable fields as the driver takes them (dates as ISO text on both databases)."""
    return {
        "method": e.method,
        "checked_on": e.checked_on.isoformat(),
        "inspectors": ";".join(e.inspectors),
        "findings": e.findings,
        "action": e.action,
        "action_done": e.action_done,
        "remarks": e.remarks,
    }


def _text(value: object) -> str:
    """A stored or new value as the history keeps it (SQLite gives 0/1 and ISO text, PostgreSQL bool and date)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
