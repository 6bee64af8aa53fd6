"""Recording inspection results: checked against the task, its draw and its teams, kept with history.

An entry is refused whole (exit 65, every problem listed, nothing written) when its entity was
not drawn in the task, its code is not an active result code, its date lies outside the
inspection window, an inspector is not on the entity's team, fewer than two 执法人员 of that team
did the inspection (行政处罚法 第四十二条; experts do not count), or its item is not one of the
task's. Recording the same (entity, item, code) again updates the result, and every field
that changes is kept in ``result_changes`` with the old value, who and when.

A wrong result is withdrawn, never deleted (``results withdraw``, or 撤回 / 替代结果代码 in the
file): the row keeps who, when and why, stays in the history and the archive, and no longer counts
for the task's progress, the public list or credit. Recording the same result again reinstates it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy.orm import Session

from creditcli import clock, lifecycle
from creditcli.db import bulk
from creditcli.db.models import ResultCode, Task
from creditcli.db.sql import idents
from creditcli.draw.records import drawn_codes
from creditcli.draw.tasks import spec_of
from creditcli.errors import DataError, InputMissingError, Problem, StateError, UsageError
from creditcli.lifecycle import standing_draw
from creditcli.results.vocabulary import active_codes
from creditcli.rosters.codes import normalise
from creditcli.teams.service import current_assignment, teams_now
from creditcli.teams.solver import SUPPORT

METHODS = ("实地检查", "书面检查", "行政部门检查结果或专业意见", "检验检测", "网络监测", "委托专业机构辅助")
"""核查方式 (domain.md §6)."""
LABELS = {
    "uscc": "统一社会信用代码",
    "result_code": "检查结果代码",
    "method": "核查方式",
    "checked_on": "检查日期",
    "item_code": "抽查事项编码",
    "inspectors": "检查人员执法证号",
    "withdraw": "撤回",
    "reason": "撤回原因",
    "replaces": "替代结果代码",
}
"""Default names of the checked fields in messages about a file row."""
OPTIONS = {
    "uscc": "统一社会信用代码",
    "result_code": "--result",
    "method": "--method",
    "checked_on": "--date",
    "item_code": "--item",
    "inspectors": "--inspector",
    "withdraw": "results withdraw",
    "reason": "--reason",
    "replaces": "--replaces",
}
"""The terminal's name of each field, for messages about ``results record``."""
FIELDS = ("method", "checked_on", "inspectors", "findings", "action", "action_done", "remarks")
"""The fields of a result that may change on a later record (the key fields never do)."""
WITHDRAWAL = ("withdrawn_at", "withdrawn_by", "withdrawn_reason")
"""Who withdrew a result, when and why (all empty while it stands)."""
TRACKED = (*FIELDS, "replaces", *WITHDRAWAL)
"""Every field ``result_changes`` follows: its history must lead to the stored value (tasks verify)."""
TRACKED_LABELS = {
    "method": "核查方式",
    "checked_on": "检查日期",
    "inspectors": "检查人员",
    "findings": "发现问题情况",
    "action": "后续处置措施",
    "action_done": "后续处置是否完成",
    "remarks": "备注",
    "replaces": "替代结果代码",
    "withdrawn_at": "撤回时间",
    "withdrawn_by": "撤回人",
    "withdrawn_reason": "撤回原因",
}
"""The tracked fields as people read them (results list --all, tasks verify)."""
MIN_OFFICERS = 2
"""行政处罚法 第四十二条 (domain.md §4): at least two 执法人员 inspect; experts do not count."""


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
    withdraw: bool = False
    """Withdraw the stored result of this (entity, item, code) instead of recording it (撤回)."""
    reason: str = ""
    """Why it is withdrawn (for ``withdraw``, or for the result ``replaces`` names)."""
    replaces: str = ""
    """A result code of the same entity and item that this result corrects: it is withdrawn."""

    @field_validator("uscc", "method", "findings", "action", "remarks", "reason")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("result_code", "item_code", "replaces")
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
    withdrawn: int = 0
    """Results withdrawn by this write (撤回 rows and the results that 替代结果代码 names)."""


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
    stored = stored_keys(session, task)
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str], int | None] = {}
    recorded = {(p.entry.uscc, p.entry.item_code, p.entry.result_code) for p in entries if not p.entry.withdraw}
    gone = {(p.entry.uscc, p.entry.item_code, p.entry.result_code) for p in entries if p.entry.withdraw}
    gone |= {(p.entry.uscc, p.entry.item_code, p.entry.replaces) for p in entries if p.entry.replaces}

    def add(p: Placed, field: str, value: str, reason: str) -> None:
        # From the terminal the option is named instead of a file cell.
        place = None if p.row is not None else f"{OPTIONS[field]} {value}".rstrip()
        problems.append(Problem(p.row, names[field], value, reason, place=place))

    for p in entries:
        e = p.entry
        key = (e.uscc, e.item_code, e.result_code)
        if key in seen:
            where = "同一文件" if seen[key] is None else f"第 {seen[key]} 行"
            add(p, "result_code", e.result_code, f"与{where}重复（同一对象、事项、结果只能有一条）")
        seen[key] = p.row
        if e.uscc not in drawn:
            add(p, "uscc", e.uscc, f"不是任务 {task.code} 的抽中对象")
            continue
        if e.withdraw:
            if key not in stored:
                add(p, "result_code", e.result_code, f"对象 {e.uscc} 没有这条检查结果，无法撤回")
            elif not e.reason and not stored[key]:
                add(p, "reason", "", "撤回检查结果时须写明撤回原因")
            continue
        if e.result_code not in codes:
            allowed = "、".join(f"{c.code} {c.text}" for c in codes.values())
            add(p, "result_code", e.result_code, f"不是在用的检查结果代码（可选：{allowed}）")
        if e.method not in METHODS:
            add(p, "method", e.method, f"应为：{'、'.join(METHODS)}")
        if not task.window_start <= e.checked_on <= task.window_end:
            reason = f"不在检查时间 {task.window_start} 至 {task.window_end} 之内"
            add(p, "checked_on", e.checked_on.isoformat(), reason)
        if e.item_code and e.item_code not in items:
            add(p, "item_code", e.item_code, f"不是任务 {task.code} 的抽查事项（{'、'.join(sorted(items)) or '无'}）")
        team = {code: role for code, role, _ in teams.get(e.uscc, [])}
        outsiders = [code for code in e.inspectors if code not in team]
        for code in outsiders:
            add(p, "inspectors", code, f"不在对象 {e.uscc} 的检查组中")
        officers = {code for code in e.inspectors if code in team and team[code] != SUPPORT}
        if len(officers) < MIN_OFFICERS and not outsiders:
            shown = "、".join(e.inspectors)
            add(p, "inspectors", shown, _too_few(e.uscc, len(officers)))
        if p.row is not None and stored.get(key):
            add(
                p,
                "withdraw",
                "",
                "这条结果已撤回：录入表中清空“撤回”不能恢复它；确需恢复请用 creditcli results record 录入（留痕）",
            )
        clash = _contradicted(e, stored, gone, recorded, codes)
        if clash:
            add(
                p,
                "result_code",
                e.result_code,
                f"与对象 {e.uscc} 现有的检查结果 {clash} 矛盾（未发现问题与其他结果不能并存）：更正录错的结果请加 "
                f"--replaces {clash.split()[0]}（录入表填“替代结果代码”），或先用 creditcli results withdraw 撤回",
            )
        if e.replaces:
            replaced = (e.uscc, e.item_code, e.replaces)
            if e.replaces == e.result_code:
                add(p, "replaces", e.replaces, "不能替代自身")
            elif replaced not in stored:
                add(p, "replaces", e.replaces, f"对象 {e.uscc} 没有这条检查结果，无法替代")
            elif replaced in recorded:
                add(p, "replaces", e.replaces, "同一文件又录入了这条结果：替代与录入只能选一")
    return problems


def _contradicted(
    e: ResultEntry,
    stored: Mapping[tuple[str, str, str], bool],
    gone: set[tuple[str, str, str]],
    recorded: set[tuple[str, str, str]],
    codes: Mapping[str, ResultCode],
) -> str:
    """The result this entry contradicts, as ``代码 名称`` ('' for none): a result that found nothing
    (未发现……) cannot stand beside another result of the same entity and item once the entries are
    written — the public list would say both. Correcting one is withdrawing or replacing it."""
    if e.withdraw or e.result_code not in codes:
        return ""
    standing = {k for k, withdrawn in stored.items() if not withdrawn} - gone
    others = {c for u, i, c in standing | recorded if (u, i) == (e.uscc, e.item_code) and c != e.result_code}
    if not others:
        return ""

    def clean(code: str) -> bool:
        return code in codes and codes[code].text.startswith("未发现")

    mine = clean(e.result_code)
    for other in sorted(others):
        if other in codes and (mine or clean(other)):
            return f"{other} {codes[other].text}"
    return ""


def _too_few(uscc: str, officers: int) -> str:
    return (
        f"只有 {officers} 名执法人员：对象 {uscc} 的检查须由其检查组中至少 {MIN_OFFICERS} 名执法人员进行"
        "（行政处罚法第四十二条；专家和第三方人员不计入），请填写全部参加检查的执法人员"
    )


@dataclass(frozen=True)
class Stored:
    """A stored result: its id, its tracked fields as history text, and whether it is withdrawn."""

    id: int
    text: dict[str, str]

    @property
    def withdrawn(self) -> bool:
        return bool(self.text["withdrawn_at"])


def stored_results(session: Session, task: Task) -> dict[tuple[str, str, str], Stored]:
    """The task's results by (entity, item, code), withdrawn ones too."""
    columns = idents(("id", "uscc", "item_code", "result_code", *TRACKED))
    rows = bulk.fetch_all(session, f"SELECT {columns} FROM results WHERE task_id = ?", (task.id,))
    return {(r[1], r[2], r[3]): Stored(int(r[0]), stored_text(r[4:])) for r in rows}


def stored_keys(session: Session, task: Task) -> dict[tuple[str, str, str], bool]:
    """The task's results by (entity, item, code): withdrawn or not (all a check needs, read cheaply)."""
    sql = "SELECT uscc, item_code, result_code, withdrawn_at FROM results WHERE task_id = ?"
    return {(u, i, c): w is not None for u, i, c, w in bulk.fetch_all(session, sql, (task.id,))}


METHOD_VARIANTS = {
    "实地核查": "实地检查",
    "现场检查": "实地检查",
    "现场核查": "实地检查",
    "书面核查": "书面检查",
    "书面审查": "书面检查",
    "检验": "检验检测",
    "检测": "检验检测",
    "网络核查": "网络监测",
    "网络检查": "网络监测",
    "委托专业机构": "委托专业机构辅助",
    "专业意见": "行政部门检查结果或专业意见",
}
"""核查方式 as people write it -> the vocabulary's word (domain.md §6)."""


def as_written(session: Session, task: Task, entries: Sequence[Placed]) -> list[Placed]:
    """Entries with a result code given by its label (``未发现问题``) or as the template's drop-down shows
    it (``1 未发现问题``) turned into the code, and a common variant of 核查方式 (``实地核查``) into the
    vocabulary's word; a result without an item of a task with one item is that item's. Anything
    else is left for :func:`check` to refuse with the allowed values."""
    codes = active_codes(session)
    items = spec_of(task).items
    only_item = items[0] if len(items) == 1 else ""
    labels = {normalise(c.text): code for code, c in codes.items()}
    labels |= {normalise(f"{code}{c.text}"): code for code, c in codes.items()}

    def code_of(typed: str) -> str:
        return typed if typed in codes else labels.get(typed, typed)

    out = []
    for p in entries:
        e = p.entry
        update = {"result_code": code_of(e.result_code), "method": METHOD_VARIANTS.get(e.method, e.method)}
        update["item_code"] = e.item_code or only_item
        if e.replaces:
            update["replaces"] = code_of(e.replaces)
        out.append(Placed(e.model_copy(update=update), p.row))
    return out


def choices(session: Session) -> dict[str, list[str]]:
    """What the result template's drop-downs offer: codes as ``代码 名称`` in vocabulary order, the
    核查方式, 是/否."""
    codes = [f"{c.code} {c.text}" for c in active_codes(session).values()]
    return {"result_code": codes, "method": list(METHODS), "action_done": ["是", "否"]}


def record(
    session: Session, task: Task, entries: Sequence[Placed], source: str, now: dt.datetime | None = None
) -> RecordResult:
    """Check every entry, then insert or update them all (or nothing: DataError, exit 65)."""
    entries = as_written(session, task, entries)
    problems = check(session, task, entries)
    if problems:
        raise DataError(f"{source}: 发现 {len(problems)} 处问题，未录入任何检查结果", problems)
    return write(session, task, entries, source, now)


def write(
    session: Session, task: Task, entries: Sequence[Placed], source: str, now: dt.datetime | None = None
) -> RecordResult:
    """Insert, update or withdraw checked entries, keeping every change; then move the task's state.

    Through the driver (bulk): 50,000 results as ORM objects took 17 s to write.
    """
    now = (now or clock.now()).replace(microsecond=0)
    stamp = bulk.timestamp(session, now)
    operator = clock.operator()
    stored = stored_results(session, task)
    new_rows: list[tuple[object, ...]] = []
    updates: list[tuple[object, ...]] = []
    changes: list[tuple[object, ...]] = []
    withdrawals: dict[int, str] = {}
    unchanged = 0
    for p in entries:
        e = p.entry
        old = stored.get((e.uscc, e.item_code, e.result_code))
        if e.withdraw:
            assert old is not None  # checked
            if old.withdrawn:
                unchanged += 1
            else:
                withdrawals.setdefault(old.id, e.reason)
            continue
        if e.replaces:
            replaced = stored[(e.uscc, e.item_code, e.replaces)]
            if not replaced.withdrawn:
                withdrawals.setdefault(replaced.id, e.reason or f"由检查结果 {e.result_code} 替代")
        values = _values(e)
        if old is None:
            new_rows.append((e.uscc, e.item_code, e.result_code, *values.values()))
            continue
        after = stored_text((*values.values(), None, None, None))  # as it will stand, in history text
        changed = [(f, old.text[f], after[f]) for f in TRACKED if old.text[f] != after[f]]
        changes += [(old.id, f, was, new) for f, was, new in changed]
        if changed:  # (a withdrawn result recorded again stands again)
            updates.append((*values.values(), None, None, None, stamp, old.id))
        else:
            unchanged += 1
    texts = {"withdrawn_at": _text(now), "withdrawn_by": operator}
    for result_id, reason in withdrawals.items():
        changes += [(result_id, f, "", texts.get(f, reason)) for f in WITHDRAWAL]
    constants = {"task_id": task.id, "operator": operator, "recorded_at": stamp, "updated_at": stamp}
    bulk.insert_rows(session, "results", ["uscc", "item_code", "result_code", *FIELDS, "replaces"], new_rows, constants)
    bulk.update_rows(session, "results", [*FIELDS, "replaces", *WITHDRAWAL, "updated_at"], updates)
    withdrawn = [(stamp, operator, reason, stamp, result_id) for result_id, reason in withdrawals.items()]
    bulk.update_rows(session, "results", [*WITHDRAWAL, "updated_at"], withdrawn)
    change_columns = ["result_id", "field", "old_value", "new_value"]
    trail = {"source": source, "operator": operator, "changed_at": stamp}
    bulk.insert_rows(session, "result_changes", change_columns, changes, trail)
    drawn, done = lifecycle.results_recorded(session, task)
    inserted, updated = len(new_rows), len(updates)
    return RecordResult(task.code, task.status, inserted, updated, unchanged, drawn, done, len(withdrawals))


@dataclass(frozen=True)
class Withdrawal:
    """What ``results withdraw`` did."""

    task: str
    uscc: str
    item: str
    result_code: str
    reason: str
    withdrawn_by: str
    withdrawn_at: str
    status: str
    drawn: int
    with_results: int


def withdraw(
    session: Session, task: Task, uscc: str, code: str, reason: str, item: str = "", now: dt.datetime | None = None
) -> Withdrawal:
    """Withdraw one stored result (who, when, why kept); the task's state follows what still stands."""
    uscc, code, item, reason = normalise(uscc), normalise(code), normalise(item), reason.strip()
    items = spec_of(task).items
    item = item or (items[0] if len(items) == 1 else "")
    if not reason:
        raise UsageError("--reason 不能为空：请写明撤回原因（如 “误录，应为 E”）")
    results = stored_results(session, task)
    old = results.get((uscc, item, code))
    if old is None:
        have = sorted(f"{c}（事项 {i}）" if i else c for u, i, c in results if u == uscc)
        where = f"事项 {item} 的" if item else ""
        listed = f"（现有：{'、'.join(have)}）" if have else "（该对象还没有任何检查结果）"
        raise InputMissingError(f"任务 {task.code} 中对象 {uscc} 没有{where}检查结果 {code}，无法撤回{listed}")
    if old.withdrawn:
        t = old.text
        raise StateError(
            f"任务 {task.code} 中对象 {uscc} 的检查结果 {code} 已于 {t['withdrawn_at']} 由 {t['withdrawn_by']} 撤回"
            f"（{t['withdrawn_reason']}）"
        )
    entry = ResultEntry(
        uscc=uscc, result_code=code, checked_on=task.window_start, method="", inspectors=(), item_code=item,
        withdraw=True, reason=reason,
    )  # fmt: skip
    now = (now or clock.now()).replace(microsecond=0)
    done = write(session, task, [Placed(entry)], "命令行撤回", now)
    return Withdrawal(
        task.code, uscc, item, code, reason, clock.operator(), _text(now), done.status, done.drawn, done.with_results
    )


def stored_text(values: Sequence[Any]) -> dict[str, str]:
    """Stored tracked fields (``TRACKED`` order) as history text, as ``_text`` gives them (SQLite keeps the
    flag as 0/1, a date and a time as ISO text; PostgreSQL gives bool, date and datetime). Unrolled:
    it runs once per stored result of a task on every write (50,000 at a time)."""
    method, checked_on, inspectors, findings, action, done, remarks, replaces, at, by, reason = values
    if at is not None:
        at = _text(dt.datetime.fromisoformat(at) if isinstance(at, str) else at)
    return {
        "method": method,
        "checked_on": checked_on if isinstance(checked_on, str) else checked_on.isoformat(),
        "inspectors": inspectors,
        "findings": findings,
        "action": action,
        "action_done": "是" if done else "否",
        "remarks": remarks,
        "replaces": replaces or "",
        "withdrawn_at": at or "",
        "withdrawn_by": by or "",
        "withdrawn_reason": reason or "",
    }


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
        "replaces": e.replaces or None,
    }


def _text(value: object) -> str:
    """A stored or new value as the history keeps it (SQLite gives 0/1 and ISO text, PostgreSQL bool and
    date; a time to the second; nothing as "")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
